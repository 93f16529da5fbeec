import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectorForChannel } from "~/channels/registry.server";
import prisma from "~/db.server";
import type { AmazonMalformation } from "../../simulators/amazon/malformed-orders";
import type { EbayMalformation } from "../../simulators/ebay/malformed-orders";
import type { TikTokMalformation } from "../../simulators/tiktok/malformed-orders";
import type { WalmartMalformation } from "../../simulators/walmart/malformed-orders";
import { orderStories, startOrderRig, type OrderRig } from "../../test/marketplace-orders";
import { MARKETPLACES, type LinkedVariant, type Marketplace, type MarketplaceRig } from "../../test/marketplaces";
import { runOrderImport } from "./jobs.server";

// Bad input from a marketplace, end to end through each marketplace's simulator: an order its
// orders API sends malformed (a field missing, a number sent as text), or one for a SKU no listing
// links, beside a good order in the same poll. The good order is written back; the bad one is
// recorded with the reason and the merchant paged once, and nothing of it reaches Shopify.

let orderRig: OrderRig;
let rig: MarketplaceRig;
const { shopifyAvailable, storedOrder, adjustmentsOf, buy } = orderStories(prisma, () => rig);

/** Which catalog variant each part of a story sells (the seeded catalog: 0–4 stocked). */
const VARIANT = { good: 0, malformed: [1, 2], unlinked: 3 };

beforeAll(async () => {
  orderRig = await startOrderRig(prisma, { catalog: { products: 10, variantsPerProduct: 1, locations: 1 }, unlinked: [VARIANT.unlinked] });
  rig = orderRig.rig;
  // Each channel's first import, as at its connection: eBay's reads from that moment on.
  for (const marketplace of MARKETPLACES) await runOrderImport(rig.channels[marketplace].id);
}, 120_000);

afterAll(async () => {
  await orderRig?.stop();
});

/**
 * Imports once, after waiting for every order placed so far to show in the marketplace's orders
 * API (eBay's shows an order 5 s after it happened, the others at once): one poll reads them all.
 */
async function importOnce(marketplace: Marketplace) {
  const visibleAfterMs = connectorForChannel(rig.channels[marketplace]).limits.ordersVisibleAfterMs ?? 0;
  await new Promise((resolve) => setTimeout(resolve, visibleAfterMs + 100));
  return runOrderImport(rig.channels[marketplace].id);
}

/** A buyer's order on the marketplace, sent malformed `how` from now on; its id there. */
type MalformedOrder = (variants: LinkedVariant[]) => string;

/** A cart of one unit of each variant (eBay's orders have one line: the first variant's). */
const malformed = {
  amazon:
    (how: AmazonMalformation): MalformedOrder =>
    (variants) => {
      const { orderId } = rig.amazon.state.placeOrder({ items: variants.map((v) => ({ sku: v.channelSku.amazon, quantity: 1 })) });
      rig.amazon.state.malformOrder(orderId, how);
      return orderId;
    },
  ebay:
    (how: EbayMalformation): MalformedOrder =>
    (variants) => {
      const { orderId } = rig.ebay.state.placeOrder({ userId: rig.accounts.ebay, sku: variants[0].channelSku.ebay, quantity: 1 });
      rig.ebay.state.malformOrder(orderId, how);
      return orderId;
    },
  walmart:
    (how: WalmartMalformation): MalformedOrder =>
    (variants) => {
      const { purchaseOrderId } = rig.walmart.placeOrder(rig.accounts.walmart, { lines: variants.map((v) => ({ sku: v.channelSku.walmart, quantity: 1 })) });
      rig.walmart.malformOrder(rig.accounts.walmart, purchaseOrderId, how);
      return purchaseOrderId;
    },
  tiktok:
    (how: TikTokMalformation): MalformedOrder =>
    (variants) => {
      const { id } = rig.tiktok.placeOrder(rig.accounts.tiktok, {
        lines: variants.map((v) => ({ skuId: v.channelSku.tiktok, quantity: 1 })),
        shippingType: "SELLER",
      });
      rig.tiktok.malformOrder(rig.accounts.tiktok, id, how);
      return id;
    },
};

/** The buyer cancels the whole order: it comes back from the orders API as a change. */
const cancel: Record<Marketplace, (orderId: string) => void> = {
  amazon: (id) => rig.amazon.state.cancelOrder(id),
  ebay: (id) => rig.ebay.state.cancelOrder(id),
  walmart: (id) => rig.walmart.cancelOrder(rig.accounts.walmart, id),
  tiktok: (id) => rig.tiktok.cancelOrder(rig.accounts.tiktok, id),
};

const writebackFailedAlerts = (externalOrderId: string) =>
  prisma.alert.findMany({ where: { shopId: rig.shopId, kind: "WRITEBACK_FAILED", facts: { path: ["order"], equals: externalOrderId } } });

