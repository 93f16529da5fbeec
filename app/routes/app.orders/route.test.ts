import { afterAll, describe, expect, it } from "vitest";
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel, uniqueShopDomain } from "../../../test/factories";
import { ORDERS_PAGE } from "./orders.server";
import { action, type OrdersActionResult, loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Refusal = { data: { errors: Record<string, string> }; init: { status: number } };
type Answer = { data: OrdersActionResult; init: { status: number } | null };

const page = async (domain: string, query = "") => loader(args(await adminRequest(domain, `/app/orders${query}`)));
const refusal = async (domain: string, query: string) => (await page(domain, query).catch((thrown: unknown) => thrown)) as Refusal;
const retry = async (domain: string, orderId: string) =>
  (await action(args(await adminRequest(domain, "/app/orders", { form: { intent: "retry", orderId } })))) as unknown as Answer;

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

/** A shop with the seeded eBay order (waiting, on a Shopify order) and one Amazon order in every other state, each older than the last. */
async function shopWithOrders() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const { shop, channels } = seeded;
  const order = (
    externalOrderId: string,
    age: number,
    data: Partial<Prisma.ChannelOrderUncheckedCreateInput>,
    lines = [{ quantity: 1, cancelledQuantity: 0 }],
  ) =>
    prisma.channelOrder.create({
      data: {
        shopId: shop.id,
        channelId: channels.amazon.id,
        externalOrderId,
        status: "Unshipped",
        orderedAt: minutesAgo(age),
        ...data,
        lines: { create: lines.map((l, i) => ({ shopId: shop.id, channelSku: `SKU-${i}`, ...l })) },
      },
    });
  const orders = {
    written: await order("111-WRITTEN", 10, { writeback: "WRITTEN", writtenBackAt: new Date(), writebackAttempts: 1 }),
    failed: await order("111-FAILED", 20, {
      writeback: "FAILED",
      writebackAttempts: 3,
      writebackMessage: "KET-RED: no saleable location stocks it for Amazon US",
    }),
    marketplace: await order("111-FBA", 30, { writeback: "NOT_NEEDED", fulfilledByMarketplace: true }),
    cancelled: await order("111-CANCELLED", 40, { writeback: "WRITTEN", cancelledAt: new Date() }, [{ quantity: 2, cancelledQuantity: 2 }]),
    partlyCancelled: await order("111-PART", 50, { writeback: "WRITTEN" }, [
      { quantity: 2, cancelledQuantity: 1 },
      { quantity: 1, cancelledQuantity: 0 },
    ]),
    oversold: await order("111-OVERSOLD", 60, { writeback: "WRITTEN", oversold: true, shopifyOrderId: "gid://shopify/Order/7002" }),
  };
  return { ...seeded, orders };
}

