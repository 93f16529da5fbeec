import type { Prisma, ReturnsRestock } from "@prisma/client";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { fulfillmentStatusOf } from "../../simulators/ebay/state";
import { orderStories, startOrderRig, type OrderRig } from "../../test/marketplace-orders";
import { eventually, type LinkedVariant, type Marketplace, type MarketplaceRig } from "../../test/marketplaces";
import { createWorkers } from "../../workers/processors";
import { runOrderImport } from "./jobs.server";
import { WRITEBACK_RETRY_DELAYS_MS } from "./order-writeback.server";
import { retryWritebackForShop } from "./orders.server";

// An order's life after its sale (decision 0012), end to end through each marketplace's simulator:
// the buyer's order and cancellation on the marketplace, the real order import, Shopify's
// quantity in the Shopify simulator, and the real workers for what runs as jobs (the write-back's
// retries, the order created in Shopify, the ship-back of the merchant's fulfilment).
// order-lifecycle.e2e.test.ts scripts the marketplace's answers instead, for the finer cases.

const connection = createRedisConnection();
let orderRig: OrderRig;
let rig: MarketplaceRig;
let workers: Worker[] = [];
const { shopifyAvailable, stateOf, importUntilRead, storedOrder, adjustmentsOf, buy } = orderStories(prisma, () => rig);

/** Which catalog variant each story sells (the seeded catalog: 0–4 and 7–9 stocked, 5 and 6 at 0). */
const VARIANT = {
  sold: { amazon: 0, ebay: 1, walmart: 2, tiktok: 3 } satisfies Record<Marketplace, number>,
  fulfilledByMarketplace: 4,
  kit: 5,
  kitComponents: [7, 8],
  failing: 9,
};
const TRACKING = "1Z999AA10123456784";

beforeAll(async () => {
  orderRig = await startOrderRig(prisma, {
    catalog: { products: 10, variantsPerProduct: 1, locations: 1 },
    fulfilledByAmazon: [VARIANT.fulfilledByMarketplace],
    // The schedule polls Amazon every 180 s and asks for its returns report hourly; these stories
    // poll back to back. The plans keep Amazon's rates, with room for the stories' bursts.
    amazon: {
      usagePlanOverrides: {
        searchOrders: { rate: 0.0056, burst: 100 },
        createReport: { rate: 0.0167, burst: 100 },
        getReportDocument: { rate: 0.0167, burst: 100 },
      },
    },
  });
  rig = orderRig.rig;
  workers = createWorkers(connection);
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await orderRig?.stop();
  connection.disconnect();
});

/** The channel is set to "orders in Shopify" for the length of `story`. */
async function withOrdersInShopify(marketplace: Marketplace, story: () => Promise<void>) {
  await prisma.channel.update({ where: { id: rig.channels[marketplace].id }, data: { ordersInShopify: true } });
  try {
    await story();
  } finally {
    await prisma.channel.update({ where: { id: rig.channels[marketplace].id }, data: { ordersInShopify: false } });
  }
}

const shopifyOrdersFor = (orderId: string) => rig.shopify.store.shop(rig.domain).orders.filter((o) => o.tags.includes(`anchorline-${orderId}`));

/** A buyer's order of `quantity` on a channel set to orders in Shopify, imported and created there: Shopify's quantity before the sale, the order's id on the marketplace, its Shopify orders. */
async function orderCreatedInShopify(marketplace: Marketplace, quantity: number) {
  const variant = rig.variants[VARIANT.sold[marketplace]];
  const before = shopifyAvailable(variant);
  const orderId = buy[marketplace](variant, quantity);
  await importUntilRead(marketplace, orderId, null, "the order");
  const stored = await storedOrder(marketplace, orderId);
  await eventually(async () => (await storedOrder(marketplace, orderId)).shopifyOrderId !== null, 20_000, "the order created in Shopify");
  return { variant, before, orderId, inShopify: shopifyOrdersFor(stored.id) };
}

interface CancellationStep {
  /** What the buyer does on the marketplace. */
  act: (orderId: string) => void;
  /** Units of the order of 3 given back to Shopify once it is read. */
  backInAll: number;
}

