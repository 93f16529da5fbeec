import type { Prisma, PrismaClient, PriceRounding as DbRounding, RuleScope as DbRuleScope } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { noteChange } from "~/recompute/index.server";
import { type CauseRule, holdCauseInWords, parseHoldGroup, visiblePricesOf } from "~/recompute/parity";
import { pageHeldGroup } from "~/recompute/parity.server";
import { resolveEdgeViolations } from "~/alerts/parity-held.server";
import { money } from "~/engine/explain";
import { parityViolation, type ParityEdge } from "~/engine/parity";
import { runningCouponCents } from "~/engine/promotion";
import type { PromotionReserve } from "~/engine/types";
import { validateParityEdge, validatePriceRule } from "~/engine/validate";
import { NotFoundForShop, RequestRefused } from "~/lib/errors";
import { errorsByField, type FieldErrors, fieldErrors, formNumber, optionalNumber } from "~/lib/forms";
import { bounded } from "~/engine/bounds";
import { shopIdOf } from "~/lib/shop-id.server";
import { recordAudit } from "~/lib/audit.server";
import { markRuleChannelsStale, resolveScopeValue, SCOPE_REFERENCE } from "~/rules/scopes.server";
import { priceGuardrailBps, promotionReserveFromRow, settingsObject } from "~/recompute/inputs";

// Pricing and parity: each channel's differential and rounding (PriceRule), MAP per variant, fees
// and margin floors, the parity matrix (who watches whom, with what tolerance), the violations
// live now and the pushes the engine held for review. Rules are checked by the engine's
// validation; a verdict on a held push goes through noteChange, which writes it and asks the push.

/** Held pushes and violations shown at once: a review queue, not a report of the whole catalogue. */
export const REVIEW_PAGE = 50;

const ROUNDING_TO_DB: Readonly<Record<string, DbRounding>> = { none: "NONE", cents99: "CENTS_99", cents95: "CENTS_95", whole: "WHOLE" };
const ROUNDING_WORDS: Readonly<Record<DbRounding, string>> = { NONE: "no rounding", CENTS_99: ".99", CENTS_95: ".95", WHOLE: "whole amounts" };

/** A money field typed as an amount (12.50) to cents; blank stays blank. */
function cents(value: unknown): number | undefined {
  const n = formNumber(value);
  return n === undefined ? undefined : Math.round(n * 100);
}

/** A percent field (12.5) to basis points; blank stays blank. */
function bps(value: unknown): number | undefined {
  const n = formNumber(value);
  return n === undefined ? undefined : Math.round(n * 100);
}

const checkbox = (value: unknown) => value === "on" || value === "true";

