import type { Prisma, PrismaClient, WritebackState } from "@prisma/client";
import { adminClientForShop, type AdminClient } from "~/anchor/admin-client.server";
import { markChanged, requestRecompute } from "~/recompute/index.server";
import { watchPromotionReserves } from "~/alerts/promotion-reserve.server";
import { resolveAlertByKey } from "~/alerts/events.server";
import { raiseAlert } from "~/alerts/raise.server";
import type { Connector, ImportedOrder } from "~/channels/connector";
import { connectorForChannel } from "~/channels/registry.server";
import defaultPrisma from "~/db.server";
import { forEachConcurrently } from "~/lib/concurrency";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { logger } from "~/lib/logger.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";
import { ensureShopifyOrder } from "./shopify-order.server";
import { type LineMove, raiseWritebackFailed, type WritebackOutcome, writeBackOrder, writebackRetryDelay } from "./order-writeback.server";

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
  await recordOrders(prisma, admin, channel, page.orders, result, deps.queues);
  // The cursor moves only after every order of the page is stored: a crash re-reads the page and
  // the unique (channel, order id) turns the replay into duplicates.
  await prisma.channel.update({ where: { id: channelId }, data: { ordersCursor: page.cursor } });
  result.cursor = page.cursor;
  if (result.imported > 0) await requestRecompute(channel.shopId, deps.queues);
  return result;
}

/**
 * The orders a marketplace notification carries (Connector.ordersInNotification) or names
 * (orderIdsInNotification, read here with fetchOrder: an API call belongs in the job, not the
 * route), stored and written back like polled ones. The polling cursor stays where it is: the next search meets these
 * orders again and the unique (channel, order id) makes them duplicates.
 */
export async function importNotifiedOrders(channelId: string, notification: unknown, deps: OrderImportDeps = {}): Promise<OrderImportResult> {
  const { prisma, channel, result, connector, adminClient } = await importContext(channelId, deps);
  if (!connector) return result;
  const orders = connector.ordersInNotification?.(notification) ?? (await ordersNamedIn(connector, notification));
  if (orders.length === 0) return result;
  const admin = await adminClient();
  await recordOrders(prisma, admin, channel, orders, result, deps.queues);
  if (result.imported > 0) await requestRecompute(channel.shopId, deps.queues);
  return result;
}

/** The orders a notification only names (Walmart's PO_CREATED), each read whole; one the marketplace no longer finds is left out. */
async function ordersNamedIn(connector: Connector, notification: unknown): Promise<ImportedOrder[]> {
  const ids = connector.orderIdsInNotification?.(notification) ?? [];
  if (!connector.fetchOrder) return [];
  const orders: ImportedOrder[] = [];
  for (const id of ids) {
    const order = await connector.fetchOrder(id);
    if (order) orders.push(order);
  }
  return orders;
}

/**
 * Orders of one page recorded a few at a time: each is mostly waiting on PostgreSQL and Shopify,
 * and one at a time an account imported ~2 orders/s under load while a flash sale sold 7/s (the
 * demo). Two orders of one variant meet in adjustAnchorInventory's compare-and-swap, which re-reads.
 */
const ORDERS_AT_ONCE = 4;

