import type { Readable } from "node:stream";
import type { PrismaClient } from "@prisma/client";
import SftpClient from "ssh2-sftp-client";
import defaultPrisma from "~/db.server";
import { raiseAlert } from "~/alerts/raise.server";
import { logger } from "~/lib/logger.server";
import { openCredentials } from "~/lib/secrets.server";
import { shopTimeZone } from "~/lib/zoned-time";
import { noteChange } from "~/recompute/index.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";
import { ARRIVAL_GRACE_MS, feedPeriodMs, feedSlots, scheduleOf } from "./feed-format";
import { failRun, importVendorFeed, startRun, variantsAt } from "./import.server";

// Fetching vendor feeds on their schedule (decision 0026), the velocity schedule's pattern
// (sync/velocity-schedule.server.ts): one delayed job per feed and slot on the recompute queue
// (`vendor-feed-<feed>-<slot>`), each run scheduling the next; a slot runs once (its
// VendorFeedRun row, unique per feed and slot). The sweep (due-work.server.ts) rebuilds from
// PostgreSQL what Redis lost: the next slot's job, and the slot due now when it has no run
// (workers down at its moment: it runs once when they are back). The sweep also watches every
// vendor's last import: late past a feed's period and grace, it alerts; older than the vendor's
// staleness limit, its quantities stop counting (Vendor.staleSince) until the next import.

/** The job's name on the recompute queue (workers/processors.ts runs runVendorFeedSlot for it). */
export const VENDOR_FEED_JOB = "vendor-feed";

/** A vendor's server that answers nothing is given this long before the run says the file did not arrive. */
const FETCH_TIMEOUT_MS = 60_000;

export interface FeedDeps {
  prisma?: PrismaClient;
  queues?: Queues;
  now?: Date;
}

export function vendorFeedJobId(feedId: string, slot: Date): string {
  return `vendor-feed-${feedId}-${slot.getTime()}`;
}

async function scheduleSlot(shopId: string, feedId: string, slot: Date, queues: Queues): Promise<void> {
  const clock = Date.now();
  await queues.recompute.add(
    VENDOR_FEED_JOB,
    { shopId, vendorFeedId: feedId, vendorFeedSlot: slot.toISOString() },
    { jobId: vendorFeedJobId(feedId, slot), timestamp: clock, delay: Math.max(0, slot.getTime() - clock) },
  );
}

interface FetchedFeed {
  id: string;
  source: "UPLOAD" | "HTTPS" | "SFTP";
  url: string | null;
  sftpHost: string | null;
  sftpPort: number | null;
  sftpUsername: string | null;
  sftpPath: string | null;
  credentialsCiphertext: string | null;
}

/** Opens the feed's file; `close` ends the connection once the import read it. Throws when it is not there. */
export async function openFeedFile(shopId: string, feed: FetchedFeed): Promise<{ stream: Readable; close: () => Promise<void> }> {
  if (feed.source === "HTTPS") {
    const response = await fetch(feed.url!, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok || !response.body) throw new Error(`${feed.url} answered HTTP ${response.status}`);
    const { Readable } = await import("node:stream");
    return { stream: Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), close: async () => {} };
  }
  if (feed.source === "SFTP") {
    const sftp = new SftpClient();
    const password = feed.credentialsCiphertext ? openCredentials(feed.credentialsCiphertext, shopId).password : undefined;
    await sftp.connect({ host: feed.sftpHost!, port: feed.sftpPort ?? 22, username: feed.sftpUsername!, password, readyTimeout: FETCH_TIMEOUT_MS });
    try {
      if (!(await sftp.exists(feed.sftpPath!))) throw new Error(`no file at ${feed.sftpPath} on ${feed.sftpHost}`);
      return { stream: sftp.createReadStream(feed.sftpPath!) as unknown as Readable, close: async () => void (await sftp.end()) };
    } catch (error) {
      await sftp.end();
      throw error;
    }
  }
  throw new Error("an uploaded feed is not fetched");
}

export type SlotOutcome = { ran: false; reason: string } | { ran: true; ok: boolean; runId: string; error?: string };

/** The job of one feed's slot: fetch, import (all or nothing), alert when it did not arrive or could not be read, schedule the next. */
export async function runVendorFeedSlot(shopId: string, feedId: string, slotIso: string, deps: FeedDeps = {}): Promise<SlotOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const queues = deps.queues ?? defaultQueues();
  const now = deps.now ?? new Date();
  const feed = await prisma.vendorFeed.findFirst({
    where: { id: feedId, shopId, shop: { uninstalledAt: null } },
    include: { vendor: { select: { name: true, paused: true } }, shop: { select: { settings: true } } },
  });
  if (!feed || feed.source === "UPLOAD") return { ran: false, reason: "not fetched" };
  if (!feed.vendor.paused) {
    await scheduleSlot(shopId, feedId, feedSlots(scheduleOf(feed), now, shopTimeZone(feed.shop.settings)).next, queues);
  }
  if (feed.vendor.paused) return { ran: false, reason: "vendor paused" };
  let opened: Awaited<ReturnType<typeof openFeedFile>>;
  try {
    opened = await openFeedFile(shopId, feed);
  } catch (error) {
    const runId = await startRun(prisma, shopId, feedId, slotIso, now);
    if (!runId) return { ran: false, reason: "already run" };
    const message = `the file did not arrive: ${(error as Error).message}`;
    await failRun(prisma, runId, message, now);
    await alertFeed(
      prisma,
      shopId,
      feed.vendorId,
      `vendor-feed-failed:${feedId}:${slotIso}`,
      `${feed.vendor.name}'s feed did not arrive`,
      { feedId, slot: slotIso, reason: message },
      now,
    );
    return { ran: true, ok: false, runId, error: message };
  }
  try {
    const outcome = await importVendorFeed(shopId, feedId, opened.stream, { prisma, queues, now, slot: slotIso });
    if (!outcome.ran) return { ran: false, reason: outcome.reason };
    if (!outcome.ok) {
      await alertFeed(
        prisma,
        shopId,
        feed.vendorId,
        `vendor-feed-failed:${feedId}:${slotIso}`,
        `${feed.vendor.name}'s feed could not be read`,
        { feedId, slot: slotIso, reason: outcome.error },
        now,
      );
      return { ran: true, ok: false, runId: outcome.runId, error: outcome.error };
    }
    return { ran: true, ok: true, runId: outcome.runId };
  } finally {
    await opened.close().catch((error: unknown) => logger.warn({ err: error, feedId }, "vendor feed connection not closed cleanly"));
  }
}