export async function pricingPage(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const [shop, channels, rules, edges, mapped, held] = await Promise.all([
    prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } }),
    prisma.channel.findMany({
      where: { shopId, status: { not: "DISCONNECTED" } },
      orderBy: [{ priority: "asc" }, { name: "asc" }],
      select: { id: true, name: true, kind: true, visibleShippingCents: true, visibleCouponCents: true },
    }),
    prisma.priceRule.findMany({ where: { shopId }, orderBy: [{ channelId: "asc" }, { scope: "asc" }, { createdAt: "asc" }] }),
    prisma.parityEdge.findMany({ where: { shopId }, orderBy: { createdAt: "asc" } }),
    prisma.variant.findMany({
      where: { shopId, mapCents: { not: null } },
      orderBy: { sku: "asc" },
      take: REVIEW_PAGE,
      select: { id: true, sku: true, title: true, priceCents: true, mapCents: true, product: { select: { title: true } } },
    }),
    prisma.listing.findMany({
      where: { shopId, syncState: "HELD" },
      orderBy: { updatedAt: "asc" },
      take: REVIEW_PAGE,
      select: {
        id: true,
        channelSku: true,
        desiredPriceCents: true,
        pushedPriceCents: true,
        desiredQuantity: true,
        syncMessage: true,
        channel: { select: { name: true } },
        variant: { select: { title: true, product: { select: { title: true } } } },
      },
    }),
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const ids = (scope: DbRuleScope) => rules.filter((r) => r.scope === scope && r.scopeValue).map((r) => r.scopeValue as string);
  const [products, variants, listings] = await Promise.all([
    prisma.product.findMany({ where: { shopId, id: { in: ids("PRODUCT") } }, select: { id: true, handle: true, title: true } }),
    prisma.variant.findMany({ where: { shopId, id: { in: ids("VARIANT") } }, select: { id: true, sku: true, title: true } }),
    prisma.listing.findMany({ where: { shopId, id: { in: ids("LISTING") } }, select: { id: true, channelSku: true } }),
  ]);
  const label = new Map<string, string>([
    ...products.map((p) => [p.id, p.handle ?? p.title] as [string, string]),
    ...variants.map((v) => [v.id, v.sku ?? v.title] as [string, string]),
    ...listings.map((l) => [l.id, l.channelSku] as [string, string]),
  ]);
  return {
    guardrailPercent: priceGuardrailBps(shop.settings) / 100,
    channels,
    rules: rules.map((r) => ({
      id: r.id,
      channelName: channelName.get(r.channelId) ?? "(disconnected channel)",
      target: r.scope === "CHANNEL" ? "every listing" : `${r.scope.toLowerCase()} ${r.scopeValue ? (label.get(r.scopeValue) ?? r.scopeValue) : "?"}`,
      differentialPercent: r.differentialBps / 100,
      differentialCents: r.differentialCents,
      rounding: ROUNDING_WORDS[r.rounding],
      mapIsAnchor: r.mapIsAnchor,
      feePercent: r.feeBps / 100,
      fixedFeeCents: r.fixedFeeCents,
      shippingCents: r.shippingCents,
      minMarginPercent: r.minMarginBps / 100,
    })),
    edges: edges.map((e) => ({
      id: e.id,
      watcherId: e.watcherId,
      watchedId: e.watchedId,
      watcherName: channelName.get(e.watcherId) ?? "(disconnected channel)",
      watchedName: channelName.get(e.watchedId) ?? "(disconnected channel)",
      tolerancePercent: e.toleranceBps / 100,
      toleranceCents: e.toleranceCents,
      includeShipping: e.includeShipping,
      includeCoupons: e.includeCoupons,
      allowViolations: e.allowViolations,
    })),
    mapped: mapped.map((v) => ({ id: v.id, sku: v.sku, title: `${v.product.title} – ${v.title}`, priceCents: v.priceCents, mapCents: v.mapCents })),
    held: held.map((l) => ({
      id: l.id,
      channelSku: l.channelSku,
      title: `${l.variant.product.title} – ${l.variant.title}`,
      channelName: l.channel.name,
      desiredPriceCents: l.desiredPriceCents,
      pushedPriceCents: l.pushedPriceCents,
      desiredQuantity: l.desiredQuantity,
      reason: l.syncMessage,
    })),
    violations: await currentViolations(prisma, shopId),
    heldGroups: await heldGroups(prisma, shopId, channelName, rules),
  };
}

/**
 * The groups of pushes held for parity (Listing.holdGroup): each a cause (a price rule, or the
 * Shopify price) on a pair of channels, with how many it holds: what one approval or rejection acts on.
 */
async function heldGroups(prisma: PrismaClient, shopId: string, channelName: ReadonlyMap<string, string>, rules: readonly (CauseRule & { id: string })[]) {
  const groups = await prisma.listing.groupBy({
    by: ["holdGroup"],
    where: { shopId, syncState: "HELD", holdGroup: { not: null } },
    _count: { _all: true },
    orderBy: { holdGroup: "asc" },
  });
  return groups.flatMap((g) => {
    const parsed = g.holdGroup ? parseHoldGroup(g.holdGroup) : null;
    if (!g.holdGroup || !parsed) return [];
    const rule = rules.find((r) => r.id === parsed.ruleId);
    return [
      {
        group: g.holdGroup,
        held: g._count._all,
        channelName: channelName.get(parsed.channelId) ?? "(disconnected channel)",
        otherName: channelName.get(parsed.otherChannelId) ?? "(disconnected channel)",
        cause: holdCauseInWords(parsed.ruleId, rule),
      },
    ];
  });
}