describe("a buyer's cancellation after the import", () => {
  const cancellations: Array<[Marketplace, string, CancellationStep[]]> = [
    [
      "amazon",
      "asks to cancel and later cancels it",
      [
        { act: (id) => rig.amazon.state.requestCancellation(id), backInAll: 0 },
        { act: (id) => rig.amazon.state.cancelOrder(id), backInAll: 3 },
      ],
    ],
    [
      "ebay",
      "asks to cancel and later the cancellation completes",
      [
        { act: (id) => rig.ebay.state.requestCancellation(id), backInAll: 0 },
        { act: (id) => rig.ebay.state.cancelOrder(id), backInAll: 3 },
      ],
    ],
    [
      "walmart",
      "cancels 1 unit and later the rest of the PO",
      [
        { act: (id) => rig.walmart.cancelOrder(rig.accounts.walmart, id, { lines: [{ lineNumber: "1", quantity: 1 }] }), backInAll: 1 },
        { act: (id) => rig.walmart.cancelOrder(rig.accounts.walmart, id), backInAll: 3 },
      ],
    ],
    [
      "tiktok",
      "cancels 1 unit and later the rest of the order",
      [
        { act: (id) => rig.tiktok.cancelOrder(rig.accounts.tiktok, id, { units: 1 }), backInAll: 1 },
        { act: (id) => rig.tiktok.cancelOrder(rig.accounts.tiktok, id), backInAll: 3 },
      ],
    ],
  ];

  it.each(cancellations)(
    "given an order of 3 on %s imported and taken off Shopify, when the buyer %s, then Shopify gets each unit back once however often the order is read",
    async (marketplace, _how, steps) => {
      const variant = rig.variants[VARIANT.sold[marketplace]];
      const before = shopifyAvailable(variant);
      const orderId = buy[marketplace](variant, 3);
      await importUntilRead(marketplace, orderId, null, "the order");
      expect(shopifyAvailable(variant)).toBe(before - 3);

      for (const step of steps) {
        const seen = await stateOf(marketplace, orderId);
        step.act(orderId);
        await importUntilRead(marketplace, orderId, seen, "the buyer's change");
        await runOrderImport(rig.channels[marketplace].id);
        expect(shopifyAvailable(variant)).toBe(before - 3 + step.backInAll);
      }
      expect(await runOrderImport(rig.channels[marketplace].id)).toMatchObject({ imported: 0 });

      expect(shopifyAvailable(variant)).toBe(before);
      const order = await storedOrder(marketplace, orderId);
      expect([order.cancelledAt !== null, order.writeback, order.lines.map((l) => [l.quantity, l.cancelledQuantity, l.takenQuantity])]).toEqual([
        true,
        "WRITTEN",
        [[3, 3, 0]],
      ]);
      // One adjustment per cause: the sale, then each level of units given back (none for a mere request).
      const given = steps.map((s) => s.backInAll).filter((back, i, all) => back > (all[i - 1] ?? 0));
      expect(await adjustmentsOf(order.lines)).toEqual([[-3, "APPLIED"], ...given.map((back, i) => [back - (given[i - 1] ?? 0), "APPLIED"])]);
    },
    40_000,
  );
});

/**
 * The channel restocks returns as `returnsRestock` says for the length of `story`, and reads the
 * marketplace's returns on every poll: Amazon's report is asked for and eBay's returns searched
 * hourly (ChannelSettings.returnsReportEveryMs), which the simulators answer in milliseconds.
 */
async function withReturnsSetting(marketplace: Marketplace, returnsRestock: ReturnsRestock, story: () => Promise<void>) {
  const channel = await prisma.channel.findUniqueOrThrow({ where: { id: rig.channels[marketplace].id } });
  const settings = (channel.settings ?? {}) as Prisma.JsonObject;
  await prisma.channel.update({ where: { id: channel.id }, data: { returnsRestock, settings: { ...settings, returnsReportEveryMs: 0 } } });
  try {
    await story();
  } finally {
    await prisma.channel.update({ where: { id: channel.id }, data: { returnsRestock: channel.returnsRestock, settings } });
  }
}

interface ReturnStep {
  /** What the buyer (or the seller, refunding) does on the marketplace. */
  act: (orderId: string) => void;
  /** Units of the order of 3 given back to Shopify once it is read, by the channel's returns setting. */
  backInAll: Record<ReturnsRestock, number>;
}

