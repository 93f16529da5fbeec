import { Prisma, type Channel, type PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { driftAlertKey, priceDriftAlertKey, raiseListingDrift, raiseListingPriceDrift } from "~/alerts/drift.server";
import { raiseListingSuspended, resolveAlert } from "~/alerts/events.server";
import { alertThresholds } from "~/alerts/housekeeping.server";
import { ChannelError, type Connector, type DiscoveredListing } from "~/channels/connector";
import { moduleOfKind } from "~/channels/registry";
import { connectorForChannel, type ConnectableChannel } from "~/channels/registry.server";
import { recordAudit } from "~/lib/audit.server";
import { logger } from "~/lib/logger.server";
import { driftReadSchedulerId, orderNotificationQueued, queues as defaultQueues, type Queues } from "~/queues.server";
import { noteChange, type DriftRepair } from "~/recompute/index.server";
import { decideDrift, decidePriceDrift, driftReadEveryMs, REPEAT_WINDOW_MS } from "./drift";
import { problemInWords } from "./listing-discovery.server";
import type { SharedRateLimiter } from "./rate-limiter.server";

// The drift read: what each marketplace really shows for an account's listings, read back on a
// schedule with the account's bulk read (Connector.readListings, the one listing discovery uses,
// without the identifiers discovery links by: Amazon's searchListingsItems, 20 a call; Walmart's
// items then inventories, 50 a call each; TikTok's product search, 100 a call; eBay's inventory
// items, 200 a call, and each SKU's offers, which eBay reads by SKU only),
// stored per listing (observed quantity, price, status, the marketplace's reason when it does not
// sell, when seen), and acted on: a quantity away from the last acknowledged push raises DRIFT and,
// where the channel allows it, is pushed again through the pipeline (noteChange "drift"); a
// suppressed, deactivated or ended listing raises LISTING_SUSPENDED with the marketplace's reason,
// resolved when it sells again.
//
// Where a marketplace notifies listing changes (Amazon's LISTINGS_ITEM_MFN_QUANTITY_CHANGE and
// LISTINGS_ITEM_STATUS_CHANGE, through the merchant's EventBridge destination), the notification is
// judged by the same rules at once (runNotifiedListingChanges, the "listing-notified" job): a hand
// edit is repaired without waiting for the next cycle, which stays the safety net.
//
// Reads yield to pushes. Every HTTP call of the read (the page's and each per-item one) first
// checks that the account has no PENDING listing and takes its token from the account's shared
// limiter, the bucket the flush pays from. A pending stock change stops the read at the next call:
// it waits for at most the one call already under way, never for a page. The cycle keeps its place
// (Channel.driftReadCursor, the page it stopped in) and the next scheduled run goes on from there.

/** Pages one cycle follows at most (4,000 Walmart pages, an items and an inventories page per 50, are 100,000 items); a cursor that never ends stops here. */
const MAX_PAGES = 4_000;
const ACTOR = "worker";

/** Starts (or keeps) the account's drift read at the pace its limits and catalog size give. */
export async function scheduleDriftRead(channel: ConnectableChannel, deps: { prisma?: PrismaClient; queues?: Queues } = {}): Promise<void> {
  const prisma = deps.prisma ?? defaultPrisma;
  const listings = await prisma.listing.count({ where: { shopId: channel.shopId, channelId: channel.id } });
  const every = driftReadEveryMs(connectorForChannel(channel, prisma).limits, listings);
  await upsertDriftRead(deps.queues ?? defaultQueues(), channel.id, every);
}

export interface DriftReadDeps {
  prisma?: PrismaClient;
  queues?: Queues;
  connectorFor?: (channel: ConnectableChannel) => Connector;
  /** The account's shared limiter (workers pass theirs); none: calls are paced by the connector alone. */
  limiter?: SharedRateLimiter;
  /** The test clock: when the read sees what it reads. */
  now?: () => Date;
  /** Asks a channel account's worker to flush (default: the channel-sync queue). */
  requestFlush?: (channelId: string) => Promise<void>;
}

export interface DriftReadResult {
  status: "read" | "yielded" | "skipped" | "failed" | "deferred";
  /** Listings of Anchorline's the read found on the marketplace, and HTTP calls it made. */
  listingsRead: number;
  calls: number;
  drifting: number;
  /** Listings marked to be pushed again. */
  repaired: number;
  suspended: number;
  resolved: number;
  reason?: string;
}

/** A pending push needs the account's calls (or its limiter has none to spare): the read stops here. */
class ReadYielded extends Error {
  constructor(why: string) {
    super(`drift read yielded: ${why}`);
  }
}

interface StoredListing {
  id: string;
  variantId: string;
  channelSku: string;
  externalId: string | null;
  pushedQuantity: number | null;
  pushedAt: Date | null;
  pushedVersion: number;
  desiredQuantity: number | null;
  pushedPriceCents: number | null;
  desiredPriceCents: number | null;
  syncState: "IN_SYNC" | "PENDING" | "HELD" | "FAILED";
  fulfilledByMarketplace: boolean;
}

const emptyResult = (): DriftReadResult => ({ status: "read", listingsRead: 0, calls: 0, drifting: 0, repaired: 0, suspended: 0, resolved: 0 });

/** The channel with its shop's settings, while it is connected with credentials and its shop installed; null otherwise. */
async function connectedChannel(prisma: PrismaClient, channelId: string) {
  const channel = await prisma.channel.findUnique({ where: { id: channelId }, include: { shop: { select: { settings: true, uninstalledAt: true } } } });
  return channel && channel.status === "CONNECTED" && channel.credentialsCiphertext && !channel.shop.uninstalledAt ? channel : null;
}

/** The job: one read cycle of the account (or the rest of one that yielded). */
export async function runDriftRead(channelId: string, deps: DriftReadDeps = {}): Promise<DriftReadResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? (() => new Date());
  const result = emptyResult();
  const channel = await connectedChannel(prisma, channelId);
  if (!channel) return { ...result, status: "skipped", reason: "not connected" };
  const label = moduleOfKind(channel.kind)?.label ?? channel.kind;
  let connector: Connector;
  try {
    connector = (deps.connectorFor ?? ((c) => connectorForChannel(c, prisma)))(channel);
  } catch (error) {
    return failed(prisma, channel.id, result, `${label}'s connector could not be built: ${(error as Error).message}`);
  }
  if (!connector.readListings) return { ...result, status: "skipped", reason: `${label} has no bulk read` };
  const thresholdUnits = alertThresholds(channel.shop.settings).driftUnits;
  const live = channel.liveAt !== null;

  const beforeCall = async () => {
    // A channel not live yet keeps its pending pushes until the merchant's review: nothing to yield to.
    if (live && (await prisma.listing.findFirst({ where: { channelId, syncState: "PENDING" }, select: { id: true } }))) {
      throw new ReadYielded("a push is pending");
    }
    if (deps.limiter && !(await deps.limiter.take(channelId, connector.limits, 1))) throw new ReadYielded("the account's limiter has no call to spare");
    result.calls++;
  };

  const repairs: DriftRepair[] = [];
  let token = channel.driftReadCursor;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await connector.readListings(token, { beforeCall, withIdentifiers: false });
      const seen = await applyPage(prisma, channel, answer.listings, { now: now(), thresholdUnits, result, repairs, deps });
      result.listingsRead += seen;
      if (answer.next === null || answer.next === token) {
        token = null;
        break;
      }
      token = answer.next;
      await prisma.channel.update({ where: { id: channel.id }, data: { driftReadCursor: token } });
    }
  } catch (error) {
    if (!(error instanceof ReadYielded)) {
      await repair(channel, repairs, result, deps);
      logger.warn({ channelId, err: error }, "drift read: the account's listings could not be read");
      const outcome = await failed(prisma, channel.id, result, problemInWords(label, error));
      if (error instanceof ChannelError && error.retryable) throw error;
      return outcome;
    }
    // The page in progress is read again next time (its token is the cursor kept).
    await repair(channel, repairs, result, deps);
    logger.info({ channelId, calls: result.calls }, error.message);
    return { ...result, status: "yielded", reason: error.message };
  }
  await repair(channel, repairs, result, deps);
  await prisma.channel.update({ where: { id: channel.id }, data: { driftReadCursor: null, driftReadAt: now(), driftReadProblem: null } });
  await repace(channel.id, driftReadEveryMs(connector.limits, result.listingsRead), deps.queues);
  return result;
}