interface CandidateRow {
  variantId: string;
  sku: string | null;
  watcherId: string;
  watchedId: string;
  watcherName: string;
  watchedName: string;
  watcherPrice: number;
  watchedPrice: number;
  watcherShipping: number;
  watchedShipping: number;
  watcherCoupon: number;
  watchedCoupon: number;
  toleranceBps: number;
  toleranceCents: number;
  includeShipping: boolean;
  includeCoupons: boolean;
  allowViolations: boolean;
}

/**
 * The launched promotions running now, by variant, as the engine takes them (recompute/inputs.ts
 * promotionReserveFromRow): a coupon-style one's coupon counts for parity while it runs (decision
 * 0023). A shop runs few at once, so they are read whole.
 */
async function runningPromotions(prisma: PrismaClient, shopId: string, now: Date): Promise<Map<string, PromotionReserve[]>> {
  const promotions = await prisma.promotion.findMany({
    where: { shopId, status: { in: ["READY", "RUNNING"] }, startsAt: { lte: now }, endsAt: { gt: now } },
    include: { channels: { select: { channelId: true } }, variants: { select: { variantId: true } } },
  });
  const byVariant = new Map<string, PromotionReserve[]>();
  for (const p of promotions) {
    for (const { variantId } of p.variants) {
      const promotion = promotionReserveFromRow({
        promotionId: p.id,
        variantId,
        name: p.name,
        status: p.status,
        startsAt: p.startsAt,
        endsAt: p.endsAt,
        exclusive: p.exclusiveReserve,
        reserveUnits: 0,
        soldUnits: 0,
        channelIds: p.channels.map((c) => c.channelId),
        discountKind: p.discountKind,
        discountValue: p.discountValue,
        autoPause: p.autoPause,
      });
      byVariant.set(variantId, [...(byVariant.get(variantId) ?? []), promotion]);
    }
  }
  return byVariant;
}

/** Each coupon-style promotion's coupon terms per variant and channel, for PostgreSQL to find candidates with. */
function couponTerms(promotions: ReadonlyMap<string, readonly PromotionReserve[]>) {
  return [...promotions].flatMap(([variantId, list]) =>
    list.flatMap((p) =>
      p.discount && (p.discount.kind === "couponPercent" || p.discount.kind === "couponAmount")
        ? p.channelIds.map((channelId) => ({ variantId, channelId, kind: p.discount!.kind, value: p.discount!.value }))
        : [],
    ),
  );
}

/**
 * Violations live now: per edge, the variants whose watched channel shows a lower price than the
 * watcher by more than the tolerance, each side's shipping added and visible coupon taken off where
 * the edge counts them (a running coupon-style promotion's coupon too). A marketplace shows its
 * lowest pushed price; the store shows the Shopify price. PostgreSQL finds the candidates (so a shop
 * with 100,000 variants is not loaded), the engine words them.
 */
