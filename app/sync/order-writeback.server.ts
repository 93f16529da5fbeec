import type { PrismaClient, ReturnsRestock } from "@prisma/client";
import type { AdminClient } from "~/anchor/admin-client.server";
import { adjustAnchorInventory, shippingLocationFor } from "~/anchor/writeback.server";
import { raiseAlert } from "~/alerts/raise.server";
import { markChanged } from "~/recompute/index.server";

// A marketplace order's effect on the anchor (Shopify), whatever its life brought so far. Each
// line should have taken its units off Shopify less those given back (cancelled, and returned as
// the channel's returns setting says; none at all when the marketplace ships from its own stock);
// the write-back moves what the line has taken (ChannelOrderLine.takenQuantity) to that target,
// one keyed adjustment per step: the sale, then each level of units given back. A key is the
// cause, so a replay, a retry or two imports at once apply each step once. A kit's line moves each
// component by its units per kit.

export interface OrderChannel {
  id: string;
  shopId: string;
  name: string;
}

/** A line's change on Shopify: where it shipped from, and what Shopify counted before the sale. */
export interface LineMove {
  lineId: string;
  channelSku: string;
  listingId: string | null;
  variantId: string;
  locationId: string;
  /** Negative: units taken (a sale); positive: units given back (a cancellation). */
  delta: number;
  /** Shopify's quantity at the location after the move, when Shopify said it. */
  quantityAfter: number | null;
}

export interface WritebackOutcome {
  state: "WRITTEN" | "FAILED" | "NOT_NEEDED";
  /** Why a line could not be written back, for the merchant (the last reason seen). */
  message: string | null;
  /** Every adjustment applied by this run, per line and variant (a kit's: its components). */
  moves: LineMove[];
}

export interface LineCounts {
  quantity: number;
  cancelledQuantity: number;
  returnedQuantity: number;
  refundedQuantity: number;
}

/**
 * Units a line should have taken off Shopify now: its quantity less what was given back. Cancelled
 * units always come back; returned ones when the channel's setting says so: once received, or once
 * refunded (refunds count cancelled units too, so the larger of the two is given back, not both).
 */
export function unitsToTake(line: LineCounts, order: { cancelled: boolean }, returnsRestock: ReturnsRestock): number {
  if (order.cancelled) return 0;
  const back =
    returnsRestock === "ON_RETURN_RECEIVED"
      ? line.cancelledQuantity + line.returnedQuantity
      : returnsRestock === "ON_REFUND"
        ? Math.max(line.cancelledQuantity, line.refundedQuantity)
        : line.cancelledQuantity;
  return Math.max(0, line.quantity - Math.min(line.quantity, back));
}

/** The key of a line's step: its sale (the first take), then each level of units given back. */
export function lineStepKey(lineId: string, quantity: number, target: number, taken: number, componentId?: string): string {
  const base = taken === 0 && target > 0 ? `channel-order-line:${lineId}` : `channel-order-line:${lineId}:back:${quantity - target}`;
  return componentId ? `${base}:component:${componentId}` : base;
}

const lineInclude = {
  listing: { select: { variantId: true, variant: { select: { isBundle: true, components: { select: { componentId: true, unitsPerBundle: true } } } } } },
} as const;

/**
 * Moves every line of a stored order to its target on Shopify and records the outcome on the
 * order (WRITTEN, FAILED with the reason, or NOT_NEEDED for marketplace-fulfilled orders). Marks
 * the moved variants' listings for the recompute; the caller asks for it.
 */