/**
 * A listing change notification waits for a sale's order notification queued before it: the sale
 * lowered the marketplace's count, and until its order is imported its units are not in
 * soldSincePush, so the lower count would look like drift and a repair would push the sold units
 * back. It looks again every ORDER_FIRST_DELAY_MS, at most MAX_DEFERRALS times (half a minute),
 * then is judged as it is.
 */
const ORDER_FIRST_DELAY_MS = 2_000;
const MAX_DEFERRALS = 15;

/**
 * The "listing-notified" job: what a marketplace's listing change notification says (Amazon's
 * LISTINGS_ITEM_MFN_QUANTITY_CHANGE and LISTINGS_ITEM_STATUS_CHANGE), stored with when the
 * marketplace saw it and judged at once, by the same rules as a read cycle. A listing that stopped
 * selling is read once (Connector.fetchListing) for the marketplace's reason, which the
 * notification does not carry. A notification older than what was stored already is left out.
 */
export async function runNotifiedListingChanges(
  channelId: string,
  notification: unknown,
  deps: DriftReadDeps & { deferrals?: number } = {},
): Promise<DriftReadResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? (() => new Date());
  const result = emptyResult();
  const channel = await connectedChannel(prisma, channelId);
  if (!channel) return { ...result, status: "skipped", reason: "not connected" };
  const connector = (deps.connectorFor ?? ((c) => connectorForChannel(c, prisma)))(channel);
  const changes = connector.listingChangesInNotification?.(notification) ?? [];
  if (changes.length === 0) return { ...result, status: "skipped", reason: "no listing of this account" };
  const queues = deps.queues ?? defaultQueues();
  const deferrals = deps.deferrals ?? 0;
  const counts = changes.some((c) => c.quantity !== undefined);
  if (counts && deferrals < MAX_DEFERRALS && (await orderNotificationQueued(queues, channelId))) {
    await queues["listing-reads"].add("listing-notified", { channelId, notification, deferrals: deferrals + 1 }, { delay: ORDER_FIRST_DELAY_MS });
    return { ...result, status: "deferred", reason: "an order notification of the account is imported first" };
  }

  const seen: Array<Observation & { status?: string | null; seenAt: Date }> = [];
  for (const change of changes) {
    let suspension: string | null | undefined;
    if (change.selling === true) suspension = null;
    else if (change.selling === false) suspension = change.suspension ?? (await reasonItDoesNotSell(connector, change.channelSku, channelId, deps, result));
    seen.push({ channelSku: change.channelSku, quantity: change.quantity, status: change.status, suspension, seenAt: change.seenAt });
  }
  // Only what the notification speaks of, and only over something seen earlier (deliveries come out of order).
  const stored = await storeSeen(prisma, channel, seen, { overOlderOnly: true });
  result.listingsRead = stored.length;
  const repairs: DriftRepair[] = [];
  await judge(prisma, channel, stored, seen, { now: now(), thresholdUnits: alertThresholds(channel.shop.settings).driftUnits, result, repairs, deps });
  await repair(channel, repairs, result, deps);
  return result;
}

