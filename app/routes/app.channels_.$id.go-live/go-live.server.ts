import type { Channel, Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { formatMoney } from "~/channels/money";
import { contentRulesOf, moduleOfKind } from "~/channels/registry";
import { CONTENT_FIELDS, FIELD_LABELS, type ContentField } from "~/content/fields";
import defaultPrisma from "~/db.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { shopIdOf } from "~/lib/shop-id.server";
import { noteChange, type ChangeDeps } from "~/recompute/index.server";
import { priceGuardrailBps } from "~/recompute/inputs";

// A safe go-live: nothing is pushed to a newly connected account (Channel.liveAt null, see
// sync/flush.server.ts pushesTo) until the merchant has seen what its first push changes — the
// desired state the recompute computed for its linked listings against what the marketplace showed
// when its listings were read (observedQuantity, observedPriceCents) — chosen which content fields
// may overwrite the marketplace's own, and confirmed.

/** How many of the largest price changes the preview lists. */
export const LARGEST_PRICE_CHANGES = 10;
/** How many listings moving beyond the price guardrail the preview lists by name (all are counted). */
export const GUARDRAIL_LISTED = 50;

/** Channel.settings.goLive: the content fields the merchant let the first push overwrite, and when it went live. */
const GoLiveSettings = z.object({ overwriteContent: z.array(z.string()).default([]), at: z.string().optional() });

function settingsObject(settings: Prisma.JsonValue): Record<string, unknown> {
  return settings && typeof settings === "object" && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
}

function goLiveSettings(settings: Prisma.JsonValue) {
  const parsed = GoLiveSettings.safeParse(settingsObject(settings).goLive ?? {});
  return parsed.success ? parsed.data : { overwriteContent: [] };
}

/** The content fields this channel's connector sends (its module's content rules). */
function carriedFields(channel: Pick<Channel, "kind">): ContentField[] {
  const rules = contentRulesOf(channel.kind);
  return CONTENT_FIELDS.filter((f) => rules.carried[f] === true);
}

async function channelOfShop(prisma: PrismaClient, shopDomain: string, channelId: string) {
  const shopId = await shopIdOf(prisma, shopDomain);
  // Another shop's channel is "not found", never shown or changed.
  const channel = await prisma.channel.findFirst({ where: { id: channelId, shopId }, include: { shop: { select: { currencyCode: true, settings: true } } } });
  if (!channel) throw new NotFoundForShop("Channel");
  return { shopId, channel };
}

export interface PriceChange {
  listingId: string;
  channelSku: string;
  title: string;
  before: string;
  after: string;
  /** Signed, one decimal; null when the marketplace's price was 0. */
  percent: number | null;
  beyondGuardrail: boolean;
  /** Its price waits for the merchant's review (parity or the guardrail): the first push leaves it as it is. */
  held: boolean;
}

/** One listing's desired and observed numbers, as the preview reads them. */
interface PreviewRow {
  id: string;
  channelSku: string;
  desiredQuantity: number | null;
  desiredPriceCents: number | null;
  observedQuantity: number | null;
  observedPriceCents: number | null;
  fulfilledByMarketplace: boolean;
  syncState: string;
  variant: { title: string; product: { title: string } };
}

/**
 * What the first push changes on the quantities. `goToZero` counts listings set to 0 that the
 * marketplace does not already show at 0 (unknown included): those stop selling there.
 */
export function quantityChanges(rows: readonly PreviewRow[]) {
  const counts = { listings: rows.length, change: 0, keep: 0, unknown: 0, goToZero: 0, notComputed: 0, marketplaceFulfilled: 0 };
  for (const row of rows) {
    if (row.fulfilledByMarketplace) counts.marketplaceFulfilled++;
    else if (row.desiredQuantity === null) counts.notComputed++;
    else {
      if (row.observedQuantity === null) counts.unknown++;
      else if (row.observedQuantity === row.desiredQuantity) counts.keep++;
      else counts.change++;
      if (row.desiredQuantity === 0 && row.observedQuantity !== 0) counts.goToZero++;
    }
  }
  return counts;
}

/** Signed percentage of the move from `before` to `after`, one decimal; null from 0. */
function percentMove(before: number, after: number): number | null {
  return before === 0 ? null : Math.round(((after - before) * 1000) / before) / 10;
}

/** Whether moving from `before` to `after` goes further than the guardrail (basis points) either way. */
export function beyondGuardrail(before: number, after: number, guardrailBps: number): boolean {
  if (before === 0) return after !== 0;
  return Math.abs(after - before) * 10_000 > guardrailBps * before;
}

/** The price moves of the first push: the largest first, those beyond the guardrail flagged. */
export function priceChanges(rows: readonly PreviewRow[], currencyCode: string, guardrailBps: number) {
  const changes: PriceChange[] = [];
  let unknown = 0;
  let keep = 0;
  for (const row of rows) {
    if (row.desiredPriceCents === null) continue;
    if (row.observedPriceCents === null) {
      unknown++;
      continue;
    }
    if (row.observedPriceCents === row.desiredPriceCents) {
      keep++;
      continue;
    }
    changes.push({
      listingId: row.id,
      channelSku: row.channelSku,
      title: `${row.variant.product.title} — ${row.variant.title}`,
      before: formatMoney(row.observedPriceCents, currencyCode),
      after: formatMoney(row.desiredPriceCents, currencyCode),
      percent: percentMove(row.observedPriceCents, row.desiredPriceCents),
      beyondGuardrail: beyondGuardrail(row.observedPriceCents, row.desiredPriceCents, guardrailBps),
      held: row.syncState === "HELD",
    });
  }
  // A move from 0 is the largest there is.
  const size = (c: PriceChange) => (c.percent === null ? Infinity : Math.abs(c.percent));
  changes.sort((a, b) => size(b) - size(a) || a.channelSku.localeCompare(b.channelSku));
  const beyond = changes.filter((c) => c.beyondGuardrail);
  return {
    change: changes.length,
    keep,
    unknown,
    largest: changes.slice(0, LARGEST_PRICE_CHANGES),
    beyondGuardrail: beyond.slice(0, GUARDRAIL_LISTED),
    beyondGuardrailCount: beyond.length,
  };
}

/** The go-live screen: the first push of a channel's linked listings, and its content choices. */
export async function goLivePreview(shopDomain: string, channelId: string, prisma: PrismaClient = defaultPrisma) {
  const { channel } = await channelOfShop(prisma, shopDomain, channelId);
  const rows = await prisma.listing.findMany({
    where: { channelId: channel.id, shopId: channel.shopId },
    select: {
      id: true,
      channelSku: true,
      desiredQuantity: true,
      desiredPriceCents: true,
      observedQuantity: true,
      observedPriceCents: true,
      fulfilledByMarketplace: true,
      syncState: true,
      variant: { select: { title: true, product: { select: { title: true } } } },
    },
    orderBy: { channelSku: "asc" },
  });
  const guardrailBps = priceGuardrailBps(channel.shop.settings);
  const opted = new Set(goLiveSettings(channel.settings).overwriteContent);
  return {
    channel: {
      id: channel.id,
      name: channel.name,
      marketplace: moduleOfKind(channel.kind)?.label ?? channel.kind.toLowerCase(),
      status: channel.status,
      liveAt: channel.liveAt,
    },
    guardrailPercent: guardrailBps / 100,
    quantities: quantityChanges(rows),
    prices: priceChanges(rows, channel.shop.currencyCode, guardrailBps),
    heldForReview: rows.filter((r) => r.syncState === "HELD").length,
    content: carriedFields(channel).map((field) => ({ field, label: FIELD_LABELS[field], overwrite: opted.has(field) })),
  };
}

export type GoLivePreview = Awaited<ReturnType<typeof goLivePreview>>;

export const GoLiveInput = z.object({
  intent: z.literal("go-live"),
  overwriteContent: z.preprocess((v) => (v === undefined || v === null ? [] : [v].flat()), z.array(z.string().trim().min(1))),
});
export type GoLive = z.infer<typeof GoLiveInput>;

export type GoLiveOutcome =
  { ok: true; name: string; listings: number; alreadyLive: boolean } | { ok: false; status: 400 | 409; errors: Record<string, string>; message?: string };

/**
 * Goes live: sets liveAt (once: a second click finds it set and changes nothing), stores the content
 * choices, records who did it with what the preview showed, and sends the channel's listings into
 * the pipeline so the first push goes out at once.
 *
 * Content: the carried fields opted in are sent, overwriting the marketplace's; the others are
 * turned off in the channel's field map (Channel.settings.content.fields, the Content screen's),
 * so they are never sent, on the first push or after: the marketplace keeps its own title or
 * images until the merchant turns a field on for this channel on the Content screen. Starting to
 * send them on the next edit of the Shopify product instead would overwrite what the merchant chose
 * to keep, on an edit made for another reason, one product at a time; turning a field on is the
 * same explicit choice as opting in here. The opted-in fields push as every channel's do.
 */
export async function goLive(
  shopDomain: string,
  channelId: string,
  input: GoLive,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  deps: Pick<ChangeDeps, "queues" | "requestFlush"> = {},
): Promise<GoLiveOutcome> {
  const { shopId, channel } = await channelOfShop(prisma, shopDomain, channelId);
  const carried = carriedFields(channel);
  const unknown = input.overwriteContent.filter((f) => !(carried as string[]).includes(f));
  if (unknown.length > 0) {
    const choices = carried.map((f) => FIELD_LABELS[f]).join(", ");
    return {
      ok: false,
      status: 400,
      errors: { overwriteContent: `"${unknown[0]}" is not a content field ${channel.name} carries: choose among ${choices || "none"}` },
    };
  }
  if (channel.liveAt) return { ok: true, name: channel.name, listings: 0, alreadyLive: true };
  if (channel.status === "DISCONNECTED") return { ok: false, status: 409, errors: {}, message: `Reconnect ${channel.name} before going live.` };

  const preview = await goLivePreview(shopDomain, channelId, prisma);
  const overwrite = carried.filter((f) => input.overwriteContent.includes(f));
  const settings = settingsObject(channel.settings);
  const content = settingsObject((settings.content ?? {}) as Prisma.JsonValue);
  const fields = { ...settingsObject((content.fields ?? {}) as Prisma.JsonValue), ...Object.fromEntries(carried.map((f) => [f, overwrite.includes(f)])) };
  const now = new Date();
  // Compare-and-set on liveAt: two clicks (or two tabs) go live once.
  const { count } = await prisma.channel.updateMany({
    where: { id: channel.id, shopId, liveAt: null },
    data: {
      liveAt: now,
      settings: { ...settings, content: { ...content, fields }, goLive: { overwriteContent: overwrite, at: now.toISOString() } } as Prisma.InputJsonValue,
    },
  });
  if (count === 0) return { ok: true, name: channel.name, listings: 0, alreadyLive: true };
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "channel.went_live",
    subjectType: "channel",
    subjectId: channel.id,
    details: {
      name: channel.name,
      overwriteContent: overwrite,
      quantities: preview.quantities,
      prices: {
        change: preview.prices.change,
        keep: preview.prices.keep,
        unknown: preview.prices.unknown,
        beyondGuardrail: preview.prices.beyondGuardrailCount,
      },
    },
  });
  await noteChange(shopId, { kind: "live", channelId: channel.id }, { prisma, ...deps });
  return { ok: true, name: channel.name, listings: preview.quantities.listings, alreadyLive: false };
}
