// The block's content, from the endpoint's answer: one row per variant and channel, each with
// what the merchant needs at a glance (quantity and price Anchorline pushes, the state and any
// problem) and a link into the app. Pure and framework-free so it is tested here with vitest; the
// rendering entry only lays these rows out with Shopify's admin UI components.

import type { ListingStatus, ProductStatus, VariantStatus } from "./contract";

export type Tone = "success" | "info" | "warning" | "critical";

export interface BlockRow {
  key: string;
  /** "Red · KET-RED": which variant the row is about. */
  variant: string;
  channel: string;
  /** "8" when the channel shows what was computed, "8 (channel has 6)" while it catches up. */
  quantity: string;
  price: string;
  status: string;
  tone: Tone;
  /** The problem in words, when there is one. */
  detail: string | null;
  /** Where the row links: an `app:` URL, which Shopify admin opens inside the app. */
  href: string;
}

export interface BlockContent {
  /** One line above the rows: how many listings, how many need attention. */
  summary: string;
  /** Shown instead of rows when the product is on no channel. */
  empty: { text: string; href: string } | null;
  rows: BlockRow[];
  /** The product's variants on the app's Inventory screen. */
  href: string;
}

const STATUS: Record<ListingStatus["syncState"], { label: string; tone: Tone }> = {
  IN_SYNC: { label: "In sync", tone: "success" },
  PENDING: { label: "Pending", tone: "info" },
  HELD: { label: "Held: price parity", tone: "warning" },
  FAILED: { label: "Failed", tone: "critical" },
};

const PROBLEM_WORDS: Record<ListingStatus["problems"][number]["kind"], string> = {
  OVERSELL: "Oversold",
  PARITY_VIOLATION: "Price parity",
  DRIFT: "Channel shows another quantity",
  SYNC_LATENCY: "Slow to sync",
  CREDENTIALS_FAILED: "Channel credentials failed",
  LISTING_SUSPENDED: "Listing suspended",
  PROMOTION_RESERVE: "Promotion reserve",
};

/** An app path as Shopify admin links into an embedded app from an extension. */
export function appHref(path: string): string {
  return `app:${path.startsWith("/") ? path : `/${path}`}`;
}

export function formatMoney(cents: number | null, currencyCode: string, locale = "en-US"): string {
  if (cents === null) return "–";
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode }).format(cents / 100);
  } catch {
    // A malformed currency code (Intl throws) still shows the amount.
    return `${(cents / 100).toFixed(2)} ${currencyCode}`;
  }
}

function quantityText(l: ListingStatus): string {
  if (l.desiredQuantity === null) return "–";
  if (l.pushedQuantity === null) return `${l.desiredQuantity} (not pushed yet)`;
  return l.pushedQuantity === l.desiredQuantity ? String(l.desiredQuantity) : `${l.desiredQuantity} (channel has ${l.pushedQuantity})`;
}

function priceText(l: ListingStatus, currencyCode: string, locale: string): string {
  const desired = formatMoney(l.desiredPriceCents, currencyCode, locale);
  if (l.desiredPriceCents === null || l.pushedPriceCents === null || l.pushedPriceCents === l.desiredPriceCents) return desired;
  return `${desired} (channel has ${formatMoney(l.pushedPriceCents, currencyCode, locale)})`;
}

/** The worst of the state and the open problems decides the row's tone and status. */
function statusOf(l: ListingStatus): { status: string; tone: Tone; detail: string | null } {
  const base = STATUS[l.syncState];
  const details = [
    l.syncMessage,
    l.driftQuantity !== null ? `Channel shows ${l.driftQuantity}, Anchorline pushed ${l.pushedQuantity ?? "–"}` : null,
    ...l.problems.map((p) => `${PROBLEM_WORDS[p.kind]}: ${p.title}`),
  ].filter((d): d is string => Boolean(d));
  let tone = base.tone;
  let status = base.label;
  if (l.problems.some((p) => p.kind === "OVERSELL" || p.kind === "LISTING_SUSPENDED" || p.kind === "CREDENTIALS_FAILED")) tone = "critical";
  else if (tone !== "critical" && (l.problems.length > 0 || l.driftQuantity !== null)) tone = "warning";
  if (tone !== base.tone && l.syncState === "IN_SYNC") status = "Needs attention";
  if (l.recomputing && l.syncState === "IN_SYNC" && tone === "success") return { status: "Recomputing", tone: "info", detail: details.join(" · ") || null };
  return { status, tone, detail: details.join(" · ") || null };
}

function variantLabel(v: VariantStatus): string {
  return v.sku ? `${v.title} · ${v.sku}` : v.title;
}

export function blockContent(status: ProductStatus, locale = "en-US"): BlockContent {
  const rows: BlockRow[] = status.variants.flatMap((v) =>
    v.listings.map((l) => ({
      key: l.listingId,
      variant: variantLabel(v),
      channel: l.channelName,
      quantity: quantityText(l),
      price: priceText(l, status.currencyCode, locale),
      ...statusOf(l),
      href: appHref(l.link),
    })),
  );
  const attention = rows.filter((r) => r.tone === "warning" || r.tone === "critical").length;
  const channels = new Set(rows.map((r) => r.channel)).size;
  const summary =
    rows.length === 0
      ? "Not on any marketplace yet."
      : `${rows.length} ${rows.length === 1 ? "listing" : "listings"} on ${channels} ${channels === 1 ? "channel" : "channels"}; ${attention === 0 ? "none needs attention" : `${attention} ${attention === 1 ? "needs" : "need"} attention`}.`;
  return {
    summary,
    empty: rows.length === 0 ? { text: "Link this product's variants to marketplace listings in Anchorline.", href: appHref(status.link) } : null,
    rows,
    href: appHref(status.link),
  };
}