/** The marketplace's reason a listing does not sell, read once; null when nothing stops it (no stock is not a suspension). */
async function reasonItDoesNotSell(
  connector: Connector,
  channelSku: string,
  channelId: string,
  deps: DriftReadDeps,
  result: DriftReadResult,
): Promise<string | null> {
  if (deps.limiter) await deps.limiter.take(channelId, connector.limits, 1);
  result.calls++;
  const snapshot = await connector.fetchListing(channelSku);
  if (!snapshot) return "The marketplace no longer has this listing";
  return snapshot.suspension ?? null;
}

/** A catalog that grew or shrank moves the account's pace: its schedule, where it has one, follows. */
async function repace(channelId: string, every: number, queues: Queues = defaultQueues()): Promise<void> {
  const scheduler = await queues["listing-reads"].getJobScheduler(driftReadSchedulerId(channelId));
  if (scheduler && Number(scheduler.every) !== every) await upsertDriftRead(queues, channelId, every);
}

function upsertDriftRead(queues: Queues, channelId: string, every: number) {
  return queues["listing-reads"].upsertJobScheduler(driftReadSchedulerId(channelId), { every }, { name: "drift-read", data: { channelId } });
}

async function failed(prisma: PrismaClient, channelId: string, result: DriftReadResult, problem: string): Promise<DriftReadResult> {
  await prisma.channel.update({ where: { id: channelId }, data: { driftReadProblem: problem } });
  return { ...result, status: "failed", reason: problem };
}