export async function currentViolations(prisma: PrismaClient, shopId: string, limit = REVIEW_PAGE, now = new Date()) {
  const promotions = await runningPromotions(prisma, shopId, now);
  // The largest coupon a promotion could give there: never less than the engine's (it may pick a
  // list-price discount instead), so no candidate is missed; the engine judges each below.
  const terms = JSON.stringify(couponTerms(promotions));
  const rows = await prisma.$queryRaw<CandidateRow[]>`
    WITH listed AS (
      SELECT "variantId", "channelId", MIN("pushedPriceCents") AS price FROM "Listing"
      WHERE "shopId" = ${shopId} AND "pushedPriceCents" IS NOT NULL GROUP BY 1, 2
      UNION ALL
      SELECT v.id, st.id, v."priceCents" FROM "Variant" v JOIN "Channel" st ON st."shopId" = ${shopId} AND st.kind = 'SHOPIFY'
      WHERE v."shopId" = ${shopId}
    ), terms AS (
      SELECT * FROM jsonb_to_recordset(${terms}::jsonb) AS t("variantId" text, "channelId" text, kind text, value int)
    ), shown AS (
      SELECT l.*, COALESCE((SELECT MAX(LEAST(l.price, CASE t.kind WHEN 'couponPercent' THEN ROUND(l.price * t.value / 10000.0) ELSE t.value END))
                            FROM terms t WHERE t."variantId" = l."variantId" AND t."channelId" = l."channelId"), 0)::int AS coupon
      FROM listed l
    ), compared AS (
      SELECT e.*, cw.name AS "watcherName", cd.name AS "watchedName", w."variantId",
             w.price AS "watcherPrice", d.price AS "watchedPrice",
             cw."visibleShippingCents" AS "watcherShipping", cd."visibleShippingCents" AS "watchedShipping",
             cw."visibleCouponCents" AS "watcherCoupon", cd."visibleCouponCents" AS "watchedCoupon",
             w.price + CASE WHEN e."includeShipping" THEN cw."visibleShippingCents" ELSE 0 END - CASE WHEN e."includeCoupons" THEN cw."visibleCouponCents" ELSE 0 END AS wc,
             d.price + CASE WHEN e."includeShipping" THEN cd."visibleShippingCents" ELSE 0 END
                     - CASE WHEN e."includeCoupons" THEN cd."visibleCouponCents" + d.coupon ELSE 0 END AS dc
      FROM "ParityEdge" e
      JOIN "Channel" cw ON cw.id = e."watcherId" AND cw."shopId" = ${shopId}
      JOIN "Channel" cd ON cd.id = e."watchedId" AND cd."shopId" = ${shopId}
      JOIN shown w ON w."channelId" = e."watcherId"
      JOIN shown d ON d."channelId" = e."watchedId" AND d."variantId" = w."variantId"
      WHERE e."shopId" = ${shopId}
    )
    SELECT c."variantId", v.sku, c."watcherId", c."watchedId", c."watcherName", c."watchedName", c."watcherPrice", c."watchedPrice",
           c."watcherShipping", c."watchedShipping", c."watcherCoupon", c."watchedCoupon",
           c."toleranceBps", c."toleranceCents", c."includeShipping", c."includeCoupons", c."allowViolations"
    FROM compared c JOIN "Variant" v ON v.id = c."variantId"
    WHERE c.wc - c.dc > GREATEST(c."toleranceCents", FLOOR(GREATEST(c.wc, 0) * c."toleranceBps" / 10000.0))
    ORDER BY c.wc - c.dc DESC, v.id
    LIMIT ${limit}`;
  return rows.flatMap((r) => {
    const edge: ParityEdge = { ...r };
    const couponOn = (channelId: string, price: number) => runningCouponCents(channelId, promotions.get(r.variantId) ?? [], now, price);
    const [watcher, watched] = visiblePricesOf(
      new Map([
        [r.watcherId, r.watcherPrice],
        [r.watchedId, r.watchedPrice],
      ]),
      new Map([
        [r.watcherId, r.watcherName],
        [r.watchedId, r.watchedName],
      ]),
      new Map([
        [r.watcherId, { shippingCents: r.watcherShipping, couponCents: r.watcherCoupon }],
        [r.watchedId, { shippingCents: r.watchedShipping, couponCents: r.watchedCoupon }],
      ]),
      couponOn,
    );
    const violation = parityViolation(edge, watcher!, watched!);
    return violation ? [{ variantId: r.variantId, sku: r.sku, allowed: violation.allowed, text: violation.text, excessCents: violation.excessCents }] : [];
  });
}

// ---------------------------------------------------------------- what a customer sees besides the price

const VisibleExtrasForm = z.object({
  channelId: z.string().trim().min(1, "Choose a channel"),
  shipping: z.preprocess((v) => cents(v) ?? 0, bounded("Shipping", "moneyCents")),
  coupon: z.preprocess((v) => cents(v) ?? 0, bounded("Visible coupon", "moneyCents")),
});

/**
 * Sets what a customer sees on a channel besides the price: the shipping it charges and a coupon
 * shown on its listings, typed as amounts (blank is 0). Parity counts them on the edges that count
 * shipping or coupons; every listing of the channel and of the channels on its edges is judged again.
 */
