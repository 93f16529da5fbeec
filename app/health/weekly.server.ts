import { Prisma, type PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { sendEmail, smtpSettings, type SmtpSettings } from "~/alerts/transports.server";
import { embeddedAppUrl } from "~/lib/admin-url";
import { recordAudit } from "~/lib/audit.server";
import { logger } from "~/lib/logger.server";
import { shopTimeZone } from "~/lib/zoned-time";
import { prunePushLog } from "~/sync/push-log.server";
import { renderHealthReportEmail } from "./render";
import { dueReportWeek, healthReport, type ReportWeek } from "./report.server";
import { healthReportRecipients } from "./settings.server";

// The weekly sync-health email. The alerts housekeeping job (every 5 minutes in the workers) runs
// runWeeklyHealthReports: for each installed shop the latest week due (dueReportWeek, in its time
// zone) is sent once. The week is claimed in PostgreSQL before anything is sent (HealthReport, a
// compare-and-set as the daily digest's day), so two workers or two runs send one email, a restart
// loses nothing, and workers that were down at the moment send the missed week once when back (only
// the latest week due: weeks missed before it are not sent one by one). A failed send gives the week
// back; a claim left by a crash mid-send is taken again after CLAIM_EXPIRES_MS.

/** A claim older than this that was never stamped sent is a worker that died mid-send: taken again. */
const CLAIM_EXPIRES_MS = 15 * 60_000;

export interface WeeklyDeps {
  prisma?: PrismaClient;
  now?: Date;
  /** Only these shops (tests); default every installed shop. */
  shopIds?: readonly string[];
  /** Default: the SMTP settings alert email uses (SMTP_URL or SMTP_HOST, SMTP_FROM). */
  smtp?: SmtpSettings;
}

export interface WeeklyOutcome {
  /** Shop id → week sent (to at least one address). */
  sent: Record<string, string>;
  /** Weeks claimed and done without an email: switched off, or nowhere to send it. */
  skipped: Record<string, string>;
  failed: { shopId: string; error: Error }[];
}

/** Where the merchant opens the report: the embedded app's page, through the shop's admin. */
export function healthReportLink(shopDomain: string, week: string): string {
  return embeddedAppUrl(shopDomain, `/app/health-report?week=${week}`);
}

export async function runWeeklyHealthReports(deps: WeeklyDeps = {}): Promise<WeeklyOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const outcome: WeeklyOutcome = { sent: {}, skipped: {}, failed: [] };
  const shops = await prisma.shop.findMany({
    where: { uninstalledAt: null, ...(deps.shopIds ? { id: { in: [...deps.shopIds] } } : {}) },
    select: { id: true, settings: true },
  });
  if (shops.length === 0) return outcome;
  const due = new Map(shops.map((s) => [s.id, dueReportWeek(now, shopTimeZone(s.settings))]));
  // The weeks already done, in one read: a shop's week differs by time zone, so (shop, week) pairs.
  const done = await prisma.healthReport.findMany({
    where: { OR: [...due].map(([shopId, w]) => ({ shopId, week: w.week })), sentAt: { not: null } },
    select: { shopId: true },
  });
  const sentAlready = new Set(done.map((r) => r.shopId));
  for (const shop of shops) {
    const week = due.get(shop.id)!;
    if (sentAlready.has(shop.id)) continue;
    try {
      await sendWeek(prisma, shop, week, now, outcome, deps.smtp);
    } catch (error) {
      // One shop's failure must not keep the others' reports back.
      const err = error instanceof Error ? error : new Error(String(error));
      logger.warn({ shopId: shop.id, week: week.week, error: err }, "weekly sync-health report failed; the next run tries again");
      outcome.failed.push({ shopId: shop.id, error: err });
    }
  }
  return outcome;
}

async function sendWeek(
  prisma: PrismaClient,
  shop: { id: string; settings: Prisma.JsonValue },
  week: ReportWeek,
  now: Date,
  outcome: WeeklyOutcome,
  smtp?: SmtpSettings,
): Promise<void> {
  const stale = new Date(now.getTime() - CLAIM_EXPIRES_MS);
  // The claim: only the run whose insert (or take-over of an expired claim) returns a row sends.
  const claimed = await prisma.$queryRaw<{ week: string }[]>`
    INSERT INTO "HealthReport" ("shopId", "week", "claimedAt") VALUES (${shop.id}, ${week.week}, ${now})
    ON CONFLICT ("shopId", "week") DO UPDATE SET "claimedAt" = EXCLUDED."claimedAt"
      WHERE "HealthReport"."sentAt" IS NULL AND "HealthReport"."claimedAt" < ${stale}
    RETURNING "week"`;
  if (claimed.length === 0) return;
  // Once a week per shop: what the Overview's 30 days and this report no longer need.
  await prunePushLog(prisma, shop.id, now);
  const recipients = await healthReportRecipients(prisma, shop.id, shop.settings);
  if (recipients.length > 0) {
    try {
      const report = await healthReport(prisma, shop.id, week);
      await sendEmail(recipients, renderHealthReportEmail(report, healthReportLink(report.shop.domain, week.week)), smtp ?? smtpSettings());
    } catch (error) {
      // Given back: the next run sends it.
      await prisma.healthReport.deleteMany({ where: { shopId: shop.id, week: week.week, sentAt: null, claimedAt: now } });
      throw error;
    }
  }
  await prisma.healthReport.update({ where: { shopId_week: { shopId: shop.id, week: week.week } }, data: { sentAt: now, recipients: recipients.length } });
  if (recipients.length === 0) {
    outcome.skipped[shop.id] = week.week;
    return;
  }
  await recordAudit(prisma, {
    shopId: shop.id,
    actor: "worker",
    action: "health_report.sent",
    subjectType: "shop",
    subjectId: shop.id,
    details: { week: week.week, recipients: recipients.length },
  });
  outcome.sent[shop.id] = week.week;
}
