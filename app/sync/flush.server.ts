import type { Channel, PrismaClient } from "@prisma/client";
import { ChannelError, type ChannelLimits, type Connector, type PushOutcome } from "~/channels/connector";
import { connectorForChannel } from "~/channels/registry.server";
import defaultPrisma from "~/db.server";
import { raiseListingSuspended } from "~/alerts/events.server";
import { logger, type Logger } from "~/lib/logger.server";
import { contentToPush } from "~/content/diff";
import { contentSettings, turnedOffWireNames } from "~/content/adapt";
import { contentRulesOf, marketplaceKindOf } from "~/channels/registry";
import {
  pendingListings,
  stockOrPriceToPush,
  recordAcknowledged,
  recordContentRejected,
  recordExternalIds,
  recordNothingToSend,
  recordRejected,
  recordRetries,
  type PendingListing,
  type PushRecord,
} from "./outbox.server";
import type { SharedRateLimiter } from "./rate-limiter.server";
import { logPushes, type LoggedPush } from "./push-log.server";

// Draining one channel account's outbox: the channel-sync queue's job. Newest desired state only
// (the outbox keeps one row per listing, so a burst of changes to one SKU is one push), batched
// the way the channel wants, paced by the account's shared rate limit, recorded as pushed only on
// the marketplace's acknowledgement.

export const LISTINGS_PER_FLUSH = 500;

/**
 * The longest a content slice waits for the account's rate limit. A stock change arriving in the
 * meantime waits as long, so it is kept short; a slice that cannot start is left to the next flush.
 */
const CONTENT_MAX_WAIT_MS = 2_000;
/**
 * How long one flush spends on content: a first sync's content is minutes of calls on Amazon, and
 * a job that long holds its worker past a shutdown's grace period (the demo gives 8 s). The next
 * flush, asked for at once, goes on where this one stopped.
 */
const CONTENT_BUDGET_MS = 5_000;

export interface FlushDeps {
  prisma?: PrismaClient;
  limiter: SharedRateLimiter;
  connectorFor?: (channel: Channel) => Connector;
  /** Currency of the shop's prices (one per shop in this version). */
  currencyCode?: string;
  /** How long one flush may spend on content before leaving the rest to the next (CONTENT_BUDGET_MS). */
  contentBudgetMs?: number;
}

export interface FlushResult {
  status: "flushed" | "skipped" | "credentials-failed";
  accepted: number;
  rejected: number;
  retried: number;
  /** Calls made to the marketplace. */
  calls: number;
  /** More listings are pending: the caller queues another flush (after `retryAfterMs` if set). */
  more: boolean;
  retryAfterMs?: number;
  /** Some acknowledged listings are pending again (their desired state moved on during the push). */
  pendingAgain?: boolean;
  /** Desired-state age at acknowledgement, per accepted listing (for the latency metrics). */
  latenciesMs: number[];
}

/**
 * A push split so each part's calls fit in the account's burst (callsPerPush); a push that costs
 * no more than the burst, a feed for instance, stays whole.
 */
