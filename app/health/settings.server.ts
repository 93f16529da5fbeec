import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { parseEmailList } from "~/alerts/routes.server";
import { recordAudit } from "~/lib/audit.server";
import { shopIdOf } from "~/lib/shop-id.server";

// Who gets the weekly sync-health email (Shop.settings.healthReport), set on the Alerts screen
// beside where alert email goes: on by default, to the addresses of the shop's email alert routes
// unless the merchant names its own recipients.

/** The most addresses one report goes to (as an email alert route: routes.server.ts). */
const MAX_RECIPIENTS = 20;

const StoredSettings = z.object({
  healthReport: z
    .object({ email: z.boolean().default(true), recipients: z.array(z.string()).default([]) })
    .partial()
    .optional(),
});

export interface HealthReportSettings {
  /** The weekly email is sent (the screen is there either way). */
  email: boolean;
  /** Named recipients; empty: the shop's email alert routes' addresses. */
  recipients: string[];
}

export function healthReportSettings(settings: unknown): HealthReportSettings {
  const parsed = StoredSettings.safeParse(settings ?? {});
  const stored = parsed.success ? parsed.data.healthReport : undefined;
  return { email: stored?.email ?? true, recipients: stored?.recipients ?? [] };
}

export async function healthReportSettingsOfShop(shopId: string, prisma: PrismaClient = defaultPrisma): Promise<HealthReportSettings> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } });
  return healthReportSettings(shop.settings);
}

/** The form on the Alerts screen: a checkbox "email" (on or absent) and "recipients", comma-separated, blank for the alert routes'. */
export const HealthReportForm = z.object({
  email: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  recipients: z.preprocess(
    (v) => parseEmailList(typeof v === "string" ? v : ""),
    // One message on the field itself (not on an item of it), naming the address at fault.
    z.array(z.string()).superRefine((addresses, ctx) => {
      const bad = addresses.find((a) => !z.email().safeParse(a).success);
      if (bad !== undefined) ctx.addIssue({ code: "custom", message: `Recipients: "${bad}" is not an email address` });
      else if (addresses.length > MAX_RECIPIENTS) ctx.addIssue({ code: "custom", message: `Recipients: at most ${MAX_RECIPIENTS} addresses` });
    }),
  ),
});

export async function saveHealthReportSettings(shopDomain: string, input: HealthReportSettings, actor: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  // One key of the settings replaced in place: a concurrent change to another key is not lost.
  await prisma.$executeRaw(
    Prisma.sql`UPDATE "Shop" SET settings = jsonb_set(settings, '{healthReport}', ${JSON.stringify(input)}::jsonb), "updatedAt" = now() WHERE id = ${shopId}`,
  );
  await recordAudit(prisma, { shopId, actor, action: "shop.health_report_changed", subjectType: "shop", subjectId: shopId, details: { ...input } });
}

/** The addresses the shop's report goes to: its named recipients, or every email alert route's; none when switched off. */
export async function healthReportRecipients(prisma: PrismaClient, shopId: string, settings: unknown): Promise<string[]> {
  const chosen = healthReportSettings(settings);
  if (!chosen.email) return [];
  if (chosen.recipients.length > 0) return chosen.recipients;
  const routes = await prisma.alertRoute.findMany({ where: { shopId, transport: "EMAIL" }, select: { target: true } });
  return [...new Set(routes.flatMap((r) => parseEmailList(r.target)))];
}
