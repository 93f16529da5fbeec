import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { moduleOfKind } from "~/channels/registry";
import defaultPrisma from "~/db.server";
import { noteChange } from "~/recompute/index.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { holdsFromTags } from "~/lib/hold-tags";
import { setFulfilledByMarketplace } from "~/sync/listing-fulfilment.server";
import { shopIdOf } from "~/lib/shop-id.server";
import { checkVariantHold, releaseText, saveVariantHolds, shopTimeZone } from "~/rules/variant-holds.server";

// The inventory screen: per variant, what each channel is given (the outbox's desired quantity
// and price), what was last pushed, and the sync state, with the engine's explanation on demand.
// One page of variants is chosen in SQL, scoped by shop, filtered, sorted and counted in one
// statement (offset paging: the page number and "1–50 of 10,000" are what a merchant reads, and
// a shop's catalogue is tens of thousands of variants, which PostgreSQL sorts in milliseconds;
// bench/inventory-screen.ts measures it at 10,000 variants × 4 channels); only that page's rows
// are then read in full. A listing the marketplace fulfils (FBA) shows the marketplace's own stock
// ("Amazon's warehouse: 12") beside the pool its self-fulfilled siblings share.

export const INVENTORY_PAGE = 50;

const SYNC_STATES = ["IN_SYNC", "PENDING", "HELD", "FAILED"] as const;
export const INVENTORY_SORTS = ["sku", "quantity", "updated"] as const;

/** "Low stock" until the merchant sets lowAt: 5 units or fewer in Shopify. Our choice, a starting point; no platform defines one. */
export const LOW_STOCK_UNITS = 5;

const optionalWhole = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .default("")
    .refine((v) => v === "" || /^\d+$/.test(v), { message: `${name} must be a whole number` })
    .transform((v) => (v === "" ? null : Number(v)))
    .refine((v) => v === null || (v >= min && v <= max), { message: `${name} must be between ${min} and ${max}` });

export const InventoryQuery = z.object({
  q: z.string().trim().max(100, "Search is at most 100 characters").optional().default(""),
  channelId: z.string().trim().optional().default(""),
  // Blank: any state.
  state: z
    .enum(["", ...SYNC_STATES], { message: "State must be in sync, pending, held or failed" })
    .optional()
    .default(""),
  stock: z.enum(["", "out", "low"], { message: 'Stock must be "out" (none left in Shopify) or "low"' }).optional().default(""),
  lowAt: optionalWhole("Low stock at", 1, 100_000),
  alert: z.enum(["", "open"], { message: 'Alert must be "open" (an alert not yet resolved) or blank' }).optional().default(""),
  sort: z.enum(INVENTORY_SORTS, { message: "Sort must be sku, quantity or updated" }).optional().default("sku"),
  dir: z.enum(["asc", "desc"], { message: 'Direction must be "asc" or "desc"' }).optional().default("asc"),
  page: optionalWhole("Page", 1, 1_000_000),
  explain: z.string().trim().optional().default(""),
  /** The variant whose holds (discontinued, release date) the holds card edits. */
  holds: z.string().trim().optional().default(""),
});

export type InventoryFilters = z.infer<typeof InventoryQuery>;

interface StoredStepLike {
  text?: unknown;
}

/** The stored explanation (app/recompute/desired.ts StoredExplanation) as lines to read. */
function explanationLines(explanation: unknown) {
  const value = (explanation ?? {}) as {
    quantity?: StoredStepLike[];
    price?: StoredStepLike[];
    priceNotices?: { message?: unknown }[];
    parity?: unknown[];
    guardrail?: unknown[];
  };
  const lines = (list: unknown) => (Array.isArray(list) ? list.map(String) : []);
  const texts = (steps: unknown) => (Array.isArray(steps) ? steps.map((s: StoredStepLike) => String(s?.text ?? "")).filter(Boolean) : []);
  return {
    quantity: texts(value.quantity),
    price: texts(value.price),
    notices: Array.isArray(value.priceNotices) ? value.priceNotices.map((n) => String(n?.message ?? "")).filter(Boolean) : [],
    // Why the price is held for review: parity, the price guardrail (explanations stored before
    // the guardrail have no such list).
    held: [...lines(value.parity), ...lines(value.guardrail)],
  };
}

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The variants one page shows, in order, with the total matching and each one's units available
 * in Shopify (saleable, active locations; null when the item is not tracked). The filters that
 * need the stock of every variant (out/low, sort by quantity) sum it in SQL for the whole shop;
 * the others sum it for the page only.
 */