describe("the Orders screen", () => {
  it("given orders in every state, when the merchant opens Orders, then each shows its state in words, newest first, linking its Shopify order", async () => {
    const { shop } = await shopWithOrders();
    const { orders, nextCursor } = await page(shop.domain);
    expect(orders.map((o) => o.externalOrderId)).toEqual([
      "12-34567-89012",
      "111-WRITTEN",
      "111-FAILED",
      "111-FBA",
      "111-CANCELLED",
      "111-PART",
      "111-OVERSOLD",
    ]);
    const shown = Object.fromEntries(orders.map((o) => [o.externalOrderId, [o.state.words, ...o.state.marks.map((m) => m.words)]]));
    expect(shown).toEqual({
      "12-34567-89012": ["Waiting"],
      "111-WRITTEN": ["Taken off Shopify"],
      "111-FAILED": ["Failed: KET-RED: no saleable location stocks it for Amazon US (3 attempts)"],
      "111-FBA": ["Shipped by the marketplace"],
      "111-CANCELLED": ["Cancelled"],
      "111-PART": ["Taken off Shopify", "1 of 3 cancelled"],
      "111-OVERSOLD": ["Taken off Shopify", "Oversold"],
    });
    // Only a failed write-back offers the retry.
    expect(orders.filter((o) => o.state.retryable).map((o) => o.externalOrderId)).toEqual(["111-FAILED"]);
    expect(orders.find((o) => o.externalOrderId === "12-34567-89012")).toMatchObject({
      channelName: "eBay US",
      items: "1 × KET-RED",
      shopifyOrderUrl: "shopify:admin/orders/5001",
    });
    expect(orders.find((o) => o.externalOrderId === "111-OVERSOLD")!.shopifyOrderUrl).toBe("shopify:admin/orders/7002");
    expect(orders.find((o) => o.externalOrderId === "111-WRITTEN")!.shopifyOrderUrl).toBeNull();
    expect(nextCursor).toBeNull();
  });

  it("given orders on two channels in several states, when the merchant filters by channel or state, then only those orders show", async () => {
    const { shop, channels } = await shopWithOrders();
    const ids = async (query: string) => (await page(shop.domain, query)).orders.map((o) => o.externalOrderId);
    expect(await ids(`?channelId=${channels.ebay.id}`)).toEqual(["12-34567-89012"]);
    expect(await ids(`?channelId=${channels.amazon.id}&state=waiting`)).toEqual([]);
    expect(await ids("?state=waiting")).toEqual(["12-34567-89012"]);
    expect(await ids("?state=written")).toEqual(["111-WRITTEN", "111-PART", "111-OVERSOLD"]);
    expect(await ids("?state=failed")).toEqual(["111-FAILED"]);
    expect(await ids("?state=marketplace")).toEqual(["111-FBA"]);
    expect(await ids("?state=cancelled")).toEqual(["111-CANCELLED", "111-PART"]);
    expect(await ids("?state=oversold")).toEqual(["111-OVERSOLD"]);
    expect((await page(shop.domain, "?state=")).orders).toHaveLength(7);
  });

  it("given two shops with orders, when one opens Orders, then the other's orders never show, even through its channel or a cursor", async () => {
    const mine = await shopWithOrders();
    const theirs = await shopWithOrders();
    const { orders } = await page(mine.shop.domain);
    expect(orders.map((o) => o.id).sort()).toEqual([mine.order.id, ...Object.values(mine.orders).map((o) => o.id)].sort());
    expect(await prisma.channelOrder.count({ where: { shopId: theirs.shop.id } })).toBe(7);
    expect((await refusal(mine.shop.domain, `?channelId=${theirs.channels.amazon.id}`)).init.status).toBe(400);
    expect((await page(mine.shop.domain, `?after=${theirs.orders.written.id}`)).orders).toEqual([]);
  });

  it("given a filter value it does not know, when the merchant asks for it, then it is refused naming the field", async () => {
    const { shop } = await shopWithOrders();
    const state = await refusal(shop.domain, "?state=LOST");
    expect(state.init.status).toBe(400);
    expect(state.data.errors.state).toMatch(/^State must be taken off Shopify \(written\), waiting, failed/);
    const channel = await refusal(shop.domain, "?channelId=no-such-channel");
    expect(channel.init.status).toBe(400);
    expect(channel.data.errors.channelId).toBe("Channel must be one of this shop's channels");
  });

  it("given more than two pages of orders, when the merchant pages on, then every order shows once, 50 a page, newest first", async () => {
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    await prisma.channelOrder.createMany({
      data: Array.from({ length: 2 * ORDERS_PAGE + 4 }, (_, i) => ({
        shopId: shop.id,
        channelId: channels.amazon.id,
        externalOrderId: `BULK-${i}`,
        status: "Unshipped",
        // Pairs share a time, so the page boundary falls between orders of the same minute.
        orderedAt: minutesAgo(10 + Math.floor(i / 2)),
      })),
    });
    const seen: string[] = [];
    const sizes: number[] = [];
    const times: string[] = [];
    let cursor: string | null = null;
    do {
      const result: Awaited<ReturnType<typeof page>> = await page(shop.domain, cursor ? `?after=${cursor}` : "");
      sizes.push(result.orders.length);
      seen.push(...result.orders.map((o) => o.id));
      times.push(...result.orders.map((o) => o.orderedAt));
      cursor = result.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([ORDERS_PAGE, ORDERS_PAGE, 5]);
    expect(new Set(seen).size).toBe(2 * ORDERS_PAGE + 5);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("given a shop with no marketplace orders, when the merchant opens Orders, then the list is empty", async () => {
    const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain(), name: "New Goods" } });
    await installShopSession(prisma, shop.domain);
    expect(await page(shop.domain)).toEqual({ channels: [], orders: [], nextCursor: null });
  });
});

describe("retrying a failed write-back from Orders", () => {
  it("given a failed order whose SKU Anchorline does not manage, when the merchant retries, then it is written back and the retry recorded", async () => {
    const { shop, orders } = await shopWithOrders();
    // Its line has no listing: nothing to send to Shopify, so the write-back succeeds at once.
    const answer = await retry(shop.domain, orders.failed.id);
    expect(answer.data).toMatchObject({ ok: true, intent: "retry", message: "Written back to Shopify" });
    const stored = await prisma.channelOrder.findUniqueOrThrow({ where: { id: orders.failed.id } });
    expect([stored.writeback, stored.writebackAttempts, stored.writebackMessage]).toEqual(["WRITTEN", 4, null]);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "order.writeback_retried", subjectId: orders.failed.id } })).toBe(1);
    const shown = (await page(shop.domain)).orders.find((o) => o.id === orders.failed.id)!;
    expect([shown.state.words, shown.state.retryable]).toEqual(["Taken off Shopify", false]);
  });

  it("given another shop's failed order, when the merchant retries it, then the answer is 404 and nothing changes; an empty order is refused naming the field", async () => {
    const mine = await shopWithOrders();
    const theirs = await shopWithOrders();
    const foreign = await retry(mine.shop.domain, theirs.orders.failed.id);
    expect([foreign.init?.status, foreign.data.errors.form]).toEqual([404, "Order not found"]);
    expect((await prisma.channelOrder.findUniqueOrThrow({ where: { id: theirs.orders.failed.id } })).writeback).toBe("FAILED");
    const blank = await retry(mine.shop.domain, " ");
    expect([blank.init?.status, blank.data.errors.orderId]).toEqual([400, "Which order?"]);
    const unknown = (await action(
      args(await adminRequest(mine.shop.domain, "/app/orders", { form: { intent: "delete", orderId: mine.orders.failed.id } })),
    )) as unknown as Answer;
    expect([unknown.init?.status, unknown.data.errors.intent]).toEqual([400, "Unknown action"]);
  });
});
