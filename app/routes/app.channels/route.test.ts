import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { openCredentials } from "~/lib/secrets.server";
import { orderImportSchedulerId, queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { receiveMarketplaceNotification } from "~/channels/notifications.server";
import { action, loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Answer = { data: { ok: boolean; errors: Record<string, string> }; init: { status: number } };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

describe("the Channels screen", () => {
  it("connects an account with its credentials sealed, and never sends them to the browser", async () => {
    const { shop } = await shopInSession();
    const form = {
      intent: "connect",
      kind: "WALMART",
      name: "Walmart US",
      accountId: "10001",
      "credentials.clientId": "wm-client",
      "credentials.clientSecret": "wm-very-secret",
    };
    expect(((await action(args(await adminRequest(shop.domain, "/app/channels", { form })))) as unknown as Answer).data).toMatchObject({ ok: true });

    const stored = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "WALMART" } });
    expect(stored.credentialsCiphertext).not.toContain("wm-very-secret");
    expect(openCredentials(stored.credentialsCiphertext!, shop.id)).toEqual({ clientId: "wm-client", clientSecret: "wm-very-secret" });
    // Its orders are polled from now on, on one schedule per account
    expect(await queues()["order-import"].getJobScheduler(orderImportSchedulerId(stored.id))).toMatchObject({ every: 60_000 });
    // and its PO_CREATED notifications are subscribed by a job (Walmart's Notifications API), with no instructions for the merchant
    const waiting = await queues()["order-import"].getJobs(["waiting", "prioritized", "delayed"]);
    expect(waiting.filter((j) => j.name === "subscribe-notifications" && j.data.channelId === stored.id).map((j) => j.data)).toEqual([
      { channelId: stored.id, subscribeNotifications: true },
    ]);

    const page = await loader(args(await adminRequest(shop.domain, "/app/channels")));
    expect(JSON.stringify(page)).not.toContain("wm-very-secret");
    expect(page.channels.find((c) => c.kind === "WALMART")).toMatchObject({
      name: "Walmart US",
      hasCredentials: true,
      status: "CONNECTED",
      orderNotifications: null,
    });
    // Pausing stops the polling
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "pause", channelId: stored.id } })));
    expect(await queues()["order-import"].getJobScheduler(orderImportSchedulerId(stored.id))).toBeFalsy();
  });

  it("shows an Amazon account where its ORDER_CHANGE notifications go, with the key that endpoint accepts; an eBay account, polled, shows none", async () => {
    const { shop } = await shopInSession();
    const form = {
      intent: "connect",
      kind: "AMAZON",
      name: "Amazon CA",
      accountId: "A2NOTIFY",
      region: "A2EUQ1WTGCTBG2",
      "credentials.clientId": "amzn-client",
      "credentials.clientSecret": "amzn-secret",
      "credentials.refreshToken": "Atzr|notify",
    };
    expect(((await action(args(await adminRequest(shop.domain, "/app/channels", { form })))) as unknown as Answer).data).toMatchObject({ ok: true });
    const amazon = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "AMAZON", accountId: "A2NOTIFY" } });

    const page = await loader(args(await adminRequest(shop.domain, "/app/channels")));

    const shown = page.channels.find((c) => c.id === amazon.id)!.orderNotifications!;
    expect(shown.path).toBe(`/notifications/${amazon.id}`);
    expect(
      await receiveMarketplaceNotification({
        channelId: amazon.id,
        headers: new Headers({ [shown.header]: shown.key }),
        readBody: async () => JSON.stringify({ NotificationType: "ANY_OFFER_CHANGED" }),
      }),
    ).toMatchObject({ status: "rejected" });
    expect(
      await receiveMarketplaceNotification({ channelId: amazon.id, headers: new Headers({ [shown.header]: `${shown.key}x` }), readBody: async () => "{}" }),
    ).toEqual({ status: "unauthorized" });
    expect(page.channels.find((c) => c.kind === "EBAY")!.orderNotifications).toBeNull();
  });

  it("refuses a connection without a required credential and names it", async () => {
    const { shop } = await shopInSession();
    const form = { intent: "connect", kind: "AMAZON", name: "Amazon UK", accountId: "A2", "credentials.clientId": "x", "credentials.clientSecret": "y" };
    const answer = (await action(args(await adminRequest(shop.domain, "/app/channels", { form })))) as unknown as Answer;
    expect(answer.init.status).toBe(400);
    expect(answer.data.errors["credentials.refreshToken"]).toBe("Refresh token is required");
    expect(await prisma.channel.count({ where: { shopId: shop.id, accountId: "A2" } })).toBe(0);
  });

  it("pauses and resumes an account, and refuses a priority that is not a whole number", async () => {
    const { shop, channels } = await shopInSession();
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "pause", channelId: channels.ebay.id } })));
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } })).status).toBe("PAUSED");
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "resume", channelId: channels.ebay.id } })));
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } })).status).toBe("CONNECTED");
    const answer = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "priority", channelId: channels.ebay.id, priority: "2.5" } })),
    )) as unknown as Answer;
    expect(answer.data.errors.priority).toBe("Priority must be a whole number");
  });

  it("erases the credentials on disconnect", async () => {
    const { shop, channels } = await shopInSession();
    await prisma.channel.update({ where: { id: channels.amazon.id }, data: { credentialsCiphertext: "v1:whatever" } });
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "disconnect", channelId: channels.amazon.id } })));
    const after = await prisma.channel.findUniqueOrThrow({ where: { id: channels.amazon.id } });
    expect([after.status, after.credentialsCiphertext]).toEqual(["DISCONNECTED", null]);
  });

  it("refuses to touch another shop's channel", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    const answer = (await action(
      args(await adminRequest(mine.shop.domain, "/app/channels", { form: { intent: "pause", channelId: theirs.channels.amazon.id } })),
    )) as unknown as Answer;
    expect(answer.init.status).toBe(404);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: theirs.channels.amazon.id } })).status).toBe("CONNECTED");
  });

  it("given the returns setting, when the merchant chooses to restock on refund, then it is saved, shown and recorded; an unknown choice is refused naming the field", async () => {
    const { shop, channels } = await shopInSession();
    const page = (await loader(args(await adminRequest(shop.domain, "/app/channels")))) as {
      channels: { id: string; returnsRestock: string; returnsNote: string | null }[];
    };
    expect(page.channels.find((c) => c.id === channels.amazon.id)?.returnsRestock).toBe("ON_RETURN_RECEIVED");
    // Each marketplace says what it reports of returns; Amazon and eBay (like all four) report returns received and refunded, so need no note.
    expect([channels.amazon, channels.ebay].map((ch) => page.channels.find((c) => c.id === ch.id)?.returnsNote)).toEqual([null, null]);

    const saved = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "returns", channelId: channels.amazon.id, returnsRestock: "ON_REFUND" } })),
    )) as unknown as Answer;
    expect(saved.data).toMatchObject({ ok: true });
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.amazon.id } })).returnsRestock).toBe("ON_REFUND");
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "channel.returns", subjectId: channels.amazon.id } })).toBe(1);

    const refused = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "returns", channelId: channels.amazon.id, returnsRestock: "SOMETIMES" } })),
    )) as unknown as Answer;
    expect([refused.init.status, refused.data.errors.returnsRestock]).toEqual([400, "Choose when returned units go back into Shopify's stock"]);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.amazon.id } })).returnsRestock).toBe("ON_REFUND");
  });

  it("given a channel on stock only, when the merchant chooses orders in Shopify, then it is saved and shown; an unknown choice is refused naming the field", async () => {
    const { shop, channels } = await shopInSession();
    const saved = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "orders", channelId: channels.ebay.id, ordersInShopify: "orders-in-shopify" } })),
    )) as unknown as Answer;
    expect(saved.data).toMatchObject({ ok: true });
    const page = (await loader(args(await adminRequest(shop.domain, "/app/channels")))) as { channels: { id: string; ordersInShopify: boolean }[] };
    expect(page.channels.find((c) => c.id === channels.ebay.id)?.ordersInShopify).toBe(true);
    const refused = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "orders", channelId: channels.ebay.id, ordersInShopify: "sometimes" } })),
    )) as unknown as Answer;
    expect([refused.init.status, refused.data.errors.ordersInShopify]).toEqual([400, "Choose stock only or orders in Shopify"]);
  });
});
