import type { DiscountKind as DbDiscountKind, Prisma, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { noteChange } from "~/recompute/index.server";
import {
  type ChecklistItem,
  type PromotionChecklist,
  promotionChecklist,
  promotionLaunchDecision,
  type PromotionVariant,
  suggestedFix,
} from "~/engine/promotion";
import { salesVelocity, type Sale } from "~/engine/velocity";
import { readAutoPause, validatePromotion } from "~/engine/validate";
import { NotFoundForShop, RequestRefused } from "~/lib/errors";
import { errorsByField, type FieldErrors, formNumber } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";
import { channelFromRow, DISCOUNT_KINDS_FROM_DB, priceGuardrailBps, velocityWindowDays } from "~/recompute/inputs";
import { recordAudit } from "~/lib/audit.server";
import { closePromotion, momentsOf, type PromotionResults, schedulePromotionMoments } from "~/sync/promotion-moments.server";

// Promotions: created as drafts (channels, variants, window, discount, reserve, auto-pause), the
// engine's pre-launch checklist (app/engine/promotion.ts) computed from what each listing is
// offered now, launch only on a passing checklist or an override with a reason (audited), end.
// Launching schedules the moments of its window (sync/promotion-moments.server.ts: reserve
// opening, start, end), each of which has its variants recomputed; reserves, prices and the
// auto-pause rule are the recompute's to apply, by the clock.

const DAY_MS = 86_400_000;

const DISCOUNT_KINDS = {
  percent: "PERCENT",
  amount: "AMOUNT",
  fixedPrice: "FIXED_PRICE",
  couponPercent: "COUPON_PERCENT",
  couponAmount: "COUPON_AMOUNT",
} as const satisfies Record<string, DbDiscountKind>;
const FROM_DB = DISCOUNT_KINDS_FROM_DB as Readonly<Record<DbDiscountKind, keyof typeof DISCOUNT_KINDS>>;
const AUTO_PAUSE_FIELDS = { "autoPause.mode": "autoPauseMode", "autoPause.throttleUnits": "autoPauseUnits", "autoPause.channelIds": "autoPauseChannelIds" };
const isPercentKind = (kind: string) => kind === "percent" || kind === "couponPercent";

export class LaunchRefused extends RequestRefused {
  constructor(
    message: string,
    readonly field = "form",
  ) {
    super(message);
    this.name = "LaunchRefused";
  }
}

/** Stored in Promotion.checklist: the engine's answer, and the override if there was one. */
export interface StoredChecklist extends PromotionChecklist {
  computedAt: string;
  override?: { by: string; reason: string; at: string };
}

export async function promotionsPage(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const [channels, promotions] = await Promise.all([
    prisma.channel.findMany({
      where: { shopId, status: { not: "DISCONNECTED" } },
      orderBy: [{ priority: "asc" }, { name: "asc" }],
      select: { id: true, name: true },
    }),
    prisma.promotion.findMany({
      where: { shopId },
      orderBy: [{ startsAt: "desc" }, { id: "asc" }],
      take: 100,
      include: { channels: { include: { channel: { select: { name: true } } } }, variants: { include: { variant: { select: { sku: true, title: true } } } } },
    }),
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return {
    channels,
    promotions: promotions.map((p) => {
      const kind = FROM_DB[p.discountKind];
      const checklist = p.checklist as unknown as StoredChecklist | null;
      return {
        id: p.id,
        name: p.name,
        status: p.status,
        startsAt: p.startsAt.toISOString(),
        endsAt: p.endsAt.toISOString(),
        discount: isPercentKind(kind)
          ? `${p.discountValue / 100}%${kind === "couponPercent" ? " coupon" : " off"}`
          : kind === "fixedPrice"
            ? `price ${(p.discountValue / 100).toFixed(2)}`
            : `${(p.discountValue / 100).toFixed(2)}${kind === "couponAmount" ? " coupon" : " off"}`,
        reserveUnits: p.reserveUnits,
        channels: p.channels.map((c) => c.channel.name),
        variants: p.variants.map((v) => v.variant.sku ?? v.variant.title),
        autoPause: autoPauseWords(readAutoPause(p.autoPause), channelName),
        checklist: checklist
          ? {
              verdict: checklist.verdict,
              items: checklist.items,
              // Each failure and warning with what would mend it, shown apart from what passed.
              problems: checklist.items.filter((i) => i.status !== "pass").map((i: ChecklistItem) => ({ ...i, fix: suggestedFix(i) })),
              computedAt: checklist.computedAt,
              override: checklist.override ?? null,
            }
          : null,
        results: resultsOf(p.results),
      };
    }),
  };
}

/** The auto-pause rule in the merchant's words, for the promotion's card. */
function autoPauseWords(rule: ReturnType<typeof readAutoPause>, channelName: ReadonlyMap<string, string>): string | null {
  if (rule.mode === "none") return null;
  const which = rule.channelIds.length > 0 ? rule.channelIds.map((id) => channelName.get(id) ?? id).join(", ") : "every other channel";
  return rule.mode === "pause" ? `While it runs: ${which} paused (0)` : `While it runs: ${which} at most ${rule.throttleUnits} units`;
}

/** Promotion.results as the screen shows it; one kept before results had channels shows its totals. */
function resultsOf(stored: unknown): PromotionResults | null {
  if (stored === null || typeof stored !== "object") return null;
  const r = stored as Partial<PromotionResults>;
  return {
    endedAt: String(r.endedAt ?? ""),
    endedBy: String(r.endedBy ?? ""),
    unitsSold: Number(r.unitsSold ?? 0),
    projectedUnits: r.projectedUnits ?? null,
    channels: Array.isArray(r.channels) ? r.channels : [],
  };
}

function dateOf(value: unknown): Date | undefined {
  const text = String(value ?? "").trim();
  if (!text) return undefined;
  // datetime-local has no zone: read as UTC so the server and the tests agree.
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
}

export async function createPromotion(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  now = new Date(),
): Promise<{ ok: true; promotionId: string } | { ok: false; errors: FieldErrors }> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channelIds = [form.channelIds ?? []].flat().map(String).filter(Boolean);
  const pausedIds = [form.autoPauseChannelIds ?? []].flat().map(String).filter(Boolean);
  const named = [...new Set([...channelIds, ...pausedIds])];
  const owned = await prisma.channel.count({ where: { shopId, id: { in: named } } });
  if (owned !== named.length) throw new NotFoundForShop("Channel");

  const kind = String(form.discountKind ?? "");
  const value = formNumber(form.discountValue);
  const uplift = formNumber(form.uplift);
  const checked = validatePromotion({
    name: String(form.name ?? "").trim(),
    startsAt: dateOf(form.startsAt),
    endsAt: dateOf(form.endsAt),
    channelIds,
    discountKind: kind,
    // Percent kinds are typed as a percent, the others as an amount; the engine counts bps or cents.
    discountValue: value === undefined ? undefined : Math.round(value * 100),
    upliftBps: uplift === undefined ? undefined : Math.round(uplift * 10_000),
    reserveUnits: formNumber(form.reserveUnits) ?? 0,
    autoPause: {
      mode: String(form.autoPauseMode ?? "none") || "none",
      throttleUnits: formNumber(form.autoPauseUnits) ?? null,
      channelIds: [...new Set(pausedIds)],
    },
  });
  const errors: FieldErrors = checked.ok ? {} : errorsByField(checked.errors, { upliftBps: "uplift", ...AUTO_PAUSE_FIELDS });
  if (checked.ok && checked.value.endsAt.getTime() <= now.getTime()) errors.endsAt = windowOverText(checked.value.endsAt, "set an end in the future");

  const skus = [
    ...new Set(
      String(form.skus ?? "")
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  ];
  const variants = skus.length ? await prisma.variant.findMany({ where: { shopId, sku: { in: skus } }, select: { id: true, sku: true } }) : [];
  const missing = skus.filter((sku) => !variants.some((v) => v.sku === sku));
  if (skus.length === 0) errors.skus = "Name at least one variant SKU";
  else if (missing.length) errors.skus = `No variant with SKU ${missing.map((s) => `"${s}"`).join(", ")} in this shop`;

  if (!checked.ok || Object.keys(errors).length > 0) return { ok: false, errors };

  const settings = checked.value;
  const promotion = await prisma.promotion.create({
    data: {
      shopId,
      name: settings.name,
      startsAt: settings.startsAt,
      endsAt: settings.endsAt,
      discountKind: DISCOUNT_KINDS[settings.discountKind],
      discountValue: settings.discountValue,
      upliftBps: settings.upliftBps,
      reserveUnits: settings.reserveUnits,
      exclusiveReserve: form.exclusiveReserve === "on" || form.exclusiveReserve === "true",
      autoPause: {
        mode: settings.autoPause.mode,
        throttleUnits: settings.autoPause.mode === "throttle" ? settings.autoPause.throttleUnits : null,
        channelIds: settings.autoPause.channelIds,
      },
      channels: { create: [...new Set(channelIds)].map((channelId) => ({ shopId, channelId })) },
      variants: { create: variants.map((v) => ({ shopId, variantId: v.id })) },
    },
  });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "promotion.created",
    subjectType: "promotion",
    subjectId: promotion.id,
    details: { name: settings.name, channelIds, skus, autoPause: settings.autoPause },
  });
  return { ok: true, promotionId: promotion.id };
}

async function promotionOfShop(prisma: PrismaClient, shopId: string, promotionId: string) {
  const promotion = await prisma.promotion.findFirst({ where: { id: promotionId, shopId }, include: { channels: true, variants: true } });
  if (!promotion) throw new NotFoundForShop("Promotion");
  return promotion;
}

/**
 * The engine's checklist from what each of the promotion's variants is offered now on every
 * channel (Listing.desiredQuantity), the price customers see (pushed, else desired), and each
 * variant's sales velocity per channel over the shop's velocity window.
 */
export async function checklistFor(prisma: PrismaClient, shopId: string, promotionId: string, now: Date): Promise<PromotionChecklist> {
  const promotion = await promotionOfShop(prisma, shopId, promotionId);
  const variantIds = promotion.variants.map((v) => v.variantId);
  const [shop, channelRows, edges, variants, listings] = await Promise.all([
    prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } }),
    prisma.channel.findMany({ where: { shopId }, select: { id: true, kind: true, name: true, priority: true, settings: true } }),
    prisma.parityEdge.findMany({ where: { shopId } }),
    prisma.variant.findMany({ where: { shopId, id: { in: variantIds } }, select: { id: true, sku: true, title: true, mapCents: true, priceCents: true } }),
    prisma.listing.findMany({
      where: { shopId, variantId: { in: variantIds } },
      select: { variantId: true, channelId: true, desiredQuantity: true, desiredPriceCents: true, pushedPriceCents: true },
    }),
  ]);
  const windowDays = velocityWindowDays(shop.settings);
  const sales = await prisma.sale.findMany({
    where: { shopId, variantId: { in: variantIds }, soldAt: { gt: new Date(now.getTime() - windowDays * DAY_MS), lte: now } },
    select: { variantId: true, channelId: true, soldAt: true, quantity: true },
  });
  const channels = channelRows.map(channelFromRow);
  const shopifyChannels = channels.filter((c) => c.kind === "shopify").map((c) => c.id);
  const salesByKey = new Map<string, Sale[]>();
  for (const s of sales) {
    // Sales in the Shopify store itself carry no channel: they are the Shopify channels' demand.
    for (const channelId of s.channelId ? [s.channelId] : shopifyChannels) {
      const key = `${s.variantId}:${channelId}`;
      salesByKey.set(key, [...(salesByKey.get(key) ?? []), { at: s.soldAt, quantity: s.quantity }]);
    }
  }
  const nameOf = new Map(channels.map((c) => [c.id, c.name]));
  const reserveOf = new Map(promotion.variants.map((v) => [v.variantId, v.reserveUnits]));
  const planVariants: PromotionVariant[] = variants.map((v) => ({
    variantId: v.id,
    name: v.sku ?? v.title,
    mapCents: v.mapCents,
    shopifyPriceCents: v.priceCents,
    reserveUnits: reserveOf.get(v.id) ?? null,
    onChannels: listings
      .filter((l) => l.variantId === v.id)
      .map((l) => {
        const history = salesByKey.get(`${v.id}:${l.channelId}`) ?? [];
        const price = l.pushedPriceCents ?? l.desiredPriceCents;
        return {
          channelId: l.channelId,
          velocityPerDay: history.length ? salesVelocity(history, { now, windowDays }).perDay : 0,
          availableToSell: l.desiredQuantity ?? 0,
          visiblePrice:
            price === null
              ? null
              : { channelId: l.channelId, channelName: nameOf.get(l.channelId) ?? l.channelId, priceCents: price, shippingCents: 0, couponCents: 0 },
        };
      }),
  }));
  return promotionChecklist({
    plan: {
      promotionId: promotion.id,
      name: promotion.name,
      startsAt: promotion.startsAt,
      endsAt: promotion.endsAt,
      channelIds: promotion.channels.map((c) => c.channelId),
      discount: { kind: FROM_DB[promotion.discountKind], value: promotion.discountValue },
      upliftBps: promotion.upliftBps,
      reserveUnits: promotion.reserveUnits,
      exclusiveReserve: promotion.exclusiveReserve,
      variants: planVariants,
    },
    channels,
    parityEdges: edges,
    now,
    priceGuardrailBps: priceGuardrailBps(shop.settings),
  });
}