describe("a buyer's return after the import", () => {
  /** Each marketplace that reads returns: how its order of 3 ships, and the return's steps. */
  const returns: Array<[Marketplace, string, { ship: (orderId: string) => void; steps: ReturnStep[] }]> = [
    [
      "amazon",
      "sends 2 back, the parcel reaches the seller, and the seller refunds them",
      {
        ship: (id) => rig.amazon.state.shipOrder(id),
        steps: [
          {
            act: (id) => {
              const sku = rig.variants[VARIANT.sold.amazon].channelSku.amazon;
              rig.amazon.state.receiveReturn(rig.amazon.state.requestReturn(id, { sku, quantity: 2 }).amazonRmaId);
            },
            backInAll: { ON_RETURN_RECEIVED: 2, ON_REFUND: 0, NEVER: 0 },
          },
          {
            act: (id) => rig.amazon.state.refundReturn(rig.amazon.state.returns().find((r) => r.orderId === id)!.amazonRmaId),
            backInAll: { ON_RETURN_RECEIVED: 2, ON_REFUND: 2, NEVER: 0 },
          },
        ],
      },
    ],
    [
      "ebay",
      "sends 2 back, the parcel reaches the seller, and the seller refunds them",
      {
        ship: (id) => rig.ebay.state.shipOrder(id),
        steps: [
          {
            act: (id) => rig.ebay.state.deliverReturn(rig.ebay.state.openReturn(id, 2).returnId),
            backInAll: { ON_RETURN_RECEIVED: 2, ON_REFUND: 0, NEVER: 0 },
          },
          {
            act: (id) => rig.ebay.state.refundReturn(rig.ebay.state.returnRequests.find((r) => r.orderId === id)!.returnId),
            backInAll: { ON_RETURN_RECEIVED: 2, ON_REFUND: 2, NEVER: 0 },
          },
        ],
      },
    ],
    [
      "walmart",
      "sends 2 back, the parcel reaches Walmart's return center, and Walmart refunds them",
      {
        // The seller ships the whole PO in Seller Center.
        ship: (id) => {
          const account = rig.walmart.account(rig.accounts.walmart);
          const po = account.orders.find((o) => o.purchaseOrderId === id)!;
          const trackingInfo = { shipDateTime: Date.now(), carrierName: { carrier: "UPS" }, methodCode: "Standard", trackingNumber: TRACKING };
          account.shipLines(
            po,
            po.lines.map((line) => ({ line, quantity: line.quantity, trackingInfo })),
          );
        },
        steps: [
          {
            act: (id) => {
              const rma = rig.walmart.returnOrder(rig.accounts.walmart, id, { lines: [{ lineNumber: "1", quantity: 2 }] });
              rig.walmart.advanceReturn(rig.accounts.walmart, rma.returnOrderId, "DELIVERED_AT_RETURN_CENTER");
            },
            backInAll: { ON_RETURN_RECEIVED: 2, ON_REFUND: 0, NEVER: 0 },
          },
          {
            act: (id) => {
              const rma = rig.walmart.account(rig.accounts.walmart).returns.find((r) => r.purchaseOrderId === id)!;
              rig.walmart.advanceReturn(rig.accounts.walmart, rma.returnOrderId, "REFUND_ISSUED");
            },
            backInAll: { ON_RETURN_RECEIVED: 2, ON_REFUND: 2, NEVER: 0 },
          },
        ],
      },
    ],
  ];
  const settings: ReturnsRestock[] = ["ON_RETURN_RECEIVED", "ON_REFUND", "NEVER"];

  it.each(returns.flatMap(([marketplace, how, story]) => settings.map((setting) => [marketplace, setting, how, story] as const)))(
    "given %s restocking returns %s and an order of 3 imported and shipped, when the buyer %s, then Shopify gets back what the setting says, once however often the order is read",
    async (marketplace, setting, _how, story) => {
      await withReturnsSetting(marketplace, setting, async () => {
        const variant = rig.variants[VARIANT.sold[marketplace]];
        const before = shopifyAvailable(variant);
        const orderId = buy[marketplace](variant, 3);
        await importUntilRead(marketplace, orderId, null, "the order");
        const unshipped = await stateOf(marketplace, orderId);
        story.ship(orderId);
        await importUntilRead(marketplace, orderId, unshipped, "the shipment");
        expect(shopifyAvailable(variant)).toBe(before - 3);

        for (const step of story.steps) {
          const seen = await stateOf(marketplace, orderId);
          step.act(orderId);
          await importUntilRead(marketplace, orderId, seen, "the return");
          expect(shopifyAvailable(variant)).toBe(before - 3 + step.backInAll[setting]);
        }
        expect(await runOrderImport(rig.channels[marketplace].id)).toMatchObject({ imported: 0 });

        const back = story.steps.map((s) => s.backInAll[setting]);
        expect(shopifyAvailable(variant)).toBe(before - 3 + back[back.length - 1]);
        const order = await storedOrder(marketplace, orderId);
        expect([order.writeback, order.lines.map((l) => [l.quantity, l.returnedQuantity, l.refundedQuantity, l.takenQuantity])]).toEqual([
          "WRITTEN",
          [[3, 2, 2, 3 - back[back.length - 1]]],
        ]);
        // One adjustment per cause: the sale, then each level of units given back (none where the setting gives none).
        const given = back.filter((units, i) => units > (back[i - 1] ?? 0));
        expect(await adjustmentsOf(order.lines)).toEqual([[-3, "APPLIED"], ...given.map((units, i) => [units - (given[i - 1] ?? 0), "APPLIED"])]);
      });
    },
    40_000,
  );

  it("given an FBA order imported, when the buyer sends it back to Amazon's warehouse, then Shopify is untouched however often the returns are read", async () => {
    await withReturnsSetting("amazon", "ON_RETURN_RECEIVED", async () => {
      const variant = rig.variants[VARIANT.fulfilledByMarketplace];
      const before = shopifyAvailable(variant);
      const orderId = rig.amazon.state.placeOrder({ sku: variant.channelSku.amazon, quantity: 2 }).orderId;
      await importUntilRead("amazon", orderId, null, "the order");
      const returned = rig.amazon.state.requestReturn(orderId, { sku: variant.channelSku.amazon, quantity: 2 });
      rig.amazon.state.receiveReturn(returned.amazonRmaId);
      // The report asked for on the first poll comes after the return and is read on the second; the third reads one more.
      for (let poll = 0; poll < 3; poll++) {
        rig.amazon.state.finishReports();
        expect(await runOrderImport(rig.channels.amazon.id)).toMatchObject({ imported: 0 });
      }
      const read = rig.amazon.state.reports().filter((r) => r.createdTime > returned.requestedAt && r.processingStatus !== "IN_QUEUE");
      expect(read.length).toBeGreaterThan(0);

      expect(shopifyAvailable(variant)).toBe(before);
      const order = await storedOrder("amazon", orderId);
      expect([order.writeback, order.lines.map((l) => [l.quantity, l.returnedQuantity, l.takenQuantity])]).toEqual(["NOT_NEEDED", [[2, 0, 0]]]);
      expect(await adjustmentsOf(order.lines)).toEqual([]);
    });
  });
});