async function pageOfVariantIds(shopId: string, filters: InventoryFilters, channelIds: string[], offset: number, prisma: PrismaClient) {
  const q = filters.q;
  const search = q
    ? Prisma.sql`AND (v.sku ILIKE ${`${likeEscaped(q)}%`} OR v.barcode = ${q} OR v.title ILIKE ${`%${likeEscaped(q)}%`} OR p.title ILIKE ${`%${likeEscaped(q)}%`})`
    : Prisma.empty;
  // No channel connected yet: no listing can match a channel or state filter (and IN () is not SQL).
  const onChannel = filters.channelId
    ? Prisma.sql`AND li."channelId" = ${filters.channelId}`
    : channelIds.length > 0
      ? Prisma.sql`AND li."channelId" IN (${Prisma.join(channelIds)})`
      : Prisma.sql`AND false`;
  const listed =
    filters.channelId || filters.state
      ? Prisma.sql`AND EXISTS (SELECT 1 FROM "Listing" li WHERE li."variantId" = v.id AND li."shopId" = ${shopId} ${onChannel}
          ${filters.state ? Prisma.sql`AND li."syncState" = ${filters.state}::"SyncState"` : Prisma.empty})`
      : Prisma.empty;
  const alerted =
    filters.alert === "open"
      ? Prisma.sql`AND EXISTS (SELECT 1 FROM "Listing" li JOIN "Alert" a ON a."listingId" = li.id AND a."shopId" = ${shopId} AND a.state <> 'RESOLVED'
          WHERE li."variantId" = v.id AND li."shopId" = ${shopId} ${onChannel})`
      : Prisma.empty;
  const needsStock = filters.stock !== "" || filters.sort === "quantity";
  // Whole shop: the saleable levels summed once per item (a hash aggregate), then one row per item
  // (variantId is unique on InventoryItem).
  const stock = Prisma.sql`
    SELECT ii."variantId", CASE WHEN ii.tracked THEN COALESCE(lv.available, 0) END AS available
    FROM "InventoryItem" ii
    LEFT JOIN (
      SELECT l."inventoryItemId", SUM(l.available)::int AS available
      FROM "InventoryLevel" l JOIN "Location" loc ON loc.id = l."locationId" AND loc.saleable AND loc."isActive"
      WHERE l."shopId" = ${shopId}
      GROUP BY l."inventoryItemId"
    ) lv ON lv."inventoryItemId" = ii.id
    WHERE ii."shopId" = ${shopId}`;
  const lowAt = filters.lowAt ?? LOW_STOCK_UNITS;
  const stocked =
    filters.stock === "out"
      ? Prisma.sql`AND s.available <= 0`
      : filters.stock === "low"
        ? Prisma.sql`AND s.available > 0 AND s.available <= ${lowAt}`
        : Prisma.empty;
  const dir = filters.dir === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const order =
    filters.sort === "quantity"
      ? Prisma.sql`s.available ${dir} NULLS LAST, v.sku ASC NULLS LAST, v.id ASC`
      : filters.sort === "updated"
        ? Prisma.sql`v."updatedAt" ${dir}, v.id ASC`
        : Prisma.sql`v.sku ${dir} NULLS LAST, v.id ASC`;
  const rows = await prisma.$queryRaw<{ id: string; available: number | null; total: bigint }[]>`
    SELECT v.id, ${needsStock ? Prisma.sql`s.available` : Prisma.sql`NULL::int`} AS available, COUNT(*) OVER () AS total
    FROM "Variant" v
    JOIN "Product" p ON p.id = v."productId"
    ${needsStock ? Prisma.sql`LEFT JOIN (${stock}) s ON s."variantId" = v.id` : Prisma.empty}
    WHERE v."shopId" = ${shopId} ${search} ${listed} ${alerted} ${stocked}
    ORDER BY ${order}
    LIMIT ${INVENTORY_PAGE} OFFSET ${offset}`;
  let available = new Map(rows.map((r) => [r.id, r.available]));
  if (!needsStock && rows.length > 0) {
    // The page only: its items' levels by the (inventoryItemId, locationId) index.
    const page = await prisma.$queryRaw<{ variantId: string; available: number | null }[]>`
      SELECT ii."variantId", CASE WHEN ii.tracked THEN COALESCE((
        SELECT SUM(l.available) FROM "InventoryLevel" l JOIN "Location" loc ON loc.id = l."locationId" AND loc.saleable AND loc."isActive"
        WHERE l."inventoryItemId" = ii.id), 0) END::int AS available
      FROM "InventoryItem" ii
      WHERE ii."shopId" = ${shopId} AND ii."variantId" IN (${Prisma.join(rows.map((r) => r.id))})`;
    available = new Map(page.map((r) => [r.variantId, r.available]));
  }
  return { ids: rows.map((r) => r.id), total: rows.length > 0 ? Number(rows[0].total) : null, available };
}

