import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { orderStories } from "../../test/marketplace-orders";
import { eventually, type Marketplace } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";
import { adminClientForShop } from "~/anchor/admin-client.server";
import { createShopifyOrder } from "~/anchor/shopify-orders.server";
import { NotReadyYet } from "~/lib/errors";
import { runOrderImport } from "./jobs.server";
import { ensureShopifyOrder, ORDER_SEARCH_SETTLE_MS } from "./shopify-order.server";

// "Orders in Shopify", end to end through the simulators and the real workers: an Amazon buyer's
// order → the order import → the order created in Shopify (once, however often the import runs,
// with Amazon's prices and the sales tax Amazon collects and remits) → the merchant fulfils it in the Shopify admin → fulfillments/create → the app's webhook route →
// the ship-back job → Amazon's confirmShipment, which shows the package with its tracking number.

// The listings linked before any worker runs.
const setUp = useWorkersRig({ catalog: { products: 2, variantsPerProduct: 1, locations: 1 }, initialFromAnchor: true, startTimeoutMs: 120_000 }, (rig) =>
  rig.linkAll(),
);

describe("marketplace orders in Shopify", () => {
  it("given Amazon set to orders in Shopify, when a Washington buyer's order is imported twice and the merchant fulfils it in Shopify with a tracking number, then Shopify has one order for it at Amazon's price with Amazon's sales tax as a tax line Amazon is liable for, its stock fell once, and Amazon shows the package shipped with that tracking number", async () => {
    await prisma.channel.update({ where: { id: setUp.rig.channels.amazon.id }, data: { ordersInShopify: true } });
    const variant = setUp.rig.variants[0];
    const [location] = setUp.rig.shopify.store.shop(setUp.rig.domain).locations;
    const available = () => setUp.rig.shopify.store.getLevel(setUp.rig.domain, variant.itemShopifyId, location.id)?.available ?? 0;
    const before = available();

    const placed = setUp.rig.amazon.state.placeOrder({ sku: variant.channelSku.amazon, quantity: 2, buyerName: "Ada Buyer", shipToState: "WA" });
    await runOrderImport(setUp.rig.channels.amazon.id);
    await runOrderImport(setUp.rig.channels.amazon.id);

    const createdInShopify = { where: { channelId: setUp.rig.channels.amazon.id, shopifyOrderId: { not: null } } };
    await eventually(async () => (await prisma.channelOrder.count(createdInShopify)) > 0, 20_000, "the order created in Shopify");
    const stored = await prisma.channelOrder.findFirstOrThrow(createdInShopify);
    const inShopify = setUp.rig.shopify.store.shop(setUp.rig.domain).orders.filter((o) => o.tags.includes(`anchorline-${stored.id}`));
    expect(inShopify.map((o) => [o.sourceName, o.lines.map((l) => l.quantity)])).toEqual([["anchorline", [2]]]);
    // Amazon's unit price, and the tax Amazon charged in Washington (6.5%), which it collects and
    // remits as marketplace facilitator: channelLiable, so the merchant's books never owe it.
    const [item] = placed.order.orderItems;
    const taxBreakdown = item.proceeds!.breakdowns!.find((b) => b.type === "TAX")!;
    expect(taxBreakdown.subtotal.amount).not.toBe("0.00");
    const [line] = inShopify[0].lines;
    expect([line.price, line.taxLines]).toEqual([
      item.product.price!.unitPrice.amount,
      [{ title: "Sales tax (collected and remitted by Amazon)", rate: expect.any(String), amount: taxBreakdown.subtotal.amount, channelLiable: true }],
    ]);
    // The rate Shopify requires: the tax over the line's price, to 4 places (6.5%, give or take the cent's rounding).
    expect(Number(line.taxLines[0].rate)).toBeCloseTo(0.065, 3);
    const lines = await prisma.channelOrderLine.findMany({ where: { orderId: stored.id } });
    expect(lines.map((l) => [l.taxCents, l.taxCollectedByMarketplace])).toEqual([[Math.round(Number(taxBreakdown.subtotal.amount) * 100), true]]);
    // Taken once, by the write-back; the Shopify order itself took nothing (BYPASS).
    expect(available()).toBe(before - 2);

    // Shopify announces the new order (orders/create); it is Anchorline's own, so no store sale is counted for it.
    await eventually(
      async () => (await prisma.webhookDelivery.count({ where: { shopDomain: setUp.rig.domain, topic: "ORDERS_CREATE", state: "PROCESSED" } })) > 0,
      20_000,
      "orders/create of the new order processed",
    );
    expect(await prisma.sale.count({ where: { shopId: setUp.rig.shopId, sourceKey: { startsWith: "shopify-order:" } } })).toBe(0);

    setUp.rig.shopify.store.fulfillOrder(setUp.rig.domain, inShopify[0].id, { trackingCompany: "UPS", trackingNumber: "1Z999AA10123456784" });

    await eventually(
      async () => (await prisma.channelOrder.findUniqueOrThrow({ where: { id: stored.id } })).shippedBackAt !== null,
      30_000,
      "the shipment told to Amazon",
    );
    const packages = setUp.rig.amazon.state.shipments().filter((s) => s.orderId === placed.order.orderId);
    expect(packages.map((p) => [p.carrierCode, p.trackingNumber, p.orderItems.map((i) => i.quantity)])).toEqual([["UPS", "1Z999AA10123456784", [2]]]);
    const after = await prisma.channelOrder.findUniqueOrThrow({ where: { id: stored.id } });
    expect([after.carrier, after.trackingNumber, after.marketplaceMessage]).toEqual(["UPS", "1Z999AA10123456784", null]);
  });

  // The other marketplaces' orders carry their own sales tax (each simulator charges its ship-to
  // state's rate and each collects and remits it there): the Shopify order shows it the same way.
  const taxOn: Record<Exclude<Marketplace, "amazon">, { label: string; taxCents: (orderId: string) => number }> = {
    ebay: { label: "eBay", taxCents: (id) => setUp.rig.ebay.state.orders.find((o) => o.orderId === id)!.taxCents },
    walmart: {
      label: "Walmart",
      taxCents: (id) => setUp.rig.walmart.account(setUp.rig.accounts.walmart).orders.find((o) => o.purchaseOrderId === id)!.lines[0].taxCents,
    },
    tiktok: {
      label: "TikTok Shop",
      taxCents: (id) =>
        setUp.rig.tiktok
          .shop(setUp.rig.accounts.tiktok)
          .orders.find((o) => o.id === id)!
          .lineItems.reduce((sum, i) => sum + i.taxCents, 0),
    },
  };
  it.each(Object.keys(taxOn) as Array<keyof typeof taxOn>)(
    "given %s set to orders in Shopify, when a buyer's order of 2 is imported, then the Shopify order carries the marketplace's sales tax as a tax line the marketplace is liable for",
    async (marketplace) => {
      const stories = orderStories(prisma, () => setUp.rig);
      await prisma.channel.update({ where: { id: setUp.rig.channels[marketplace].id }, data: { ordersInShopify: true } });
      const externalOrderId = stories.buy[marketplace](setUp.rig.variants[1], 2);
      await stories.importUntilRead(marketplace, externalOrderId, null, "the order");
      const created = { where: { channelId: setUp.rig.channels[marketplace].id, externalOrderId, shopifyOrderId: { not: null } } };
      await eventually(async () => (await prisma.channelOrder.count(created)) > 0, 20_000, `the ${marketplace} order created in Shopify`);
      const stored = await prisma.channelOrder.findFirstOrThrow(created);
      const [inShopify] = setUp.rig.shopify.store.shop(setUp.rig.domain).orders.filter((o) => o.tags.includes(`anchorline-${stored.id}`));
      const taxCents = taxOn[marketplace].taxCents(externalOrderId);
      expect(taxCents).toBeGreaterThan(0);
      expect(inShopify.lines.map((l) => [l.quantity, l.taxLines.map((t) => [t.title, t.amount, t.channelLiable])])).toEqual([
        [2, [[`Sales tax (collected and remitted by ${taxOn[marketplace].label})`, (taxCents / 100).toFixed(2), true]]],
      ]);
    },
  );

  it("given an attempt to create the Shopify order whose answer was lost, when the job is retried at once, then it waits for Shopify's search instead of creating a second order; once the search shows it, the order is recorded and Shopify has exactly one", async () => {
    await prisma.channel.update({ where: { id: setUp.rig.channels.amazon.id }, data: { ordersInShopify: true } });
    const variant = setUp.rig.variants[1];
    const listing = await prisma.listing.findFirstOrThrow({ where: { channelId: setUp.rig.channels.amazon.id, channelSku: variant.channelSku.amazon } });
    const order = await prisma.channelOrder.create({
      data: {
        shopId: setUp.rig.shopId,
        channelId: setUp.rig.channels.amazon.id,
        externalOrderId: "LOST-ANSWER-1",
        status: "Unshipped",
        orderedAt: new Date(),
        writeback: "WRITTEN",
        lines: { create: [{ shopId: setUp.rig.shopId, channelSku: variant.channelSku.amazon, quantity: 1, takenQuantity: 1, listingId: listing.id }] },
      },
    });
    const admin = await adminClientForShop(setUp.rig.domain, prisma);
    // The first attempt: stamped, sent, applied by Shopify, and its answer lost on the way back.
    const requestedAt = Date.now();
    await prisma.channelOrder.update({ where: { id: order.id }, data: { shopifyOrderRequestedAt: new Date(requestedAt) } });
    await createShopifyOrder(admin, {
      anchorlineOrderId: order.id,
      marketplace: "amazon",
      marketplaceLabel: "Amazon",
      externalOrderId: order.externalOrderId,
      currencyCode: null,
      email: null,
      processedAt: order.orderedAt,
      lines: [{ variantShopifyId: variant.variantShopifyId, quantity: 1, priceCents: null, sku: variant.sku }],
    });
    const tagged = () => setUp.rig.shopify.store.shop(setUp.rig.domain).orders.filter((o) => o.tags.includes(`anchorline-${order.id}`));

    await expect(ensureShopifyOrder(prisma, admin, order.id)).rejects.toBeInstanceOf(NotReadyYet);
    expect(tagged()).toHaveLength(1);

    const clock = setUp.rig.shopify.store.now;
    setUp.rig.shopify.store.now = () => clock() + 5_000;
    try {
      const recorded = await ensureShopifyOrder(prisma, admin, order.id, () => requestedAt + ORDER_SEARCH_SETTLE_MS + 1);
      expect(recorded).toBe(tagged()[0].id);
      expect(tagged()).toHaveLength(1);
      expect((await prisma.channelOrder.findUniqueOrThrow({ where: { id: order.id } })).shopifyOrderId).toBe(recorded);
    } finally {
      setUp.rig.shopify.store.now = clock;
    }
  });
});