/** What the marketplace shows of an order's shipment: its status, and each package's carrier, tracking number and units. */
const shipmentOn: Record<Marketplace, (orderId: string) => { status: string | undefined; packages: Array<[string | undefined, string, number]> }> = {
  amazon: (id) => ({
    status: rig.amazon.state.seller().orders.find((o) => o.order.orderId === id)?.order.fulfillment?.fulfillmentStatus,
    packages: rig.amazon.state
      .shipments()
      .filter((s) => s.orderId === id)
      .map((s) => [s.carrierCode, s.trackingNumber, s.orderItems.reduce((n, i) => n + i.quantity, 0)]),
  }),
  ebay: (id) => {
    const order = rig.ebay.state.orders.find((o) => o.orderId === id);
    return {
      status: order && fulfillmentStatusOf(order),
      packages: rig.ebay.state
        .shippingFulfillments(id)
        .map((f) => [f.shippingCarrierCode, f.shipmentTrackingNumber ?? "", f.lineItems.reduce((n, l) => n + l.quantity, 0)]),
    };
  },
  walmart: (id) => ({
    status: [
      ...new Set(
        rig.walmart
          .account(rig.accounts.walmart)
          .orders.find((o) => o.purchaseOrderId === id)
          ?.lines.flatMap((l) => l.statuses.map((s) => s.status)),
      ),
    ].join(),
    packages: rig.walmart.shipments(rig.accounts.walmart, id).map((s) => [s.carrier ?? s.otherCarrier, s.trackingNumber, s.quantity]),
  }),
  tiktok: (id) => {
    const order = rig.tiktok.shop(rig.accounts.tiktok).orders.find((o) => o.id === id);
    return {
      status: order?.status,
      packages: order?.shipment
        ? [[order.shipment.shippingProviderName, order.shipment.trackingNumber, order.lineItems.filter((i) => i.status === "IN_TRANSIT").length]]
        : [],
    };
  },
};