export async function saveVisibleExtras(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<FieldErrors | null> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const parsed = VisibleExtrasForm.safeParse(form);
  if (!parsed.success) return fieldErrors(parsed.error);
  const { channelId, shipping, coupon } = parsed.data;
  const channel = await prisma.channel.findFirst({
    where: { id: channelId, shopId },
    select: { id: true, visibleShippingCents: true, visibleCouponCents: true },
  });
  if (!channel) throw new NotFoundForShop("Channel");
  await prisma.channel.update({ where: { id: channel.id }, data: { visibleShippingCents: shipping, visibleCouponCents: coupon } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "channel.visible_extras_changed",
    subjectType: "channel",
    subjectId: channel.id,
    details: { shippingCents: shipping, couponCents: coupon, before: { shippingCents: channel.visibleShippingCents, couponCents: channel.visibleCouponCents } },
  });
  const edges = await prisma.parityEdge.findMany({
    where: { shopId, OR: [{ watcherId: channelId }, { watchedId: channelId }] },
    select: { watcherId: true, watchedId: true },
  });
  const channelIds = [...new Set([channelId, ...edges.flatMap((e) => [e.watcherId, e.watchedId])])];
  await noteChange(shopId, { kind: "channels", channelIds }, { prisma });
  return null;
}

// ---------------------------------------------------------------- the price guardrail

/**
 * Sets the shop's price guardrail (Shop.settings.priceGuardrailBps): a channel price further from
 * the Shopify price than this, either way, is held in the held pushes for the merchant instead of
 * pushed. Typed as a percent, blank for the default; every listing is recomputed against it.
 */
export async function savePriceGuardrail(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<FieldErrors | null> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const checked = optionalNumber(bps(form.guardrailPercent), "Price guardrail", "guardrailBps");
  if (!checked.ok) return { guardrailPercent: checked.message };
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } });
  const before = priceGuardrailBps(shop.settings);
  // Blank: back to the default guardrail.
  const { priceGuardrailBps: _previous, ...others } = settingsObject(shop.settings);
  const settings = checked.value === undefined ? others : { ...others, priceGuardrailBps: checked.value };
  await prisma.shop.update({ where: { id: shopId }, data: { settings: settings as Prisma.InputJsonValue } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "shop.price_guardrail_changed",
    subjectType: "shop",
    subjectId: shopId,
    details: { priceGuardrailBps: priceGuardrailBps(settings), before },
  });
  await noteChange(shopId, { kind: "channels" }, { prisma });
  return null;
}

// ---------------------------------------------------------------- price rules

