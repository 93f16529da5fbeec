import type { PrismaClient } from "@prisma/client";
import { addDays, localDate, parseShopDateTime } from "~/lib/zoned-time";
import { channelHealth, type ChannelHealth } from "./series.server";

// The weekly sync-health report (issue 21, "the playbook's monthly health report, weekly"): for
// one shop and one week (Monday 00:00 to Monday 00:00 in the shop's time zone), per channel
// account the oversells, parity violations, drift found and repaired, suspensions, pushes and
// failures, sync latency percentiles and uptime, and the merchant's manual interventions. The
// screen (/app/health-report) and the email (weekly.server.ts) render these same figures.

const HOUR_MS = 3_600_000;

/** The local hour of the Monday after a week at which its report is due: its last evening's orders are in. */
export const REPORT_LOCAL_HOUR = 6;

export interface ReportWeek {
  /** The Monday it starts on, YYYY-MM-DD in the shop's time zone: the week's name. */
  week: string;
  from: Date;
  to: Date;
  timeZone: string;
}

/** The week starting on `monday` (YYYY-MM-DD) in `timeZone`. */
export function reportWeekOf(monday: string, timeZone: string): ReportWeek {
  return {
    week: monday,
    from: parseShopDateTime(`${monday}T00:00`, timeZone)!,
    to: parseShopDateTime(`${addDays(monday, 7)}T00:00`, timeZone)!,
    timeZone,
  };
}

/** The Monday of the week `day` (YYYY-MM-DD) falls in. */
export function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * The latest week whose report is due at `now`: the one before this Monday once it is
 * REPORT_LOCAL_HOUR on this Monday, else the one before that.
 */
export function dueReportWeek(now: Date, timeZone: string): ReportWeek {
  const monday = mondayOf(localDate(now, timeZone));
  const dueAt = parseShopDateTime(`${monday}T${String(REPORT_LOCAL_HOUR).padStart(2, "0")}:00`, timeZone)!;
  return reportWeekOf(addDays(monday, now >= dueAt ? -7 : -14), timeZone);
}

/** Merchant actions on Activity (actor "merchant:<user>") counted as approvals and as manual links; the rest are edits. */
const APPROVALS = ["listing.hold_approved", "listing.hold_group_approved", "listing.hold_rejected"];
const MANUAL_LINKS = ["listings.linked", "variant.map_changed"];
const ALERTS_HANDLED = ["alert.acknowledged", "alert.resolved"];

/**
 * How uptime is measured, shown as the screen's help text and in the email: a channel account is
 * down for an hour of the week when, during it, it had an unresolved "credentials failed" alert, or
 * Anchorline pushed to it and every push was put back to retry (none acknowledged). Uptime is the
 * share of the week's hours, since the account was connected, that were not down.
 */
export const UPTIME_DEFINITION =
  "Uptime is the share of the week's hours (since the account was connected) in which the account was not down. An hour is down when the account had an unresolved “channel credentials failed” alert during it, or when Anchorline pushed to it and every push had to be retried (none acknowledged).";

export interface ChannelWeek {
  channelId: string;
  name: string;
  pushes: number;
  rejected: number;
  retried: number;
  latency: { p50: number; p95: number; p99: number } | null;
  oversells: number;
  parityViolations: number;
  driftFound: number;
  driftUnits: number;
  driftRepaired: number;
  suspensions: number;
  /** Share of the observed hours that were up (0..1); null when the account did not exist in the week. */
  uptime: number | null;
  downHours: number;
}

export interface HealthReport {
  shop: { domain: string; name: string | null };
  week: ReportWeek;
  channels: ChannelWeek[];
  totals: {
    oversells: number;
    parityViolations: number;
    driftFound: number;
    driftRepaired: number;
    suspensions: number;
    pushes: number;
    failures: number;
    latency: { p50: number; p95: number; p99: number } | null;
  };
  interventions: { approvals: number; manualLinks: number; alertsHandled: number; edits: number; total: number };
}