async function recordOrders(
  prisma: PrismaClient,
  admin: AdminClient,
  channel: ChannelWithShop,
  orders: ImportedOrder[],
  result: OrderImportResult,
  queues: Queues | undefined,
) {
  await forEachConcurrently(orders, ORDERS_AT_ONCE, async (order) => {
    const outcome = await recordOrder(prisma, admin, channel, order, queues);
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

type ChannelWithShop = { id: string; shopId: string; name: string; kind: string; ordersInShopify: boolean };

/**
 * Stores a marketplace order as it is now (new, or changed: cancelled in whole or in part) and
 * writes its effect back to Shopify (order-writeback.server.ts). "duplicate": a replay of what is
 * stored and written already, with nothing to do.
 */
async function recordOrder(
  prisma: PrismaClient,
  admin: AdminClient,
  channel: ChannelWithShop,
  order: ImportedOrder,
  queues?: Queues,
): Promise<"duplicate" | "imported" | "oversold"> {
  const problems = problemsOf(order);
  if (problems.length > 0) return recordUnreadableOrder(prisma, channel, order, problems);
  const { orderId, isNew, changed, writeback, unlinked, soldVariantIds } = await storeOrder(prisma, channel, order);
  // A replay of an order written back already (or waiting for its retry job) changes nothing.
  if (!isNew && !changed && writeback !== "PENDING") return "duplicate";

  // Shopify's stock first: every other channel waits for it. Then the sale moves every velocity
  // buffer of its variants, on channels whose stock the write-back does not touch too (the import
  // asks for the recompute once its orders are in); marked even when the write-back throws.
  let outcome: Awaited<ReturnType<typeof writeBackOrder>>;
  try {
    outcome = await writeBackOrder(prisma, admin, channel, orderId);
  } finally {
    if (soldVariantIds.length > 0) await markChanged(channel.shopId, { kind: "sales", variantIds: soldVariantIds }, { prisma });
  }
  if (outcome.state === "FAILED") await scheduleWritebackRetry(prisma, channel, orderId, queues);
  if (isNew && channel.ordersInShopify && !order.fulfilledByMarketplace && !order.cancelled) await requestShopifyOrder(channel, orderId, queues);
  if (isNew && !order.fulfilledByMarketplace) await raiseUnlinkedSkus(prisma, channel, order, unlinked);
  let oversold = false;
  for (const move of outcome.moves) {
    if (move.delta >= 0) continue;
    if (await detectOversell(prisma, channel, order, move)) oversold = true;
  }
  if (oversold) await prisma.channelOrder.update({ where: { id: orderId }, data: { oversold: true } });
  const sold = outcome.moves.filter((m) => m.delta < 0).map((m) => m.variantId);
  if (sold.length > 0) await watchPromotionReserves(prisma, channel.shopId, sold);
  logger.info(
    { channelId: channel.id, order: order.externalOrderId, oversold, writeback: outcome.state, reason: outcome.message },
    "marketplace order recorded",
  );
  if (!isNew) return "imported";
  return oversold ? "oversold" : "imported";
}

/**
 * What makes an order impossible to write back as the marketplace sent it, line by line. A
 * connector maps the marketplace's fields as they come, so a SKU or a quantity may not be what
 * ImportedOrderLine says (a quantity sent as text, "2"): each is checked as the value it is.
 */
export function problemsOf(order: ImportedOrder): string[] {
  if (order.unreadable) return [`the marketplace's order could not be read (${order.unreadable})`];
  const dates = Number.isNaN(order.orderedAt.getTime()) ? ["no readable order date"] : [];
  return dates.concat(
    order.lines.flatMap((line, index) => {
      const sku: unknown = line.channelSku;
      const quantity: unknown = line.quantity;
      const where = `line ${index + 1}${sku ? ` (SKU ${String(sku)})` : ""}`;
      if (typeof sku !== "string" || !sku.trim()) return [`${where}: no SKU`];
      if (quantity === undefined || quantity === null) return [`${where}: no quantity`];
      if (typeof quantity !== "number") return [`${where}: quantity ${JSON.stringify(quantity)} is not a number`];
      if (!Number.isInteger(quantity) || quantity <= 0) return [`${where}: quantity ${quantity} is not a positive whole number`];
      return [];
    }),
  );
}

/**
 * An order the marketplace sent in a shape that cannot be written back (a line without a SKU, a
 * zero or negative quantity): stored once with the reason and nothing applied, not even its good
 * lines (half an order taken off Shopify would be wrong either way), and the merchant paged.
 */
async function recordUnreadableOrder(
  prisma: PrismaClient,
  channel: ChannelWithShop,
  order: ImportedOrder,
  problems: string[],
): Promise<"duplicate" | "imported"> {
  const message = `Not written back: ${problems.join("; ")}`;
  const created = await prisma.channelOrder.createManyAndReturn({
    data: [
      {
        shopId: channel.shopId,
        channelId: channel.id,
        externalOrderId: order.externalOrderId,
        status: order.status,
        orderedAt: order.orderedAt,
        marketplaceUpdatedAt: order.updatedAt ?? null,
        writeback: "FAILED",
        writebackMessage: message,
      },
    ],
    skipDuplicates: true,
    select: { id: true, externalOrderId: true, writebackAttempts: true, writebackMessage: true },
  });
  if (created.length === 0) return refuseUnreadableChange(prisma, channel, order, problems);
  logger.warn({ channelId: channel.id, order: order.externalOrderId, problems }, "marketplace order refused: nothing written back");
  // Only the SKUs it names: a line without one has nothing to show (and an alert's facts hold no undefined).
  const skus = order.lines.map((l): unknown => l.channelSku).filter((sku): sku is string => typeof sku === "string" && sku !== "");
  await raiseWritebackFailed(prisma, channel, created[0], skus);
  return "imported";
}

/**
 * A change to an order stored before that the marketplace now sends in a shape that cannot be
 * read: the order stays as last read (nothing applied, not even part of the change) and the
 * merchant is told once per order, since a cancellation or return may hide in it.
 */
async function refuseUnreadableChange(prisma: PrismaClient, channel: ChannelWithShop, order: ImportedOrder, problems: string[]): Promise<"duplicate"> {
  const stored = await prisma.channelOrder.findUnique({
    where: { channelId_externalOrderId: { channelId: channel.id, externalOrderId: order.externalOrderId } },
    select: { id: true, writeback: true },
  });
  // The order was refused whole when it first came (recordUnreadableOrder paged then).
  if (!stored || stored.writeback === "FAILED") return "duplicate";
  logger.warn({ channelId: channel.id, order: order.externalOrderId, problems }, "marketplace order change refused: the order stays as last read");
  await raiseAlert(prisma, {
    shopId: channel.shopId,
    kind: "WRITEBACK_FAILED",
    dedupeKey: `order-change-unreadable:${stored.id}`,
    title: `A change to order ${order.externalOrderId} on ${channel.name} could not be read; the order stays as last read`,
    channelId: channel.id,
    facts: { channel: channel.name, order: order.externalOrderId, reason: problems.join("; ") },
  });
  return "duplicate";
}

interface StoredOrder {
  orderId: string;
  isNew: boolean;
  /** Whether anything changed that the write-back must act on. */
  changed: boolean;
  writeback: WritebackState;
  /** A new order's lines whose SKU no listing links (the merchant is told). */
  unlinked: { channelSku: string; quantity: number }[];
  /** A new order's variants sold from the pool: the velocity buffers they move are marked after the write-back. */
  soldVariantIds: string[];
}

/**
 * The order as stored after this import: created with its lines the first time, and after that
 * only ever moving forward (a line's cancelled units never decrease; a cancellation stays).
 * Returns whether anything changed that the write-back must act on.
 */
async function storeOrder(prisma: PrismaClient, channel: ChannelWithShop, order: ImportedOrder): Promise<StoredOrder> {
  const key = { channelId_externalOrderId: { channelId: channel.id, externalOrderId: order.externalOrderId } };
  const cancelledOf = (line: ImportedOrder["lines"][number]) =>
    order.cancelled ? line.quantity : Math.min(line.quantity, Math.max(0, Math.trunc(line.cancelledQuantity ?? 0)));
  const counted = (value: number | undefined, line: ImportedOrder["lines"][number]) => Math.min(line.quantity, Math.max(0, Math.trunc(value ?? 0)));
  // A tax is money the buyer paid: a whole, non-negative number of cents, or none stated.
  const taxOf = (line: ImportedOrder["lines"][number]) => (Number.isFinite(line.taxCents) && line.taxCents! >= 0 ? Math.round(line.taxCents!) : null);
  const existing = await prisma.channelOrder.findUnique({
    where: key,
    select: {
      id: true,
      cancelledAt: true,
      writeback: true,
      lines: { select: { id: true, channelSku: true, cancelledQuantity: true, returnedQuantity: true, refundedQuantity: true, taxCents: true } },
    },
  });
  if (!existing) {
    const listings = await prisma.listing.findMany({
      where: { channelId: channel.id, channelSku: { in: order.lines.map((l) => l.channelSku) } },
      select: { id: true, channelSku: true, variantId: true },
    });
    const listingBySku = new Map(listings.map((l) => [l.channelSku, l]));
    const created = await prisma.channelOrder.createManyAndReturn({
      data: [
        {
          shopId: channel.shopId,
          channelId: channel.id,
          externalOrderId: order.externalOrderId,
          status: order.status,
          orderedAt: order.orderedAt,
          marketplaceUpdatedAt: order.updatedAt ?? null,
          cancelledAt: order.cancelled ? new Date() : null,
          fulfilledByMarketplace: order.fulfilledByMarketplace ?? false,
          currencyCode: order.currencyCode ?? null,
          totalCents: order.totalCents ?? null,
          buyerName: order.buyer?.name ?? null,
          buyerEmail: order.buyer?.email ?? null,
          shippingAddress: (order.buyer?.address ?? undefined) as Prisma.InputJsonValue | undefined,
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    // Another import of the same order got there first: it is stored, and this one reads it as a change.
    if (created.length === 0) return storeOrder(prisma, channel, order);
    const orderId = created[0].id;
    await prisma.channelOrderLine.createMany({
      data: order.lines.map((line) => ({
        shopId: channel.shopId,
        orderId,
        channelSku: line.channelSku,
        quantity: line.quantity,
        cancelledQuantity: cancelledOf(line),
        returnedQuantity: counted(line.returnedQuantity, line),
        refundedQuantity: counted(line.refundedQuantity, line),
        priceCents: line.priceCents ?? null,
        taxCents: taxOf(line),
        taxCollectedByMarketplace: line.taxCollectedByMarketplace ?? null,
        listingId: listingBySku.get(line.channelSku)?.id ?? null,
      })),
    });
    const lines = await prisma.channelOrderLine.findMany({ where: { orderId }, include: { listing: { select: { variantId: true } } } });
    // Velocity: every unit sold and kept, once per line (the write-back keeps it to what was kept).
    await prisma.sale.createMany({
      data: lines.flatMap((line) =>
        line.listing && !order.fulfilledByMarketplace
          ? [
              {
                shopId: channel.shopId,
                variantId: line.listing.variantId,
                channelId: channel.id,
                quantity: line.quantity - line.cancelledQuantity,
                soldAt: order.orderedAt,
                sourceKey: `channel-order-line:${line.id}`,
              },
            ]
          : [],
      ),
      skipDuplicates: true,
    });
    const soldVariantIds = [...new Set(lines.flatMap((line) => (line.listing && !order.fulfilledByMarketplace ? [line.listing.variantId] : [])))];
    const unlinked = lines.filter((line) => !line.listing).map((line) => ({ channelSku: line.channelSku, quantity: line.quantity }));
    return { orderId, isNew: true, changed: true, writeback: "PENDING", unlinked, soldVariantIds };
  }

  let changed = false;
  if (order.cancelled && !existing.cancelledAt) {
    await prisma.channelOrder.update({ where: { id: existing.id }, data: { cancelledAt: new Date() } });
    changed = true;
  }
  // Lines are matched by SKU in the order the marketplace lists them.
  const unmatched = [...existing.lines];
  for (const line of order.lines) {
    const index = unmatched.findIndex((l) => l.channelSku === line.channelSku);
    if (index < 0) continue;
    const [stored] = unmatched.splice(index, 1);
    // Each count only grows: a marketplace answer that says less is an older view, not a change.
    const counts = {
      cancelledQuantity: cancelledOf(line),
      returnedQuantity: counted(line.returnedQuantity, line),
      refundedQuantity: counted(line.refundedQuantity, line),
    };
    const grown = Object.fromEntries(Object.entries(counts).filter(([field, value]) => value > stored[field as keyof typeof counts]));
    if (Object.keys(grown).length > 0) {
      await prisma.channelOrderLine.update({ where: { id: stored.id }, data: grown });
      changed = true;
    }
    // A tax the marketplace stated only later (an order still awaiting payment may carry none) is kept
    // then; one stored already stays as it was, as it stays in the Shopify order made with it.
    const tax = taxOf(line);
    if (stored.taxCents === null && tax !== null) {
      await prisma.channelOrderLine.update({
        where: { id: stored.id },
        data: { taxCents: tax, taxCollectedByMarketplace: line.taxCollectedByMarketplace ?? null },
      });
    }
  }
  await prisma.channelOrder.update({ where: { id: existing.id }, data: { status: order.status, marketplaceUpdatedAt: order.updatedAt ?? undefined } });
  return { orderId: existing.id, isNew: false, changed, writeback: existing.writeback, unlinked: [], soldVariantIds: [] };
}

/**
 * A sale of a SKU no listing links to a Shopify variant takes nothing off Shopify: the merchant
 * is told once per SKU and channel, with the order that showed it, so the link can be made.
 */
async function raiseUnlinkedSkus(prisma: PrismaClient, channel: ChannelWithShop, order: ImportedOrder, unlinked: StoredOrder["unlinked"]) {
  for (const line of unlinked) {
    await raiseAlert(prisma, {
      shopId: channel.shopId,
      kind: "UNLINKED_SKU",
      dedupeKey: `unlinked-sku:${channel.id}:${line.channelSku}`,
      title: `${channel.name} sold ${line.channelSku}, which no listing links to a Shopify variant: Shopify's stock was not lowered`,
      channelId: channel.id,
      facts: { channel: channel.name, order: order.externalOrderId, sku: line.channelSku, ordered: line.quantity },
    });
  }
}

/**
 * A write-back that failed is retried with backoff (WRITEBACK_RETRY_DELAYS_MS) by the order-import
 * worker; when the retries are spent the merchant is paged with the order, the SKUs and why.
 */
async function scheduleWritebackRetry(prisma: PrismaClient, channel: ChannelWithShop, orderId: string, queues?: Queues) {
  const order = await prisma.channelOrder.findUniqueOrThrow({
    where: { id: orderId },
    select: { id: true, externalOrderId: true, writebackAttempts: true, writebackMessage: true, lines: { select: { channelSku: true } } },
  });
  const delay = writebackRetryDelay(order.writebackAttempts);
  if (delay === null) {
    await raiseWritebackFailed(
      prisma,
      channel,
      order,
      order.lines.map((l) => l.channelSku),
    );
    return;
  }
  await (queues ?? defaultQueues())["order-import"].add(
    "writeback-retry",
    { channelId: channel.id, retryOrderId: orderId },
    { jobId: `writeback-retry-${orderId}-${order.writebackAttempts}`, delay },
  );
}

/**
 * The order-import worker's retry of a failed write-back (and the merchant's, from the alert):
 * the stored order is written back again; a further failure schedules the next retry or pages.
 */
export async function retryOrderWriteback(orderId: string, deps: OrderImportDeps & { shopId?: string } = {}): Promise<WritebackOutcome | null> {
  const prisma = deps.prisma ?? defaultPrisma;
  const order = await prisma.channelOrder.findFirst({
    where: { id: orderId, ...(deps.shopId ? { shopId: deps.shopId } : {}) },
    select: {
      writeback: true,
      writebackAttempts: true,
      channel: { select: { id: true, shopId: true, name: true, kind: true, ordersInShopify: true, shop: { select: { domain: true, uninstalledAt: true } } } },
    },
  });
  // Never tried: the marketplace sent it in a shape that cannot be written back (recordUnreadableOrder).
  const unreadable = order?.writeback === "FAILED" && order.writebackAttempts === 0;
  if (!order || unreadable || order.writeback === "WRITTEN" || order.writeback === "NOT_NEEDED" || order.channel.shop.uninstalledAt) return null;
  const admin = await (deps.adminClientFor ?? ((domain: string) => adminClientForShop(domain, prisma)))(order.channel.shop.domain);
  const outcome = await writeBackOrder(prisma, admin, order.channel, orderId);
  if (outcome.state === "FAILED") await scheduleWritebackRetry(prisma, order.channel, orderId, deps.queues);
  else await resolveAlertByKey(prisma, order.channel.shopId, `writeback:${orderId}`, "anchorline");
  await requestRecompute(order.channel.shopId, deps.queues);
  return outcome;
}

/**
 * Asks the order-import worker to create the order in Shopify ("orders in Shopify"): a job of its
 * own, so Shopify's refusal or outage is retried with the queue's backoff without holding up the
 * import, and once per order (its job id).
 */
async function requestShopifyOrder(channel: ChannelWithShop, orderId: string, queues?: Queues) {
  await (queues ?? defaultQueues())["order-import"].add(
    "shopify-order",
    { channelId: channel.id, shopifyOrderFor: orderId },
    { jobId: `shopify-order-${orderId}` },
  );
}

/** The order-import worker's "shopify-order" job: the order created in Shopify, once (shopify-order.server.ts). */
export async function createOrderInShopify(orderId: string, deps: OrderImportDeps = {}): Promise<string | null> {
  const prisma = deps.prisma ?? defaultPrisma;
  const order = await prisma.channelOrder.findUnique({ where: { id: orderId }, select: { shop: { select: { domain: true, uninstalledAt: true } } } });
  if (!order || order.shop.uninstalledAt) return null;
  const admin = await (deps.adminClientFor ?? ((domain: string) => adminClientForShop(domain, prisma)))(order.shop.domain);
  return ensureShopifyOrder(prisma, admin, orderId);
}

/**
 * The merchant's retry of a failed write-back, from its alert: scoped by shop (another shop's
 * order is "not found") and recorded in the activity log. Says what happened, for the page.
 */
export async function retryWritebackForShop(shopDomain: string, orderId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<string> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  if (!(await prisma.channelOrder.findFirst({ where: { id: orderId, shopId: shop.id }, select: { id: true } }))) throw new NotFoundForShop("Order");
  const outcome = await retryOrderWriteback(orderId, { prisma, shopId: shop.id });
  await recordAudit(prisma, {
    shopId: shop.id,
    actor,
    action: "order.writeback_retried",
    subjectType: "channel_order",
    subjectId: orderId,
    details: { state: outcome?.state ?? "WRITTEN" },
  });
  if (!outcome) return "The order was written back already";
  return outcome.state === "FAILED" ? `Still failing: ${outcome.message}` : "Written back to Shopify";
}

/**
 * Whether a line's sale found fewer units than it took: Shopify's own count at the shipping
 * location, read from the write-back's answer (exact however many orders are recorded at once,
 * since Shopify applies adjustments one by one), plus the mirror's other saleable locations. The
 * mirror alone can be a webhook behind, or read by two orders before either wrote.
 */
async function detectOversell(prisma: PrismaClient, channel: ChannelWithShop, order: ImportedOrder, move: LineMove): Promise<boolean> {
  const units = -move.delta;
  const levels = await prisma.inventoryLevel.findMany({
    where: { shopId: channel.shopId, inventoryItem: { variantId: move.variantId }, location: { saleable: true, isActive: true } },
    select: { locationId: true, available: true },
  });
  const elsewhere = levels.reduce((sum, level) => (level.locationId === move.locationId ? sum : sum + Math.max(0, level.available)), 0);
  const mirroredAfter = levels.find((level) => level.locationId === move.locationId)?.available ?? 0;
  const atLocation = (move.quantityAfter ?? mirroredAfter) + units;
  const available = Math.max(0, atLocation) + elsewhere;
  if (units <= available) return false;
  await raiseOversell(prisma, channel, order, move.channelSku, units, available, move.variantId, move.listingId);
  return true;
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
