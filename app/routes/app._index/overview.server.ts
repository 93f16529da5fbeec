import type { PrismaClient, SyncState } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { channelSyncRows, syncLatencies } from "~/metrics/collect.server";

export type ListingCounts = Record<SyncState, number>;

/** The window the overview's latency looks back over. */
export const OVERVIEW_WINDOW_MS = 86_400_000;

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
export async function shopOverview(shopDomain: string, prisma: PrismaClient = defaultPrisma, now = new Date()) {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return { channels: [], lastImport: null, openAlerts: { OVERSELL: 0, PARITY_VIOLATION: 0, DRIFT: 0 } };
  const since = new Date(now.getTime() - OVERVIEW_WINDOW_MS);
  const [channels, figures, latencies, lastImport, alerts, readBack] = await Promise.all([
    prisma.channel.findMany({
      where: { shopId: shop.id },
      orderBy: [{ priority: "asc" }, { name: "asc" }],
      select: { id: true, name: true, kind: true, status: true, driftReadAt: true, driftReadProblem: true },
    }),
    channelSyncRows(prisma, { since, shopId: shop.id }),
    syncLatencies(prisma, { since, shopId: shop.id }),
    prisma.importRun.findFirst({ where: { shopId: shop.id }, orderBy: { startedAt: "desc" }, select: { state: true, total: true, done: true } }),
    prisma.alert.groupBy({
      by: ["kind"],
      where: { shopId: shop.id, state: { not: "RESOLVED" }, kind: { in: ["OVERSELL", "PARITY_VIOLATION", "DRIFT"] } },
      _count: { _all: true },
    }),
    // What the drift read saw (sync/drift-read.server.ts): listings read back, and those the marketplace does not sell.
    prisma.listing.groupBy({ by: ["channelId"], where: { shopId: shop.id }, _count: { observedAt: true, observedSuspension: true } }),
  ]);
  const readOf = new Map(readBack.map((r) => [r.channelId, r._count]));
  const figuresOf = new Map(figures.map((f) => [f.channelId, f]));
  const latencyOf = new Map(latencies.map((l) => [l.channelId, l]));
  const openAlerts = { OVERSELL: 0, PARITY_VIOLATION: 0, DRIFT: 0 };
  for (const row of alerts) if (row.kind in openAlerts) openAlerts[row.kind as keyof typeof openAlerts] = row._count._all;
  return {
    channels: channels.map(({ driftReadAt, driftReadProblem, ...channel }) => {
      const f = figuresOf.get(channel.id);
      const l = latencyOf.get(channel.id);
      const listings: ListingCounts = { IN_SYNC: f?.inSync ?? 0, PENDING: f?.pending ?? 0, HELD: f?.held ?? 0, FAILED: f?.failed ?? 0 };
      const latency: ChannelLatency | null = l && l.count > 0 ? { p50: l.p50, p95: l.p95, pushes: l.count } : null;
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
  };
}