describe("an order created in Shopify and fulfilled there", () => {
  it.each([
    ["amazon", "SHIPPED"],
    ["ebay", "FULFILLED"],
    ["walmart", "Shipped"],
    ["tiktok", "IN_TRANSIT"],
  ] as const)(
    "given %s set to orders in Shopify, when a buyer's order of 2 is imported and the merchant fulfils it in Shopify with a UPS tracking number, then the marketplace shows it %s with that tracking number, and Shopify's stock fell once",
    async (marketplace, shippedStatus) => {
      await withOrdersInShopify(marketplace, async () => {
        const { variant, before, orderId, inShopify } = await orderCreatedInShopify(marketplace, 2);
        expect(inShopify.map((o) => o.lines.map((l) => l.quantity))).toEqual([[2]]);
        expect(shipmentOn[marketplace](orderId)).toMatchObject({ packages: [] });

        rig.shopify.store.fulfillOrder(rig.domain, inShopify[0].id, { trackingCompany: "UPS", trackingNumber: TRACKING });
        await eventually(async () => (await storedOrder(marketplace, orderId)).shippedBackAt !== null, 20_000, `the shipment told to ${marketplace}`);

        expect(shipmentOn[marketplace](orderId)).toEqual({ status: shippedStatus, packages: [["UPS", TRACKING, 2]] });
        const after = await storedOrder(marketplace, orderId);
        expect([after.carrier, after.trackingNumber, after.marketplaceMessage]).toEqual(["UPS", TRACKING, null]);
        // Taken once, by the write-back: neither the Shopify order (BYPASS) nor its fulfilment took more.
        expect(shopifyAvailable(variant)).toBe(before - 2);
        expect(await adjustmentsOf(after.lines)).toEqual([[-2, "APPLIED"]]);
      });
    },
    30_000,
  );
});

/** Whether the marketplace shows the order cancelled, where its API lets the seller cancel. */
const cancelledOn: Record<"ebay" | "walmart" | "tiktok", (orderId: string) => boolean> = {
  ebay: (id) => rig.ebay.state.orders.find((o) => o.orderId === id)?.cancelled === true,
  walmart: (id) =>
    rig.walmart
      .account(rig.accounts.walmart)
      .orders.find((o) => o.purchaseOrderId === id)
      ?.lines.every((l) => l.statuses.every((s) => s.status === "Cancelled")) === true,
  tiktok: (id) => rig.tiktok.shop(rig.accounts.tiktok).orders.find((o) => o.id === id)?.status === "CANCELLED",
};

describe("an order created in Shopify and cancelled there", () => {
  /** A buyer's order of 2 imported, created in Shopify and taken off its stock, then cancelled there by the merchant at the customer's request. */
  async function cancelledInShopify(marketplace: Marketplace) {
    const { variant, before, orderId, inShopify } = await orderCreatedInShopify(marketplace, 2);
    expect(shopifyAvailable(variant)).toBe(before - 2);
    const seen = await stateOf(marketplace, orderId);
    rig.shopify.store.cancelOrder(rig.domain, inShopify[0].id, { reason: "CUSTOMER" });
    return { variant, before, orderId, seen };
  }

  it.each(["ebay", "walmart", "tiktok"] as const)(
    "given %s set to orders in Shopify, when the merchant cancels a buyer's order of 2 in Shopify, then the marketplace cancels it, and the import that reads the cancellation gives Shopify its 2 units back, once",
    async (marketplace) => {
      await withOrdersInShopify(marketplace, async () => {
        const { variant, before, orderId, seen } = await cancelledInShopify(marketplace);
        await eventually(async () => cancelledOn[marketplace](orderId), 20_000, `the cancellation told to ${marketplace}`);
        await importUntilRead(marketplace, orderId, seen, "the cancellation");
        expect(await runOrderImport(rig.channels[marketplace].id)).toMatchObject({ imported: 0 });

        expect(shopifyAvailable(variant)).toBe(before);
        const order = await storedOrder(marketplace, orderId);
        expect([order.cancelledAt !== null, order.marketplaceMessage, order.lines.map((l) => [l.quantity, l.cancelledQuantity, l.takenQuantity])]).toEqual([
          true,
          null,
          [[2, 2, 0]],
        ]);
        expect(await adjustmentsOf(order.lines)).toEqual([
          [-2, "APPLIED"],
          [2, "APPLIED"],
        ]);
      });
    },
    40_000,
  );

  it("given Amazon set to orders in Shopify, when the merchant cancels a buyer's order of 2 in Shopify, then the order says to cancel it in Seller Central, and Amazon's order and Shopify's stock stay as they were", async () => {
    await withOrdersInShopify("amazon", async () => {
      const { variant, before, orderId } = await cancelledInShopify("amazon");
      const onAmazon = () => JSON.stringify(rig.amazon.state.seller().orders.find((o) => o.order.orderId === orderId)?.order);
      const asSold = onAmazon();
      await eventually(async () => (await storedOrder("amazon", orderId)).marketplaceMessage !== null, 20_000, "Amazon's answer recorded");

      const order = await storedOrder("amazon", orderId);
      expect([order.cancelledAt, order.marketplaceMessage]).toEqual([null, expect.stringContaining("in Seller Central")]);
      expect(onAmazon()).toBe(asSold);
      expect(shopifyAvailable(variant)).toBe(before - 2);
    });
  }, 40_000);
});