export async function savePriceRule(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<FieldErrors | null> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const ruleId = String(form.ruleId ?? "").trim() || null;
  const before = ruleId ? await prisma.priceRule.findFirst({ where: { id: ruleId, shopId } }) : null;
  if (ruleId && !before) throw new NotFoundForShop("Price rule");
  const channelId = String(form.channelId ?? "").trim();
  const errors: FieldErrors = {};
  if (!channelId) errors.channelId = "Choose a channel";
  else if (!(await prisma.channel.findFirst({ where: { id: channelId, shopId }, select: { id: true } }))) throw new NotFoundForShop("Channel");

  const scope = String(form.scope ?? "channel") as keyof typeof SCOPE_REFERENCE | "channel";
  const reference = String(form.scopeRef ?? "").trim();
  let scopeValue: string | null = null;
  if (scope in SCOPE_REFERENCE && reference !== "") {
    scopeValue = await resolveScopeValue(prisma, shopId, scope, reference, channelId || null);
    if (scopeValue === null) errors.scopeRef = `No ${SCOPE_REFERENCE[scope as keyof typeof SCOPE_REFERENCE].toLowerCase()} "${reference}" in this shop`;
  }
  // A variant's MAP is what a price cap would have to respect.
  const mapCents =
    scope === "variant" && scopeValue
      ? ((await prisma.variant.findFirst({ where: { id: scopeValue, shopId }, select: { mapCents: true } }))?.mapCents ?? null)
      : null;
  const checked = validatePriceRule(
    {
      id: ruleId ?? "",
      channelId: channelId || null,
      scope,
      scopeValue,
      differentialBps: bps(form.differentialPercent) ?? 0,
      differentialCents: cents(form.differentialAmount) ?? 0,
      rounding: String(form.rounding ?? "none"),
      mapIsAnchor: checkbox(form.mapIsAnchor),
      feeBps: bps(form.feePercent) ?? 0,
      fixedFeeCents: cents(form.fixedFee) ?? 0,
      shippingCents: cents(form.shipping) ?? 0,
      minMarginBps: bps(form.minMarginPercent) ?? 0,
    },
    { mapCents },
  );
  if (!checked.ok) {
    const rename = {
      differentialBps: "differentialPercent",
      differentialCents: "differentialAmount",
      feeBps: "feePercent",
      fixedFeeCents: "fixedFee",
      shippingCents: "shipping",
      minMarginBps: "minMarginPercent",
      scopeValue: "scopeRef",
    };
    for (const [field, message] of Object.entries(errorsByField(checked.errors, rename))) errors[field] ??= message;
  }
  if (!checked.ok || Object.keys(errors).length > 0) return errors;
  const rule = checked.value;
  const data = {
    channelId,
    scope: rule.scope.toUpperCase() as DbRuleScope,
    scopeValue: rule.scope === "channel" ? null : rule.scopeValue,
    differentialBps: rule.differentialBps,
    differentialCents: rule.differentialCents,
    rounding: ROUNDING_TO_DB[rule.rounding],
    mapIsAnchor: rule.mapIsAnchor,
    feeBps: rule.feeBps,
    fixedFeeCents: rule.fixedFeeCents,
    shippingCents: rule.shippingCents,
    minMarginBps: rule.minMarginBps,
  };
  const saved = before ? await prisma.priceRule.update({ where: { id: before.id }, data }) : await prisma.priceRule.create({ data: { ...data, shopId } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: before ? "price_rule.changed" : "price_rule.created",
    subjectType: "price_rule",
    subjectId: saved.id,
    details: { rule: JSON.parse(JSON.stringify(saved)), before: before ? JSON.parse(JSON.stringify(before)) : null },
  });
  await markRuleChannelsStale(prisma, shopId, [before?.channelId, saved.channelId]);
  return null;
}

export async function deletePriceRule(shopDomain: string, ruleId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const rule = await prisma.priceRule.findFirst({ where: { id: ruleId, shopId } });
  if (!rule) throw new NotFoundForShop("Price rule");
  await prisma.priceRule.delete({ where: { id: rule.id } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "price_rule.deleted",
    subjectType: "price_rule",
    subjectId: rule.id,
    details: { rule: JSON.parse(JSON.stringify(rule)) },
  });
  await markRuleChannelsStale(prisma, shopId, [rule.channelId]);
}

// ---------------------------------------------------------------- MAP

/** Sets (or, blank, clears) a variant's minimum advertised price, found by SKU. */
export async function setVariantMap(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<FieldErrors | null> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const sku = String(form.sku ?? "").trim();
  if (!sku) return { sku: "Variant SKU is required" };
  const variant = await prisma.variant.findFirst({ where: { shopId, sku }, select: { id: true, mapCents: true } });
  if (!variant) return { sku: `No variant with SKU "${sku}" in this shop` };
  const map = optionalNumber(cents(form.map), "MAP", "moneyCents");
  if (!map.ok) return { map: map.message };
  const mapCents = map.value ?? null;
  await prisma.variant.update({ where: { id: variant.id }, data: { mapCents } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "variant.map_changed",
    subjectType: "variant",
    subjectId: variant.id,
    details: { sku, mapCents, before: variant.mapCents },
  });
  await noteChange(shopId, { kind: "catalog", variantIds: [variant.id] }, { prisma });
  return null;
}

// ---------------------------------------------------------------- the parity matrix