interface PageContext {
  now: Date;
  thresholdUnits: number;
  result: DriftReadResult;
  repairs: DriftRepair[];
  deps: DriftReadDeps;
}

/**
 * What one listing was seen to show. A field left undefined was not seen this time: a change
 * notification speaks of the quantity or of the status, never of both.
 */
interface Observation {
  channelSku: string;
  quantity?: number | null;
  priceCents?: number | null;
  /** The marketplace's reason it does not sell; null: nothing stops it. */
  suspension?: string | null;
}

const RETURNING_STORED = Prisma.sql`RETURNING l.id, l."variantId", l."channelSku", l."externalId", l."pushedQuantity", l."pushedAt", l."pushedVersion", l."desiredQuantity",
      l."pushedPriceCents", l."desiredPriceCents", l."syncState"::text AS "syncState", l."fulfilledByMarketplace"`;

/**
 * Stores what the page shows for Anchorline's listings (one statement), then decides each one's
 * drift and suspension. Listings of the account that Anchorline does not link are left alone.
 * Returns how many of Anchorline's listings the page read the quantity of.
 */
async function applyPage(prisma: PrismaClient, channel: Channel, shown: readonly DiscoveredListing[], context: PageContext): Promise<number> {
  if (shown.length === 0) return 0;
  const seen = shown.map((l) => ({ ...l, seenAt: context.now }));
  const stored = await storeSeen(prisma, channel, seen, { overOlderOnly: false });
  await judge(prisma, channel, stored, seen, context);
  // A page that read no quantity (Walmart's items, before its inventories) counts its listings when
  // their quantities come: each listing is read once a cycle.
  const quantities = new Set(shown.filter((l) => l.quantity !== undefined).map((l) => l.channelSku));
  return stored.filter((l) => quantities.has(l.channelSku)).length;
}

/**
 * Stores what was seen of the account's listings, one statement: a field left undefined keeps what
 * was stored (not seen this time: a notification speaks of the quantity or of the status, a
 * Walmart items page holds no quantity and its inventories page only that). overOlderOnly: only
 * over something seen earlier (notifications come out of order). Listings Anchorline does not link
 * are left alone. Returns the listings stored.
 */
async function storeSeen(
  prisma: PrismaClient,
  channel: Channel,
  seen: ReadonlyArray<Observation & { status?: string | null; seenAt: Date }>,
  { overOlderOnly }: { overOlderOnly: boolean },
): Promise<StoredListing[]> {
  const rows = seen.map((o) => ({
    sku: o.channelSku,
    has_quantity: o.quantity !== undefined,
    quantity: o.quantity ?? null,
    has_price: o.priceCents !== undefined,
    price: o.priceCents ?? null,
    has_status: o.status !== undefined,
    status: o.status ?? null,
    has_suspension: o.suspension !== undefined,
    suspension: o.suspension ?? null,
    seen: o.seenAt.toISOString(),
  }));
  return prisma.$queryRaw<StoredListing[]>(Prisma.sql`
    UPDATE "Listing" AS l SET
      "observedQuantity" = CASE WHEN v.has_quantity THEN v.quantity ELSE l."observedQuantity" END,
      "observedPriceCents" = CASE WHEN v.has_price THEN v.price ELSE l."observedPriceCents" END,
      "observedStatus" = CASE WHEN v.has_status THEN v.status ELSE l."observedStatus" END,
      "observedSuspension" = CASE WHEN v.has_suspension THEN v.suspension ELSE l."observedSuspension" END,
      "observedAt" = v.seen
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS v(sku text, has_quantity boolean, quantity int, has_price boolean, price int, has_status boolean, status text,
           has_suspension boolean, suspension text, seen timestamp(3))
    WHERE l."shopId" = ${channel.shopId} AND l."channelId" = ${channel.id} AND l."channelSku" = v.sku
      ${overOlderOnly ? Prisma.sql`AND (l."observedAt" IS NULL OR l."observedAt" <= v.seen)` : Prisma.empty}
    ${RETURNING_STORED}`);
}