function stored(checklist: PromotionChecklist, now: Date, override?: StoredChecklist["override"]): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify({ ...checklist, computedAt: now.toISOString(), ...(override ? { override } : {}) }));
}

/** Computes and stores the checklist so the merchant sees the verdicts before launching. */
export async function runChecklist(
  shopDomain: string,
  promotionId: string,
  prisma: PrismaClient = defaultPrisma,
  now = new Date(),
): Promise<PromotionChecklist> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const checklist = await checklistFor(prisma, shopId, promotionId, now);
  await prisma.promotion.update({ where: { id: promotionId }, data: { checklist: stored(checklist, now) } });
  return checklist;
}

/** Why a promotion whose end has passed is refused, on its "Ends" field, and what to do instead. */
function windowOverText(endsAt: Date, fix: string): string {
  return `Ends (UTC) ${endsAt.toISOString().slice(0, 16).replace("T", " ")} has passed: ${fix}`;
}

/**
 * Launches a draft: the checklist is computed afresh (stock may have moved since it was last
 * shown) and must pass, or the merchant overrides it with a reason, which is kept on the
 * promotion and in the audit. A launched promotion is READY until its window opens, then RUNNING;
 * either way its reserve holds from now on, so its variants are recomputed.
 */
export async function launchPromotion(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  now = new Date(),
): Promise<{ status: "READY" | "RUNNING"; reason: string }> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const promotion = await promotionOfShop(prisma, shopId, String(form.promotionId ?? ""));
  if (promotion.status !== "DRAFT") throw new LaunchRefused(`Only a draft can be launched; this promotion is ${promotion.status.toLowerCase()}`);
  // A window already over has no moment left to act in: launched, it would run at once and never end.
  // One whose start passed but end has not runs from now (below).
  if (promotion.endsAt.getTime() <= now.getTime())
    throw new LaunchRefused(windowOverText(promotion.endsAt, "cancel this promotion and plan it again with an end in the future"), "endsAt");
  const overriding = form.override === "on" || form.override === "true";
  const reason = String(form.overrideReason ?? "").trim();
  if (overriding && !reason) throw new LaunchRefused("Give a reason to launch despite the checklist", "overrideReason");
  const checklist = await checklistFor(prisma, shopId, promotion.id, now);
  const decision = promotionLaunchDecision(checklist, overriding ? { by: actor, at: now } : null);
  if (!decision.allowed) {
    await prisma.promotion.update({ where: { id: promotion.id }, data: { checklist: stored(checklist, now) } });
    throw new LaunchRefused(decision.reason);
  }
  const overridden = overriding && checklist.verdict === "fail";
  const status = promotion.startsAt.getTime() <= now.getTime() ? "RUNNING" : "READY";
  // Moments of the window already passed are this launch's own: its recompute (below) applies them.
  const passed = new Set(momentsOf(promotion).flatMap((m) => (m.at <= now ? [m.moment] : [])));
  const { count } = await prisma.promotion.updateMany({
    where: { id: promotion.id, shopId, status: "DRAFT" },
    data: {
      status,
      reserveOpenedAt: passed.has("reserve") ? now : null,
      startedAt: passed.has("start") ? now : null,
      checklist: stored(checklist, now, overridden ? { by: actor, reason, at: now.toISOString() } : undefined),
      overriddenBy: overridden ? actor : null,
      overriddenAt: overridden ? now : null,
    },
  });
  if (count === 0) throw new LaunchRefused("This promotion was launched or ended meanwhile");
  await recordAudit(prisma, {
    shopId,
    actor,
    action: overridden ? "promotion.launched_with_override" : "promotion.launched",
    subjectType: "promotion",
    subjectId: promotion.id,
    details: { name: promotion.name, status, verdict: checklist.verdict, reasons: checklist.reasons, ...(overridden ? { overrideReason: reason } : {}) },
  });
  await noteChange(shopId, { kind: "catalog", variantIds: promotion.variants.map((v) => v.variantId) }, { prisma });
  await schedulePromotionMoments(shopId, promotion, { now });
  return { status, reason: decision.reason };
}