describe("an order the marketplace sends malformed", () => {
  it.each<[Marketplace, string, MalformedOrder, RegExp]>([
    ["amazon", "without its orderItems", malformed.amazon("orderItems missing"), /could not be read \(orderItems is missing\)/],
    ["amazon", "with an item's quantityOrdered as text", malformed.amazon("quantityOrdered as text"), /line 1 \(SKU [^)]+\): quantity "1" is not a number/],
    ["ebay", "with a line item without its quantity", malformed.ebay("lineItem quantity missing"), /could not be read \(lineItems\[0\]\.quantity is missing\)/],
    ["ebay", "with a line item's quantity as text", malformed.ebay("lineItem quantity as text"), /line 1 \(SKU [^)]+\): quantity "1" is not a number/],
    [
      "walmart",
      "with an orderLine without its item",
      malformed.walmart("orderLine item missing"),
      /could not be read \(orderLines\.orderLine\[0\]\.item\.sku is missing\)/,
    ],
    ["tiktok", "with a line item that has nothing but its id", malformed.tiktok("line item fields missing"), /line 1: no SKU/],
  ])(
    "given a good order and an order on %s %s in the same poll, when the import runs, then the good order is written back, the malformed one is stored failed with what was wrong and the merchant paged naming it, Shopify is untouched for it, and later imports, even of the buyer's change to it, neither fail nor page again",
    async (marketplace, _how, placeMalformed, reason) => {
      const good = rig.variants[VARIANT.good];
      const sold = VARIANT.malformed.map((i) => rig.variants[i]);
      const before = { good: shopifyAvailable(good), sold: sold.map(shopifyAvailable) };
      const malformedId = placeMalformed(sold);
      const goodId = buy[marketplace](good, 1);

      expect(await importOnce(marketplace)).toMatchObject({ imported: 2 });

      expect(shopifyAvailable(good)).toBe(before.good - 1);
      expect((await storedOrder(marketplace, goodId)).writeback).toBe("WRITTEN");
      const refused = await storedOrder(marketplace, malformedId);
      expect([refused.writeback, refused.writebackMessage, refused.lines]).toEqual(["FAILED", expect.stringMatching(reason), []]);
      const alerts = await writebackFailedAlerts(malformedId);
      expect(alerts.map((a) => [a.dedupeKey, a.title, a.facts])).toEqual([
        [`writeback:${refused.id}`, expect.stringContaining(malformedId), expect.objectContaining({ reason: refused.writebackMessage })],
      ]);
      expect(sold.map(shopifyAvailable)).toEqual(before.sold);

      expect(await runOrderImport(rig.channels[marketplace].id)).toMatchObject({ imported: 0 });
      cancel[marketplace](malformedId);
      // Read again as a change (a duplicate of the order refused whole), still malformed.
      expect(await importOnce(marketplace)).toMatchObject({ imported: 0, duplicates: 1 });

      expect(await writebackFailedAlerts(malformedId)).toHaveLength(1);
      expect(await storedOrder(marketplace, malformedId)).toMatchObject({ writeback: "FAILED", writebackMessage: refused.writebackMessage });
      expect(sold.map(shopifyAvailable)).toEqual(before.sold);
    },
    30_000,
  );
});

describe("an order for a SKU no listing links", () => {
  it.each(MARKETPLACES)(
    "given a good order and an order on %s for a SKU listed there that no listing links to Shopify, in the same poll, when the import runs, then the good order is written back, the other is recorded whole with nothing taken off Shopify, and the merchant is told once naming the SKU and the order",
    async (marketplace) => {
      const good = rig.variants[VARIANT.good];
      const unlinked = rig.variants[VARIANT.unlinked];
      const before = { good: shopifyAvailable(good), unlinked: shopifyAvailable(unlinked) };
      const unlinkedId = buy[marketplace](unlinked, 2);
      const goodId = buy[marketplace](good, 1);

      expect(await importOnce(marketplace)).toMatchObject({ imported: 2 });
      expect(await runOrderImport(rig.channels[marketplace].id)).toMatchObject({ imported: 0 });

      expect(shopifyAvailable(good)).toBe(before.good - 1);
      expect((await storedOrder(marketplace, goodId)).writeback).toBe("WRITTEN");
      const order = await storedOrder(marketplace, unlinkedId);
      expect(order.lines.map((l) => [l.channelSku, l.quantity, l.listingId, l.takenQuantity])).toEqual([[unlinked.channelSku[marketplace], 2, null, 0]]);
      expect(await adjustmentsOf(order.lines)).toEqual([]);
      expect(shopifyAvailable(unlinked)).toBe(before.unlinked);
      const alerts = await prisma.alert.findMany({ where: { shopId: rig.shopId, kind: "UNLINKED_SKU", channelId: rig.channels[marketplace].id } });
      expect(alerts.map((a) => [a.dedupeKey, a.facts])).toEqual([
        [
          `unlinked-sku:${rig.channels[marketplace].id}:${unlinked.channelSku[marketplace]}`,
          expect.objectContaining({ sku: unlinked.channelSku[marketplace], order: unlinkedId, ordered: 2 }),
        ],
      ]);
    },
    30_000,
  );
});