/** Each stored listing's drift and suspension decided from what was seen of it, alerts raised or resolved, repairs noted. */
async function judge(
  prisma: PrismaClient,
  channel: Channel,
  stored: readonly StoredListing[],
  seen: readonly Observation[],
  { now, thresholdUnits, result, repairs, deps }: PageContext,
): Promise<void> {
  if (stored.length === 0) return;
  const ids = stored.map((l) => l.id);
  const [sold, earlier, openAlerts] = await Promise.all([
    soldSincePush(prisma, channel.shopId, ids),
    prisma.auditEvent.findMany({
      where: {
        shopId: channel.shopId,
        action: "listing.drift_detected",
        subjectId: { in: ids },
        createdAt: { gt: new Date(now.getTime() - REPEAT_WINDOW_MS) },
      },
      select: { subjectId: true, createdAt: true },
    }),
    prisma.alert.findMany({
      where: { shopId: channel.shopId, listingId: { in: ids }, kind: { in: ["DRIFT", "LISTING_SUSPENDED"] }, state: { not: "RESOLVED" } },
      select: { id: true, kind: true, listingId: true, dedupeKey: true },
    }),
  ]);
  const bySku = new Map(seen.map((l) => [l.channelSku, l]));
  const channelRef = { id: channel.id, name: channel.name };
  /** One repair per listing, its quantity and price together (the outbox writes one row once). */
  const repairOf = (listing: StoredListing): DriftRepair => {
    let found = repairs.find((r) => r.id === listing.id);
    if (!found) repairs.push((found = { id: listing.id, pushedVersion: listing.pushedVersion }));
    return found;
  };
  /** Variants whose listing here started or stopped selling: where the merchant offers its units, the pool's split moves. */
  const movedUnits = new Set<string>();
  for (const listing of stored) {
    const observed = bySku.get(listing.channelSku)!;
    const open = (kind: "DRIFT" | "LISTING_SUSPENDED") =>
      openAlerts.find((a) => a.kind === kind && a.listingId === listing.id && (kind !== "DRIFT" || a.dedupeKey === driftAlertKey(listing.id)));
    const openPriceDrift = openAlerts.find((a) => a.dedupeKey === priceDriftAlertKey(listing.id));

    if (observed.priceCents !== undefined) {
      const price = decidePriceDrift({ listing, observedPriceCents: observed.priceCents, repairAllowed: channel.repairPriceDrift, now });
      if (price.drifting) {
        result.drifting++;
        await raiseListingPriceDrift(
          prisma,
          { shopId: channel.shopId, channel: channelRef, listing, expected: price.expected, observed: price.observed, repaired: price.repair },
          { now },
        );
        if (price.repair) Object.assign(repairOf(listing), { pushedPriceCents: price.expected, observedPriceCents: price.observed });
      } else if (price.reason === "the price pushed" && openPriceDrift && (await resolveAlert(prisma, channel.shopId, openPriceDrift.id, ACTOR, now))) {
        result.resolved++;
      }
    }

    if (observed.suspension !== undefined) {
      if (observed.suspension !== null) {
        const raised = await raiseListingSuspended(prisma, { shopId: channel.shopId, channel: channelRef, listing, reason: observed.suspension }, { now });
        if (raised.created) {
          result.suspended++;
          movedUnits.add(listing.variantId);
        }
      } else {
        const alert = open("LISTING_SUSPENDED");
        if (alert && (await resolveAlert(prisma, channel.shopId, alert.id, ACTOR, now))) {
          result.resolved++;
          movedUnits.add(listing.variantId);
        }
      }
    }
    if (observed.quantity === undefined) continue;

    const verdict = decideDrift({
      listing,
      observedQuantity: observed.quantity,
      soldSincePush: sold.get(listing.id) ?? 0,
      thresholdUnits,
      earlierDrifts: earlier.filter((e) => e.subjectId === listing.id).map((e) => e.createdAt),
      repairAllowed: channel.repairQuantityDrift,
      now,
    });
    if (!verdict.drifting) {
      // In flight or just pushed: the alert stays until a settled read shows the listing right, or
      // the marketplace shows exactly the push it acknowledged (a repair's own notification).
      const showsThePush = verdict.reason === "push just acknowledged" && observed.quantity === listing.pushedQuantity;
      const settled = showsThePush || verdict.reason === "within the threshold" || verdict.reason === "nothing shown" || verdict.reason === "never pushed";
      const alert = open("DRIFT");
      if (settled && alert && (await resolveAlert(prisma, channel.shopId, alert.id, ACTOR, now))) result.resolved++;
      continue;
    }
    result.drifting++;
    await recordAudit(prisma, {
      shopId: channel.shopId,
      actor: ACTOR,
      action: "listing.drift_detected",
      subjectType: "listing",
      subjectId: listing.id,
      details: { channel: channel.name, sku: listing.channelSku, expected: verdict.expected, observed: verdict.observed, drifts: verdict.drifts },
    });
    await raiseListingDrift(
      prisma,
      {
        shopId: channel.shopId,
        channel: channelRef,
        listing,
        expected: verdict.expected,
        observed: verdict.observed,
        drifts: verdict.drifts,
        anotherTool: verdict.anotherTool,
        thresholdUnits,
        repaired: verdict.repair,
      },
      { now },
    );
    if (verdict.repair && listing.pushedQuantity !== null) {
      Object.assign(repairOf(listing), { pushedQuantity: listing.pushedQuantity, observedQuantity: verdict.observed });
    }
  }
  if (channel.offerSuspendedUnits && movedUnits.size > 0) {
    // Its listing lists 0 (or sells again) and the other channels' listings take (or give back) its units.
    await noteChange(channel.shopId, { kind: "stock", at: [...movedUnits].map((variantId) => ({ variantId, locationId: null })) }, deps);
  }
}

