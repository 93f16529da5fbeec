import type { Prisma, PrismaClient, PriceRounding as DbRounding, RuleScope as DbRuleScope } from "@prisma/client";
import { parityHeldAlertKey, resolveAlertByKey } from "~/alerts/events.server";
import defaultPrisma from "~/db.server";
import { noteChange } from "~/recompute/index.server";
import { money } from "~/engine/explain";
import { parityViolation, type ParityEdge } from "~/engine/parity";
import { validateParityEdge, validatePriceRule } from "~/engine/validate";
import { NotFoundForShop, RequestRefused } from "~/lib/errors";
import { errorsByField, type FieldErrors, formNumber, optionalNumber } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";
import { recordAudit } from "~/lib/audit.server";
import { markRuleChannelsStale, resolveScopeValue, SCOPE_REFERENCE } from "~/rules/scopes.server";
import { priceGuardrailBps, settingsObject } from "~/recompute/inputs";

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
      select: { id: true, name: true, kind: true },
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
  };
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
  toleranceBps: number;
  toleranceCents: number;
  includeShipping: boolean;
  includeCoupons: boolean;
  allowViolations: boolean;
}

/**
 * Violations live now: per edge, the variants whose watched channel shows a lower pushed price
 * than the watcher by more than the tolerance. PostgreSQL finds the candidates (so a shop with
 * 100,000 variants is not loaded), the engine words them. Shipping and coupons are not mirrored
 * yet, so they count as 0 on both sides, as in the recompute's parity holds.
 */
export async function currentViolations(prisma: PrismaClient, shopId: string, limit = REVIEW_PAGE) {
  const rows = await prisma.$queryRaw<CandidateRow[]>`
    SELECT v.id AS "variantId", v.sku, e."watcherId", e."watchedId", cw.name AS "watcherName", cd.name AS "watchedName",
           w.price AS "watcherPrice", d.price AS "watchedPrice",
           e."toleranceBps", e."toleranceCents", e."includeShipping", e."includeCoupons", e."allowViolations"
    FROM "ParityEdge" e
    JOIN "Channel" cw ON cw.id = e."watcherId" AND cw."shopId" = ${shopId}
    JOIN "Channel" cd ON cd.id = e."watchedId" AND cd."shopId" = ${shopId}
    JOIN LATERAL (SELECT "variantId", MIN("pushedPriceCents") AS price FROM "Listing"
                  WHERE "shopId" = ${shopId} AND "channelId" = e."watcherId" AND "pushedPriceCents" IS NOT NULL GROUP BY "variantId") w ON true
    JOIN LATERAL (SELECT MIN("pushedPriceCents") AS price FROM "Listing"
                  WHERE "shopId" = ${shopId} AND "channelId" = e."watchedId" AND "variantId" = w."variantId" AND "pushedPriceCents" IS NOT NULL) d ON d.price IS NOT NULL
    JOIN "Variant" v ON v.id = w."variantId"
    WHERE e."shopId" = ${shopId}
      AND w.price - d.price > GREATEST(e."toleranceCents", FLOOR(GREATEST(w.price, 0) * e."toleranceBps" / 10000.0))
    ORDER BY w.price - d.price DESC, v.id
    LIMIT ${limit}`;
  return rows.flatMap((r) => {
    const edge: ParityEdge = { ...r };
    const violation = parityViolation(
      edge,
      { channelId: r.watcherId, channelName: r.watcherName, priceCents: r.watcherPrice, shippingCents: 0, couponCents: 0 },
      { channelId: r.watchedId, channelName: r.watchedName, priceCents: r.watchedPrice, shippingCents: 0, couponCents: 0 },
    );
    return violation ? [{ variantId: r.variantId, sku: r.sku, allowed: violation.allowed, text: violation.text, excessCents: violation.excessCents }] : [];
  });
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

/** After either decision on a held price (written and pushed through noteChange): the audit, and the alert that paged for it closed. */
async function reviewDecided(
  prisma: PrismaClient,
  shopId: string,
  listing: { id: string; channelId: string; channelSku: string; syncMessage: string | null },
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
  await resolveAlertByKey(prisma, shopId, parityHeldAlertKey(listing.id), actor);
}