export async function saveParityEdge(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<FieldErrors | null> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const watcherId = String(form.watcherId ?? "");
  const watchedId = String(form.watchedId ?? "");
  for (const id of [watcherId, watchedId]) {
    if (id && !(await prisma.channel.findFirst({ where: { id, shopId }, select: { id: true } }))) throw new NotFoundForShop("Channel");
  }
  const checked = validateParityEdge({
    watcherId,
    watchedId,
    toleranceBps: bps(form.tolerancePercent) ?? 0,
    toleranceCents: cents(form.toleranceAmount) ?? 0,
    includeShipping: checkbox(form.includeShipping),
    includeCoupons: checkbox(form.includeCoupons),
    allowViolations: checkbox(form.allowViolations),
  });
  if (!checked.ok) return errorsByField(checked.errors, { toleranceBps: "tolerancePercent", toleranceCents: "toleranceAmount" });
  const { watcherId: _w, watchedId: _d, ...settings } = checked.value;
  const edge = await prisma.parityEdge.upsert({
    where: { watcherId_watchedId: { watcherId, watchedId } },
    create: { shopId, watcherId, watchedId, ...settings },
    update: settings,
  });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "parity_edge.saved",
    subjectType: "parity_edge",
    subjectId: edge.id,
    details: { watcherId, watchedId, ...settings },
  });
  // Holds are judged on both ends of the edge.
  await noteChange(shopId, { kind: "channels", channelIds: [watcherId, watchedId] }, { prisma });
  return null;
}

export async function deleteParityEdge(shopDomain: string, edgeId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const edge = await prisma.parityEdge.findFirst({ where: { id: edgeId, shopId } });
  if (!edge) throw new NotFoundForShop("Parity edge");
  await prisma.parityEdge.delete({ where: { id: edge.id } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "parity_edge.deleted",
    subjectType: "parity_edge",
    subjectId: edge.id,
    details: { watcherId: edge.watcherId, watchedId: edge.watchedId },
  });
  // Nothing compares these channels any more: what the edge paged is over.
  await resolveEdgeViolations(prisma, shopId, edge.watcherId, edge.watchedId, actor);
  await noteChange(shopId, { kind: "channels", channelIds: [edge.watcherId, edge.watchedId] }, { prisma });
}

// ---------------------------------------------------------------- held pushes

async function heldListing(prisma: PrismaClient, shopId: string, listingId: string) {
  const listing = await prisma.listing.findFirst({ where: { id: listingId, shopId } });
  if (!listing) throw new NotFoundForShop("Listing");
  return listing;
}

/** A review the listing's state does not allow; the message is for the merchant. */
export class ReviewRefused extends RequestRefused {
  constructor(message = "This push is no longer held: it was approved, rejected or recomputed meanwhile") {
    super(message);
    this.name = "ReviewRefused";
  }
}

/**
 * The merchant accepts the held price: the listing goes back to pending and its channel is asked
 * to flush. Once pushed, the price is live and no longer "new", so the recompute does not hold it
 * again. Compare-and-set on HELD, so two clicks (or a recompute in between) act once.
 */
export async function approveHeldPush(
  shopDomain: string,
  listingId: string,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  flush?: (channelId: string) => Promise<void>,
): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const listing = await heldListing(prisma, shopId, listingId);
  const written = await noteChange(shopId, { kind: "verdict", listing, verdict: "approve" }, { prisma, requestFlush: flush });
  if (written === 0) throw new ReviewRefused();
  await reviewDecided(prisma, shopId, listing, actor, "listing.hold_approved", {
    priceCents: listing.desiredPriceCents,
    livePriceCents: listing.pushedPriceCents,
  });
}

/**
 * The merchant refuses the held price: the live price stays (desired price set back to it, as a
 * new desired state so the quantity still goes out). The engine holds the same price again on its
 * next recompute while the rule or the matrix still asks for it: rejecting says "not this price",
 * and the rule is what to change.
 */
export async function rejectHeldPush(
  shopDomain: string,
  listingId: string,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  flush?: (channelId: string) => Promise<void>,
): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const listing = await heldListing(prisma, shopId, listingId);
  if (listing.pushedPriceCents === null)
    throw new ReviewRefused(
      "Nothing is live on this channel yet, so there is no price to keep: change the price rule, the price guardrail or the parity matrix instead",
    );
  const message = `Price ${money(listing.desiredPriceCents ?? 0)} rejected by the merchant; the live price ${money(listing.pushedPriceCents)} stays`;
  const written = await noteChange(
    shopId,
    { kind: "verdict", listing, verdict: "reject", livePriceCents: listing.pushedPriceCents, message },
    { prisma, requestFlush: flush },
  );
  if (written === 0) throw new ReviewRefused();
  await reviewDecided(prisma, shopId, listing, actor, "listing.hold_rejected", {
    rejectedPriceCents: listing.desiredPriceCents,
    keptPriceCents: listing.pushedPriceCents,
  });
}

