import { AlertKind, type Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { acknowledgeAlert, resolveAlert } from "~/alerts/events.server";
import { factsOf } from "~/alerts/message";
import { heldGroupOfAlert } from "~/alerts/parity-held.server";
import { createAlertRoute, deleteAlertRoute, listAlertRoutes, parseEmailList } from "~/alerts/routes.server";
import { parseQuietHours, QuietHoursSchema } from "~/alerts/schedule";
import type { FieldErrors } from "~/lib/forms";
import { recordAudit } from "~/lib/audit.server";
import { shopIdOf } from "~/lib/shop-id.server";
import { NotFoundForShop } from "~/lib/errors";

// The Alerts screens: the shop's open and acknowledged alerts (newest first, by keyset so a shop
// with a long history loads one page at a time), one alert with its facts and playbook, and where
// alerts go. Raising, de-duplicating and delivering stay in app/alerts; this module only reads for
// the screens and hands the merchant's changes to app/alerts' own functions.

const blankAsUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

// A page boundary: the last row's createdAt and id. Both, because alerts raised in the same
// millisecond (a sweep of drift checks) share a createdAt and a page must not skip or repeat them.
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([A-Za-z0-9]+)$/;

export const AlertListQuery = z.object({
  kind: z.preprocess(blankAsUndefined, z.enum(AlertKind, { message: "Unknown alert kind" }).optional()),
  // Resolved alerts are history (the activity log has them); the list is what still needs someone.
  state: z.preprocess(blankAsUndefined, z.enum(["OPEN", "ACKNOWLEDGED"], { message: "State must be open or acknowledged" }).optional()),
  before: z.preprocess(blankAsUndefined, z.string().regex(CURSOR, "Not a page cursor").optional()),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

export type AlertListFilter = z.infer<typeof AlertListQuery>;

export async function alertsPage(shopDomain: string, filter: AlertListFilter, prisma: PrismaClient = defaultPrisma, now = new Date()) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const where: Prisma.AlertWhereInput = {
    shopId,
    state: filter.state ?? { in: ["OPEN", "ACKNOWLEDGED"] },
    ...(filter.kind ? { kind: filter.kind } : {}),
  };
  const cursor = filter.before ? CURSOR.exec(filter.before) : null;
  if (cursor) {
    const at = new Date(cursor[1]!);
    where.OR = [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: cursor[2]! } }];
  }
  const rows = await prisma.alert.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.pageSize + 1,
    select: { id: true, kind: true, state: true, title: true, respondBy: true, createdAt: true, channel: { select: { name: true } } },
  });
  const page = rows.slice(0, filter.pageSize);
  const last = page[page.length - 1];
  return {
    alerts: page.map((a) => ({
      id: a.id,
      kind: a.kind,
      state: a.state,
      title: a.title,
      channel: a.channel?.name ?? null,
      createdAt: a.createdAt.toISOString(),
      respondBy: a.respondBy?.toISOString() ?? null,
      // Decided here rather than in the browser so the server's and the browser's render agree.
      overdue: a.state === "OPEN" && a.respondBy !== null && a.respondBy.getTime() < now.getTime(),
    })),
    nextCursor: rows.length > filter.pageSize && last ? `${last.createdAt.toISOString()}_${last.id}` : null,
  };
}

/** One alert of the shop, as its page shows it; another shop's id is "not found". */
export async function alertForShop(shopDomain: string, alertId: string, prisma: PrismaClient = defaultPrisma, now = new Date()) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const alert = await prisma.alert.findFirst({
    where: { id: alertId, shopId },
    include: { channel: { select: { name: true } }, listing: { select: { channelSku: true } } },
  });
  if (!alert) throw new NotFoundForShop("Alert");
  return {
    id: alert.id,
    kind: alert.kind,
    state: alert.state,
    title: alert.title,
    // The same labels and wording the email and Slack message used, so the page matches the page.
    facts: factsOf(alert.facts),
    playbook: alert.playbook,
    channel: alert.channel?.name ?? null,
    listingSku: alert.listing?.channelSku ?? null,
    createdAt: alert.createdAt.toISOString(),
    respondBy: alert.respondBy?.toISOString() ?? null,
    overdue: alert.state === "OPEN" && alert.respondBy !== null && alert.respondBy.getTime() < now.getTime(),
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    /** A failed write-back's order, which the page offers to write back again. */
    retryOrderId: alert.kind === "WRITEBACK_FAILED" && alert.state !== "RESOLVED" ? orderIdOf(alert.facts) : null,
    /** A group of held pushes, which the page offers to approve or reject at once (on the Pricing screen's action). */
    heldGroup: heldGroupOfAlert(alert),
  };
}

function orderIdOf(facts: Prisma.JsonValue): string | null {
  const orderId = facts && typeof facts === "object" && !Array.isArray(facts) ? facts.orderId : null;
  return typeof orderId === "string" ? orderId : null;
}

export const AlertStateChangeInput = z.object({
  intent: z.enum(["acknowledge", "resolve"], { message: "Unknown action" }),
  alertId: z.string().min(1, "Which alert?"),
});

export type AlertStateChange = z.infer<typeof AlertStateChangeInput>;

/**
 * Acknowledges or resolves through app/alerts (which checks the shop again, retires the dedupe key
 * on resolve and writes the activity log). False when the alert was already in that state or past
 * it: a second click, or another user got there first.
 */
export async function changeAlertState(shopDomain: string, input: AlertStateChange, actor: string, prisma: PrismaClient = defaultPrisma): Promise<boolean> {
  const shopId = await shopIdOf(prisma, shopDomain);
  // Looked up first only to tell "not yours" (404) from "already done"; the change itself is
  // scoped by shop inside acknowledgeAlert/resolveAlert.
  if (!(await prisma.alert.findFirst({ where: { id: input.alertId, shopId }, select: { id: true } }))) throw new NotFoundForShop("Alert");
  return input.intent === "acknowledge" ? acknowledgeAlert(prisma, shopId, input.alertId, actor) : resolveAlert(prisma, shopId, input.alertId, actor);
}

