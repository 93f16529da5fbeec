import type { Prisma, PrismaClient } from "@prisma/client";
import { adminClientForShop, type AdminClient } from "~/anchor/admin-client.server";
import { markChanged, requestRecompute } from "~/recompute/index.server";
import { adjustAnchorInventory, shippingLocationFor } from "~/anchor/writeback.server";
import { watchPromotionReserves } from "~/alerts/promotion-reserve.server";
import { raiseAlert } from "~/alerts/raise.server";
import type { Connector, ImportedOrder } from "~/channels/connector";
import { connectorForChannel } from "~/channels/registry.server";
import defaultPrisma from "~/db.server";
import { forEachConcurrently } from "~/lib/concurrency";
import { logger } from "~/lib/logger.server";
import type { Queues } from "~/queues.server";

// Marketplace orders coming back: each new order is stored once, its units are taken off the
// anchor (Shopify) at the location that will ship them, and every other channel's listings of
// those variants are marked for recomputation, so a sale anywhere lowers the quantity everywhere.

export interface OrderImportDeps {
  prisma?: PrismaClient;
  queues?: Queues;
  connectorFor?: (channel: Parameters<typeof connectorForChannel>[0]) => Connector;
  adminClientFor?: (shopDomain: string) => Promise<AdminClient>;
}

export interface OrderImportResult {
  imported: number;
  duplicates: number;
  oversold: number;
  cursor: string | null;
}

export async function importChannelOrders(channelId: string, deps: OrderImportDeps = {}): Promise<OrderImportResult> {
  const { prisma, channel, result, connector, adminClient } = await importContext(channelId, deps);
  if (!connector) return result;
  const admin = await adminClient();

  const page = await connector.fetchOrders(channel.ordersCursor);
  await recordOrders(prisma, admin, channel, page.orders, result);
  // The cursor moves only after every order of the page is stored: a crash re-reads the page and
  // the unique (channel, order id) turns the replay into duplicates.
  await prisma.channel.update({ where: { id: channelId }, data: { ordersCursor: page.cursor } });
  result.cursor = page.cursor;
  if (result.imported > 0) await requestRecompute(channel.shopId, deps.queues);
  return result;
}

/**
 * The orders a marketplace notification carries (see Connector.ordersInNotification), stored and
 * written back like polled ones. The polling cursor stays where it is: the next search meets these
 * orders again and the unique (channel, order id) makes them duplicates.
 */
export async function importNotifiedOrders(channelId: string, notification: unknown, deps: OrderImportDeps = {}): Promise<OrderImportResult> {
  const { prisma, channel, result, connector, adminClient } = await importContext(channelId, deps);
  if (!connector) return result;
  const orders = connector.ordersInNotification?.(notification) ?? [];
  if (orders.length === 0) return result;
  const admin = await adminClient();
  await recordOrders(prisma, admin, channel, orders, result);
  if (result.imported > 0) await requestRecompute(channel.shopId, deps.queues);
  return result;
}

/**
 * Orders of one page recorded a few at a time: each is mostly waiting on PostgreSQL and Shopify,
 * and one at a time an account imported ~2 orders/s under load while a flash sale sold 7/s (the
 * demo). Two orders of one variant meet in adjustAnchorInventory's compare-and-swap, which re-reads.
 */
const ORDERS_AT_ONCE = 4;

async function recordOrders(prisma: PrismaClient, admin: AdminClient, channel: ChannelWithShop, orders: ImportedOrder[], result: OrderImportResult) {
  await forEachConcurrently(orders, ORDERS_AT_ONCE, async (order) => {
    const outcome = await recordOrder(prisma, admin, channel, order);
    if (outcome === "duplicate") result.duplicates++;
    else {
      result.imported++;
      if (outcome === "oversold") result.oversold++;
    }
  });
}

/**
 * The channel, its connector (none when the shop is gone or the account disconnected) and how to
 * reach the shop's Admin API, shared by polled and notified imports.
 */
async function importContext(channelId: string, deps: OrderImportDeps) {
  const prisma = deps.prisma ?? defaultPrisma;
  const channel = await prisma.channel.findUniqueOrThrow({ where: { id: channelId }, include: { shop: { select: { domain: true, uninstalledAt: true } } } });
  const result: OrderImportResult = { imported: 0, duplicates: 0, oversold: 0, cursor: channel.ordersCursor };
  const importable = !channel.shop.uninstalledAt && channel.status !== "DISCONNECTED";
  const adminClient = () => (deps.adminClientFor ?? ((domain: string) => adminClientForShop(domain, prisma)))(channel.shop.domain);
  return { prisma, channel, result, connector: importable ? (deps.connectorFor ?? connectorForChannel)(channel) : null, adminClient };
}

type ChannelWithShop = { id: string; shopId: string; name: string; kind: string };