/** A price in the shop's currency: "1,234.50 USD" (the code, not a symbol: "$" is several currencies). */
export function moneyIn(currencyCode: string) {
  const digits = new Intl.NumberFormat("en-US", { style: "currency", currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  const number = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return (minorUnits: number | null) => (minorUnits === null ? "–" : `${number.format(minorUnits / 10 ** digits)} ${currencyCode}`);
}

export async function inventoryPage(shopDomain: string, filters: InventoryFilters, prisma: PrismaClient = defaultPrisma) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true, settings: true, currencyCode: true } });
  const shopId = shop.id;
  const timeZone = shopTimeZone(shop.settings);
  // The store channel is the anchor, not a channel listings are pushed to: no column of its own.
  const channels = await prisma.channel.findMany({
    where: { shopId, kind: { not: "SHOPIFY" } },
    orderBy: [{ priority: "asc" }, { name: "asc" }],
    select: { id: true, name: true, status: true, kind: true },
  });
  if (filters.channelId && !channels.some((c) => c.id === filters.channelId)) throw new NotFoundForShop("Channel");
  const channelIds = channels.map((c) => c.id);

  // A page past the last (a stale link, a catalogue that shrank) shows the last page, and says so.
  const asked = filters.page ?? 1;
  let found = await pageOfVariantIds(shopId, filters, channelIds, (asked - 1) * INVENTORY_PAGE, prisma);
  let notice: string | null = null;
  let pageNumber = asked;
  if (found.total === null && asked > 1) {
    const counted = await pageOfVariantIds(shopId, filters, channelIds, 0, prisma);
    const last = Math.max(1, Math.ceil((counted.total ?? 0) / INVENTORY_PAGE));
    found = last === 1 ? counted : await pageOfVariantIds(shopId, filters, channelIds, (last - 1) * INVENTORY_PAGE, prisma);
    pageNumber = last;
    notice = `Page ${asked} is past the last page: showing page ${last} of ${last}`;
  }
  const total = found.total ?? 0;

  const listingFilter: Prisma.ListingWhereInput = {
    channelId: filters.channelId ? filters.channelId : { in: channelIds },
    ...(filters.state ? { syncState: filters.state } : {}),
  };
  const unordered = await prisma.variant.findMany({
    where: { shopId, id: { in: found.ids } },
    select: {
      id: true,
      sku: true,
      title: true,
      barcode: true,
      priceCents: true,
      mapCents: true,
      discontinued: true,
      releaseAt: true,
      updatedAt: true,
      product: { select: { title: true, tags: true } },
      listings: {
        where: listingFilter,
        orderBy: [{ channelId: "asc" }, { channelSku: "asc" }],
        select: {
          id: true,
          channelId: true,
          channelSku: true,
          condition: true,
          desiredQuantity: true,
          desiredPriceCents: true,
          pushedQuantity: true,
          pushedPriceCents: true,
          observedQuantity: true,
          syncState: true,
          syncMessage: true,
          staleSince: true,
          desiredAt: true,
          pushedAt: true,
          fulfilledByMarketplace: true,
          marketplaceQuantity: true,
          marketplaceQuantityAt: true,
          alerts: { where: { shopId, state: { not: "RESOLVED" } }, select: { id: true }, take: 1 },
        },
      },
    },
  });
  const byId = new Map(unordered.map((v) => [v.id, v]));
  const page = found.ids.map((id) => byId.get(id)).filter((v) => v !== undefined);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  /** Whose warehouse a marketplace-fulfilled listing's units are in: the marketplace's label ("Amazon"). */
  const warehouseOf = new Map(channels.map((c) => [c.id, moduleOfKind(c.kind)?.label ?? c.name]));
  /** The marketplace's own fulfilment programme (Amazon FBA), where it has one: the row offers the switch. */
  const programmeOf = new Map(channels.map((c) => [c.id, moduleOfKind(c.kind)?.marketplaceFulfilment ?? null]));
  const ownStock = (channelId: string, quantity: number | null, readAt: Date | null) => {
    const by = warehouseOf.get(channelId) ?? "";
    return { by, quantity, readAt: readAt?.toISOString() ?? null, text: `${by}'s warehouse: ${quantity ?? "not read yet"}` };
  };
  const money = moneyIn(shop.currencyCode);

  let explanation = null;
  if (filters.explain) {
    const listing = await prisma.listing.findFirst({
      where: { id: filters.explain, shopId },
      select: { id: true, channelSku: true, explanation: true, desiredQuantity: true, desiredPriceCents: true, channelId: true },
    });
    if (!listing) throw new NotFoundForShop("Listing");
    explanation = {
      listingId: listing.id,
      channelSku: listing.channelSku,
      channelName: channelName.get(listing.channelId) ?? "",
      desiredQuantity: listing.desiredQuantity,
      desiredPriceCents: listing.desiredPriceCents,
      desiredPrice: money(listing.desiredPriceCents),
      computed: listing.explanation !== null,
      ...explanationLines(listing.explanation),
    };
  }

  let holds = null;
  if (filters.holds) {
    const variant = await prisma.variant.findFirst({
      where: { id: filters.holds, shopId },
      select: { id: true, sku: true, title: true, discontinued: true, releaseAt: true, product: { select: { title: true, tags: true } } },
    });
    if (!variant) throw new NotFoundForShop("Variant");
    const tagged = holdsFromTags(variant.product.tags);
    holds = {
      variantId: variant.id,
      name: `${variant.sku ?? ""} · ${variant.product.title} – ${variant.title}`,
      discontinued: variant.discontinued,
      releaseAt: releaseText(variant.releaseAt, timeZone),
      // What the product's Shopify tags hold besides (lib/hold-tags.ts): shown, changed in Shopify.
      tagged: { discontinued: tagged.discontinued, releaseAt: tagged.releaseAt ? releaseText(tagged.releaseAt, "UTC") : null },
    };
  }

  const now = new Date();
  /** The holds that act on a variant: its own and its product's tags', as the recompute reads them. */
  const holdsOf = (v: (typeof page)[number]) => {
    const tagged = holdsFromTags(v.product.tags);
    const releaseAt = [v.releaseAt, tagged.releaseAt].filter((at): at is Date => at !== null && at > now).sort((a, b) => b.getTime() - a.getTime())[0];
    return { discontinued: v.discontinued || tagged.discontinued, heldUntil: releaseAt ? releaseText(releaseAt, timeZone) : null };
  };

  return {
    channels: channels.map((c) => ({ id: c.id, name: c.name, status: c.status, marketplaceFulfilment: programmeOf.get(c.id) ?? null })),
    timeZone,
    currencyCode: shop.currencyCode,
    holds,
    notice,
    page: {
      number: pageNumber,
      size: INVENTORY_PAGE,
      total,
      from: total === 0 ? 0 : (pageNumber - 1) * INVENTORY_PAGE + 1,
      to: (pageNumber - 1) * INVENTORY_PAGE + page.length,
    },
    variants: page.map((v) => ({
      id: v.id,
      sku: v.sku,
      barcode: v.barcode,
      title: `${v.product.title} – ${v.title}`,
      priceCents: v.priceCents,
      price: money(v.priceCents),
      mapCents: v.mapCents,
      available: found.available.get(v.id) ?? null,
      updatedAt: v.updatedAt.toISOString(),
      // Shown while the release is ahead: after it the variant sells as any other.
      ...holdsOf(v),
      listings: v.listings.map(({ staleSince, marketplaceQuantity, marketplaceQuantityAt, alerts, ...l }) => ({
        ...l,
        channelName: channelName.get(l.channelId) ?? "",
        desiredPrice: money(l.desiredPriceCents),
        pushedPrice: money(l.pushedPriceCents),
        stale: staleSince !== null,
        alerted: alerts.length > 0,
        ownStock: l.fulfilledByMarketplace ? ownStock(l.channelId, marketplaceQuantity, marketplaceQuantityAt) : null,
        marketplaceFulfilment: programmeOf.get(l.channelId) ?? null,
      })),
    })),
    explanation,
  };
}

