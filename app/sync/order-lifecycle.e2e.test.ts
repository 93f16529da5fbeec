import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connector, ImportedOrder } from "~/channels/connector";
import { closeSharedRevisionRedis } from "~/channels/ebay";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { startWebhookEndpoint } from "../../test/app-webhook-server";
import { startMarketplaceRig, type LinkedVariant, type MarketplaceRig } from "../../test/marketplaces";
import { WRITEBACK_RETRY_DELAYS_MS } from "./order-writeback.server";
import { importChannelOrders, retryOrderWriteback } from "./orders.server";

// An order's life after its sale, written back to the Shopify simulator (its Admin API, with
// compare-and-set and idempotency keys): cancellations after the import, kits, orders the
// marketplace ships itself, and write-backs that fail. The marketplace's answers are scripted
// here (each marketplace's own reading of cancellations is tested beside its connector), so each
// story says exactly what the marketplace reported and when.

let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;
let rig: MarketplaceRig;

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  rig = await startMarketplaceRig({ prisma, catalog: { products: 4, variantsPerProduct: 1, locations: 1 }, webhookUrl: endpoint.url, initialFromAnchor: true });
  await rig.linkAll();
}, 120_000);

afterAll(async () => {
  await rig?.stop();
  await queues().close();
  await closeSharedRevisionRedis();
  await endpoint?.close();
});

function shopifyAvailable(variant: LinkedVariant): number {
  const [location] = rig.shopify.store.shop(rig.domain).locations;
  return rig.shopify.store.getLevel(rig.domain, variant.itemShopifyId, location.id)?.available ?? 0;
}

/** Amazon as the order import sees it: these orders, as the marketplace reports them now. */
function amazonReporting(...orders: ImportedOrder[]) {
  return { connectorFor: () => ({ kind: "amazon", fetchOrders: async () => ({ orders, cursor: "scripted" }) }) as unknown as Connector };
}

const anOrder = (id: string, sku: string, quantity: number, more: Partial<ImportedOrder> = {}): ImportedOrder => ({
  externalOrderId: id,
  status: "UNSHIPPED",
  orderedAt: new Date(),
  lines: [{ channelSku: sku, quantity }],
  ...more,
});