// ---------------------------------------------------------------- where alerts go

/** The shop's routes for the browser. listAlertRoutes already hides a Slack route's URL. */
export async function alertRoutesForShop(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const routes = await listAlertRoutes(prisma, await shopIdOf(prisma, shopDomain));
  return routes.map((r) => {
    const quiet = r.quietHours === null ? null : parseQuietHours(r.quietHours);
    return {
      id: r.id,
      transport: r.transport,
      kind: r.kind,
      target: r.target,
      quietHours: quiet?.start && quiet.end ? { start: quiet.start, end: quiet.end } : null,
      timeZone: quiet?.timeZone ?? "UTC",
      digest: r.digest,
    };
  });
}

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
const optionalText = z.preprocess((v) => (typeof v === "string" ? v.trim() || undefined : blankAsUndefined(v)), z.string().optional());

// The form's own field names; quiet hours are checked by QuietHoursSchema (the one the worker reads
// them with), so a window the screen accepts is one delivery understands.
const QUIET_FIELD: Record<string, string> = { start: "quietStart", end: "quietEnd", timeZone: "quietTimeZone" };

export const AlertRouteForm = z
  .object({
    transport: z.enum(["EMAIL", "SLACK"], { message: "Choose email or Slack" }),
    kind: z.preprocess((v) => blankAsUndefined(v) ?? "ALL", z.union([z.literal("ALL"), z.enum(AlertKind)], { message: "Unknown alert kind" })),
    target: z.string({ message: "Give the email addresses or the Slack webhook URL" }).trim().min(1, "Give the email addresses or the Slack webhook URL"),
    quietStart: optionalText,
    quietEnd: optionalText,
    quietTimeZone: optionalText,
    digest: checkbox,
  })
  .superRefine((form, ctx) => {
    // Slack webhooks are always https. createAlertRoute lets plain http through outside production
    // (the delivery tests post to a receiver on 127.0.0.1); a URL typed into the screen has no such
    // reason, and an http one would send the alert in the clear.
    if (form.transport === "SLACK" && !/^https:\/\//i.test(form.target)) {
      ctx.addIssue({ code: "custom", path: ["target"], message: "A Slack webhook URL starts with https://" });
    } else if (form.transport === "SLACK" && !URL.canParse(form.target)) {
      // Checked here because createAlertRoute's own check calls new URL() on it, which throws a
      // TypeError rather than a validation error for a string that is not a URL ("https://").
      ctx.addIssue({ code: "custom", path: ["target"], message: "This is not a URL: copy the webhook URL from Slack's app settings" });
    }
    if (Boolean(form.quietStart) !== Boolean(form.quietEnd)) {
      ctx.addIssue({
        code: "custom",
        path: [form.quietStart ? "quietEnd" : "quietStart"],
        message: "Give both the start and the end of quiet hours, or neither",
      });
    }
    const quiet = QuietHoursSchema.safeParse({ start: form.quietStart, end: form.quietEnd, timeZone: form.quietTimeZone });
    if (!quiet.success) {
      for (const issue of quiet.error.issues) ctx.addIssue({ code: "custom", path: [QUIET_FIELD[String(issue.path[0])] ?? "form"], message: issue.message });
    }
  });

export type AlertRouteFormValues = z.infer<typeof AlertRouteForm>;

export type CreateRouteOutcome = { ok: true; routeId: string } | { ok: false; errors: FieldErrors };

/**
 * Adds a route through createAlertRoute, which checks the target (every address an email address;
 * a Slack webhook URL, Slack's own host in production) and seals a Slack URL. Its refusals come
 * back as the target field's error.
 */
export async function createAlertRouteForShop(
  shopDomain: string,
  form: AlertRouteFormValues,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<CreateRouteOutcome> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const hasQuietSettings = Boolean(form.quietStart || form.quietEnd || form.quietTimeZone);
  try {
    const route = await createAlertRoute(prisma, shopId, {
      transport: form.transport,
      kind: form.kind === "ALL" ? null : form.kind,
      target: form.target,
      // A time zone alone is still a setting: it decides when the daily digest goes out.
      quietHours: hasQuietSettings ? { start: form.quietStart, end: form.quietEnd, timeZone: form.quietTimeZone } : null,
      digest: form.digest,
    });
    // Never the target: a Slack URL is a secret, and the activity log is shown in the browser.
    await recordAudit(prisma, {
      shopId,
      actor,
      action: "alert_route.created",
      subjectType: "alert_route",
      subjectId: route.id,
      details: { transport: route.transport, kind: route.kind, digest: route.digest },
    });
    return { ok: true, routeId: route.id };
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    const addresses = parseEmailList(form.target);
    const errors: FieldErrors = {};
    for (const issue of error.issues) {
      const [first] = issue.path;
      const field = typeof first === "string" && QUIET_FIELD[first] ? QUIET_FIELD[first] : "target";
      // An email list's issue names the address's position; the merchant wants the address.
      errors[field] ??= typeof first === "number" && addresses[first] !== undefined ? `${addresses[first]}: ${issue.message}` : capitalise(issue.message);
    }
    return { ok: false, errors };
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export async function deleteAlertRouteForShop(shopDomain: string, routeId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  if (!(await deleteAlertRoute(prisma, shopId, routeId))) throw new NotFoundForShop("Alert route");
  await recordAudit(prisma, { shopId, actor, action: "alert_route.deleted", subjectType: "alert_route", subjectId: routeId });
}