async function recordOrder(
  prisma: PrismaClient,
  admin: AdminClient,
  channel: ChannelWithShop,
  order: ImportedOrder,
): Promise<"duplicate" | "imported" | "oversold"> {
  const existing = await prisma.channelOrder.findUnique({
    where: { channelId_externalOrderId: { channelId: channel.id, externalOrderId: order.externalOrderId } },
    select: { id: true, writeback: true },
  });
  if (existing && existing.writeback !== "PENDING") return "duplicate";

  const skus = order.lines.map((l) => l.channelSku);
  const listings = await prisma.listing.findMany({
    where: { channelId: channel.id, channelSku: { in: skus } },
    select: { id: true, channelSku: true, variantId: true },
  });
  const listingBySku = new Map(listings.map((l) => [l.channelSku, l]));

  const stored =
    existing ??
    (await prisma.channelOrder.create({
      data: {
        shopId: channel.shopId,
        channelId: channel.id,
        externalOrderId: order.externalOrderId,
        status: order.status,
        orderedAt: order.orderedAt,
        currencyCode: order.currencyCode ?? null,
        totalCents: order.totalCents ?? null,
        buyerName: order.buyer?.name ?? null,
        buyerEmail: order.buyer?.email ?? null,
        shippingAddress: (order.buyer?.address ?? undefined) as Prisma.InputJsonValue | undefined,
        lines: {
          create: order.lines.map((line) => ({
            shopId: channel.shopId,
            channelSku: line.channelSku,
            quantity: line.quantity,
            priceCents: line.priceCents ?? null,
            listingId: listingBySku.get(line.channelSku)?.id ?? null,
          })),
        },
      },
      select: { id: true, writeback: true },
    }));

  if (!existing && order.cancelled) {
    // Placed and cancelled before Anchorline heard of it: nothing was taken off the anchor, so
    // nothing comes back (returning the units would invent stock).
    await prisma.channelOrder.update({ where: { id: stored.id }, data: { writeback: "WRITTEN", writtenBackAt: new Date() } });
    return "imported";
  }
  const lines = await prisma.channelOrderLine.findMany({ where: { orderId: stored.id }, include: { listing: { select: { variantId: true } } } });
  let oversold = false;
  let failed = false;
  for (const line of lines) {
    const variantId = line.listing?.variantId;
    if (!variantId) continue; // a SKU Anchorline does not manage: nothing to take off the anchor
    await prisma.sale.createMany({
      data: [
        {
          shopId: channel.shopId,
          variantId,
          channelId: channel.id,
          quantity: line.quantity,
          soldAt: order.orderedAt,
          sourceKey: `channel-order-line:${line.id}`,
        },
      ],
      skipDuplicates: true,
    });
    const saleableLevels = await prisma.inventoryLevel.findMany({
      where: { shopId: channel.shopId, inventoryItem: { variantId }, location: { saleable: true, isActive: true } },
      select: { locationId: true, available: true },
    });
    const locationId = await shippingLocationFor(prisma, channel.shopId, variantId, channel.id);
    if (!locationId) {
      failed = true;
      continue;
    }
    const adjustment = await adjustAnchorInventory(
      admin,
      { shopId: channel.shopId, sourceKey: `channel-order-line:${line.id}`, variantId, locationId, delta: order.cancelled ? line.quantity : -line.quantity },
      prisma,
    );
    if (adjustment.state !== "APPLIED") failed = true;
    await markChanged(channel.shopId, { kind: "stock", at: [{ variantId, locationId }] }, { prisma });
    if (order.cancelled) continue;
    // What the anchor had for this line: Shopify's own count at the shipping location, read from
    // the write-back's answer (exact however many orders are recorded at once, since Shopify
    // applies adjustments one by one), plus the mirror's other saleable locations. The mirror
    // alone can be a webhook behind, or read by two orders before either wrote.
    const elsewhere = saleableLevels.reduce((sum, level) => (level.locationId === locationId ? sum : sum + Math.max(0, level.available)), 0);
    const mirrored = saleableLevels.find((level) => level.locationId === locationId)?.available ?? 0;
    const atLocation = adjustment.quantityAfter === null ? mirrored : adjustment.quantityAfter + line.quantity;
    const available = Math.max(0, atLocation) + elsewhere;
    if (line.quantity > available) {
      oversold = true;
      await raiseOversell(prisma, channel, order, line.channelSku, line.quantity, available, variantId, line.listingId);
    }
  }
  await prisma.channelOrder.update({
    where: { id: stored.id },
    data: { writeback: failed ? "FAILED" : "WRITTEN", writtenBackAt: failed ? null : new Date(), oversold },
  });
  if (!order.cancelled) {
    const soldVariants = lines.flatMap((line) => (line.listing?.variantId ? [line.listing.variantId] : []));
    await watchPromotionReserves(prisma, channel.shopId, channel.id, soldVariants);
  }
  logger.info({ channelId: channel.id, order: order.externalOrderId, oversold, failed }, "marketplace order imported");
  return oversold ? "oversold" : "imported";
}

async function raiseOversell(
  prisma: PrismaClient,
  channel: ChannelWithShop,
  order: ImportedOrder,
  sku: string,
  ordered: number,
  available: number,
  variantId: string,
  listingId: string | null,
) {
  // Where else it could ship from: drop shippers and locations not counted for this channel.
  const elsewhere = await prisma.inventoryLevel.findMany({
    where: { shopId: channel.shopId, inventoryItem: { variantId }, available: { gt: 0 } },
    select: { available: true, location: { select: { name: true, isDropShip: true, saleable: true } } },
  });
  await raiseAlert(prisma, {
    shopId: channel.shopId,
    kind: "OVERSELL",
    dedupeKey: `oversell:${channel.id}:${order.externalOrderId}:${sku}`,
    title: `Oversold ${sku} on ${channel.name}: ordered ${ordered}, ${available} available`,
    channelId: channel.id,
    listingId,
    facts: {
      channel: channel.name,
      order: order.externalOrderId,
      sku,
      ordered,
      available,
      couldShipFrom: elsewhere.map((l) => ({ location: l.location.name, available: l.available, dropShip: l.location.isDropShip })),
    },
  });
}
