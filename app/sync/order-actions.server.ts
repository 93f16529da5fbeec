import type { PrismaClient } from "@prisma/client";
import type { Connector, OrderActionOutcome } from "~/channels/connector";
import { connectorForChannel } from "~/channels/registry.server";
import defaultPrisma from "~/db.server";
import { UpstreamError } from "~/lib/errors";
import { logger } from "~/lib/logger.server";
import type { ShipmentFromShopify } from "~/queues.server";
import type { SharedRateLimiter } from "./rate-limiter.server";

// What the merchant does to a marketplace order in Shopify, passed on to the marketplace: a
// shipment (carrier and tracking number), and a cancellation where the marketplace's API lets the
// seller cancel. The order-import worker runs these ("ship-back", "cancel-back" jobs, queued by the
// fulfillments/* and orders/cancelled webhooks); a marketplace's "not now" (429, 5xx) is thrown as
// retryable, so the queue's backoff paces the retries; a refusal or an API that cannot do it is
// recorded on the order for the Orders screen.

export interface OrderActionDeps {
  prisma?: PrismaClient;
  connectorFor?: (channel: Parameters<typeof connectorForChannel>[0]) => Connector;
  /** The account's shared rate limiter (one call per action); none in tests that pace nothing. */
  limiter?: SharedRateLimiter;
}

async function orderWithChannel(prisma: PrismaClient, orderId: string) {
  return prisma.channelOrder.findUnique({
    where: { id: orderId },
    include: {
      channel: true,
      lines: { select: { channelSku: true, quantity: true, cancelledQuantity: true, listing: { select: { variant: { select: { sku: true } } } } } },
    },
  });
}

/** One call against the account's shared pace, as the flush takes them; a wait past 30 s retries the job later. */
async function pace(deps: OrderActionDeps, channelId: string, connector: Connector) {
  if (deps.limiter && !(await deps.limiter.take(channelId, connector.limits))) {
    throw new UpstreamError("The account's rate limit is spent; the order action waits for the next try", { retryable: true });
  }
}

/** Records the marketplace's answer; "retry" is thrown for the queue's backoff. */
async function settle(
  prisma: PrismaClient,
  orderId: string,
  outcome: OrderActionOutcome,
  accepted: Record<string, unknown>,
  what: string,
): Promise<OrderActionOutcome> {
  if (outcome.status === "retry") throw new UpstreamError(`The marketplace asked to retry the ${what}: ${outcome.message}`, { retryable: true });
  await prisma.channelOrder.update({
    where: { id: orderId },
    data: outcome.status === "accepted" ? { ...accepted, marketplaceMessage: null } : { marketplaceMessage: `${what}: ${outcome.message}` },
  });
  logger.info({ orderId, what, outcome: outcome.status }, "order action passed on to the marketplace");
  return outcome;
}

/** The merchant's shipment from Shopify, told to the marketplace with its carrier and tracking number. */
export async function shipBackOrder(orderId: string, shipment: ShipmentFromShopify, deps: OrderActionDeps = {}): Promise<OrderActionOutcome | null> {
  const prisma = deps.prisma ?? defaultPrisma;
  const order = await orderWithChannel(prisma, orderId);
  if (!order || order.channel.status === "DISCONNECTED") return null;
  // The shipped units by the marketplace's SKU; a fulfilment naming no SKU ships every open unit.
  const shipped = new Map(shipment.lines.map((l) => [l.sku, l.quantity]));
  const lines = order.lines.flatMap((line) => {
    const open = line.quantity - line.cancelledQuantity;
    const quantity = shipped.size === 0 ? open : Math.min(open, shipped.get(line.listing?.variant.sku ?? "") ?? 0);
    return quantity > 0 ? [{ channelSku: line.channelSku, quantity }] : [];
  });
  if (lines.length === 0) return null;
  const connector = (deps.connectorFor ?? connectorForChannel)(order.channel);
  await pace(deps, order.channel.id, connector);
  const outcome: OrderActionOutcome = connector.confirmShipment
    ? await connector.confirmShipment({
        externalOrderId: order.externalOrderId,
        lines,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        trackingUrl: shipment.trackingUrl,
        shippedAt: new Date(),
      })
    : { status: "unsupported", message: `Anchorline cannot tell ${order.channel.name} about shipments: confirm it in the marketplace` };
  return settle(prisma, order.id, outcome, { shippedBackAt: new Date(), carrier: shipment.carrier, trackingNumber: shipment.trackingNumber }, "Shipment");
}

/** The merchant's cancellation in Shopify, passed on where the marketplace lets the seller cancel. */
export async function cancelBackOrder(orderId: string, reason: string, deps: OrderActionDeps = {}): Promise<OrderActionOutcome | null> {
  const prisma = deps.prisma ?? defaultPrisma;
  const order = await orderWithChannel(prisma, orderId);
  if (!order || order.cancelledAt || order.channel.status === "DISCONNECTED") return null;
  const lines = order.lines.flatMap((line) => {
    const open = line.quantity - line.cancelledQuantity;
    return open > 0 ? [{ channelSku: line.channelSku, quantity: open }] : [];
  });
  const connector = (deps.connectorFor ?? connectorForChannel)(order.channel);
  await pace(deps, order.channel.id, connector);
  const outcome: OrderActionOutcome = connector.cancelOrder
    ? await connector.cancelOrder({ externalOrderId: order.externalOrderId, lines, reason })
    : { status: "unsupported", message: `${order.channel.name} does not let Anchorline cancel orders: cancel it in the marketplace too` };
  // Accepted: the marketplace reports the cancellation on its next order read, which gives the units back.
  return settle(prisma, order.id, outcome, {}, "Cancellation");
}
