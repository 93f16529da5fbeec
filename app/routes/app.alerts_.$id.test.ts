import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { raiseParityViolation } from "~/alerts/events.server";
import type { AlertQueue } from "~/alerts/raise.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../test/admin-request";
import { seedShopWithEveryModel } from "../../test/factories";
import { action, loader } from "./app.alerts_.$id";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request, id: string) => ({ request, params: { id }, context: {} });
type Answer = { data: { ok: boolean; errors: Record<string, string>; message?: string }; init: { status: number } | null };

// Delivery is not what these tests are about: the raised alert's job goes nowhere.
const nowhere: AlertQueue = { add: async () => undefined };

async function parityAlert(now = new Date()) {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const { amazon, ebay } = seeded.channels;
  const input = {
    shopId: seeded.shop.id,
    variantId: seeded.variant.id,
    sku: "KET-RED",
    watcher: { id: amazon.id, name: amazon.name },
    watcherPriceCents: 5499,
    watched: { id: ebay.id, name: ebay.name },
    watchedPriceCents: 4999,
    listingId: seeded.listing.id,
    held: true,
  };
  const { alert } = await raiseParityViolation(prisma, input, { now, queue: nowhere });
  return { ...seeded, alert, input };
}

async function post(shopDomain: string, alertId: string, intent: string): Promise<Answer> {
  return (await action(args(await adminRequest(shopDomain, `/app/alerts/${alertId}`, { form: { intent } }), alertId))) as unknown as Answer;
}

describe("an alert's page", () => {
  it("shows the alert with its facts, playbook, respond-by, channel and listing", async () => {
    const raisedAt = new Date(Date.now() - 5 * 3600_000); // its 4 hours are over
    const { shop, alert } = await parityAlert(raisedAt);
    const { alert: shown } = await loader(args(await adminRequest(shop.domain, `/app/alerts/${alert.id}`), alert.id));

    expect(shown).toMatchObject({
      id: alert.id,
      kind: "PARITY_VIOLATION",
      state: "OPEN",
      title: "KET-RED is cheaper on eBay US ($49.99) than on Amazon US ($54.99)",
      channel: "Amazon US",
      listingSku: "KET-RED",
      createdAt: raisedAt.toISOString(),
      respondBy: new Date(raisedAt.getTime() + 4 * 3600_000).toISOString(),
      overdue: true,
      acknowledgedAt: null,
      resolvedAt: null,
    });
    expect(shown.playbook).toMatch(/^Within 4 hours: align the prices/);
    // Labelled as the email and the Slack message label them.
    expect(shown.facts).toEqual(
      expect.arrayContaining([
        { label: "Sku", value: "KET-RED" },
        { label: "Cheaper on", value: "eBay US" },
        { label: "Price on cheaper channel", value: "$49.99" },
        { label: "Push held", value: "yes" },
      ]),
    );
  });

  it("answers 404 for another shop's alert, and for one that does not exist", async () => {
    const theirs = await parityAlert();
    const mine = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, mine.shop.domain);
    for (const id of [theirs.alert.id, "no-such-alert"]) {
      const thrown = (await loader(args(await adminRequest(mine.shop.domain, `/app/alerts/${id}`), id)).catch((e: unknown) => e)) as {
        data: unknown;
        init: { status: number };
      };
      expect(thrown.init.status).toBe(404);
      expect(thrown.data).toBe("Alert not found");
    }
  });

  it("refuses to acknowledge or resolve another shop's alert", async () => {
    const theirs = await parityAlert();
    const mine = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, mine.shop.domain);
    for (const intent of ["acknowledge", "resolve"]) {
      const answer = await post(mine.shop.domain, theirs.alert.id, intent);
      expect(answer.init?.status).toBe(404);
    }
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: theirs.alert.id } })).state).toBe("OPEN");
  });

  it("acknowledges and resolves; once resolved, the same problem raised again is a new alert", async () => {
    const { shop, alert, input } = await parityAlert();

    expect((await post(shop.domain, alert.id, "acknowledge")).data).toMatchObject({ ok: true, message: "Alert acknowledged" });
    const acknowledged = await loader(args(await adminRequest(shop.domain, `/app/alerts/${alert.id}`), alert.id));
    expect(acknowledged.alert.state).toBe("ACKNOWLEDGED");
    expect(acknowledged.alert.acknowledgedAt).not.toBeNull();
    // Acknowledged still holds the dedupe key: raising the same problem pages no one.
    expect((await raiseParityViolation(prisma, input, { queue: nowhere })).created).toBe(false);

    expect((await post(shop.domain, alert.id, "resolve")).data).toMatchObject({ ok: true, message: "Alert resolved" });
    const resolved = await loader(args(await adminRequest(shop.domain, `/app/alerts/${alert.id}`), alert.id));
    expect(resolved.alert.state).toBe("RESOLVED");
    expect(resolved.alert.overdue).toBe(false);
    expect((await post(shop.domain, alert.id, "resolve")).data).toMatchObject({ ok: false, message: "The alert was already resolved" });

    const again = await raiseParityViolation(prisma, input, { queue: nowhere });
    expect(again.created).toBe(true);
    expect(again.alert.id).not.toBe(alert.id);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, subjectId: alert.id, action: { in: ["alert.acknowledged", "alert.resolved"] } } })).toBe(
      2,
    );
  });

  it("refuses an action it does not know", async () => {
    const { shop, alert } = await parityAlert();
    const answer = await post(shop.domain, alert.id, "delete");
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors.intent).toBe("Unknown action");
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).state).toBe("OPEN");
  });
});

