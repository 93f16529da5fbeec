import type { PrismaClient, SyncState } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { bucketStarts, channelHealth, type HealthWindow } from "~/health/series.server";
import { channelSyncRows } from "~/metrics/collect.server";
import { TREND_WINDOWS, type TrendWindow } from "./trend-windows";

export type ListingCounts = Record<SyncState, number>;

/** The window the overview's latency looks back over. */
export const OVERVIEW_WINDOW_MS = 86_400_000;

/** The window ending at the current bucket's end (whole hours or days, UTC), so a bucket is never half-counted. */
export function trendWindow(window: TrendWindow, now: Date): HealthWindow {
  const { spanMs, bucketMs } = TREND_WINDOWS[window];
  const to = new Date(Math.floor(now.getTime() / bucketMs) * bucketMs + bucketMs);
  return { from: new Date(to.getTime() - spanMs), to, bucketMs };
}

export interface ChannelLatency {
  /** Seconds from Anchorline's change to the channel's acknowledgement, median and 95th percentile. */
  p50: number;
  p95: number;
  /** Listings acknowledged in the window (what the quantiles are over). */
  pushes: number;
}

/**
 * Per channel: listings by sync state, sync latency over the last day, and the problems a
 * merchant acts on (oversells, pushes held for price parity, drift). The figures come from the
 * same queries /metrics uses (app/metrics/collect.server.ts), scoped to this shop, so the
 * overview and a Prometheus dashboard never disagree on what "in sync" or "drift" means.
 */
export async function shopOverview(shopDomain: string, prisma: PrismaClient = defaultPrisma, now = new Date(), window: TrendWindow = "24h") {
  const span = trendWindow(window, now);
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop)
    return { channels: [], lastImport: null, openAlerts: { OVERSELL: 0, PARITY_VIOLATION: 0, DRIFT: 0 }, trends: { window, starts: [], channels: [] } };
  const since = new Date(now.getTime() - OVERVIEW_WINDOW_MS);
  const [channels, figures, latencies, lastImport, alerts, readBack, trendChannels] = await Promise.all([
    prisma.channel.findMany({
      // The Shopify store (channels/store-channel.server.ts) is the anchor, not a sales channel Anchorline pushes to.
      where: { shopId: shop.id, kind: { not: "SHOPIFY" } },
      orderBy: [{ priority: "asc" }, { name: "asc" }],
      select: { id: true, name: true, kind: true, status: true, driftReadAt: true, driftReadProblem: true },
    }),
    channelSyncRows(prisma, { since, shopId: shop.id }),
    // The latency card is the last day's, whichever window the charts show.
    window === "24h" ? null : channelHealth(prisma, shop.id, trendWindow("24h", now)),
    prisma.importRun.findFirst({ where: { shopId: shop.id }, orderBy: { startedAt: "desc" }, select: { state: true, total: true, done: true } }),
    prisma.alert.groupBy({
      by: ["kind"],
      where: { shopId: shop.id, state: { not: "RESOLVED" }, kind: { in: ["OVERSELL", "PARITY_VIOLATION", "DRIFT"] } },
      _count: { _all: true },
    }),
    // What the drift read saw (sync/drift-read.server.ts): listings read back, and those the marketplace does not sell.
    prisma.listing.groupBy({ by: ["channelId"], where: { shopId: shop.id }, _count: { observedAt: true, observedSuspension: true } }),
    channelHealth(prisma, shop.id, span),
  ]);
  const readOf = new Map(readBack.map((r) => [r.channelId, r._count]));
  const figuresOf = new Map(figures.map((f) => [f.channelId, f]));
  // Every push acknowledged in the day (ListingPush), as the charts and the weekly report count them.
  const latencyOf = new Map((latencies ?? trendChannels).map((c) => [c.channelId, c]));
  const openAlerts = { OVERSELL: 0, PARITY_VIOLATION: 0, DRIFT: 0 };
  for (const row of alerts) if (row.kind in openAlerts) openAlerts[row.kind as keyof typeof openAlerts] = row._count._all;
  return {
    channels: channels.map(({ driftReadAt, driftReadProblem, ...channel }) => {
      const f = figuresOf.get(channel.id);
      const l = latencyOf.get(channel.id);
      const listings: ListingCounts = { IN_SYNC: f?.inSync ?? 0, PENDING: f?.pending ?? 0, HELD: f?.held ?? 0, FAILED: f?.failed ?? 0 };
      const latency: ChannelLatency | null = l?.latency ? { p50: l.latency.p50, p95: l.latency.p95, pushes: l.acknowledged.total } : null;
      return {
        ...channel,
        listings,
        latency,
        oversells: f?.oversells ?? 0,
        // Pushes held back because the price would break a parity rule or is beyond the price
        // guardrail (the HELD state).
        parityHeld: f?.held ?? 0,
        driftListings: f?.driftListings ?? 0,
        driftUnits: f?.driftUnits ?? 0,
        // The last finished read of what the marketplace shows, how many listings it found, why the last one failed.
        readBack: { at: driftReadAt, listings: readOf.get(channel.id)?.observedAt ?? 0, problem: driftReadProblem },
        suspended: readOf.get(channel.id)?.observedSuspension ?? 0,
      };
    }),
    lastImport,
    openAlerts,
    // Per channel over the chosen window: pushes, failures, latency, oversells, drift, suspensions.
    trends: { window, starts: bucketStarts(span).map((d) => d.toISOString()), channels: trendChannels },
  };
}
