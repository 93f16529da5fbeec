import { Prisma, type PrismaClient } from "@prisma/client";
import { PARITY_VIOLATION_KEY_PREFIX, resolveAlert, resolveAlertByKey } from "./events.server";
import { raiseAlert, type RaiseOptions } from "./raise.server";

// Pushes held for parity page the merchant once per group: the same cause (a price rule, or the
// Shopify price moving) holding prices of one channel against the same other channel. A rule that
// holds 10,000 listings is one alert with the count, updated as more are held, and resolved when
// the group is empty (approved, rejected or released by the recompute). The group is the
// listings' holdGroup (app/recompute/parity.ts makes the key); this room only words and stores it.

interface ChannelRef {
  id: string;
  name: string;
}

export interface HeldGroupInput {
  shopId: string;
  /** Listing.holdGroup of the group's listings. */
  group: string;
  /** The channel whose pushes are held, and the channel on the other end of the edge. */
  channel: ChannelRef;
  other: ChannelRef;
  /** What held them, in words: the price rule that set the prices, or the Shopify price moving. */
  cause: string;
  /** How many of the group's pushes are held now. */
  heldCount: number;
  /** A few of the engine's reasons, as examples (the Pricing screen lists them all). */
  examples: string[];
}

const KEY_PREFIX = "parity-held:";

/** One open alert per hold group, until the group is empty. */
export function heldGroupAlertKey(group: string): string {
  return `${KEY_PREFIX}${group}`;
}

/**
 * The group an open alert pages for, with the count it last showed: what its page offers to
 * approve or reject at once. Null for any other alert, and for a resolved one (its key is retired).
 */
export function heldGroupOfAlert(alert: { kind: string; state: string; dedupeKey: string; facts: unknown }): { group: string; held: number } | null {
  if (alert.kind !== "PARITY_VIOLATION" || alert.state === "RESOLVED" || !alert.dedupeKey.startsWith(KEY_PREFIX)) return null;
  const held = alert.facts && typeof alert.facts === "object" ? (alert.facts as { held?: unknown }).held : undefined;
  return typeof held === "number" ? { group: alert.dedupeKey.slice(KEY_PREFIX.length), held } : null;
}

const EXAMPLES = 3;

function titleOf(input: HeldGroupInput): string {
  const prices = input.heldCount === 1 ? "1 price" : `${input.heldCount} prices`;
  return `${prices} for ${input.channel.name} held for review: they would break price parity with ${input.other.name}`;
}

/**
 * Raises the group's alert, or brings the open one up to date (its count and examples); an alert
 * already delivered is not sent again for a larger count: the merchant acts on the group once.
 */
export async function raiseHeldGroup(prisma: PrismaClient, input: HeldGroupInput, options?: RaiseOptions): Promise<{ created: boolean }> {
  const facts = {
    channel: input.channel.name,
    against: input.other.name,
    cause: input.cause,
    held: input.heldCount,
    examples: input.examples.slice(0, EXAMPLES),
  };
  const raised = await raiseAlert(
    prisma,
    { shopId: input.shopId, kind: "PARITY_VIOLATION", dedupeKey: heldGroupAlertKey(input.group), title: titleOf(input), channelId: input.channel.id, facts },
    options,
  );
  if (!raised.created) {
    await prisma.alert.updateMany({
      where: { id: raised.alert.id, shopId: input.shopId },
      data: { title: titleOf(input), facts: facts as Prisma.InputJsonValue },
    });
  }
  return { created: raised.created };
}

/** The group is empty: its alert is resolved (and pages again if the same group fills later). */
export function resolveHeldGroup(prisma: PrismaClient, shopId: string, group: string, actor: string, now?: Date): Promise<boolean> {
  return resolveAlertByKey(prisma, shopId, heldGroupAlertKey(group), actor, now);
}

// ---------------------------------------------------------------- a flood of standing violations

/**
 * Standing violations page once per variant and edge, but at most this many per edge at once: a
 * Shopify-wide sale under a marketplace's price would otherwise send an email per variant. Beyond
 * it one alert says how many more there were (the Pricing screen lists them all).
 */
export const VIOLATION_ALERTS_PER_EDGE = 10;

export function moreViolationsAlertKey(watcherId: string, watchedId: string): string {
  return `parity-more:${watcherId}:${watchedId}`;
}

export interface MoreViolationsInput {
  shopId: string;
  watcher: ChannelRef;
  watched: ChannelRef;
  /** Violations found on the edge beyond the per-edge limit, in the batch that raised it. */
  notPaged: number;
}

/** The edge has more standing violations than pages one by one: one alert for the rest, until the edge's are resolved. */
export async function raiseMoreViolations(prisma: PrismaClient, input: MoreViolationsInput, options?: RaiseOptions): Promise<{ created: boolean }> {
  const raised = await raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "PARITY_VIOLATION",
      dedupeKey: moreViolationsAlertKey(input.watcher.id, input.watched.id),
      title: `More than ${VIOLATION_ALERTS_PER_EDGE} variants are cheaper on ${input.watched.name} than on ${input.watcher.name}: see Pricing, parity violations live now`,
      channelId: input.watcher.id,
      facts: { watchingChannel: input.watcher.name, cheaperOn: input.watched.name, pagedOneByOne: VIOLATION_ALERTS_PER_EDGE, notPagedOneByOne: input.notPaged },
    },
    options,
  );
  return { created: raised.created };
}

/** Resolves the edge's "more violations" alert (its variants' own alerts are all resolved). */
export function resolveMoreViolations(prisma: PrismaClient, shopId: string, watcherId: string, watchedId: string, now?: Date): Promise<boolean> {
  return resolveAlertByKey(prisma, shopId, moreViolationsAlertKey(watcherId, watchedId), "worker", now);
}

/**
 * The edge is gone (the merchant removed it): its standing violations no longer exist, so every
 * alert it raised, one by one or for the rest, is resolved. Returns how many.
 */
export async function resolveEdgeViolations(prisma: PrismaClient, shopId: string, watcherId: string, watchedId: string, actor: string): Promise<number> {
  const open = await prisma.alert.findMany({
    where: {
      shopId,
      kind: "PARITY_VIOLATION",
      state: { not: "RESOLVED" },
      OR: [
        { dedupeKey: { startsWith: PARITY_VIOLATION_KEY_PREFIX, endsWith: `:${watcherId}:${watchedId}` } },
        { dedupeKey: moreViolationsAlertKey(watcherId, watchedId) },
      ],
    },
    select: { id: true },
  });
  let resolved = 0;
  for (const alert of open) if (await resolveAlert(prisma, shopId, alert.id, actor)) resolved++;
  return resolved;
}
