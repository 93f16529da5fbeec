import type { Alert, AlertRoute, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { AnchorlineError, isRetryable } from "~/lib/errors";
import { logger } from "~/lib/logger.server";
import { recordAudit } from "~/lib/audit.server";
import {
  alertLink,
  renderAlertEmail,
  renderAlertSlack,
  renderDigestEmail,
  renderDigestSlack,
  type DigestEntry,
  type EmailMessage,
  type SlackMessage,
} from "./message";
import { openRouteTarget } from "./routes.server";
import { breaksThroughQuietHours, digestDue, MINOR_KINDS, parseQuietHours, quietWindowEnd } from "./schedule";
import { postSlack, sendEmail } from "./transports.server";

// Delivering one alert to every route of its shop that wants its kind. Each successful send is
// recorded (AlertDelivery, keyed by alert and route) before the next, so a job retried after an
// SMTP or Slack outage sends only to the routes that did not get it yet.

export interface DeliveryOutcome {
  /** Routes that got the alert in this run. */
  sent: string[];
  /** The earliest end of a quiet window holding the alert for some route, if any. */
  heldUntil: Date | null;
  failed: { routeId: string; error: Error }[];
}

/** Retryable while any failed route may heal (a mail server down, Slack's 5xx); only the routes still owed are sent again. */
export class AlertDeliveryFailed extends AnchorlineError {
  constructor(readonly failures: { routeId: string; error: Error }[]) {
    super(`alert delivery failed for ${failures.length} route(s): ${failures.map((f) => f.error.message).join("; ")}`, {
      retryable: failures.some((f) => isRetryable(f.error)),
    });
    this.name = "AlertDeliveryFailed";
  }
}

interface Rendered {
  email: EmailMessage;
  slack: SlackMessage;
}

async function sendToRoute(route: AlertRoute, message: Rendered): Promise<void> {
  const targets = openRouteTarget(route);
  if (route.transport === "EMAIL") await sendEmail(targets, message.email);
  else await postSlack(targets[0]!, message.slack);
}

export async function deliverAlert(alertId: string, deps: { prisma?: PrismaClient; now?: Date } = {}): Promise<DeliveryOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const outcome: DeliveryOutcome = { sent: [], heldUntil: null, failed: [] };
  const alert = await prisma.alert.findUnique({ where: { id: alertId }, include: { shop: { select: { domain: true, name: true, uninstalledAt: true } } } });
  // Gone (shop redacted), already handled by someone, or the app is uninstalled: nothing to send.
  if (!alert || alert.state !== "OPEN" || alert.deliveredAt || alert.shop.uninstalledAt) return outcome;
  const { shopId } = alert;

  const routes = await prisma.alertRoute.findMany({ where: { shopId, OR: [{ kind: null }, { kind: alert.kind }] }, orderBy: { createdAt: "asc" } });
  const done = new Set((await prisma.alertDelivery.findMany({ where: { shopId, alertId }, select: { routeId: true } })).map((d) => d.routeId));
  const link = alertLink(alert.shop.domain, alert.id);
  const slack = renderAlertSlack(alert, alert.shop, link);

  for (const route of routes) {
    if (done.has(route.id)) continue;
    if (route.digest && MINOR_KINDS.has(alert.kind)) continue; // the daily digest collects it
    const quiet = parseQuietHours(route.quietHours);
    const windowEnd = quietWindowEnd(now, quiet);
    if (windowEnd && !breaksThroughQuietHours(alert, windowEnd)) {
      if (!outcome.heldUntil || windowEnd < outcome.heldUntil) outcome.heldUntil = windowEnd;
      continue;
    }
    try {
      await sendToRoute(route, { email: renderAlertEmail(alert, alert.shop, link, quiet.timeZone), slack });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      logger.warn({ alertId, routeId: route.id, transport: route.transport, error: err }, "alert delivery failed; the job will retry");
      outcome.failed.push({ routeId: route.id, error: err });
      continue;
    }
    await recordDelivered(prisma, alert, route, false);
    outcome.sent.push(route.id);
  }

  if (outcome.failed.length === 0 && !outcome.heldUntil) {
    await prisma.alert.updateMany({ where: { id: alertId, shopId }, data: { deliveredAt: now } });
  }
  return outcome;
}