export async function writeBackOrder(prisma: PrismaClient, admin: AdminClient, channel: OrderChannel, orderId: string): Promise<WritebackOutcome> {
  const order = await prisma.channelOrder.findFirstOrThrow({
    where: { id: orderId, shopId: channel.shopId },
    select: { fulfilledByMarketplace: true, cancelledAt: true, channel: { select: { returnsRestock: true } }, lines: { include: lineInclude } },
  });
  if (order.fulfilledByMarketplace) {
    await prisma.channelOrder.update({ where: { id: orderId }, data: { writeback: "NOT_NEEDED", writebackMessage: null } });
    return { state: "NOT_NEEDED", message: null, moves: [] };
  }
  const outcome: WritebackOutcome = { state: "WRITTEN", message: null, moves: [] };
  for (const line of order.lines) {
    const variant = line.listing?.variant;
    const variantId = line.listing?.variantId;
    // A SKU Anchorline does not manage: nothing to take off the anchor.
    if (!variant || !variantId) continue;
    const target = unitsToTake(line, { cancelled: order.cancelledAt !== null }, order.channel.returnsRestock);
    if (line.takenQuantity === target) continue;
    const parts = variant.isBundle ? variant.components.map((c) => ({ variantId: c.componentId, units: c.unitsPerBundle })) : [{ variantId, units: 1 }];
    if (parts.length === 0) {
      outcome.state = "FAILED";
      outcome.message = `${line.channelSku} is a kit with no components in Anchorline: set its components, then retry`;
      continue;
    }
    let lineDone = true;
    for (const part of parts) {
      const locationId = await shippingLocationFor(prisma, channel.shopId, part.variantId, channel.id);
      if (!locationId) {
        lineDone = false;
        outcome.message = `${line.channelSku}: no saleable location stocks it for ${channel.name}`;
        continue;
      }
      const delta = (line.takenQuantity - target) * part.units;
      const sourceKey = lineStepKey(line.id, line.quantity, target, line.takenQuantity, variant.isBundle ? part.variantId : undefined);
      const adjustment = await adjustAnchorInventory(admin, { shopId: channel.shopId, sourceKey, variantId: part.variantId, locationId, delta }, prisma);
      await markChanged(channel.shopId, { kind: "stock", at: [{ variantId: part.variantId, locationId }] }, { prisma });
      if (adjustment.state !== "APPLIED") {
        lineDone = false;
        outcome.message = `${line.channelSku}: ${adjustment.message ?? "Shopify did not apply the change"}`;
        continue;
      }
      outcome.moves.push({
        lineId: line.id,
        channelSku: line.channelSku,
        listingId: line.listingId,
        variantId: part.variantId,
        locationId,
        delta,
        quantityAfter: adjustment.quantityAfter,
      });
    }
    if (!lineDone) {
      outcome.state = "FAILED";
      continue;
    }
    // Compare-and-set: a concurrent run that moved the line first already recorded it.
    await prisma.channelOrderLine.updateMany({ where: { id: line.id, takenQuantity: line.takenQuantity }, data: { takenQuantity: target } });
    // Velocity counts what was sold and kept.
    await prisma.sale.updateMany({ where: { shopId: channel.shopId, sourceKey: `channel-order-line:${line.id}` }, data: { quantity: target } });
  }
  await prisma.channelOrder.update({
    where: { id: orderId },
    data: {
      writeback: outcome.state,
      writtenBackAt: outcome.state === "WRITTEN" ? new Date() : null,
      writebackAttempts: { increment: 1 },
      writebackMessage: outcome.message,
    },
  });
  return outcome;
}

/** Retries of a failed write-back before the merchant is paged: 30 s, 2 min, 10 min, 30 min. */
export const WRITEBACK_RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000] as const;

/** The delay before retry number `attempts` (1 after the first failure), or null when retries are spent. */
export function writebackRetryDelay(attempts: number): number | null {
  return WRITEBACK_RETRY_DELAYS_MS[attempts - 1] ?? null;
}

/** Pages the merchant about a write-back that kept failing: the order, the SKUs and why. */
export async function raiseWritebackFailed(
  prisma: PrismaClient,
  channel: OrderChannel,
  order: { id: string; externalOrderId: string; writebackAttempts: number; writebackMessage: string | null },
  skus: string[],
): Promise<void> {
  await raiseAlert(prisma, {
    shopId: channel.shopId,
    kind: "WRITEBACK_FAILED",
    dedupeKey: `writeback:${order.id}`,
    title:
      order.writebackAttempts > 0
        ? `Order ${order.externalOrderId} on ${channel.name} not taken off Shopify after ${order.writebackAttempts} tries`
        : `Order ${order.externalOrderId} on ${channel.name} not taken off Shopify: the marketplace sent lines it cannot be written back from`,
    channelId: channel.id,
    facts: {
      channel: channel.name,
      order: order.externalOrderId,
      // Offered for a retry from the alert only when a write-back was tried (an unreadable order is not retried).
      ...(order.writebackAttempts > 0 ? { orderId: order.id } : {}),
      skus,
      attempts: order.writebackAttempts,
      reason: order.writebackMessage,
    },
  });
}
