import { Prisma, type PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { QUEUE_NAMES, queues as defaultQueues, type Queues } from "~/queues.server";
import type { Labels, MetricFamily } from "./prometheus";

// Anchorline's numbers for Prometheus, computed from PostgreSQL and the BullMQ queues at scrape
// time: nothing is held in a process's memory, so every web process answers the same, and a
// restart loses nothing. Series are per installed shop (its myshopify domain) and channel.

// The window the latency summary and the push count look back over.
const RECENT_MS = 3600_000;

/** One channel's listings by state, recent pushes, drift and oversells (see channelSyncRows). */
export interface ChannelRow {
  domain: string;
  channelId: string;
  channelName: string;
  kind: string;
  inSync: number;
  pending: number;
  held: number;
  failed: number;
  pushedRecently: number;
  failedAttempts: number;
  oldestPending: Date | null;
  driftListings: number;
  driftUnits: number;
  oversells: number;
}

/** Sync latency in seconds (desiredAt to pushedAt) of one channel's recently pushed listings. */
export interface LatencyRow {
  channelId: string;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  sum: number;
  count: number;
}

interface AlertRow {
  domain: string;
  kind: string;
  open: number;
  total: number;
}

export interface CollectDeps {
  prisma?: PrismaClient;
  queues?: Pick<Queues, QueueKey>;
  now?: Date;
}

type QueueKey = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children", "failed", "completed"] as const;

export async function collectMetrics(deps: CollectDeps = {}): Promise<MetricFamily[]> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const since = new Date(now.getTime() - RECENT_MS);

  const channels = await channelSyncRows(prisma, { since });
  const latencies = await syncLatencies(prisma, { since });
  const latencyOf = new Map(latencies.map((r) => [r.channelId, r]));

  const alerts = await prisma.$queryRaw<AlertRow[]>(Prisma.sql`
    SELECT s.domain, a.kind::text AS kind,
      count(*) FILTER (WHERE a.state <> 'RESOLVED')::int AS open,
      count(*)::int AS total
    FROM "Alert" a JOIN "Shop" s ON s.id = a."shopId"
    WHERE s."uninstalledAt" IS NULL
    GROUP BY s.domain, a.kind
    ORDER BY s.domain, a.kind`);

  const labelsOf = (c: ChannelRow): Labels => ({ shop: c.domain, channel: c.channelId, channel_name: c.channelName, channel_kind: c.kind });
  const perChannel = (pick: (c: ChannelRow) => number) => channels.map((c) => ({ labels: labelsOf(c), value: pick(c) }));

  const latencySamples = channels.flatMap((c) => {
    const row = latencyOf.get(c.channelId);
    if (!row) return [];
    const labels = labelsOf(c);
    return [
      { labels: { ...labels, quantile: "0.5" }, value: row.p50 },
      { labels: { ...labels, quantile: "0.9" }, value: row.p90 },
      { labels: { ...labels, quantile: "0.99" }, value: row.p99 },
      { suffix: "_sum", labels, value: row.sum },
      { suffix: "_count", labels, value: row.count },
    ];
  });

  const queueSamples = await queueDepths(deps.queues ?? defaultQueues());

  return [
    {
      name: "anchorline_sync_latency_seconds",
      help: "Anchor change to channel acknowledgement (Listing desiredAt to pushedAt), listings acknowledged in the last hour.",
      type: "summary",
      samples: latencySamples,
    },
    {
      name: "anchorline_sync_oldest_pending_seconds",
      help: "Age of the oldest change the channel has not acknowledged yet (0 when none waits).",
      type: "gauge",
      samples: perChannel((c) => (c.oldestPending ? Math.max(0, Math.round((now.getTime() - c.oldestPending.getTime()) / 1000)) : 0)),
    },
    {
      name: "anchorline_listings",
      help: "Listings by sync state (HELD: a push held for a parity violation; FAILED: rejected by the channel).",
      type: "gauge",
      samples: channels.flatMap((c) =>
        (
          [
            ["IN_SYNC", c.inSync],
            ["PENDING", c.pending],
            ["HELD", c.held],
            ["FAILED", c.failed],
          ] as const
        ).map(([state, value]) => ({ labels: { ...labelsOf(c), state }, value })),
      ),
    },
    {
      name: "anchorline_pushes_last_hour",
      help: "Listings the channel acknowledged a push for in the last hour.",
      type: "gauge",
      samples: perChannel((c) => c.pushedRecently),
    },
    {
      name: "anchorline_push_failed_attempts",
      help: "Failed push attempts not yet followed by a success, summed over the channel's listings.",
      type: "gauge",
      samples: perChannel((c) => c.failedAttempts),
    },
    {
      name: "anchorline_drift_listings",
      help: "Listings with an open drift alert: the channel showed another quantity than the one pushed, beyond the shop's threshold.",
      type: "gauge",
      samples: perChannel((c) => c.driftListings),
    },
    {
      name: "anchorline_drift_units",
      help: "Sum of |shown - expected| over the channel's open drift alerts, as each was raised.",
      type: "gauge",
      samples: perChannel((c) => c.driftUnits),
    },
    {
      name: "anchorline_oversells_total",
      help: "Marketplace orders that took more than the anchor had.",
      type: "counter",
      samples: perChannel((c) => c.oversells),
    },
    {
      name: "anchorline_parity_violations_total",
      help: "Price parity violations raised.",
      type: "counter",
      samples: alerts.filter((a) => a.kind === "PARITY_VIOLATION").map((a) => ({ labels: { shop: a.domain }, value: a.total })),
    },
    {
      name: "anchorline_alerts_raised_total",
      help: "Alerts raised, by kind.",
      type: "counter",
      samples: alerts.map((a) => ({ labels: { shop: a.domain, kind: a.kind }, value: a.total })),
    },
    {
      name: "anchorline_alerts_open",
      help: "Alerts not resolved yet (open or acknowledged), by kind.",
      type: "gauge",
      samples: alerts.map((a) => ({ labels: { shop: a.domain, kind: a.kind }, value: a.open })),
    },
    { name: "anchorline_queue_jobs", help: "BullMQ jobs per queue and state.", type: "gauge", samples: queueSamples },
  ];
}

