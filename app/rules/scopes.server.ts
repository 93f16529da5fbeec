import type { PrismaClient, RuleScope as DbRuleScope } from "@prisma/client";
import { noteChange } from "~/recompute/index.server";

// What a merchant's rule applies to, shared by the screens that keep rules (Buffers, Pricing) and
// the CSV import: its scope (every listing of a channel, or a collection, tag, product, variant or
// listing), the reference the merchant types to name the target, the id it is stored with, how a
// stored target reads back, and which channels' listings a changed rule moves.

export const SCOPES = ["channel", "collection", "tag", "product", "variant", "listing"] as const;
export type Scope = (typeof SCOPES)[number];

/** What the merchant types to name a rule's target, by scope. */
export const SCOPE_REFERENCE: Readonly<Record<Exclude<Scope, "channel">, string>> = {
  collection: "Collection handle",
  tag: "Product tag",
  product: "Product handle",
  variant: "Variant SKU",
  listing: "Channel SKU of the listing",
};

export function dbScope(scope: Scope): DbRuleScope {
  return scope.toUpperCase() as DbRuleScope;
}

/**
 * The id (or tag, or handle) a rule is stored with, from what the merchant typed: a SKU or a
 * handle is what they know, an id is what the engine matches. Scoped by shop, so another shop's
 * SKU names nothing. Null when nothing matches.
 */
export async function resolveScopeValue(
  prisma: PrismaClient,
  shopId: string,
  scope: Scope,
  reference: string,
  channelId: string | null,
): Promise<string | null> {
  const ref = reference.trim();
  if (scope === "channel") return null;
  if (ref === "") return null;
  switch (scope) {
    case "tag":
      return ref;
    case "collection": {
      // A collection Shopify has (mirrored by anchor/collections.server.ts), by its handle, which
      // Shopify keeps in lower case: a mistyped handle is refused rather than saved to match nothing.
      const collection = await prisma.collection.findFirst({ where: { shopId, handle: { in: [ref, ref.toLowerCase()] } }, select: { handle: true } });
      return collection?.handle ?? null;
    }
    case "product": {
      const product = await prisma.product.findFirst({ where: { shopId, OR: [{ handle: ref }, { shopifyId: ref }] }, select: { id: true } });
      return product?.id ?? null;
    }
    case "variant": {
      const variant = await prisma.variant.findFirst({ where: { shopId, sku: ref }, select: { id: true } });
      return variant?.id ?? null;
    }
    case "listing": {
      const listing = await prisma.listing.findFirst({ where: { shopId, channelSku: ref, ...(channelId ? { channelId } : {}) }, select: { id: true } });
      return listing?.id ?? null;
    }
  }
}

/** How a stored scope value reads to the merchant: the SKU, handle or tag rather than an id. */
export async function scopeLabels(
  prisma: PrismaClient,
  shopId: string,
  rules: readonly { scope: DbRuleScope; scopeValue: string | null }[],
): Promise<Map<string, string>> {
  const ids = (scope: DbRuleScope) => rules.filter((r) => r.scope === scope && r.scopeValue).map((r) => r.scopeValue as string);
  const [products, variants, listings] = await Promise.all([
    prisma.product.findMany({ where: { shopId, id: { in: ids("PRODUCT") } }, select: { id: true, title: true, handle: true } }),
    prisma.variant.findMany({ where: { shopId, id: { in: ids("VARIANT") } }, select: { id: true, sku: true, title: true } }),
    prisma.listing.findMany({ where: { shopId, id: { in: ids("LISTING") } }, select: { id: true, channelSku: true } }),
  ]);
  return new Map<string, string>([
    ...products.map((p) => [p.id, p.handle ?? p.title] as [string, string]),
    ...variants.map((v) => [v.id, v.sku ?? v.title] as [string, string]),
    ...listings.map((l) => [l.id, l.channelSku] as [string, string]),
  ]);
}

/**
 * What the merchant would type to name each stored target again (what resolveScopeValue accepts
 * back): a product's handle or Shopify id, a variant's SKU, a listing's channel SKU; a tag or a
 * collection handle is stored as typed. For a CSV export and a form opened to edit a rule.
 */
export async function scopeReferences(
  prisma: PrismaClient,
  shopId: string,
  rules: readonly { scope: DbRuleScope; scopeValue: string | null }[],
): Promise<(scope: DbRuleScope, scopeValue: string | null) => string> {
  const ids = (scope: DbRuleScope) => rules.filter((r) => r.scope === scope && r.scopeValue).map((r) => r.scopeValue as string);
  const [products, variants, listings] = await Promise.all([
    prisma.product.findMany({ where: { shopId, id: { in: ids("PRODUCT") } }, select: { id: true, handle: true, shopifyId: true } }),
    prisma.variant.findMany({ where: { shopId, id: { in: ids("VARIANT") } }, select: { id: true, sku: true } }),
    prisma.listing.findMany({ where: { shopId, id: { in: ids("LISTING") } }, select: { id: true, channelSku: true } }),
  ]);
  const reference = new Map<string, string>([
    ...products.map((p) => [p.id, p.handle ?? p.shopifyId] as [string, string]),
    ...variants.map((v) => [v.id, v.sku ?? ""] as [string, string]),
    ...listings.map((l) => [l.id, l.channelSku] as [string, string]),
  ]);
  return (scope, scopeValue) => {
    if (scope === "CHANNEL") return "";
    if (scope === "TAG" || scope === "COLLECTION") return scopeValue ?? "";
    return reference.get(scopeValue ?? "") ?? "";
  };
}

/** The reference the form shows back for a stored scope value. */
export function describeScope(scope: DbRuleScope, scopeValue: string | null, labels: Map<string, string>): string {
  if (scope === "CHANNEL") return "every listing";
  const value = scopeValue ? (labels.get(scopeValue) ?? scopeValue) : "?";
  return `${scope.toLowerCase()} ${value}`;
}

/** A rule of one channel moves that channel's listings; a rule of every channel (null) moves all. */
export async function markRuleChannelsStale(prisma: PrismaClient, shopId: string, channelIds: readonly (string | null | undefined)[]): Promise<void> {
  const all = channelIds.some((id) => id === null);
  const ids = [...new Set(channelIds.filter((id): id is string => typeof id === "string"))];
  await noteChange(shopId, { kind: "channels", channelIds: all ? undefined : ids }, { prisma });
}