/** The shop's report of `week`. */
export async function healthReport(prisma: PrismaClient, shopId: string, week: ReportWeek): Promise<HealthReport> {
  const window = { from: week.from, to: week.to, bucketMs: HOUR_MS };
  const [shop, health, accounts, outages, latency, parity, actions] = await Promise.all([
    prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true, name: true } }),
    channelHealth(prisma, shopId, window),
    prisma.channel.findMany({ where: { shopId, kind: { not: "SHOPIFY" } }, select: { id: true, createdAt: true } }),
    prisma.alert.findMany({
      where: {
        shopId,
        kind: "CREDENTIALS_FAILED",
        channelId: { not: null },
        createdAt: { lt: week.to },
        OR: [{ resolvedAt: null }, { resolvedAt: { gt: week.from } }],
      },
      select: { channelId: true, createdAt: true, resolvedAt: true },
    }),
    prisma.$queryRaw<{ p50: number | null; p95: number | null; p99: number | null }[]>`
      SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") / 1000)::float8 AS p50,
        (percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") / 1000)::float8 AS p95,
        (percentile_cont(0.99) WITHIN GROUP (ORDER BY "latencyMs") / 1000)::float8 AS p99
      FROM "ListingPush"
      WHERE "shopId" = ${shopId} AND outcome = 'ACKNOWLEDGED' AND "at" >= ${week.from} AND "at" < ${week.to}`,
    // Every parity violation of the week, those raised for no one channel too.
    prisma.alert.count({ where: { shopId, kind: "PARITY_VIOLATION", createdAt: { gte: week.from, lt: week.to } } }),
    prisma.auditEvent.groupBy({
      by: ["action"],
      where: { shopId, actor: { startsWith: "merchant:" }, createdAt: { gte: week.from, lt: week.to } },
      _count: { _all: true },
    }),
  ]);
  const createdOf = new Map(accounts.map((a) => [a.id, a.createdAt]));
  const channels = health.map((c) => channelWeek(c, createdOf.get(c.channelId) ?? week.from, outages, week));
  const sum = (pick: (c: ChannelWeek) => number) => channels.reduce((total, c) => total + pick(c), 0);
  const count = (actionsOf: string[]) => actions.filter((a) => actionsOf.includes(a.action)).reduce((n, a) => n + a._count._all, 0);
  const total = actions.reduce((n, a) => n + a._count._all, 0);
  const [approvals, manualLinks, alertsHandled] = [count(APPROVALS), count(MANUAL_LINKS), count(ALERTS_HANDLED)];
  const l = latency[0];
  return {
    shop,
    week,
    channels,
    totals: {
      oversells: sum((c) => c.oversells),
      parityViolations: parity,
      driftFound: sum((c) => c.driftFound),
      driftRepaired: sum((c) => c.driftRepaired),
      suspensions: sum((c) => c.suspensions),
      pushes: sum((c) => c.pushes),
      failures: sum((c) => c.rejected + c.retried),
      latency: l && l.p50 !== null && l.p95 !== null && l.p99 !== null ? { p50: l.p50, p95: l.p95, p99: l.p99 } : null,
    },
    interventions: { approvals, manualLinks, alertsHandled, edits: total - approvals - manualLinks - alertsHandled, total },
  };
}

function channelWeek(
  c: ChannelHealth,
  connectedAt: Date,
  outages: { channelId: string | null; createdAt: Date; resolvedAt: Date | null }[],
  week: ReportWeek,
): ChannelWeek {
  let observed = 0;
  let down = 0;
  c.retried.buckets.forEach((retried, i) => {
    const start = week.from.getTime() + i * HOUR_MS;
    const end = start + HOUR_MS;
    if (end <= connectedAt.getTime()) return;
    observed++;
    const failing = retried > 0 && c.acknowledged.buckets[i] === 0;
    const locked = outages.some((o) => o.channelId === c.channelId && o.createdAt.getTime() < end && (o.resolvedAt === null || o.resolvedAt.getTime() > start));
    if (failing || locked) down++;
  });
  return {
    channelId: c.channelId,
    name: c.name,
    pushes: c.acknowledged.total,
    rejected: c.rejected.total,
    retried: c.retried.total,
    latency: c.latency,
    oversells: c.oversells.total,
    parityViolations: c.parityViolations.total,
    driftFound: c.drifts.total,
    driftUnits: c.driftUnits.total,
    driftRepaired: c.driftRepaired.total,
    suspensions: c.suspensions.total,
    uptime: observed === 0 ? null : (observed - down) / observed,
    downHours: down,
  };
}