/** After either decision on a held price (written and pushed through noteChange): the audit, and its group's alert counted again (resolved when empty). */
async function reviewDecided(
  prisma: PrismaClient,
  shopId: string,
  listing: { id: string; channelId: string; channelSku: string; syncMessage: string | null; holdGroup: string | null },
  actor: string,
  action: "listing.hold_approved" | "listing.hold_rejected",
  prices: Record<string, number | null>,
): Promise<void> {
  await recordAudit(prisma, {
    shopId,
    actor,
    action,
    subjectType: "listing",
    subjectId: listing.id,
    details: { channelSku: listing.channelSku, ...prices, reason: listing.syncMessage },
  });
  if (listing.holdGroup) await pageHeldGroup(prisma, shopId, listing.holdGroup, await channelNamesOf(prisma, shopId));
}

async function channelNamesOf(prisma: PrismaClient, shopId: string): Promise<Map<string, { name: string }>> {
  const channels = await prisma.channel.findMany({ where: { shopId }, select: { id: true, name: true } });
  return new Map(channels.map((c) => [c.id, { name: c.name }]));
}

const GroupVerdictForm = z.object({
  group: z.string().trim().min(1, "Choose a group of held pushes"),
  held: z.preprocess(formNumber, z.number({ message: "The number of held pushes you saw is missing" }).int().min(1)),
});

/**
 * The merchant's verdict on a whole group of held pushes (one price rule or cause, one pair of
 * channels): written in one transaction for exactly the pushes they saw (`held`; if the group
 * changed meanwhile nothing is written and they are asked to look again), then pushed through the
 * normal pipeline. A rejection keeps each live price; a push with nothing live yet stays held.
 * Returns what was done, in words.
 */
export async function decideHeldGroup(
  shopDomain: string,
  form: Record<string, unknown>,
  verdict: "approve" | "reject",
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  flush?: (channelId: string) => Promise<void>,
): Promise<{ errors: FieldErrors } | { message: string }> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const parsed = GroupVerdictForm.safeParse(form);
  if (!parsed.success) return { errors: fieldErrors(parsed.error) };
  const { group, held } = parsed.data;
  if (!parseHoldGroup(group)) return { errors: { group: "No such group of held pushes" } };
  const withoutLive = verdict === "reject" ? await prisma.listing.count({ where: { shopId, holdGroup: group, syncState: "HELD", pushedPriceCents: null } }) : 0;
  const written = await noteChange(
    shopId,
    verdict === "approve"
      ? { kind: "groupVerdict", group, expectedCount: held, verdict: "approve" }
      : {
          kind: "groupVerdict",
          group,
          expectedCount: held,
          verdict: "reject",
          message: "Held price rejected by the merchant with its group; the live price stays",
        },
    { prisma, requestFlush: flush },
  );
  if (written === 0 && !(verdict === "reject" && withoutLive === held))
    throw new ReviewRefused("This group of held pushes changed since you looked (some were held, released or decided meanwhile): look at it again");
  await recordAudit(prisma, {
    shopId,
    actor,
    action: verdict === "approve" ? "listing.hold_group_approved" : "listing.hold_group_rejected",
    subjectType: "hold_group",
    subjectId: group,
    details: { held, written, keptHeld: withoutLive },
  });
  await pageHeldGroup(prisma, shopId, group, await channelNamesOf(prisma, shopId));
  if (verdict === "approve") return { message: `Approved ${written} held prices: they go out with the next push` };
  const kept = withoutLive > 0 ? `; ${withoutLive} with nothing live yet stay held (change the price rule or the parity matrix for them)` : "";
  return { message: `Rejected ${written} held prices: their live prices stay${kept}` };
}