export function pacedBatches<T extends { channelSku: string; externalId?: string | null }>(
  batch: T[],
  limits: Pick<ChannelLimits, "burst" | "callsPerPush">,
): T[][] {
  const cost = limits.callsPerPush;
  if (!cost || cost(batch) <= limits.burst) return [batch];
  const parts: T[][] = [];
  let part: T[] = [];
  for (const item of batch) {
    if (part.length > 0 && cost([...part, item]) > limits.burst) {
      parts.push(part);
      part = [];
    }
    part.push(item);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * The listings with each product's SKUs side by side, products in the order of their scarcest
 * SKU. Where a call carries one product (TikTok Shop), scarcity order alone scatters a product's
 * SKUs over many batches, and each batch then pays a call for it again. Listings without a
 * product id are their own group, so other channels keep the scarcity order as it was.
 */
export function groupedByProduct<T extends { channelSku: string; externalId?: string | null }>(listings: T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const l of listings) {
    const key = l.externalId ?? `sku:${l.channelSku}`;
    const group = groups.get(key);
    if (group) group.push(l);
    else groups.set(key, [l]);
  }
  return [...groups.values()].flat();
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What each push answered, per channel SKU, and the content left for a later flush. */
interface Outcomes {
  quantity: Map<string, PushOutcome>;
  price: Map<string, PushOutcome>;
  content: Map<string, PushOutcome>;
  /** The content fields sent, to record as pushed when accepted. */
  contentSent: Map<string, Record<string, unknown>>;
  contentLater: Set<string>;
}

/** What one flush's pushes work with. */
interface FlushContext {
  prisma: PrismaClient;
  channelId: string;
  limiter: SharedRateLimiter;
  connector: Connector;
  currencyCode: string;
  /** How long this flush may spend on content. */
  contentBudgetMs: number;
  /** Counts the calls made, and the pause asked for when content could not start. */
  result: FlushResult;
}

/**
 * Only the content fields that changed since the channel last acknowledged content, less those the
 * merchant turned off for this channel (the go-live's fields not opted in among them): a desired
 * content computed before they were turned off may still hold them until the content step runs.
 */
function contentToSend(listings: PendingListing[], channel: Pick<Channel, "kind" | "settings">): Map<string, Record<string, unknown>> {
  const turnedOff = turnedOffWireNames(contentRulesOf(channel.kind), contentSettings(channel.settings));
  const contentSent = new Map<string, Record<string, unknown>>();
  for (const l of listings) {
    const changed = contentToPush(l.desiredContent, l.pushedContent);
    const fields = changed ? Object.fromEntries(Object.entries(changed).filter(([name]) => !turnedOff.has(name))) : {};
    if (Object.keys(fields).length > 0) contentSent.set(l.channelSku, fields);
  }
  return contentSent;
}

/** One paced push, once the account's limiter pays its calls; false when it would wait longer than `maxWaitMs`. */
async function pushPaid<T extends { channelSku: string }>(
  ctx: FlushContext,
  part: T[],
  cost: number,
  push: (part: T[]) => Promise<PushOutcome[]>,
  into: Map<string, PushOutcome>,
  maxWaitMs?: number,
): Promise<boolean> {
  if (cost > 0 && !(await ctx.limiter.take(ctx.channelId, ctx.connector.limits, cost, maxWaitMs))) return false;
  ctx.result.calls++;
  for (const outcome of await push(part)) into.set(outcome.channelSku, outcome);
  return true;
}

/** One batch pushed in parts that fit the account's burst (pacedBatches). */
async function pushPaced<T extends { channelSku: string; externalId?: string | null }>(
  ctx: FlushContext,
  batch: T[],
  push: (batch: T[]) => Promise<PushOutcome[]>,
  into: Map<string, PushOutcome>,
): Promise<void> {
  const { limits } = ctx.connector;
  for (const paced of pacedBatches(batch, limits)) {
    if (!(await pushPaid(ctx, paced, limits.callsPerPush?.(paced) ?? 1, push, into))) {
      // The account's budget is spoken for by other workers: leave the rest for the next flush.
      for (const item of paced) into.set(item.channelSku, { channelSku: item.channelSku, status: "retry", message: "rate limit", retryAfterMs: 1000 });
    }
  }
}

/** A quantity the channel does not show yet (never for a listing the marketplace fulfils itself). */
function hasQuantityToPush(l: PendingListing): boolean {
  return !l.fulfilledByMarketplace && l.desiredQuantity !== null && l.desiredQuantity !== l.pushedQuantity;
}

/** A price the channel does not show yet, unless it is held for the merchant's review. */
function hasPriceToPush(l: PendingListing): boolean {
  return l.syncState !== "HELD" && l.desiredPriceCents !== null && l.desiredPriceCents !== l.pushedPriceCents;
}

/**
 * Pushes the listings whose quantity differs from the one pushed; answers them. A listing the
 * marketplace fulfils from its own stock (FBA) never gets one: its units were never Shopify's.
 */
async function pushQuantities(ctx: FlushContext, listings: PendingListing[], into: Map<string, PushOutcome>): Promise<PendingListing[]> {
  const quantities = groupedByProduct(listings.filter(hasQuantityToPush));
  for (const batch of chunks(quantities, ctx.connector.limits.maxBatch)) {
    await pushPaced(
      ctx,
      batch.map((l) => ({ channelSku: l.channelSku, externalId: l.externalId, quantity: l.desiredQuantity! })),
      (b) => ctx.connector.pushQuantities(b),
      into,
    );
  }
  return quantities;
}

/** Pushes the listings whose price differs from the one pushed; answers them. */
async function pushPrices(ctx: FlushContext, listings: PendingListing[], into: Map<string, PushOutcome>): Promise<PendingListing[]> {
  // A held price stays off the channel until the merchant approves it (the listing turns PENDING).
  const prices = groupedByProduct(listings.filter(hasPriceToPush));
  for (const batch of chunks(prices, ctx.connector.limits.maxBatch)) {
    await pushPaced(
      ctx,
      batch.map((l) => ({ channelSku: l.channelSku, externalId: l.externalId, priceCents: l.desiredPriceCents!, currencyCode: ctx.currencyCode })),
      (b) => ctx.connector.pushPrices(b),
      into,
    );
  }
  return prices;
}

/**
 * Content never holds a stock change back. It goes only in a flush with no stock or price to
 * push, in slices each small enough for the account's burst, and between slices it yields as
 * soon as a stock or price change is waiting: that change then waits for one slice (a few
 * calls), not for a whole first sync's content (minutes at Amazon's 5 calls a second; the
 * demo's first start oversold that way). What is left is retried by the next flush.
 * Content left for a later flush is not a failed attempt: nothing is recorded on those listings.
 */
async function pushContent(ctx: FlushContext, listings: PendingListing[], outcomes: Outcomes, stockOrPriceThisFlush: boolean): Promise<void> {
  const contents = groupedByProduct(listings.filter((l) => outcomes.contentSent.has(l.channelSku)));
  const leaveForLater = (rest: PendingListing[]) => {
    for (const l of rest) outcomes.contentLater.add(l.channelSku);
  };
  if (stockOrPriceThisFlush) leaveForLater(contents);
  else if (contents.length > 0) await pushContentSlices(ctx, contents, outcomes, leaveForLater);
}

/** The content in slices, yielding to stock or price changes and to the flush's time for content. */
async function pushContentSlices(
  ctx: FlushContext,
  contents: PendingListing[],
  outcomes: Outcomes,
  leaveForLater: (rest: PendingListing[]) => void,
): Promise<void> {
  const { connector } = ctx;
  // Half the burst at most, so a stock change that overtakes the content finds tokens left.
  const contentLimits = {
    burst: Math.max(1, Math.floor(connector.limits.burst / 2)),
    callsPerPush: connector.limits.contentCallsPerPush ?? connector.limits.callsPerPush,
  };
  const slices = chunks(contents, connector.limits.maxBatch).flatMap((batch) => pacedBatches(batch, contentLimits));
  const contentUntil = performance.now() + ctx.contentBudgetMs;
  for (const [i, slice] of slices.entries()) {
    if (i > 0 && (performance.now() > contentUntil || (await stockOrPriceToPush(ctx.prisma, [ctx.channelId], 1)) > 0)) {
      leaveForLater(slices.slice(i).flat());
      break;
    }
    const updates = slice.map((l) => ({ channelSku: l.channelSku, externalId: l.externalId, fields: outcomes.contentSent.get(l.channelSku)! }));
    if (!(await pushPaid(ctx, updates, contentLimits.callsPerPush?.(slice) ?? 1, (u) => connector.pushContent(u), outcomes.content, CONTENT_MAX_WAIT_MS))) {
      // The account's budget is spoken for by other workers: the next flush goes on after a pause.
      leaveForLater(slices.slice(i).flat());
      ctx.result.retryAfterMs = 1000;
      break;
    }
  }
}

/** Quantities, then prices, then (only when neither had anything to push) content. */
async function pushAll(ctx: FlushContext, listings: PendingListing[], outcomes: Outcomes): Promise<void> {
  const quantities = await pushQuantities(ctx, listings, outcomes.quantity);
  // An id the quantity push looked up serves the price push (and its pacing) without a second lookup.
  for (const l of listings) l.externalId ??= outcomes.quantity.get(l.channelSku)?.externalId ?? null;
  const prices = await pushPrices(ctx, listings, outcomes.price);
  await pushContent(ctx, listings, outcomes, quantities.length + prices.length > 0);
}

/**
 * A push that threw: failed credentials pause the account (the flush answers credentials-failed);
 * anything else records what was acknowledged and throws again.
 */
async function settleFailure(
  ctx: FlushContext,
  channel: Channel,
  listings: PendingListing[],
  outcomes: Outcomes,
  log: Logger,
  error: unknown,
): Promise<FlushResult> {
  if (error instanceof ChannelError && error.details.authFailed) {
    // Will not heal by retrying: pause the account and tell the merchant (alerts read this).
    await ctx.prisma.channel.update({ where: { id: ctx.channelId }, data: { status: "FAILING", statusReason: error.message } });
    log.warn({ error }, "channel credentials failed; account paused");
    return { ...ctx.result, status: "credentials-failed" };
  }
  // Whatever was acknowledged before the failure is recorded; the job is retried for the rest,
  // which stays pending as it was.
  await recordOutcomes(ctx.prisma, channel, listings, outcomes, ctx.result, { interrupted: true });
  throw error;
}

/** Another flush is wanted when content was left, a push is to be retried, or the flush was full. */
function moreToFlush(listings: PendingListing[], outcomes: Outcomes, result: FlushResult): boolean {
  return outcomes.contentLater.size > 0 || result.retried > 0 || result.pendingAgain === true || listings.length === LISTINGS_PER_FLUSH;
}

/**
 * Whether anything may be pushed to this account: the one check in front of every push (this
 * flush is the only caller of a connector's pushQuantities, pushPrices and pushContent, and the
 * Amazon and Walmart feeds are sent from inside those). A connected account of an installed shop,
 * live: a newly connected account has no liveAt until the merchant reviewed its first push and
 * went live. Until then its listings' desired state is computed (the go-live preview shows it) and
 * waits pending; its orders are imported all the same (a sale there still lowers Shopify's stock).
 * Never the shop's own store (the anchor, a channel only so parity can watch its price): it has no
 * marketplace to push to (channels/store-channel.server.ts).
 */
export function pushesTo(channel: Pick<Channel, "status" | "liveAt" | "kind"> & { shop: { uninstalledAt: Date | null } }): boolean {
  return marketplaceKindOf(channel) !== null && channel.status === "CONNECTED" && channel.shop.uninstalledAt === null && channel.liveAt !== null;
}

export async function flushChannelAccount(channelId: string, deps: FlushDeps): Promise<FlushResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const startedAt = performance.now();
  const result: FlushResult = { status: "flushed", accepted: 0, rejected: 0, retried: 0, calls: 0, more: false, latenciesMs: [] };
  const channel = await prisma.channel.findUnique({ where: { id: channelId }, include: { shop: { select: { uninstalledAt: true, currencyCode: true } } } });
  if (!channel || !pushesTo(channel)) return { ...result, status: "skipped" };
  const log = logger.child({ channelId, kind: channel.kind });

  const listings = await pendingListings(prisma, channelId, LISTINGS_PER_FLUSH);
  if (listings.length === 0) return result;
  const ctx: FlushContext = {
    prisma,
    channelId,
    limiter: deps.limiter,
    connector: (deps.connectorFor ?? connectorForChannel)(channel),
    currencyCode: deps.currencyCode ?? channel.shop.currencyCode,
    contentBudgetMs: deps.contentBudgetMs ?? CONTENT_BUDGET_MS,
    result,
  };
  const outcomes: Outcomes = {
    quantity: new Map(),
    price: new Map(),
    content: new Map(),
    contentSent: contentToSend(listings, channel),
    contentLater: new Set(),
  };

  try {
    await pushAll(ctx, listings, outcomes);
  } catch (error) {
    return await settleFailure(ctx, channel, listings, outcomes, log, error);
  }
  await recordOutcomes(prisma, channel, listings, outcomes, result);
  result.more = moreToFlush(listings, outcomes, result);
  log.info(
    {
      accepted: result.accepted,
      rejected: result.rejected,
      retried: result.retried,
      contentLater: outcomes.contentLater.size,
      calls: result.calls,
      ms: Math.round(performance.now() - startedAt),
    },
    "channel flushed",
  );
  return result;
}

/** Why a listing the marketplace said nothing of is pushed again (its syncMessage meanwhile). */
const NO_ANSWER = "the marketplace gave no answer for this listing";

async function recordOutcomes(
  prisma: PrismaClient,
  channel: Pick<Channel, "id" | "shopId" | "name" | "kind">,
  listings: PendingListing[],
  { quantity: quantityOutcome, price: priceOutcome, content: contentOutcome, contentSent, contentLater }: Outcomes,
  result: FlushResult,
  { interrupted = false }: { interrupted?: boolean } = {},
) {
  const now = Date.now();
  const acknowledged: PushRecord[] = [];
  const nothingToSend: PendingListing[] = [];
  const retries: Array<{ listing: PendingListing; message: string }> = [];
  const learned: Array<{ listing: PendingListing; externalId: string }> = [];
  const logged: LoggedPush[] = [];
  for (const listing of listings) {
    const content = contentOutcome.get(listing.channelSku);
    const outcomes = [quantityOutcome.get(listing.channelSku), priceOutcome.get(listing.channelSku), content].filter((o): o is PushOutcome => Boolean(o));
    // Stored only where the listing has none (recordExternalIds), so the push's carrying it over above does not hide it.
    const externalId = outcomes.find((o) => o.externalId)?.externalId;
    if (externalId) learned.push({ listing, externalId });
    // Something owed with no answer is not "in sync": a push that threw (a connection reset
    // mid-call) leaves its listings and those after it unanswered, and marking them in sync lost
    // the change for good (Walmart kept 10 while Shopify had 9, and no later flush looked again).
    // They stay pending: a flush that threw is retried as it stands; one that ended asks again.
    const sku = listing.channelSku;
    const unanswered =
      (hasQuantityToPush(listing) && !quantityOutcome.has(sku)) ||
      (hasPriceToPush(listing) && !priceOutcome.has(sku)) ||
      (contentSent.has(sku) && !content && !contentLater.has(sku));
    if (unanswered && !interrupted && outcomes.every((o) => o.status === "accepted")) {
      result.retried++;
      retries.push({ listing, message: NO_ANSWER });
    }
    if (outcomes.length === 0) {
      if (!unanswered && !contentLater.has(sku)) nothingToSend.push(listing);
      // The call threw before the marketplace answered for it (a reset, a 5xx): an attempt that failed and is retried.
      if (unanswered && interrupted) logged.push({ listingId: listing.id, outcome: "RETRY" });
      continue;
    }
    if (content?.status === "rejected") {
      // Refused content does not fail the listing: its quantity and price keep syncing.
      result.rejected++;
      await recordContentRejected(prisma, listing, content.message);
    }
    const rejected = outcomes.find((o) => o.status === "rejected" && o !== content);
    const retry = outcomes.find((o) => o.status === "retry");
    if (rejected && rejected.status === "rejected") {
      result.rejected++;
      await recordRejected(prisma, listing, rejected.message);
      // A refusal does not heal by retrying: the merchant hears of it once per listing.
      await raiseListingSuspended(prisma, { shopId: channel.shopId, channel, listing, reason: rejected.message });
    } else if (retry && retry.status === "retry") {
      result.retried++;
      result.retryAfterMs = Math.max(result.retryAfterMs ?? 0, retry.retryAfterMs ?? 1000);
      retries.push({ listing, message: retry.message });
    }
    const quantityPushed = quantityOutcome.get(listing.channelSku)?.status === "accepted";
    const pricePushed = priceOutcome.get(listing.channelSku)?.status === "accepted";
    const contentPushed = content?.status === "accepted" ? (contentSent.get(listing.channelSku) ?? null) : null;
    if (!rejected && (quantityPushed || pricePushed || contentPushed)) {
      acknowledged.push({ listing, quantityPushed, pricePushed, contentPushed });
      if (!retry && !unanswered) {
        result.accepted++;
        const latencyMs = listing.desiredAt ? now - listing.desiredAt.getTime() : null;
        if (latencyMs !== null) result.latenciesMs.push(latencyMs);
        logged.push({ listingId: listing.id, outcome: "ACKNOWLEDGED", latencyMs });
      }
    }
    if (rejected) logged.push({ listingId: listing.id, outcome: "REJECTED" });
    else if (retry) logged.push({ listingId: listing.id, outcome: "RETRY" });
  }
  // Each outcome kept for the Overview's charts and the weekly sync-health report.
  await logPushes(prisma, channel, logged, new Date(now));
  // Listings whose desired state moved on while their push was in flight need another flush.
  if ((await recordAcknowledged(prisma, acknowledged)) > 0) result.pendingAgain = true;
  await recordExternalIds(prisma, channel.id, learned);
  await recordRetries(prisma, retries);
  await recordNothingToSend(prisma, nothingToSend);
}
