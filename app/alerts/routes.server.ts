import type { AlertKind, AlertRoute, AlertTransport, Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { openSecret, sealSecret } from "~/lib/secrets.server";
import { QuietHoursSchema } from "./schedule";

// Where a shop's alerts go. A Slack incoming-webhook URL lets anyone who holds it post into the
// merchant's workspace, so it is sealed with the shop's key like marketplace credentials and never
// read back to the browser; email routes keep their addresses in the clear.

function slackWebhookUrl(production: boolean) {
  return z.url().refine((value) => {
    // zod runs refinements even after z.url() refused the value: an unparsable one is refused here.
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    // In production only Slack's own host: the worker must not be made to POST to arbitrary
    // (internal) addresses. Tests and local runs point it at a receiver on 127.0.0.1.
    return production ? url.protocol === "https:" && url.hostname === "hooks.slack.com" : url.protocol === "https:" || url.protocol === "http:";
  }, "must be a Slack incoming-webhook URL (https://hooks.slack.com/services/...)");
}

export function parseEmailList(target: string): string[] {
  return target
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

export interface AlertRouteInput {
  kind?: AlertKind | null;
  transport: AlertTransport;
  /** Email addresses (comma-separated) or the Slack incoming-webhook URL. */
  target: string;
  quietHours?: z.input<typeof QuietHoursSchema> | null;
  digest?: boolean;
}

export async function createAlertRoute(prisma: PrismaClient, shopId: string, input: AlertRouteInput): Promise<AlertRoute> {
  let target: string;
  if (input.transport === "EMAIL") {
    const addresses = z.array(z.email("not an email address")).min(1, "at least one email address").max(20).parse(parseEmailList(input.target));
    target = addresses.join(", ");
  } else {
    target = sealSecret(slackWebhookUrl(process.env.NODE_ENV === "production").parse(input.target.trim()), shopId);
  }
  const quietHours = input.quietHours ? (QuietHoursSchema.parse(input.quietHours) as Prisma.InputJsonValue) : undefined;
  return prisma.alertRoute.create({
    data: { shopId, kind: input.kind ?? null, transport: input.transport, target, quietHours, digest: input.digest ?? false },
  });
}

export async function deleteAlertRoute(prisma: PrismaClient, shopId: string, routeId: string): Promise<boolean> {
  const { count } = await prisma.alertRoute.deleteMany({ where: { id: routeId, shopId } });
  return count > 0;
}

/** The shop's routes as the merchant may see them: a Slack route shows only that it exists. */
export async function listAlertRoutes(prisma: PrismaClient, shopId: string) {
  const routes = await prisma.alertRoute.findMany({ where: { shopId }, orderBy: { createdAt: "asc" } });
  return routes.map((r) => ({ ...r, target: r.transport === "SLACK" ? "Slack incoming webhook" : r.target }));
}

/** The route's recipients: email addresses, or the opened Slack webhook URL. Worker-side only. */
export function openRouteTarget(route: Pick<AlertRoute, "shopId" | "transport" | "target">): string[] {
  return route.transport === "EMAIL" ? parseEmailList(route.target) : [openSecret(route.target, route.shopId)];
}
