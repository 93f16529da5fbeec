import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { reportSections, weekLabel } from "~/health/render";
import { dueReportWeek, healthReport, mondayOf, reportWeekOf } from "~/health/report.server";
import { healthReportRecipients, healthReportSettings } from "~/health/settings.server";
import { addDays, shopTimeZone } from "~/lib/zoned-time";

/** ?week=YYYY-MM-DD, a Monday; blank: the last week whose report is due. */
export const HealthReportQuery = z.object({
  week: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Week must be a date, YYYY-MM-DD")
    .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && mondayOf(day) === day, "Week must be the Monday it starts on")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/** The report screen: the week's sections (the email's), the weeks either side, and where the email goes. */
export async function healthReportScreen(shopId: string, week: string | undefined, prisma: PrismaClient = defaultPrisma, now = new Date()) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } });
  const timeZone = shopTimeZone(shop.settings);
  const latest = dueReportWeek(now, timeZone);
  const shown = week ? reportWeekOf(week, timeZone) : latest;
  const [report, recipients, sent] = await Promise.all([
    healthReport(prisma, shopId, shown),
    healthReportRecipients(prisma, shopId, shop.settings),
    prisma.healthReport.findUnique({ where: { shopId_week: { shopId, week: shown.week } }, select: { sentAt: true, recipients: true } }),
  ]);
  return {
    week: shown.week,
    label: weekLabel(report),
    timeZone,
    sections: reportSections(report),
    previous: addDays(shown.week, -7),
    // No report of a week still under way, nor of one not due yet.
    next: shown.week < latest.week ? addDays(shown.week, 7) : null,
    email: { on: healthReportSettings(shop.settings).email, recipients, sentAt: sent?.sentAt?.toISOString() ?? null },
  };
}
