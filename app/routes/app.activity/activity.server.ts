import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";

// The activity log: pushes, orders, rule changes, imports, newest first, filtered and paginated by
// cursor so a shop with millions of events loads one page at a time.

export const ActivityQuery = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(100).optional(),
  before: z.string().optional(),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export type ActivityFilter = z.infer<typeof ActivityQuery>;

/** What an event's code says happened, in the words of the screens; a code not listed here reads as its own words. */
const ACTION_WORDS: Record<string, string> = {
  "listing.pushed": "Sent to the channel",
  "listing.drift_detected": "Found the channel's quantity different from Anchorline's",
  "listing.drift_repaired": "Put the channel's quantity right",
  "listing.hold_approved": "Approved a held price",
  "listing.hold_rejected": "Rejected a held price",
  "listing.hold_group_approved": "Approved a group of held prices",
  "listing.fulfilment_changed": "Changed who fulfils the listing",
  "listings.linked": "Linked listings to variants",
  "mirror.drift_repaired": "Brought the copy of Shopify's stock up to date",
  "channel.went_live": "Went live",
  "channel.removed": "Removed the channel",
  "channel.reconnected": "Reconnected the channel",
  "channel.throttling_changed": "Changed throttling",
  "channel.visible_extras_changed": "Changed the coupon and shipping customers see",
  "channel.content_settings_changed": "Changed what content is sent",
  "promotion.created": "Planned a promotion",
  "promotion.launched_with_override": "Launched a promotion despite its checklist",
  "promotion.started": "Started a promotion",
  "promotion.ended": "Ended a promotion",
  "promotion.cancelled": "Cancelled a promotion",
  "price_rule.created": "Added a price rule",
  "price_rule.deleted": "Deleted a price rule",
  "parity_edge.saved": "Saved a price parity rule",
  "parity_edge.deleted": "Deleted a price parity rule",
  "buffer_rule.created": "Added a buffer rule",
  "buffer_rule.deleted": "Deleted a buffer rule",
  "buffer_rules.imported": "Imported buffer rules",
  "allocation_rule.created": "Added an allocation rule",
  "allocation_rule.changed": "Changed an allocation rule",
  "allocation_rule.deleted": "Deleted an allocation rule",
  "allocation_rules.imported": "Imported allocation rules",
  "alert.raised": "Raised an alert",
  "alert.delivered": "Sent an alert",
  "alert.acknowledged": "Acknowledged an alert",
  "alert.resolved": "Resolved an alert",
  "alert_route.created": "Added an alert destination",
  "alert_route.deleted": "Deleted an alert destination",
  "order.writeback_retried": "Retried taking an order off Shopify",
  "variant.holds_set": "Set a pre-order or discontinued hold",
  "variant.map_changed": "Changed the MAP",
  "variant.recompute_requested": "Asked for fresh quantities and prices",
  "location.settings_changed": "Changed what a location contributes",
  "kits.saved": "Saved a kit",
  "kits.deleted": "Deleted a kit",
  "shop.price_guardrail_changed": "Changed the price guardrail",
  "shop.drift_threshold": "Changed the drift threshold",
  "shop.health_report_changed": "Changed the weekly health report",
  "health_report.sent": "Sent the weekly health report",
  "velocity.window_changed": "Changed the sales velocity window",
  "vendor_feed.created": "Added a vendor feed",
  "customer.data_request": "Answered a customer's data request",
  "customer.redact": "Erased a customer's data",
};