/** Units of each listing's marketplace orders placed since its last acknowledged push, cancelled units left out. */
async function soldSincePush(prisma: PrismaClient, shopId: string, listingIds: string[]): Promise<Map<string, number>> {
  const rows = await prisma.$queryRaw<{ listingId: string; sold: number }[]>(Prisma.sql`
    SELECT col."listingId", sum(greatest(0, col.quantity - col."cancelledQuantity"))::int AS sold
    FROM "ChannelOrderLine" col
    JOIN "ChannelOrder" o ON o.id = col."orderId"
    JOIN "Listing" l ON l.id = col."listingId"
    WHERE col."shopId" = ${shopId} AND col."listingId" = ANY(${listingIds}::text[])
      AND o."cancelledAt" IS NULL AND l."pushedAt" IS NOT NULL AND o."orderedAt" > l."pushedAt"
    GROUP BY col."listingId"`);
  return new Map(rows.map((r) => [r.listingId, r.sold]));
}

/** Marks the drifting listings to be pushed again (the pipeline's one door), and records each repair. */
async function repair(channel: Channel, repairs: DriftRepair[], result: DriftReadResult, deps: DriftReadDeps): Promise<void> {
  if (repairs.length === 0) return;
  const prisma = deps.prisma ?? defaultPrisma;
  const batch = repairs.splice(0);
  const written = await noteChange(channel.shopId, { kind: "drift", channelId: channel.id, repairs: batch }, deps);
  result.repaired += written;
  const repaired = new Set(
    (await prisma.listing.findMany({ where: { id: { in: batch.map((r) => r.id) }, shopId: channel.shopId, syncState: "PENDING" }, select: { id: true } })).map(
      (l) => l.id,
    ),
  );
  for (const r of batch.filter((b) => repaired.has(b.id))) {
    await recordAudit(prisma, {
      shopId: channel.shopId,
      actor: ACTOR,
      action: "listing.drift_repaired",
      subjectType: "listing",
      subjectId: r.id,
      details: {
        channel: channel.name,
        ...(r.observedQuantity !== undefined ? { showed: r.observedQuantity, acknowledged: r.pushedQuantity } : {}),
        ...(r.observedPriceCents !== undefined ? { showedPriceCents: r.observedPriceCents, acknowledgedPriceCents: r.pushedPriceCents } : {}),
      },
    });
  }
}