describe("an order the marketplace ships from its own warehouse", () => {
  // eBay has none: its sellers ship every order from their own stock.
  it.each([
    ["amazon", "FBA", (v: LinkedVariant) => rig.amazon.state.placeOrder({ sku: v.channelSku.amazon, quantity: 2 }).orderId],
    [
      "walmart",
      "WFS",
      (v: LinkedVariant) =>
        rig.walmart.placeOrder(rig.accounts.walmart, { sku: v.channelSku.walmart, quantity: 2, shipNodeType: "WFSFulfilled" }).purchaseOrderId,
    ],
    [
      "tiktok",
      "FBT",
      (v: LinkedVariant) =>
        rig.tiktok.placeOrder(rig.accounts.tiktok, { skuId: v.channelSku.tiktok, quantity: 2, fulfillmentType: "FULFILLMENT_BY_TIKTOK" }).id,
    ],
  ] as const)(
    "given %s set to orders in Shopify, when a %s order is imported twice, then Shopify is untouched: no stock taken, no order created",
    async (marketplace, _kind, buyFromWarehouse) => {
      await withOrdersInShopify(marketplace, async () => {
        const variant = rig.variants[VARIANT.fulfilledByMarketplace];
        const before = shopifyAvailable(variant);
        const orderId = buyFromWarehouse(variant);
        await importUntilRead(marketplace, orderId, null, "the order");
        await runOrderImport(rig.channels[marketplace].id);

        const order = await storedOrder(marketplace, orderId);
        expect([order.fulfilledByMarketplace, order.writeback, order.lines.map((l) => [l.channelSku, l.quantity, l.takenQuantity])]).toEqual([
          true,
          "NOT_NEEDED",
          [[variant.channelSku[marketplace], 2, 0]],
        ]);
        expect(shopifyAvailable(variant)).toBe(before);
        expect(await adjustmentsOf(order.lines)).toEqual([]);
        expect(await queues()["order-import"].getJob(`shopify-order-${order.id}`)).toBeUndefined();
        expect(shopifyOrdersFor(order.id)).toEqual([]);
      });
    },
  );
});

describe("a kit", () => {
  // The kit becomes its components in the write-back, after the marketplace's connector: one marketplace shows it.
  it("given a kit of 2 of one variant and 1 of another, when a TikTok buyer orders 2 kits and the order is imported twice, then the components' Shopify quantities fall by 4 and 2, once, and the kit's own is untouched", async () => {
    const kit = rig.variants[VARIANT.kit];
    const [first, second] = VARIANT.kitComponents.map((i) => rig.variants[i]);
    const idOf = async (v: LinkedVariant) => (await prisma.variant.findFirstOrThrow({ where: { shopId: rig.shopId, shopifyId: v.variantShopifyId } })).id;
    const kitId = await idOf(kit);
    await prisma.variant.update({ where: { id: kitId }, data: { isBundle: true } });
    await prisma.bundleComponent.createMany({
      data: [
        { shopId: rig.shopId, bundleId: kitId, componentId: await idOf(first), unitsPerBundle: 2 },
        { shopId: rig.shopId, bundleId: kitId, componentId: await idOf(second), unitsPerBundle: 1 },
      ],
    });
    const before = [kit, first, second].map(shopifyAvailable);

    const orderId = buy.tiktok(kit, 2);
    await importUntilRead("tiktok", orderId, null, "the order");
    await runOrderImport(rig.channels.tiktok.id);

    expect([kit, first, second].map(shopifyAvailable)).toEqual([before[0], before[1] - 4, before[2] - 2]);
    const order = await storedOrder("tiktok", orderId);
    expect([order.writeback, order.lines.map((l) => [l.quantity, l.takenQuantity])]).toEqual(["WRITTEN", [[2, 2]]]);
    expect(await adjustmentsOf(order.lines)).toEqual([
      [-4, "APPLIED"],
      [-2, "APPLIED"],
    ]);
  });
});