async function recordDelivered(prisma: PrismaClient, alert: Pick<Alert, "id" | "shopId">, route: AlertRoute, digest: boolean) {
  await prisma.alertDelivery.createMany({ data: [{ alertId: alert.id, routeId: route.id, shopId: alert.shopId, digest }], skipDuplicates: true });
  await recordAudit(prisma, {
    shopId: alert.shopId,
    actor: "worker",
    action: "alert.delivered",
    subjectType: "alert",
    subjectId: alert.id,
    details: { routeId: route.id, transport: route.transport, digest },
  });
}

// A digest reaches back this far at most: older minor alerts are stale news.
const DIGEST_LOOKBACK_MS = 7 * 24 * 3600_000;

export interface DigestOutcome {
  /** Route id → number of alerts sent in its digest. */
  sent: Record<string, number>;
  failed: { routeId: string; error: Error }[];
}

/**
 * Sends each digest route whose daily run is due one message with the minor alerts still open
 * that it has not had yet. Runs for every shop (the housekeeping job); each route's alerts are
 * read within its own shop.
 */
export async function runDigests(deps: { prisma?: PrismaClient; now?: Date; shopId?: string } = {}): Promise<DigestOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const outcome: DigestOutcome = { sent: {}, failed: [] };
  const routes = await prisma.alertRoute.findMany({
    where: { digest: true, ...(deps.shopId ? { shopId: deps.shopId } : {}), shop: { uninstalledAt: null } },
    include: { shop: { select: { domain: true, name: true } } },
  });
  for (const route of routes) {
    const quiet = parseQuietHours(route.quietHours);
    if (!digestDue(now, quiet, route.lastDigestAt)) continue;
    // The day is claimed before anything is sent: only the run that moves lastDigestAt from what it
    // read sends, so two housekeeping runs at once (two worker processes, a run longer than its
    // interval) send one digest. A failed send gives the day back for the next run.
    const claimed = await prisma.alertRoute.updateMany({
      where: { id: route.id, shopId: route.shopId, lastDigestAt: route.lastDigestAt },
      data: { lastDigestAt: now },
    });
    if (claimed.count === 0) continue;
    const kinds = [...MINOR_KINDS].filter((k) => route.kind === null || route.kind === k);
    const alerts = await prisma.alert.findMany({
      where: {
        shopId: route.shopId,
        state: "OPEN",
        kind: { in: kinds },
        createdAt: { gte: new Date(now.getTime() - DIGEST_LOOKBACK_MS), lte: now },
        deliveries: { none: { routeId: route.id } },
      },
      orderBy: { createdAt: "asc" },
    });
    if (alerts.length > 0) {
      const entries: DigestEntry[] = alerts.map((alert) => ({ alert, link: alertLink(route.shop.domain, alert.id) }));
      try {
        const message = { email: renderDigestEmail(entries, route.shop, quiet.timeZone), slack: renderDigestSlack(entries, route.shop) };
        await sendToRoute(route, message);
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        logger.warn({ routeId: route.id, transport: route.transport, error: err }, "alert digest failed; the next housekeeping run retries it");
        outcome.failed.push({ routeId: route.id, error: err });
        await prisma.alertRoute.updateMany({ where: { id: route.id, shopId: route.shopId, lastDigestAt: now }, data: { lastDigestAt: route.lastDigestAt } });
        continue;
      }
      await prisma.alertDelivery.createMany({
        data: alerts.map((a) => ({ alertId: a.id, routeId: route.id, shopId: route.shopId, digest: true })),
        skipDuplicates: true,
      });
      await recordAudit(prisma, {
        shopId: route.shopId,
        actor: "worker",
        action: "alert.digest-delivered",
        subjectType: "alert-route",
        subjectId: route.id,
        details: { alerts: alerts.length, transport: route.transport },
      });
      outcome.sent[route.id] = alerts.length;
    }
  }
  return outcome;
}
