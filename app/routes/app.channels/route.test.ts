import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { openCredentials, sealCredentials } from "~/lib/secrets.server";
import { orderImportSchedulerId, queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { receiveMarketplaceNotification, subscribeChannelNotifications, unsubscribeChannelNotifications } from "~/channels/notifications.server";
import { startWalmartSimulator, type WalmartSimulator } from "../../../simulators/walmart/server";
import { action, loader } from "./route";

// Connecting tries the credentials against the marketplace: new Walmart accounts go to the
// simulator (ANCHORLINE_MARKETPLACE_ENDPOINTS), which knows the client "wm-client".
let walmart: WalmartSimulator;
const APP_URL = "https://anchorline.test";

beforeAll(async () => {
  walmart = await startWalmartSimulator({ accounts: [{ clientId: "wm-client", clientSecret: "wm-very-secret", listings: [] }] });
  process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS = JSON.stringify({ WALMART: { api: walmart.url, auth: walmart.url } });
});

afterAll(async () => {
  delete process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS;
  await walmart?.stop();
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
    // and its existing listings are read and linked by a job (listing discovery)
    expect(waiting.filter((j) => j.name === "discover-listings" && j.data.channelId === stored.id).map((j) => j.data)).toEqual([
      { channelId: stored.id, discoverListings: true },
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
    const { shop, channels } = await shopInSession();
    const amazon = channels.amazon;
    // Connected as the screen leaves an account: its credentials sealed.
    await prisma.channel.update({
      where: { id: amazon.id },
      data: { credentialsCiphertext: sealCredentials({ clientId: "amzn-client", clientSecret: "amzn-secret", refreshToken: "Atzr|notify" }, shop.id) },
    });

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

  it("erases the credentials on disconnect, and no longer takes the account's order notifications as in place", async () => {
    const { shop, channels } = await shopInSession();
    await prisma.channel.update({ where: { id: channels.amazon.id }, data: { credentialsCiphertext: "v1:whatever", orderNotificationsAt: new Date() } });
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "disconnect", channelId: channels.amazon.id } })));
    const after = await prisma.channel.findUniqueOrThrow({ where: { id: channels.amazon.id } });
    expect([after.status, after.credentialsCiphertext, after.orderNotificationsAt]).toEqual(["DISCONNECTED", null, null]);
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

  it("given the drift setting, when the merchant chooses to be alerted only, then it is saved, shown and recorded; an unknown choice is refused naming the field", async () => {
    const { shop, channels } = await shopInSession();
    const shown = async () =>
      (
        (await loader(args(await adminRequest(shop.domain, "/app/channels")))) as {
          channels: { id: string; repairQuantityDrift: boolean; driftReadAt: Date | null }[];
        }
      ).channels.find((c) => c.id === channels.ebay.id);
    expect(await shown()).toMatchObject({ repairQuantityDrift: true, driftReadAt: null });

    const saved = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "drift", channelId: channels.ebay.id, repairQuantityDrift: "alert-only" } })),
    )) as unknown as Answer & { data: { message?: string } };
    expect(saved.data).toMatchObject({ ok: true, message: "Drift setting saved" });
    expect(await shown()).toMatchObject({ repairQuantityDrift: false });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "channel.drift", subjectId: channels.ebay.id } })).toBe(1);

    const refused = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "drift", channelId: channels.ebay.id, repairQuantityDrift: "sometimes" } })),
    )) as unknown as Answer;
    expect([refused.init.status, refused.data.errors.repairQuantityDrift]).toEqual([400, "Choose whether a drifting quantity is pushed again or only alerted"]);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } })).repairQuantityDrift).toBe(false);
  });

  it("given the playbook's drift threshold of 5, when the merchant sets 12, then it is saved beside the shop's other settings, shown and recorded; a negative, fractional or blank threshold is refused naming the field and nothing changes", async () => {
    const { shop } = await shopInSession();
    await prisma.shop.update({ where: { id: shop.id }, data: { settings: { alerts: { latencyMinutes: 45 }, velocity: { windowDays: 14 } } } });
    const shown = async () => ((await loader(args(await adminRequest(shop.domain, "/app/channels")))) as { driftUnits: number }).driftUnits;
    expect(await shown()).toBe(5);
    const post = async (driftUnits: string) =>
      (await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "driftThreshold", driftUnits } })))) as unknown as Answer & {
        data: { message?: string };
      };

    expect((await post("12")).data).toMatchObject({ ok: true, message: "Drift threshold saved" });
    expect(await shown()).toBe(12);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({
      alerts: { latencyMinutes: 45, driftUnits: 12 },
      velocity: { windowDays: 14 },
    });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "shop.drift_threshold" } })).toBe(1);

    for (const [input, message] of [
      ["-1", "Drift threshold must be between 0 and"],
      ["2.5", "Drift threshold must be a whole number"],
      ["", "Drift threshold must be a number"],
      ["five", "Drift threshold must be a number"],
    ] as const) {
      const refused = await post(input);
      expect(refused.init.status).toBe(400);
      expect(refused.data.errors.driftUnits).toContain(message);
    }
    expect(await shown()).toBe(12);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "shop.drift_threshold" } })).toBe(1);
  });

  it("given a channel's price drift (off by default) and suspended listings' units (kept by default), when the merchant turns both on, then they are saved, shown and recorded; unknown choices are refused naming their field", async () => {
    const { shop, channels } = await shopInSession();
    const shown = async () =>
      (
        (await loader(args(await adminRequest(shop.domain, "/app/channels")))) as {
          channels: { id: string; repairPriceDrift: boolean; offerSuspendedUnits: boolean }[];
        }
      ).channels.find((c) => c.id === channels.amazon.id);
    expect(await shown()).toMatchObject({ repairPriceDrift: false, offerSuspendedUnits: false });
    const post = async (form: Record<string, string>) =>
      (await action(args(await adminRequest(shop.domain, "/app/channels", { form: { channelId: channels.amazon.id, ...form } })))) as unknown as Answer & {
        data: { message?: string };
      };

    expect((await post({ intent: "priceDrift", repairPriceDrift: "repair" })).data).toMatchObject({ ok: true, message: "Drift setting saved" });
    expect((await post({ intent: "suspendedUnits", offerSuspendedUnits: "offer" })).data).toMatchObject({
      ok: true,
      message: "Suspended listings setting saved",
    });
    expect(await shown()).toMatchObject({ repairPriceDrift: true, offerSuspendedUnits: true });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: { in: ["channel.priceDrift", "channel.suspendedUnits"] } } })).toBe(2);

    const price = await post({ intent: "priceDrift", repairPriceDrift: "always" });
    const units = await post({ intent: "suspendedUnits", offerSuspendedUnits: "" });
    expect([price.init.status, price.data.errors.repairPriceDrift]).toEqual([400, "Choose whether a drifting price is pushed again or only alerted"]);
    expect([units.init.status, units.data.errors.offerSuspendedUnits]).toEqual([
      400,
      "Choose whether a suspended listing's units are offered to the other channels",
    ]);
    expect(await shown()).toMatchObject({ repairPriceDrift: true, offerSuspendedUnits: true });
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

  const walmartForm = (secret: string) => ({
    intent: "connect",
    kind: "WALMART",
    name: "Walmart US",
    accountId: "10001",
    "credentials.clientId": "wm-client",
    "credentials.clientSecret": secret,
  });

  it("given credentials Walmart refuses, when the merchant connects, then nothing is stored and the message names Walmart and the reason in words", async () => {
    const { shop } = await shopInSession();
    const answer = (await action(args(await adminRequest(shop.domain, "/app/channels", { form: walmartForm("not-the-secret") })))) as unknown as Answer & {
      data: { message: string };
    };
    expect(answer.init.status).toBe(422);
    expect(answer.data).toMatchObject({
      ok: false,
      message: "Walmart refused these credentials: check them in Walmart's seller account and enter them again.",
    });
    expect(answer.data.message).not.toMatch(/\d{3}|at /);
    expect(await prisma.channel.count({ where: { shopId: shop.id, kind: "WALMART" } })).toBe(0);
  });

  it("given a connected Walmart account with a linked listing and its PO_CREATED subscription, when the merchant disconnects, then pushes and polling stop, the subscription is removed by a job, and the link stays", async () => {
    const { shop, variant } = await shopInSession();
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: walmartForm("wm-very-secret") })));
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "WALMART" } });
    expect(channel.status).toBe("CONNECTED");
    await subscribeChannelNotifications(channel.id, { appUrl: APP_URL });
    expect(walmart.subscriptions("wm-client")).toHaveLength(1);
    const listing = await prisma.listing.create({ data: { shopId: shop.id, channelId: channel.id, variantId: variant.id, channelSku: "WM-KET" } });

    const answer = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "disconnect", channelId: channel.id } })),
    )) as unknown as Answer;

    expect(answer.data).toMatchObject({ ok: true });
    expect(await queues()["order-import"].getJobScheduler(orderImportSchedulerId(channel.id))).toBeFalsy();
    const jobs = (await queues()["order-import"].getJobs(["waiting", "prioritized", "delayed"])).filter(
      (j) => j.name === "unsubscribe-notifications" && j.data.channelId === channel.id,
    );
    expect(jobs.map((j) => j.data)).toEqual([{ channelId: channel.id, unsubscribeNotifications: true }]);
    // The job, as the worker runs it: the subscription goes, and the credentials kept for it with it.
    expect(await unsubscribeChannelNotifications(channel.id, { appUrl: APP_URL })).toEqual({ unsubscribed: true });
    expect(walmart.subscriptions("wm-client")).toEqual([]);
    const after = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect([after.status, after.credentialsCiphertext]).toEqual(["DISCONNECTED", null]);
    expect(await prisma.listing.findUnique({ where: { id: listing.id } })).toMatchObject({ channelId: channel.id, channelSku: "WM-KET" });
  });

  it("given a disconnected Walmart account, when the merchant reconnects it with its credentials, then it is connected again with its listings and polled again; wrong ones leave it disconnected", async () => {
    const { shop, variant } = await shopInSession();
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: walmartForm("wm-very-secret") })));
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "WALMART" } });
    await prisma.listing.create({ data: { shopId: shop.id, channelId: channel.id, variantId: variant.id, channelSku: "WM-KET" } });
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "disconnect", channelId: channel.id } })));

    const refused = (await action(
      args(
        await adminRequest(shop.domain, "/app/channels", {
          form: { intent: "reconnect", channelId: channel.id, "credentials.clientId": "wm-client", "credentials.clientSecret": "wrong" },
        }),
      ),
    )) as unknown as Answer & { data: { message: string } };
    expect(refused.data.message).toMatch(/^Walmart refused these credentials/);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).status).toBe("DISCONNECTED");

    const answer = (await action(
      args(
        await adminRequest(shop.domain, "/app/channels", {
          form: { intent: "reconnect", channelId: channel.id, "credentials.clientId": "wm-client", "credentials.clientSecret": "wm-very-secret" },
        }),
      ),
    )) as unknown as Answer;
    expect(answer.data).toMatchObject({ ok: true });
    const page = await loader(args(await adminRequest(shop.domain, "/app/channels")));
    expect(page.channels.find((c) => c.id === channel.id)).toMatchObject({ status: "CONNECTED", hasCredentials: true, listings: 1 });
    expect(await queues()["order-import"].getJobScheduler(orderImportSchedulerId(channel.id))).toMatchObject({ every: 60_000 });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "channel.reconnected", subjectId: channel.id } })).toBe(1);
  });

  it("given a connected channel, when the merchant removes it, then it is refused until disconnected; once removed, its listings are gone and its marketplace can be added again", async () => {
    const { shop, channels } = await shopInSession();
    const remove = async () =>
      (await action(
        args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "remove", channelId: channels.amazon.id } })),
      )) as unknown as Answer & { data: { message: string } };
    expect([(await remove()).init.status, (await remove()).data.message]).toEqual([409, "Disconnect Amazon US before removing it."]);
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "disconnect", channelId: channels.amazon.id } })));

    const removed = await remove();

    expect(removed.data).toMatchObject({ ok: true, message: "Amazon US removed with its 1 listing" });
    expect(await prisma.channel.findUnique({ where: { id: channels.amazon.id } })).toBeNull();
    expect(await prisma.listing.count({ where: { channelId: channels.amazon.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "channel.removed", subjectId: channels.amazon.id } })).toBe(1);
    // Walmart here, as the simulator answers; any marketplace's kind is free again the same way.
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: walmartForm("wm-very-secret") })));
    await action(
      args(
        await adminRequest(shop.domain, "/app/channels", {
          form: { intent: "disconnect", channelId: (await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "WALMART" } })).id },
        }),
      ),
    );
    const walmartId = (await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "WALMART" } })).id;
    await unsubscribeChannelNotifications(walmartId, { appUrl: APP_URL });
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "remove", channelId: walmartId } })));
    const again = (await action(args(await adminRequest(shop.domain, "/app/channels", { form: walmartForm("wm-very-secret") })))) as unknown as Answer;
    expect(again.data).toMatchObject({ ok: true });
    expect(await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "WALMART" } })).toMatchObject({ status: "CONNECTED" });
  });

  it("given a new Walmart account, when connected, then it is not live and its row says so; once live, a disconnect and a reconnect keep it live", async () => {
    const { shop } = await shopInSession();
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: walmartForm("wm-very-secret") })));
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "WALMART" } });
    expect(channel.liveAt).toBeNull();
    expect((await loader(args(await adminRequest(shop.domain, "/app/channels")))).channels.find((c) => c.id === channel.id)).toMatchObject({ liveAt: null });
    // The shop's accounts connected before (the factory's) were live
    expect(await prisma.channel.count({ where: { shopId: shop.id, liveAt: null } })).toBe(1);

    const wentLive = new Date("2026-12-01T10:00:00Z");
    await prisma.channel.update({ where: { id: channel.id }, data: { liveAt: wentLive } });
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "disconnect", channelId: channel.id } })));
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: walmartForm("wm-very-secret") })));

    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).toMatchObject({ status: "CONNECTED", liveAt: wentLive });
  });

  // Last: the simulator's account stays revoked.
  it("given a connected Walmart account whose credentials were revoked, when the merchant tests the connection, then the message names Walmart and the reason in words", async () => {
    const { shop } = await shopInSession();
    await action(args(await adminRequest(shop.domain, "/app/channels", { form: walmartForm("wm-very-secret") })));
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "WALMART" } });
    walmart.revokeCredentials("wm-client");

    const answer = (await action(
      args(await adminRequest(shop.domain, "/app/channels", { form: { intent: "test", channelId: channel.id } })),
    )) as unknown as Answer & {
      data: { message: string };
    };

    expect(answer.data).toMatchObject({
      ok: false,
      message: "Walmart refused these credentials: check them in Walmart's seller account and enter them again.",
    });
  });
});
