import type { PrismaClient } from "@prisma/client";
import type { AdminClient } from "~/anchor/admin-client.server";
import { createShopifyOrder, findShopifyOrder } from "~/anchor/shopify-orders.server";
import { engineKindOf, moduleOfKind } from "~/channels/registry";
import { NotReadyYet } from "~/lib/errors";

/**
 * How long after an attempt to create an order Anchorline trusts Shopify's order search to show
 * it. Shopify documents no figure for its index's lag (seconds, in practice); a minute is our margin.
 * The shopify-order job's backoff (1, 2, 4 … 64 s over its 8 attempts) outlasts it.
 */
export const ORDER_SEARCH_SETTLE_MS = 60_000;

// "Orders in Shopify": a marketplace order of a channel with the setting on becomes one Shopify
// order, once. The order's stock was taken by the write-back already, so the Shopify order is
// created without touching inventory (anchor/shopify-orders.server.ts says why).

/**
 * Creates the Shopify order of a stored marketplace order where its channel asks for it and none
 * exists yet; returns its Shopify id (null: not wanted, or nothing to put in it). An attempt is
 * stamped before it is sent; a later one (its answer was lost, or the job crashed) looks the order
 * up by its tag first, and waits while Shopify's search may still be catching up, so a retry
 * never makes a second order.
 */
export async function ensureShopifyOrder(prisma: PrismaClient, admin: AdminClient, orderId: string, now: () => number = Date.now): Promise<string | null> {
  const order = await prisma.channelOrder.findUniqueOrThrow({
    where: { id: orderId },
    select: {
      id: true,
      shopId: true,
      externalOrderId: true,
      currencyCode: true,
      buyerEmail: true,
      orderedAt: true,
      cancelledAt: true,
      fulfilledByMarketplace: true,
      shopifyOrderId: true,
      shopifyOrderRequestedAt: true,
      channel: { select: { kind: true, ordersInShopify: true } },
      lines: {
        select: {
          quantity: true,
          cancelledQuantity: true,
          priceCents: true,
          taxCents: true,
          taxCollectedByMarketplace: true,
          channelSku: true,
          listing: { select: { variant: { select: { shopifyId: true } } } },
        },
      },
    },
  });
  if (order.shopifyOrderId) return order.shopifyOrderId;
  // Marketplace-fulfilled orders are the marketplace's to ship; an order cancelled before it was
  // created in Shopify has nothing to ship either.
  if (!order.channel.ordersInShopify || order.fulfilledByMarketplace || order.cancelledAt) return null;
  const lines = order.lines.flatMap((line) => {
    const variantShopifyId = line.listing?.variant.shopifyId;
    const quantity = line.quantity - line.cancelledQuantity;
    if (!variantShopifyId || quantity <= 0) return [];
    // The marketplace's tax covers every unit of the line; the order carries the units not cancelled.
    const taxCents = line.taxCents === null ? null : Math.round((line.taxCents * quantity) / line.quantity);
    return [
      { variantShopifyId, quantity, priceCents: line.priceCents, sku: line.channelSku, taxCents, taxCollectedByMarketplace: line.taxCollectedByMarketplace },
    ];
  });
  if (lines.length === 0) return null;

  if (order.shopifyOrderRequestedAt) {
    const found = await findShopifyOrder(admin, order.id);
    if (found) return recordShopifyOrder(prisma, order.id, found);
    // Shopify's order search lags behind writes: an order the lost attempt created may not be
    // found yet. Until the margin has passed, "not found" is not "absent": the job waits.
    if (now() - order.shopifyOrderRequestedAt.getTime() < ORDER_SEARCH_SETTLE_MS) {
      throw new NotReadyYet(`Shopify's order search may not show order ${order.externalOrderId} yet; looking again before creating it`);
    }
  }
  // Stamped before it is sent, so a retry after a lost answer searches before creating again.
  await prisma.channelOrder.update({ where: { id: order.id }, data: { shopifyOrderRequestedAt: new Date(now()) } });
  const created = await createShopifyOrder(admin, {
    anchorlineOrderId: order.id,
    marketplace: engineKindOf(order.channel.kind),
    marketplaceLabel: moduleOfKind(order.channel.kind)?.label ?? engineKindOf(order.channel.kind),
    externalOrderId: order.externalOrderId,
    currencyCode: order.currencyCode,
    email: order.buyerEmail,
    processedAt: order.orderedAt,
    lines,
  });
  return recordShopifyOrder(prisma, order.id, created);
}

async function recordShopifyOrder(prisma: PrismaClient, orderId: string, shopifyOrderId: string): Promise<string> {
  await prisma.channelOrder.update({ where: { id: orderId }, data: { shopifyOrderId } });
  return shopifyOrderId;
}