describe("an order's life after its sale", () => {
  it("given an order of 3 written back, when the buyer cancels 1 unit and later the whole order, then Shopify gets 1 back and then 2 more, once each however often the order is read; its sales tax, stated only on the second read, is kept from then on", async () => {
    const variant = rig.variants[0];
    const sku = variant.channelSku.amazon;
    const before = shopifyAvailable(variant);
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("CANCEL-1", sku, 3)));
    expect(shopifyAvailable(variant)).toBe(before - 3);

    // The first read stated no tax (an order awaiting payment may carry none yet); this one does.
    const partly = anOrder("CANCEL-1", sku, 3, {
      lines: [{ channelSku: sku, quantity: 3, cancelledQuantity: 1, taxCents: 654, taxCollectedByMarketplace: true }],
    });
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(partly));
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(partly));
    expect(shopifyAvailable(variant)).toBe(before - 2);

    const whole = anOrder("CANCEL-1", sku, 3, {
      cancelled: true,
      status: "CANCELLED",
      lines: [{ channelSku: sku, quantity: 3, taxCents: 1, taxCollectedByMarketplace: false }],
    });
    const first = await importChannelOrders(rig.channels.amazon.id, amazonReporting(whole));
    const replay = await importChannelOrders(rig.channels.amazon.id, amazonReporting(whole));
    expect(shopifyAvailable(variant)).toBe(before);
    expect([first.imported, replay.duplicates]).toEqual([1, 1]);

    const order = await prisma.channelOrder.findFirstOrThrow({
      where: { channelId: rig.channels.amazon.id, externalOrderId: "CANCEL-1" },
      include: { lines: true },
    });
    expect([order.writeback, order.cancelledAt !== null, order.lines.map((l) => [l.cancelledQuantity, l.takenQuantity])]).toEqual(["WRITTEN", true, [[3, 0]]]);
    expect(order.lines.map((l) => [l.taxCents, l.taxCollectedByMarketplace])).toEqual([[654, true]]);
    // One adjustment per cause: the sale, 1 cancelled, all 3 cancelled.
    const adjustments = await prisma.inventoryAdjustment.findMany({
      where: { shopId: rig.shopId, sourceKey: { startsWith: `channel-order-line:${order.lines[0].id}` } },
      orderBy: { createdAt: "asc" },
    });
    expect(adjustments.map((a) => [a.delta, a.state])).toEqual([
      [-3, "APPLIED"],
      [1, "APPLIED"],
      [2, "APPLIED"],
    ]);
  });

  it("given a sale of 2 shipped and 1 unit returned, then Shopify gets it back when the channel restocks returns on receipt, once; and not at all on a channel set to never restock", async () => {
    const variant = rig.variants[0];
    const sku = variant.channelSku.amazon;
    const before = shopifyAvailable(variant);
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("RETURN-1", sku, 2)));
    const returned = anOrder("RETURN-1", sku, 2, { status: "SHIPPED", lines: [{ channelSku: sku, quantity: 2, returnedQuantity: 1, refundedQuantity: 1 }] });
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(returned));
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(returned));
    expect(shopifyAvailable(variant)).toBe(before - 1);

    await prisma.channel.update({ where: { id: rig.channels.amazon.id }, data: { returnsRestock: "NEVER" } });
    try {
      await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("RETURN-2", sku, 2)));
      await importChannelOrders(
        rig.channels.amazon.id,
        amazonReporting(
          anOrder("RETURN-2", sku, 2, { status: "SHIPPED", lines: [{ channelSku: sku, quantity: 2, returnedQuantity: 2, refundedQuantity: 2 }] }),
        ),
      );
      expect(shopifyAvailable(variant)).toBe(before - 3);
    } finally {
      await prisma.channel.update({ where: { id: rig.channels.amazon.id }, data: { returnsRestock: "ON_RETURN_RECEIVED" } });
    }
  });

  it("given a sale of a SKU no listing links, when imported, then the order is recorded, nothing is taken off Shopify for it, and the merchant is told once for that SKU, naming an order", async () => {
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("UNLINKED-1", "NOT-LINKED-SKU", 1), anOrder("UNLINKED-2", "NOT-LINKED-SKU", 2)));
    const alerts = await prisma.alert.findMany({ where: { shopId: rig.shopId, kind: "UNLINKED_SKU" } });
    // One alert for the SKU; the orders are recorded side by side, so it names whichever came first.
    expect(alerts.map((a) => a.dedupeKey)).toEqual([`unlinked-sku:${rig.channels.amazon.id}:NOT-LINKED-SKU`]);
    expect(["UNLINKED-1", "UNLINKED-2"]).toContain((alerts[0].facts as { order: string }).order);
    const orders = await prisma.channelOrder.findMany({ where: { channelId: rig.channels.amazon.id, externalOrderId: { startsWith: "UNLINKED-" } } });
    expect(orders.map((o) => o.writeback)).toEqual(["WRITTEN", "WRITTEN"]);
  });

  it("given an order cancelled before Anchorline read it, when imported, then Shopify is not touched: nothing was taken, so nothing comes back", async () => {
    const variant = rig.variants[1];
    const before = shopifyAvailable(variant);
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("CANCEL-EARLY", variant.channelSku.amazon, 2, { cancelled: true })));
    expect(shopifyAvailable(variant)).toBe(before);
  });

  it("given an order Amazon ships from its own warehouse (FBA), when imported, then Shopify's stock is untouched and the order says no write-back was needed", async () => {
    const variant = rig.variants[1];
    const before = shopifyAvailable(variant);
    await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("FBA-1", variant.channelSku.amazon, 2, { fulfilledByMarketplace: true })));
    expect(shopifyAvailable(variant)).toBe(before);
    const order = await prisma.channelOrder.findFirstOrThrow({ where: { channelId: rig.channels.amazon.id, externalOrderId: "FBA-1" } });
    expect([order.writeback, order.fulfilledByMarketplace]).toEqual(["NOT_NEEDED", true]);
  });

  it("given a kit of 2 units of a variant listed on Amazon, when 2 kits are sold, then the component's Shopify quantity drops by 4", async () => {
    const component = rig.variants[2];
    const componentId = (await prisma.variant.findFirstOrThrow({ where: { shopId: rig.shopId, shopifyId: component.variantShopifyId } })).id;
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: rig.shopId } });
    const kit = await prisma.variant.create({
      data: { shopId: rig.shopId, productId: product.id, shopifyId: "kit-1", title: "Two-pack", sku: "KIT-2", priceCents: 1000, isBundle: true },
    });
    await prisma.bundleComponent.create({ data: { shopId: rig.shopId, bundleId: kit.id, componentId, unitsPerBundle: 2 } });
    await prisma.listing.create({ data: { shopId: rig.shopId, channelId: rig.channels.amazon.id, variantId: kit.id, channelSku: "AMZ-KIT-2" } });
    const before = shopifyAvailable(component);

    await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("KIT-ORDER", "AMZ-KIT-2", 2)));

    expect(shopifyAvailable(component)).toBe(before - 4);
    const order = await prisma.channelOrder.findFirstOrThrow({ where: { channelId: rig.channels.amazon.id, externalOrderId: "KIT-ORDER" } });
    expect(order.writeback).toBe("WRITTEN");
  });

  it("given an order with a negative quantity on one line and a good line beside it, when imported, then nothing of it is applied, it is stored failed with the reason, the merchant is paged, and a replay changes nothing", async () => {
    const variant = rig.variants[1];
    const before = shopifyAvailable(variant);
    const broken = anOrder("BROKEN-1", variant.channelSku.amazon, 1, {
      lines: [
        { channelSku: variant.channelSku.amazon, quantity: 1 },
        { channelSku: "OTHER", quantity: -2 },
      ],
    });
    expect(await importChannelOrders(rig.channels.amazon.id, amazonReporting(broken))).toMatchObject({ imported: 1 });
    expect(await importChannelOrders(rig.channels.amazon.id, amazonReporting(broken))).toMatchObject({ imported: 0, duplicates: 1 });

    expect(shopifyAvailable(variant)).toBe(before);
    const order = await prisma.channelOrder.findFirstOrThrow({
      where: { channelId: rig.channels.amazon.id, externalOrderId: "BROKEN-1" },
      include: { lines: true },
    });
    expect([order.writeback, order.writebackMessage, order.lines]).toEqual([
      "FAILED",
      "Not written back: line 2 (SKU OTHER): quantity -2 is not a positive whole number",
      [],
    ]);
    const alert = await prisma.alert.findFirstOrThrow({ where: { shopId: rig.shopId, dedupeKey: `writeback:${order.id}` } });
    expect([alert.kind, alert.facts]).toEqual(["WRITEBACK_FAILED", expect.objectContaining({ order: "BROKEN-1", reason: order.writebackMessage })]);
    // Retrying cannot mend what the marketplace sent: nothing is offered, and a retry does nothing.
    expect(alert.facts).not.toHaveProperty("orderId");
    expect(await retryOrderWriteback(order.id)).toBeNull();
    expect((await prisma.channelOrder.findUniqueOrThrow({ where: { id: order.id } })).writeback).toBe("FAILED");
  });

  it("given no saleable location for the sold variant, when the order is imported, then the write-back fails with its reason and a retry is queued; once fixed, the retry writes it; when retries are spent, the merchant is paged", async () => {
    const variant = rig.variants[3];
    const before = shopifyAvailable(variant);
    const locations = await prisma.location.findMany({ where: { shopId: rig.shopId } });
    await prisma.location.updateMany({ where: { shopId: rig.shopId }, data: { saleable: false } });
    try {
      await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("FAIL-1", variant.channelSku.amazon, 1)));
      let order = await prisma.channelOrder.findFirstOrThrow({ where: { channelId: rig.channels.amazon.id, externalOrderId: "FAIL-1" } });
      expect([order.writeback, order.writebackAttempts, order.writebackMessage]).toEqual(["FAILED", 1, expect.stringContaining("no saleable location")]);
      const retry = await queues()["order-import"].getJob(`writeback-retry-${order.id}-1`);
      expect([retry?.data.retryOrderId, retry?.opts.delay]).toEqual([order.id, WRITEBACK_RETRY_DELAYS_MS[0]]);
      // The next poll reads the same order again: a duplicate, not a second write-back beside the retry.
      expect(await importChannelOrders(rig.channels.amazon.id, amazonReporting(anOrder("FAIL-1", variant.channelSku.amazon, 1)))).toMatchObject({
        duplicates: 1,
      });

      // Every retry fails while nothing is saleable: after the last one, the merchant is paged.
      for (let i = 0; i < WRITEBACK_RETRY_DELAYS_MS.length; i++) await retryOrderWriteback(order.id);
      order = await prisma.channelOrder.findFirstOrThrow({ where: { id: order.id } });
      const alert = await prisma.alert.findFirstOrThrow({ where: { shopId: rig.shopId, kind: "WRITEBACK_FAILED", dedupeKey: `writeback:${order.id}` } });
      expect([order.writebackAttempts, alert.state, alert.facts]).toEqual([
        WRITEBACK_RETRY_DELAYS_MS.length + 1,
        "OPEN",
        expect.objectContaining({ order: "FAIL-1", skus: [variant.channelSku.amazon], reason: expect.stringContaining("no saleable location") }),
      ]);
      expect(shopifyAvailable(variant)).toBe(before);
    } finally {
      for (const location of locations) await prisma.location.update({ where: { id: location.id }, data: { saleable: location.saleable } });
    }

    // The merchant fixed the location and retries from the alert: written once, the alert resolved.
    const order = await prisma.channelOrder.findFirstOrThrow({ where: { channelId: rig.channels.amazon.id, externalOrderId: "FAIL-1" } });
    expect(await retryOrderWriteback(order.id)).toMatchObject({ state: "WRITTEN" });
    expect(await retryOrderWriteback(order.id)).toBeNull();
    expect(shopifyAvailable(variant)).toBe(before - 1);
    // Resolved alerts keep their key with a suffix, so the same problem later pages anew.
    const resolved = await prisma.alert.findFirstOrThrow({
      where: { shopId: rig.shopId, kind: "WRITEBACK_FAILED", dedupeKey: { startsWith: `writeback:${order.id}|` } },
    });
    expect(resolved.state).toBe("RESOLVED");
  });
});