// A listing drifts while its DRIFT alert is open: the drift read (sync/drift-read.server.ts) raised
// it from what the marketplace showed against the last acknowledged push less what sold since, past
// the merchant's threshold and the in-flight grace, and resolves it when a settled read shows the
// listing right. Comparing observedQuantity with pushedQuantity here counted sold units and pushes
// in flight as drift, and kept a repaired listing drifting until the next read. A listing whose
// quantity and price both drift has two open alerts and counts once. Units: the quantity drift the
// alert was raised with (Alert.facts.drift, shown minus expected; a price drift alert has none).
const OPEN_DRIFT = Prisma.sql`FROM "Alert" a WHERE a."shopId" = c."shopId" AND a."channelId" = c.id AND a.kind = 'DRIFT' AND a.state <> 'RESOLVED' AND a."listingId" IS NOT NULL`;
const LATENCY_SECONDS = Prisma.sql`extract(epoch FROM (l."pushedAt" - l."desiredAt"))`;

// The queries behind these figures, shared with the admin overview (app/routes/app._index/overview.server.ts),
// which asks for one shop over the last day where /metrics asks for every installed shop over the
// last hour: one definition of "in sync", "drift" and "latency" for both.

/** Per channel of every installed shop (or of one shop): listings by state, drift, oversells. */
export async function channelSyncRows(prisma: PrismaClient, opts: { since: Date; shopId?: string }): Promise<ChannelRow[]> {
  const { since, shopId } = opts;
  return prisma.$queryRaw<ChannelRow[]>(Prisma.sql`
    SELECT s.domain, c.id AS "channelId", c.name AS "channelName", c.kind::text AS kind,
      count(l.id) FILTER (WHERE l."syncState" = 'IN_SYNC')::int AS "inSync",
      count(l.id) FILTER (WHERE l."syncState" = 'PENDING')::int AS pending,
      count(l.id) FILTER (WHERE l."syncState" = 'HELD')::int AS held,
      count(l.id) FILTER (WHERE l."syncState" = 'FAILED')::int AS failed,
      count(l.id) FILTER (WHERE l."pushedAt" >= ${since})::int AS "pushedRecently",
      coalesce(sum(l.attempts), 0)::int AS "failedAttempts",
      min(l."desiredAt") FILTER (WHERE l."syncState" = 'PENDING') AS "oldestPending",
      (SELECT count(DISTINCT a."listingId") ${OPEN_DRIFT})::int AS "driftListings",
      (SELECT coalesce(sum(abs((a.facts->>'drift')::int)), 0) ${OPEN_DRIFT})::int AS "driftUnits",
      (SELECT count(*) FROM "ChannelOrder" o WHERE o."shopId" = c."shopId" AND o."channelId" = c.id AND o.oversold)::int AS oversells
    FROM "Channel" c
    JOIN "Shop" s ON s.id = c."shopId"
    LEFT JOIN "Listing" l ON l."channelId" = c.id AND l."shopId" = c."shopId"
    -- The Shopify store (channels/store-channel.server.ts) is the anchor: never pushed, no listings.
    WHERE s."uninstalledAt" IS NULL AND c.kind <> 'SHOPIFY' ${shopId ? Prisma.sql`AND c."shopId" = ${shopId}` : Prisma.empty}
    GROUP BY s.domain, c.id
    ORDER BY s.domain, c.id`);
}

/** Latency quantiles per channel over the listings acknowledged since `since`. */
export async function syncLatencies(prisma: PrismaClient, opts: { since: Date; shopId?: string }): Promise<LatencyRow[]> {
  const { since, shopId } = opts;
  return prisma.$queryRaw<LatencyRow[]>(Prisma.sql`
    SELECT l."channelId",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${LATENCY_SECONDS})::float8 AS p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY ${LATENCY_SECONDS})::float8 AS p90,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY ${LATENCY_SECONDS})::float8 AS p95,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY ${LATENCY_SECONDS})::float8 AS p99,
      sum(${LATENCY_SECONDS})::float8 AS sum,
      count(*)::int AS count
    FROM "Listing" l
    JOIN "Shop" s ON s.id = l."shopId"
    WHERE s."uninstalledAt" IS NULL AND l."pushedAt" >= ${since} AND l."desiredAt" IS NOT NULL AND l."pushedAt" >= l."desiredAt"
      ${shopId ? Prisma.sql`AND l."shopId" = ${shopId}` : Prisma.empty}
    GROUP BY l."channelId"`);
}

async function queueDepths(queues: Pick<Queues, QueueKey>) {
  const samples: { labels: Labels; value: number }[] = [];
  for (const name of Object.values(QUEUE_NAMES)) {
    const counts = await queues[name].getJobCounts(...JOB_STATES);
    for (const state of JOB_STATES) samples.push({ labels: { queue: name, state }, value: counts[state] ?? 0 });
  }
  return samples;
}
