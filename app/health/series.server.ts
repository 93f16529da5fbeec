import { Prisma, type PrismaClient } from "@prisma/client";

// Sync health per channel account over a window, in buckets (hours or days): pushes and their
// failures and latency (ListingPush, written by the flush), oversold orders (ChannelOrder.oversold
// by when ordered), drift found and repaired by the drift read (its audit events, units from what
// the read saw against what was expected), suspensions (LISTING_SUSPENDED alerts raised) and
// parity violations (PARITY_VIOLATION alerts raised). Every query is scoped to one shop. Shared by
// the Overview's charts (24 hours, 30 days) and the weekly sync-health report.

export interface HealthWindow {
  from: Date;
  to: Date;
  bucketMs: number;
}

/** One figure per bucket, oldest first, and the window's total. */
export interface Series {
  buckets: number[];
  total: number;
}

export interface ChannelHealth {
  channelId: string;
  name: string;
  kind: string;
  acknowledged: Series;
  rejected: Series;
  retried: Series;
  /** Seconds from Anchorline's change to the acknowledgement; null where nothing was acknowledged. */
  latencyP50: (number | null)[];
  latencyP95: (number | null)[];
  latency: { p50: number; p95: number; p99: number } | null;
  oversells: Series;
  drifts: Series;
  driftUnits: Series;
  driftRepaired: Series;
  suspensions: Series;
  parityViolations: Series;
}

export function bucketCount(window: HealthWindow): number {
  return Math.ceil((window.to.getTime() - window.from.getTime()) / window.bucketMs);
}

/** The start of each bucket. */
export function bucketStarts(window: HealthWindow): Date[] {
  return Array.from({ length: bucketCount(window) }, (_, i) => new Date(window.from.getTime() + i * window.bucketMs));
}

interface Counted {
  channelId: string;
  /** Null on the channel's total row (GROUPING SETS). */
  i: number | null;
}

/** The bucket of a timestamp column, 0-based from the window's start. */
const bucketOf = (column: Prisma.Sql, w: HealthWindow) => Prisma.sql`floor(extract(epoch FROM (${column} - ${w.from}::timestamp)) * 1000 / ${w.bucketMs})::int`;

/**
 * The marketplace channel accounts of the shop (its Shopify store, the anchor, is never pushed and
 * sells nothing through Anchorline: not listed), each with its series over `window`.
 */