describe("retrying a failed write-back from its alert", () => {
  async function failedWriteback() {
    const seeded = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, seeded.shop.domain);
    // A line whose SKU Anchorline does not manage: the retry has nothing to send to Shopify, so
    // the story stays in the route (the write-back itself is proven in app/sync/order-lifecycle.e2e).
    const order = await prisma.channelOrder.create({
      data: {
        shopId: seeded.shop.id,
        channelId: seeded.channels.amazon.id,
        externalOrderId: "113-RETRY",
        status: "UNSHIPPED",
        orderedAt: new Date(),
        writeback: "FAILED",
        writebackAttempts: 5,
        writebackMessage: "KET-RED: no saleable location stocks it for Amazon US",
        lines: { create: [{ shopId: seeded.shop.id, channelSku: "UNKNOWN-SKU", quantity: 1 }] },
      },
    });
    const alert = await prisma.alert.create({
      data: {
        shopId: seeded.shop.id,
        kind: "WRITEBACK_FAILED",
        dedupeKey: `writeback:${order.id}`,
        title: "Order 113-RETRY on Amazon US not taken off Shopify after 5 tries",
        facts: { order: "113-RETRY", orderId: order.id, skus: ["UNKNOWN-SKU"] },
      },
    });
    return { ...seeded, order, alert };
  }

  it("given a failed write-back's alert, the page offers the retry; when the merchant retries, then the order is written back, the alert resolved and the retry recorded with who did it", async () => {
    const { shop, order, alert } = await failedWriteback();
    const page = (await loader(args(await adminRequest(shop.domain, `/app/alerts/${alert.id}`), alert.id))) as { alert: { retryOrderId: string | null } };
    expect(page.alert.retryOrderId).toBe(order.id);

    const answer = (await action(
      args(await adminRequest(shop.domain, `/app/alerts/${alert.id}`, { form: { intent: "retry-writeback", orderId: order.id } }), alert.id),
    )) as unknown as Answer;

    expect(answer.data).toMatchObject({ ok: true, message: "Written back to Shopify" });
    expect((await prisma.channelOrder.findUniqueOrThrow({ where: { id: order.id } })).writeback).toBe("WRITTEN");
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).state).toBe("RESOLVED");
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "order.writeback_retried", subjectId: order.id } })).toBe(1);
  });

  it("refuses a retry without an order (naming the field) and another shop's order (404), changing nothing", async () => {
    const mine = await failedWriteback();
    const theirs = await failedWriteback();
    const blank = (await action(
      args(await adminRequest(mine.shop.domain, `/app/alerts/${mine.alert.id}`, { form: { intent: "retry-writeback", orderId: " " } }), mine.alert.id),
    )) as unknown as Answer;
    expect([blank.init?.status, blank.data.errors.orderId]).toEqual([400, "Which order?"]);
    const foreign = (await action(
      args(
        await adminRequest(mine.shop.domain, `/app/alerts/${mine.alert.id}`, { form: { intent: "retry-writeback", orderId: theirs.order.id } }),
        mine.alert.id,
      ),
    )) as unknown as Answer;
    expect(foreign.init?.status).toBe(404);
    expect((await prisma.channelOrder.findUniqueOrThrow({ where: { id: theirs.order.id } })).writeback).toBe("FAILED");
  });
});