async function alertFeed(prisma: PrismaClient, shopId: string, vendorId: string, dedupeKey: string, title: string, facts: Record<string, unknown>, now: Date) {
  await raiseAlert(prisma, { shopId, kind: "VENDOR_FEED", dedupeKey, title, facts: { vendorId, ...facts } }, { now });
}

/** Schedules a feed's slots: the one due now when it has no run yet, and the next. For a saved feed and the sweep. */
export async function scheduleFeed(shopId: string, feedId: string, deps: FeedDeps = {}): Promise<void> {
  const prisma = deps.prisma ?? defaultPrisma;
  const queues = deps.queues ?? defaultQueues();
  const feed = await prisma.vendorFeed.findFirst({
    where: { id: feedId, shopId, source: { not: "UPLOAD" }, vendor: { paused: false } },
    select: { schedule: true, dailyAt: true, shop: { select: { settings: true } } },
  });
  if (!feed) return;
  const { due, next } = feedSlots(scheduleOf(feed), deps.now ?? new Date(), shopTimeZone(feed.shop.settings));
  const ran = await prisma.vendorFeedRun.count({ where: { shopId, feedId, slot: due.toISOString() } });
  if (ran === 0) await scheduleSlot(shopId, feedId, due, queues);
  await scheduleSlot(shopId, feedId, next, queues);
}

/**
 * The sweep, for the installed shops: every fetched feed's due and next slot, then every vendor's
 * last import against its feeds' period (late: an alert) and its staleness limit (stale: its
 * quantities stop counting, and the listings they reached are recomputed). Returns how many feeds
 * and vendors it looked at.
 */
export async function sweepVendorFeeds(shopIds: readonly string[], deps: FeedDeps = {}): Promise<number> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const vendors = await prisma.vendor.findMany({
    where: { shopId: { in: [...shopIds] }, paused: false, feeds: { some: {} }, shop: { uninstalledAt: null } },
    select: {
      id: true,
      shopId: true,
      name: true,
      locationId: true,
      staleAfterHours: true,
      staleSince: true,
      lastImportedAt: true,
      createdAt: true,
      feeds: { select: { id: true, source: true, schedule: true } },
    },
  });
  for (const vendor of vendors) {
    for (const feed of vendor.feeds) if (feed.source !== "UPLOAD") await scheduleFeed(vendor.shopId, feed.id, { ...deps, now });
    const since = vendor.lastImportedAt ?? vendor.createdAt;
    const quietMs = now.getTime() - since.getTime();
    const periodMs = Math.min(...vendor.feeds.map((f) => feedPeriodMs(f.schedule)));
    const facts = { lastImportedAt: vendor.lastImportedAt?.toISOString() ?? null, staleAfterHours: vendor.staleAfterHours };
    if (quietMs > periodMs + ARRIVAL_GRACE_MS) {
      await alertFeed(
        prisma,
        vendor.shopId,
        vendor.id,
        `vendor-feed-late:${vendor.id}:${since.toISOString()}`,
        `No stock file from ${vendor.name} since ${since.toISOString()}`,
        facts,
        now,
      );
    }
    if (vendor.staleSince === null && quietMs > vendor.staleAfterHours * 3_600_000) {
      // Compare-and-set on staleSince: two sweeps at once mark it (and recompute) once.
      const marked = await prisma.vendor.updateMany({
        where: { id: vendor.id, staleSince: null, lastImportedAt: vendor.lastImportedAt },
        data: { staleSince: now },
      });
      if (marked.count === 0) continue;
      await alertFeed(
        prisma,
        vendor.shopId,
        vendor.id,
        `vendor-feed-stale:${vendor.id}:${since.toISOString()}`,
        `${vendor.name}'s quantities stopped counting: no stock file for ${vendor.staleAfterHours} hours`,
        facts,
        now,
      );
      const at = await variantsAt(prisma, vendor.shopId, vendor.locationId);
      if (at.length > 0) await noteChange(vendor.shopId, { kind: "stock", at }, { prisma, queues: deps.queues });
      logger.info({ shopId: vendor.shopId, vendorId: vendor.id, variants: at.length }, "vendor feed stale: its quantities stopped counting");
    }
  }
  return vendors.length;
}
