import { Prisma, type Channel, type PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { raiseListingDrift } from "~/alerts/drift.server";
import { raiseListingSuspended, resolveAlert } from "~/alerts/events.server";
import { alertThresholds } from "~/alerts/housekeeping.server";
import { ChannelError, type Connector, type DiscoveredListing } from "~/channels/connector";
import { moduleOfKind } from "~/channels/registry";
import { connectorForChannel, type ConnectableChannel } from "~/channels/registry.server";
import { recordAudit } from "~/lib/audit.server";
import { logger } from "~/lib/logger.server";
import { driftReadSchedulerId, queues as defaultQueues, type Queues } from "~/queues.server";
import { noteChange, type DriftRepair } from "~/recompute/index.server";
import { decideDrift, driftReadEveryMs, REPEAT_WINDOW_MS } from "./drift";
import { problemInWords } from "./listing-discovery.server";
import type { SharedRateLimiter } from "./rate-limiter.server";

// The drift read: what each marketplace really shows for an account's listings, read back on a
// schedule with the account's bulk read (Connector.readListings, the one listing discovery uses),
// stored per listing (observed quantity, price, status, the marketplace's reason when it does not
// sell, when seen), and acted on: a quantity away from the last acknowledged push raises DRIFT and,
// where the channel allows it, is pushed again through the pipeline (noteChange "drift"); a
// suppressed, deactivated or ended listing raises LISTING_SUSPENDED with the marketplace's reason,
// resolved when it sells again.
//
// Reads yield to pushes. Every HTTP call of the read (the page's and each per-item one) first
// checks that the account has no PENDING listing and takes its token from the account's shared
// limiter, the bucket the flush pays from. A pending stock change stops the read at the next call:
// it waits for at most the one call already under way, never for a page. The cycle keeps its place
// (Channel.driftReadCursor, the page it stopped in) and the next scheduled run goes on from there.

/** Pages one cycle follows at most (2,000 Walmart pages are 100,000 items); a cursor that never ends stops here. */
const MAX_PAGES = 2_000;
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
  status: "read" | "yielded" | "skipped" | "failed";
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
  channelSku: string;
  externalId: string | null;
  pushedQuantity: number | null;
  pushedAt: Date | null;
  pushedVersion: number;
  desiredQuantity: number | null;
  syncState: "IN_SYNC" | "PENDING" | "HELD" | "FAILED";
  fulfilledByMarketplace: boolean;
}

/** The job: one read cycle of the account (or the rest of one that yielded). */
export async function runDriftRead(channelId: string, deps: DriftReadDeps = {}): Promise<DriftReadResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? (() => new Date());
  const result: DriftReadResult = { status: "read", listingsRead: 0, calls: 0, drifting: 0, repaired: 0, suspended: 0, resolved: 0 };
  const channel = await prisma.channel.findUnique({ where: { id: channelId }, include: { shop: { select: { settings: true, uninstalledAt: true } } } });
  if (!channel || channel.status !== "CONNECTED" || !channel.credentialsCiphertext || channel.shop.uninstalledAt) {
    return { ...result, status: "skipped", reason: "not connected" };
  }
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
      const answer = await connector.readListings(token, { beforeCall });
      const seen = await applyPage(prisma, channel, answer.listings, { now: now(), thresholdUnits, result, repairs });
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
}

/**
 * Stores what the page shows for Anchorline's listings (one statement), then decides each one's
 * drift and suspension. Listings of the account that Anchorline does not link are left alone.
 * Returns how many of Anchorline's listings the page held.
 */
async function applyPage(
  prisma: PrismaClient,
  channel: Channel,
  shown: readonly DiscoveredListing[],
  { now, thresholdUnits, result, repairs }: PageContext,
): Promise<number> {
  if (shown.length === 0) return 0;
  const rows = shown.map((l) => ({
    sku: l.channelSku,
    quantity: l.quantity ?? null,
    price: l.priceCents ?? null,
    status: l.status ?? null,
    suspension: l.suspension ?? null,
  }));
  const stored = await prisma.$queryRaw<StoredListing[]>(Prisma.sql`
    UPDATE "Listing" AS l SET
      "observedQuantity" = v.quantity, "observedPriceCents" = v.price, "observedStatus" = v.status,
      "observedSuspension" = v.suspension, "observedAt" = ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(sku text, quantity int, price int, status text, suspension text)
    WHERE l."shopId" = ${channel.shopId} AND l."channelId" = ${channel.id} AND l."channelSku" = v.sku
    RETURNING l.id, l."channelSku", l."externalId", l."pushedQuantity", l."pushedAt", l."pushedVersion", l."desiredQuantity",
      l."syncState"::text AS "syncState", l."fulfilledByMarketplace"`);
  if (stored.length === 0) return 0;
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
      select: { id: true, kind: true, listingId: true },
    }),
  ]);
  const bySku = new Map(shown.map((l) => [l.channelSku, l]));
  const channelRef = { id: channel.id, name: channel.name };
  for (const listing of stored) {
    const observed = bySku.get(listing.channelSku)!;
    const open = (kind: "DRIFT" | "LISTING_SUSPENDED") => openAlerts.find((a) => a.kind === kind && a.listingId === listing.id);

    const suspension = observed.suspension ?? null;
    if (suspension !== null) {
      const raised = await raiseListingSuspended(prisma, { shopId: channel.shopId, channel: channelRef, listing, reason: suspension }, { now });
      if (raised.created) result.suspended++;
    } else {
      const alert = open("LISTING_SUSPENDED");
      if (alert && (await resolveAlert(prisma, channel.shopId, alert.id, ACTOR, now))) result.resolved++;
    }

    const verdict = decideDrift({
      listing,
      observedQuantity: observed.quantity ?? null,
      soldSincePush: sold.get(listing.id) ?? 0,
      thresholdUnits,
      earlierDrifts: earlier.filter((e) => e.subjectId === listing.id).map((e) => e.createdAt),
      repairAllowed: channel.repairQuantityDrift,
      now,
    });
    if (!verdict.drifting) {
      // In flight or just pushed: the alert stays until a settled read shows the listing right.
      const settled = verdict.reason === "within the threshold" || verdict.reason === "nothing shown" || verdict.reason === "never pushed";
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
      repairs.push({ id: listing.id, pushedQuantity: listing.pushedQuantity, pushedVersion: listing.pushedVersion, observedQuantity: verdict.observed });
    }
  }
  return stored.length;
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
      details: { channel: channel.name, showed: r.observedQuantity, acknowledged: r.pushedQuantity },
    });
  }
}
