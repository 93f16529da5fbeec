// What the order stories through the four marketplace simulators share
// (app/sync/order-lifecycle-marketplaces.e2e.test.ts, app/sync/order-unreadable.e2e.test.ts): the
// rig seeded with the anchor's numbers and its variants linked, a buyer's order on each
// marketplace, the real order import polled until it has read a change, and what Shopify and
// Anchorline then show.
//
// Import this module only after DATABASE_URL is set (as test/marketplaces.ts).
import type { PrismaClient } from "@prisma/client";
import { closeSharedRevisionRedis } from "~/channels/ebay";
import { queues } from "~/queues.server";
import { runOrderImport } from "~/sync/jobs.server";
import { startWebhookEndpoint } from "./app-webhook-server";
import { eventually, startMarketplaceRig, type LinkedVariant, type Marketplace, type MarketplaceRig, type RigOptions } from "./marketplaces";

export interface OrderRig {
  rig: MarketplaceRig;
  /** Stops the rig, the app's webhook endpoint, the queues and the eBay revision counter's Redis. */
  stop(): Promise<void>;
}

/**
 * A store in sync on four marketplaces, its Shopify webhooks delivered to the app's route, every
 * variant linked on every marketplace except the `unlinked` ones (by index: listed on the
 * marketplaces, but no listing links them to a Shopify variant).
 */
export async function startOrderRig(
  prisma: PrismaClient,
  options: Pick<RigOptions, "catalog" | "fulfilledByAmazon" | "amazon"> & { unlinked?: number[] },
): Promise<OrderRig> {
  const endpoint = await startWebhookEndpoint();
  const rig = await startMarketplaceRig({
    prisma,
    catalog: options.catalog,
    webhookUrl: endpoint.url,
    initialFromAnchor: true,
    fulfilledByAmazon: options.fulfilledByAmazon,
    amazon: options.amazon,
  });
  await rig.linkAll({ except: options.unlinked });
  return {
    rig,
    async stop() {
      await rig.stop();
      await queues().close();
      await closeSharedRevisionRedis();
      await endpoint.close();
    },
  };
}

/** The helpers of an order story, over the rig `rigOf` returns (started in beforeAll). */
export function orderStories(prisma: PrismaClient, rigOf: () => MarketplaceRig) {
  /** Shopify's available quantity of the variant at the store's first location. */
  function shopifyAvailable(variant: LinkedVariant): number {
    const rig = rigOf();
    const [location] = rig.shopify.store.shop(rig.domain).locations;
    return rig.shopify.store.getLevel(rig.domain, variant.itemShopifyId, location.id)?.available ?? 0;
  }

  /** How an order stands in Anchorline (null: not imported yet), to tell when an import has read a change. */
  async function stateOf(marketplace: Marketplace, externalOrderId: string): Promise<string | null> {
    const order = await prisma.channelOrder.findUnique({
      where: { channelId_externalOrderId: { channelId: rigOf().channels[marketplace].id, externalOrderId } },
      include: { lines: { orderBy: { channelSku: "asc" } } },
    });
    return (
      order &&
      JSON.stringify([
        order.status,
        order.marketplaceUpdatedAt?.getTime(),
        order.lines.map((l) => [l.cancelledQuantity, l.returnedQuantity, l.refundedQuantity]),
      ])
    );
  }

  /**
   * Polls the channel's order import, as its schedule would, until the order stands otherwise than
   * `seen` (taken before the buyer acted): eBay shows an order or a change only
   * EBAY_LIMITS.ordersVisibleAfterMs (5 s) after it happened, the others at once. Amazon's returns
   * come in a report it makes in minutes: each poll finds the last one asked for made.
   */
  async function importUntilRead(marketplace: Marketplace, externalOrderId: string, seen: string | null, what: string) {
    await eventually(
      async () => {
        if (marketplace === "amazon") rigOf().amazon.state.finishReports();
        await runOrderImport(rigOf().channels[marketplace].id);
        return (await stateOf(marketplace, externalOrderId)) !== seen;
      },
      20_000,
      `${what} read from ${marketplace}`,
    );
  }

  async function storedOrder(marketplace: Marketplace, externalOrderId: string) {
    return prisma.channelOrder.findUniqueOrThrow({
      where: { channelId_externalOrderId: { channelId: rigOf().channels[marketplace].id, externalOrderId } },
      include: { lines: true },
    });
  }

  /** What the write-back did to Shopify for these order lines, in order: [delta, state] per adjustment. */
  async function adjustmentsOf(lines: Array<{ id: string }>) {
    const adjustments = await prisma.inventoryAdjustment.findMany({
      where: { shopId: rigOf().shopId, OR: lines.map((l) => ({ sourceKey: { startsWith: `channel-order-line:${l.id}` } })) },
      orderBy: { createdAt: "asc" },
    });
    return adjustments.map((a) => [a.delta, a.state]);
  }

  /** A buyer's order of `quantity` units of one variant, by marketplace; its id on the marketplace. */
  const buy: Record<Marketplace, (variant: LinkedVariant, quantity: number) => string> = {
    amazon: (v, quantity) => rigOf().amazon.state.placeOrder({ sku: v.channelSku.amazon, quantity }).orderId,
    ebay: (v, quantity) => rigOf().ebay.state.placeOrder({ userId: rigOf().accounts.ebay, sku: v.channelSku.ebay, quantity }).orderId,
    walmart: (v, quantity) => rigOf().walmart.placeOrder(rigOf().accounts.walmart, { sku: v.channelSku.walmart, quantity }).purchaseOrderId,
    // SELLER: the seller ships with its own carrier and tracking number (TikTok's own labels are handed over in Seller Center).
    tiktok: (v, quantity) => rigOf().tiktok.placeOrder(rigOf().accounts.tiktok, { skuId: v.channelSku.tiktok, quantity, shippingType: "SELLER" }).id,
  };

  return { shopifyAvailable, stateOf, importUntilRead, storedOrder, adjustmentsOf, buy };
}