/** Asks the engine to compute one variant's listings again now (a merchant doubting a number). */
export async function recomputeVariant(shopDomain: string, variantId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<number> {
  return recomputeVariants(shopDomain, [variantId], actor, prisma);
}

/** The same for the variants ticked in the table (bulk action): all the shop's, or none is asked. */
export async function recomputeVariants(shopDomain: string, variantIds: string[], actor: string, prisma: PrismaClient = defaultPrisma): Promise<number> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const wanted = [...new Set(variantIds)];
  const variants = await prisma.variant.findMany({ where: { id: { in: wanted }, shopId }, select: { id: true, sku: true } });
  if (variants.length !== wanted.length || wanted.length === 0) throw new NotFoundForShop("Variant");
  const marked = await noteChange(shopId, { kind: "catalog", variantIds: variants.map((v) => v.id) }, { prisma });
  for (const variant of variants) {
    await recordAudit(prisma, {
      shopId,
      actor,
      action: "variant.recompute_requested",
      subjectType: "variant",
      subjectId: variant.id,
      details: { sku: variant.sku, listings: marked },
    });
  }
  return marked;
}

export const BulkFulfilmentForm = z.object({
  listingIds: z
    .string()
    .transform((ids) =>
      ids
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .refine((ids) => ids.length > 0, { message: "Choose the listings" }),
  fulfilledBy: z.enum(["merchant", "marketplace"], { message: 'Fulfilled by is "merchant" (your stock) or "marketplace" (its own warehouse)' }),
});

/**
 * Who ships the listings ticked in the table (bulk action). Every listing is checked first (the
 * shop's, and on a marketplace with a fulfilment programme of its own when moved to it), so one
 * that cannot be switched refuses the lot and nothing is half-switched.
 */
export async function switchFulfilment(
  shopId: string,
  form: z.infer<typeof BulkFulfilmentForm>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<{ ok: true; message: string } | { ok: false; message: string }> {
  const wanted = [...new Set(form.listingIds)];
  const listings = await prisma.listing.findMany({
    where: { id: { in: wanted }, shopId, channel: { kind: { not: "SHOPIFY" } } },
    select: { id: true, channelSku: true, channel: { select: { kind: true, name: true } } },
  });
  if (listings.length !== wanted.length) throw new NotFoundForShop("Listing");
  const toMarketplace = form.fulfilledBy === "marketplace";
  const refused = listings.filter((l) => toMarketplace && !moduleOfKind(l.channel.kind)?.marketplaceFulfilment);
  if (refused.length > 0) {
    const names = [...new Set(refused.map((l) => l.channel.name))].join(", ");
    return {
      ok: false,
      message: `${names} has no fulfilment of its own: ${refused.map((l) => l.channelSku).join(", ")} ship from your stock. Nothing was switched`,
    };
  }
  let changed = 0;
  for (const listing of listings) {
    const outcome = await setFulfilledByMarketplace(shopId, listing.id, toMarketplace, actor, prisma);
    if (outcome.ok && outcome.changed) changed += 1;
  }
  const says = toMarketplace ? "the marketplace's warehouse" : "your stock";
  return {
    ok: true,
    message: `${changed} of ${listings.length} ${listings.length === 1 ? "listing" : "listings"} switched to ship from ${says}; their quantities are being computed`,
  };
}

export const HoldsForm = z.object({
  variantId: z.string().trim().min(1, "Choose the variant"),
  discontinued: z.string().optional(),
  releaseAt: z.string().max(40, "Release date is at most 40 characters").optional(),
});

/**
 * The holds card's save: one variant's discontinued flag and release date, checked as the holds
 * CSV checks them (in the shop's time zone) and saved through saveVariantHolds, which recomputes
 * its listings and schedules the release.
 */
export async function saveHoldsForm(
  shopId: string,
  form: z.infer<typeof HoldsForm>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<{ ok: true; message: string } | { ok: false; errors: Record<string, string> }> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } });
  const timeZone = shopTimeZone(shop.settings);
  const checked = checkVariantHold({ discontinued: form.discontinued, releaseAt: form.releaseAt }, timeZone);
  if (!checked.ok) {
    const errors = Object.fromEntries(Object.entries(checked.errors).filter((e): e is [string, string] => e[1] !== undefined));
    return { ok: false, errors };
  }
  const { changed, listings } = await saveVariantHolds(shopId, new Map([[form.variantId, checked.hold]]), actor, { prisma });
  if (changed === 0) return { ok: true, message: "Nothing changed" };
  const { discontinued, releaseAt } = checked.hold;
  const words = [
    discontinued ? "discontinued: no buffer, sells down to zero" : null,
    releaseAt && releaseAt > new Date() ? `held at 0 until ${releaseText(releaseAt, timeZone)} (${timeZone})` : null,
  ].filter(Boolean);
  return {
    ok: true,
    message: `Saved${words.length > 0 ? `: ${words.join("; ")}` : ": no holds"}. Recomputing ${listings} ${listings === 1 ? "listing" : "listings"}`,
  };
}
