// The block's content, from the endpoint's answer: one row per variant and channel, each with
// what the merchant needs at a glance (quantity and price Anchorline pushes, the state and any
// problem) and a link into the app. At most MAX_ROWS rows: past that, the rows that need attention
// are shown first and the rest are counted in a link into the app. Pure and framework-free so it
// is tested here with vitest; the rendering entry only lays these rows out with Polaris web
// components.

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
  /** At most MAX_ROWS rows. */
  rows: BlockRow[];
  /** The rows left out by the cap, counted, with the way to all of them in the app. */
  more: { text: string; href: string } | null;
  /** The product's variants on the app's Inventory screen. */
  href: string;
}

/**
 * The most rows the block shows. A product of 100 variants on 4 channels has 400 listings: the
 * block sits on the product page among Shopify's own cards, so it shows a glance and the app shows
 * the rest.
 */
export const MAX_ROWS = 8;

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
  WRITEBACK_FAILED: "Sale not taken off Shopify",
  UNLINKED_SKU: "Sold SKU not linked",
  JOB_FAILED: "Background work gave up",
  UNPROFITABLE: "Under its price floor",
  VENDOR_FEED: "Vendor feed late or stale",
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

const ATTENTION_FIRST: Record<Tone, number> = { critical: 0, warning: 1, info: 2, success: 3 };

const needsAttention = (r: BlockRow): boolean => r.tone === "warning" || r.tone === "critical";

/**
 * The rows the block shows: all of them, in variant order, when they fit; past MAX_ROWS the most
 * urgent first (critical, warning, then pending, then in sync; variant order within each), cut at
 * MAX_ROWS.
 */
function shownRows(rows: BlockRow[]): BlockRow[] {
  if (rows.length <= MAX_ROWS) return rows;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => ATTENTION_FIRST[a.row.tone] - ATTENTION_FIRST[b.row.tone] || a.index - b.index)
    .slice(0, MAX_ROWS)
    .map(({ row }) => row);
}

function moreText(hidden: number, hiddenAttention: number): string {
  const attention = hiddenAttention === 0 ? "" : ` (${hiddenAttention} ${hiddenAttention === 1 ? "needs" : "need"} attention)`;
  return `and ${hidden} more${attention} — open in Anchorline`;
}

export function blockContent(status: ProductStatus, locale = "en-US"): BlockContent {
  const all: BlockRow[] = status.variants.flatMap((v) =>
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
  const attention = all.filter(needsAttention).length;
  const channels = new Set(all.map((r) => r.channel)).size;
  const summary =
    all.length === 0
      ? "Not on any marketplace yet."
      : `${all.length} ${all.length === 1 ? "listing" : "listings"} on ${channels} ${channels === 1 ? "channel" : "channels"}; ${attention === 0 ? "none needs attention" : `${attention} ${attention === 1 ? "needs" : "need"} attention`}.`;
  const rows = shownRows(all);
  const hidden = all.length - rows.length;
  return {
    summary,
    empty: all.length === 0 ? { text: "Link this product's variants to marketplace listings in Anchorline.", href: appHref(status.link) } : null,
    rows,
    more: hidden === 0 ? null : { text: moreText(hidden, attention - rows.filter(needsAttention).length), href: appHref(status.link) },
    href: appHref(status.link),
  };
}