/**
 * Ends a launched promotion early (or cancels a draft): its reserve is released and prices go back
 * to the rules, by recomputing its variants. What it sold on each of its channels, against what
 * was projected, is kept as its result (sync/promotion-moments.server.ts closePromotion, the same
 * as when its end comes).
 */
export async function endPromotion(
  shopDomain: string,
  promotionId: string,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  now = new Date(),
): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const promotion = await promotionOfShop(prisma, shopId, promotionId);
  if (promotion.status === "ENDED" || promotion.status === "CANCELLED") throw new LaunchRefused(`This promotion is already ${promotion.status.toLowerCase()}`);
  if (promotion.status === "DRAFT") {
    const { count } = await prisma.promotion.updateMany({ where: { id: promotion.id, shopId, status: "DRAFT" }, data: { status: "CANCELLED" } });
    if (count === 0) throw new LaunchRefused("This promotion was launched or ended meanwhile");
    await recordAudit(prisma, {
      shopId,
      actor,
      action: "promotion.cancelled",
      subjectType: "promotion",
      subjectId: promotion.id,
      details: { name: promotion.name },
    });
    return;
  }
  const withChannels = await prisma.promotion.findUniqueOrThrow({
    where: { id: promotion.id },
    include: { channels: { include: { channel: { select: { name: true, kind: true } } } }, variants: true },
  });
  if (!(await closePromotion(prisma, withChannels, now, actor))) throw new LaunchRefused("This promotion was ended meanwhile");
  await noteChange(shopId, { kind: "catalog", variantIds: promotion.variants.map((v) => v.variantId) }, { prisma });
}