/** An event code in words: its listed wording, else the code's own words ("channel.returns" → "Channel returns"). */
export function actionInWords(action: string): string {
  const listed = ACTION_WORDS[action];
  if (listed) return listed;
  const words = action.replace(/[._]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Actors that are Anchorline's own jobs, and Shopify's (audit.server.ts callers). */
const ANCHORLINE_ACTORS = new Set(["worker", "scheduler", "system"]);

/**
 * Who acted, in words: "You" for the staff member looking, another staff member by the name or
 * email Shopify gave with their session where Anchorline has it, Anchorline for its own jobs.
 * Never an id or a session name.
 */
async function actorsInWords(prisma: PrismaClient, shopDomain: string, actors: string[], viewer: string): Promise<Map<string, string>> {
  const staffIds = [...new Set(actors.map((a) => /^merchant:(\d+)$/.exec(a)?.[1]).filter((id): id is string => id !== undefined))];
  const sessions = staffIds.length
    ? await prisma.session.findMany({
        where: { shop: shopDomain, userId: { in: staffIds.map((id) => BigInt(id)) } },
        select: { userId: true, firstName: true, lastName: true, email: true },
      })
    : [];
  const staff = new Map(sessions.map((s) => [String(s.userId), [s.firstName, s.lastName].filter(Boolean).join(" ") || s.email || null]));
  const words = (actor: string): string => {
    if (actor === viewer) return "You";
    if (ANCHORLINE_ACTORS.has(actor) || actor.startsWith("worker:")) return "Anchorline";
    if (actor === "shopify") return "Shopify";
    if (actor.startsWith("merchant:")) return staff.get(actor.slice("merchant:".length)) ?? "A staff member";
    return actionInWords(actor);
  };
  return new Map(actors.map((a) => [a, words(a)]));
}

/** What an event's subject is called on the screens, per subject type: never its database id. */
const SUBJECT_WORDS: Record<string, string> = {
  shop: "Your store",
  customer: "A customer",
  channel: "A channel",
  listing: "A listing",
  variant: "A variant",
  promotion: "A promotion",
  alert: "An alert",
  location: "A location",
  vendor: "A vendor",
  vendor_feed: "A vendor feed",
  price_rule: "A price rule",
  parity_edge: "A parity rule",
  buffer_rule: "A buffer rule",
  allocation_rule: "An allocation rule",
  alert_route: "An alert destination",
  hold_group: "A group of held prices",
  channel_order: "A marketplace order",
};

/** Each event's subject by name (a listing as "KET-RED on Amazon US"), looked up in this shop only. */
async function subjectsInWords(prisma: PrismaClient, shopId: string, events: { subjectType: string | null; subjectId: string | null }[]) {
  const ids = (type: string) => [...new Set(events.filter((e) => e.subjectType === type && e.subjectId).map((e) => e.subjectId!))];
  const [listings, channels, variants, promotions, alerts, locations, vendors, orders] = await Promise.all([
    prisma.listing.findMany({ where: { shopId, id: { in: ids("listing") } }, select: { id: true, channelSku: true, channel: { select: { name: true } } } }),
    prisma.channel.findMany({ where: { shopId, id: { in: ids("channel") } }, select: { id: true, name: true } }),
    prisma.variant.findMany({ where: { shopId, id: { in: ids("variant") } }, select: { id: true, sku: true, title: true } }),
    prisma.promotion.findMany({ where: { shopId, id: { in: ids("promotion") } }, select: { id: true, name: true } }),
    prisma.alert.findMany({ where: { shopId, id: { in: ids("alert") } }, select: { id: true, title: true } }),
    prisma.location.findMany({ where: { shopId, id: { in: ids("location") } }, select: { id: true, name: true } }),
    prisma.vendor.findMany({ where: { shopId, id: { in: ids("vendor") } }, select: { id: true, name: true } }),
    prisma.channelOrder.findMany({
      where: { shopId, id: { in: ids("channel_order") } },
      select: { id: true, externalOrderId: true, channel: { select: { name: true } } },
    }),
  ]);
  const named = new Map<string, string>([
    ...listings.map((l) => [`listing ${l.id}`, `${l.channelSku} on ${l.channel.name}`] as const),
    ...channels.map((c) => [`channel ${c.id}`, c.name] as const),
    ...variants.map((v) => [`variant ${v.id}`, v.sku ?? v.title] as const),
    ...promotions.map((p) => [`promotion ${p.id}`, p.name] as const),
    ...alerts.map((a) => [`alert ${a.id}`, a.title] as const),
    ...locations.map((l) => [`location ${l.id}`, l.name] as const),
    ...vendors.map((v) => [`vendor ${v.id}`, v.name] as const),
    ...orders.map((o) => [`channel_order ${o.id}`, `${o.channel.name} order ${o.externalOrderId}`] as const),
  ]);
  return (e: { subjectType: string | null; subjectId: string | null }): string | null => {
    if (!e.subjectType) return null;
    return named.get(`${e.subjectType} ${e.subjectId}`) ?? SUBJECT_WORDS[e.subjectType] ?? actionInWords(e.subjectType);
  };
}

/** A page of the shop's activity, newest first, in words: who (`viewer` reads as "You"), what, and on what. */
export async function activityPage(shopDomain: string, filter: ActivityFilter, viewer: string, prisma: PrismaClient = defaultPrisma) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const where: Prisma.AuditEventWhereInput = {
    shopId: shop.id,
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.actor ? { actor: { startsWith: filter.actor } } : {}),
  };
  const events = await prisma.auditEvent.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.pageSize + 1,
    ...(filter.before ? { cursor: { id: filter.before }, skip: 1 } : {}),
  });
  const page = events.slice(0, filter.pageSize);
  const [who, on] = await Promise.all([
    actorsInWords(
      prisma,
      shopDomain,
      page.map((e) => e.actor),
      viewer,
    ),
    subjectsInWords(prisma, shop.id, page),
  ]);
  return {
    events: page.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      action: e.action,
      who: who.get(e.actor)!,
      what: actionInWords(e.action),
      on: on(e),
      details: e.details,
    })),
    nextCursor: events.length > filter.pageSize ? (page[page.length - 1]?.id ?? null) : null,
  };
}