describe("a write-back that fails", () => {
  // The retries and the page are the order import's and its worker's, the same whatever the marketplace: Walmart shows it.
  it("given the only location no longer feeds Walmart, when a Walmart order is imported, then the worker retries the write-back on its schedule, the merchant is paged when the retries are spent, and once the location feeds Walmart again the merchant's retry takes the unit once and resolves the alert", async () => {
    const variant = rig.variants[VARIANT.failing];
    const channelId = rig.channels.walmart.id;
    const locations = await prisma.location.findMany({ where: { shopId: rig.shopId } });
    await prisma.locationChannel.createMany({ data: locations.map((l) => ({ shopId: rig.shopId, locationId: l.id, channelId, eligible: false })) });
    const before = shopifyAvailable(variant);
    const poId = buy.walmart(variant, 1);
    let orderId = "";
    try {
      await importUntilRead("walmart", poId, null, "the order");
      const order = await storedOrder("walmart", poId);
      orderId = order.id;
      expect([order.writeback, order.writebackAttempts, order.writebackMessage]).toEqual(["FAILED", 1, expect.stringContaining("no saleable location")]);

      // Each retry waits on the queue (30 s, 2, 10, 30 min); promoted here, as if that time had passed, and run by the worker.
      const retryJob = (n: number) => queues()["order-import"].getJob(`writeback-retry-${orderId}-${n}`);
      for (const [i, delay] of WRITEBACK_RETRY_DELAYS_MS.entries()) {
        await eventually(async () => (await retryJob(i + 1)) !== undefined, 10_000, `retry ${i + 1} queued`);
        const retry = (await retryJob(i + 1))!;
        expect([retry.data.retryOrderId, retry.opts.delay]).toEqual([orderId, delay]);
        await retry.promote();
      }
      const paged = { where: { shopId: rig.shopId, kind: "WRITEBACK_FAILED" as const, dedupeKey: `writeback:${orderId}` } };
      await eventually(async () => (await prisma.alert.count(paged)) > 0, 10_000, "the merchant paged after the last retry");
      const alert = await prisma.alert.findFirstOrThrow(paged);
      expect([alert.state, alert.channelId, alert.facts]).toEqual([
        "OPEN",
        channelId,
        expect.objectContaining({ order: poId, orderId, attempts: WRITEBACK_RETRY_DELAYS_MS.length + 1, skus: [variant.channelSku.walmart] }),
      ]);
      expect((await storedOrder("walmart", poId)).writebackAttempts).toBe(WRITEBACK_RETRY_DELAYS_MS.length + 1);
      expect(await retryJob(WRITEBACK_RETRY_DELAYS_MS.length + 1)).toBeUndefined();
      expect(shopifyAvailable(variant)).toBe(before);
    } finally {
      await prisma.locationChannel.deleteMany({ where: { channelId } });
    }

    expect(await retryWritebackForShop(rig.domain, orderId, "merchant@example.com")).toBe("Written back to Shopify");
    expect(await retryWritebackForShop(rig.domain, orderId, "merchant@example.com")).toBe("The order was written back already");
    expect(shopifyAvailable(variant)).toBe(before - 1);
    const written = await storedOrder("walmart", poId);
    expect([written.writeback, await adjustmentsOf(written.lines)]).toEqual(["WRITTEN", [[-1, "APPLIED"]]]);
    const resolved = await prisma.alert.findFirstOrThrow({
      where: { shopId: rig.shopId, kind: "WRITEBACK_FAILED", dedupeKey: { startsWith: `writeback:${orderId}|` } },
    });
    expect(resolved.state).toBe("RESOLVED");
  });
});