export async function channelHealth(prisma: PrismaClient, shopId: string, window: HealthWindow): Promise<ChannelHealth[]> {
  const { from, to } = window;
  const n = bucketCount(window);
  const [channels, pushes, orders, drift, alerts] = await Promise.all([
    prisma.channel.findMany({
      where: { shopId, kind: { not: "SHOPIFY" } },
      orderBy: [{ priority: "asc" }, { name: "asc" }],
      select: { id: true, name: true, kind: true },
    }),
    prisma.$queryRaw<(Counted & { acknowledged: number; rejected: number; retried: number; p50: number | null; p95: number | null; p99: number | null })[]>`
      SELECT "channelId", ${bucketOf(Prisma.sql`"at"`, window)} AS i,
        count(*) FILTER (WHERE outcome = 'ACKNOWLEDGED')::int AS acknowledged,
        count(*) FILTER (WHERE outcome = 'REJECTED')::int AS rejected,
        count(*) FILTER (WHERE outcome = 'RETRY')::int AS retried,
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") FILTER (WHERE outcome = 'ACKNOWLEDGED') / 1000)::float8 AS p50,
        (percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") FILTER (WHERE outcome = 'ACKNOWLEDGED') / 1000)::float8 AS p95,
        (percentile_cont(0.99) WITHIN GROUP (ORDER BY "latencyMs") FILTER (WHERE outcome = 'ACKNOWLEDGED') / 1000)::float8 AS p99
      FROM "ListingPush"
      WHERE "shopId" = ${shopId} AND "at" >= ${from} AND "at" < ${to}
      GROUP BY GROUPING SETS (("channelId", i), ("channelId"))`,
    prisma.$queryRaw<(Counted & { oversells: number })[]>`
      SELECT "channelId", ${bucketOf(Prisma.sql`"orderedAt"`, window)} AS i, count(*)::int AS oversells
      FROM "ChannelOrder"
      WHERE "shopId" = ${shopId} AND oversold AND "orderedAt" >= ${from} AND "orderedAt" < ${to}
      GROUP BY "channelId", i`,
    prisma.$queryRaw<(Counted & { drifts: number; units: number; repaired: number })[]>`
      SELECT l."channelId", ${bucketOf(Prisma.sql`a."createdAt"`, window)} AS i,
        count(*) FILTER (WHERE a.action = 'listing.drift_detected')::int AS drifts,
        coalesce(sum(abs((a.details->>'observed')::int - (a.details->>'expected')::int)) FILTER (WHERE a.action = 'listing.drift_detected'), 0)::int AS units,
        count(*) FILTER (WHERE a.action = 'listing.drift_repaired')::int AS repaired
      FROM "AuditEvent" a
      JOIN "Listing" l ON l.id = a."subjectId" AND l."shopId" = a."shopId"
      WHERE a."shopId" = ${shopId} AND a.action IN ('listing.drift_detected', 'listing.drift_repaired')
        AND a."createdAt" >= ${from} AND a."createdAt" < ${to}
      GROUP BY l."channelId", i`,
    prisma.$queryRaw<(Counted & { suspensions: number; parity: number })[]>`
      SELECT "channelId", ${bucketOf(Prisma.sql`"createdAt"`, window)} AS i,
        count(*) FILTER (WHERE kind = 'LISTING_SUSPENDED')::int AS suspensions,
        count(*) FILTER (WHERE kind = 'PARITY_VIOLATION')::int AS parity
      FROM "Alert"
      WHERE "shopId" = ${shopId} AND "channelId" IS NOT NULL AND kind IN ('LISTING_SUSPENDED', 'PARITY_VIOLATION')
        AND "createdAt" >= ${from} AND "createdAt" < ${to}
      GROUP BY "channelId", i`,
  ]);

  const series = (): Series => ({ buckets: new Array<number>(n).fill(0), total: 0 });
  const add = (s: Series, i: number | null, value: number) => {
    if (i === null || i < 0 || i >= n) return;
    s.buckets[i] += value;
    s.total += value;
  };
  return channels.map((c) => {
    const health: ChannelHealth = {
      channelId: c.id,
      name: c.name,
      kind: c.kind,
      acknowledged: series(),
      rejected: series(),
      retried: series(),
      latencyP50: new Array<number | null>(n).fill(null),
      latencyP95: new Array<number | null>(n).fill(null),
      latency: null,
      oversells: series(),
      drifts: series(),
      driftUnits: series(),
      driftRepaired: series(),
      suspensions: series(),
      parityViolations: series(),
    };
    for (const row of pushes.filter((r) => r.channelId === c.id)) {
      if (row.i === null) {
        if (row.p50 !== null && row.p95 !== null && row.p99 !== null) health.latency = { p50: row.p50, p95: row.p95, p99: row.p99 };
        continue;
      }
      add(health.acknowledged, row.i, row.acknowledged);
      add(health.rejected, row.i, row.rejected);
      add(health.retried, row.i, row.retried);
      if (row.i >= 0 && row.i < n) {
        health.latencyP50[row.i] = row.p50;
        health.latencyP95[row.i] = row.p95;
      }
    }
    for (const row of orders.filter((r) => r.channelId === c.id)) add(health.oversells, row.i, row.oversells);
    for (const row of drift.filter((r) => r.channelId === c.id)) {
      add(health.drifts, row.i, row.drifts);
      add(health.driftUnits, row.i, row.units);
      add(health.driftRepaired, row.i, row.repaired);
    }
    for (const row of alerts.filter((r) => r.channelId === c.id)) {
      add(health.suspensions, row.i, row.suspensions);
      add(health.parityViolations, row.i, row.parity);
    }
    return health;
  });
}
