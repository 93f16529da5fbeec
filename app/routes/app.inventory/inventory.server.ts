import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { moduleOfKind } from "~/channels/registry";
import defaultPrisma from "~/db.server";
import { noteChange } from "~/recompute/index.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { holdsFromTags } from "~/lib/hold-tags";
import { shopIdOf } from "~/lib/shop-id.server";
import { checkVariantHold, releaseText, saveVariantHolds, shopTimeZone } from "~/rules/variant-holds.server";

// The inventory screen: per variant, what each channel is given (the outbox's desired quantity
// and price), what was last pushed, and the sync state, with the engine's explanation on demand.
// Pages are keyset-paginated by variant id (a cursor, never an offset), so a shop with 100,000
// variants reads one page of rows per request however deep the merchant pages. A listing the
// marketplace fulfils (FBA) shows the marketplace's own stock ("Amazon's warehouse: 12") beside
// the pool its self-fulfilled siblings share: it is given no quantity from the pool.

export const INVENTORY_PAGE = 50;

const SYNC_STATES = ["IN_SYNC", "PENDING", "HELD", "FAILED"] as const;

export const InventoryQuery = z.object({
  q: z.string().trim().max(100, "Search is at most 100 characters").optional().default(""),
  channelId: z.string().trim().optional().default(""),
  // Blank: any state.
  state: z
    .enum(["", ...SYNC_STATES], { message: "State must be in sync, pending, held or failed" })
    .optional()
    .default(""),
  after: z.string().trim().max(64, "Not a page cursor").optional().default(""),
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

export async function inventoryPage(shopDomain: string, filters: InventoryFilters, prisma: PrismaClient = defaultPrisma) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true, settings: true } });
  const shopId = shop.id;
  const timeZone = shopTimeZone(shop.settings);
  // The store channel is the anchor, not a channel listings are pushed to: no column of its own.
  const channels = await prisma.channel.findMany({
    where: { shopId, kind: { not: "SHOPIFY" } },
    orderBy: [{ priority: "asc" }, { name: "asc" }],
    select: { id: true, name: true, status: true, kind: true },
  });
  if (filters.channelId && !channels.some((c) => c.id === filters.channelId)) throw new NotFoundForShop("Channel");

  const listingFilter: Prisma.ListingWhereInput = {
    ...(filters.channelId ? { channelId: filters.channelId } : {}),
    ...(filters.state ? { syncState: filters.state } : {}),
  };
  const filtered = Boolean(filters.channelId || filters.state);
  const where: Prisma.VariantWhereInput = {
    shopId,
    ...(filters.after ? { id: { gt: filters.after } } : {}),
    ...(filters.q
      ? {
          OR: [
            { sku: { startsWith: filters.q, mode: "insensitive" } },
            { title: { contains: filters.q, mode: "insensitive" } },
            { product: { title: { contains: filters.q, mode: "insensitive" } } },
          ],
        }
      : {}),
    ...(filtered ? { listings: { some: listingFilter } } : {}),
  };
  // One more than a page tells whether there is a next page without counting the catalogue.
  const variants = await prisma.variant.findMany({
    where,
    orderBy: { id: "asc" },
    take: INVENTORY_PAGE + 1,
    select: {
      id: true,
      sku: true,
      title: true,
      priceCents: true,
      mapCents: true,
      discontinued: true,
      releaseAt: true,
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
        },
      },
    },
  });
  const page = variants.slice(0, INVENTORY_PAGE);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  /** Whose warehouse a marketplace-fulfilled listing's units are in: the marketplace's label ("Amazon"). */
  const warehouseOf = new Map(channels.map((c) => [c.id, moduleOfKind(c.kind)?.label ?? c.name]));
  /** The marketplace's own fulfilment programme (Amazon FBA), where it has one: the row offers the switch. */
  const programmeOf = new Map(channels.map((c) => [c.id, moduleOfKind(c.kind)?.marketplaceFulfilment ?? null]));
  const ownStock = (channelId: string, quantity: number | null, readAt: Date | null) => {
    const by = warehouseOf.get(channelId) ?? "";
    return { by, quantity, readAt: readAt?.toISOString() ?? null, text: `${by}'s warehouse: ${quantity ?? "not read yet"}` };
  };

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
    channels: channels.map((c) => ({ id: c.id, name: c.name, status: c.status })),
    timeZone,
    holds,
    variants: page.map((v) => ({
      id: v.id,
      sku: v.sku,
      title: `${v.product.title} – ${v.title}`,
      priceCents: v.priceCents,
      mapCents: v.mapCents,
      // Shown while the release is ahead: after it the variant sells as any other.
      ...holdsOf(v),
      listings: v.listings.map(({ staleSince, marketplaceQuantity, marketplaceQuantityAt, ...l }) => ({
        ...l,
        channelName: channelName.get(l.channelId) ?? "",
        stale: staleSince !== null,
        ownStock: l.fulfilledByMarketplace ? ownStock(l.channelId, marketplaceQuantity, marketplaceQuantityAt) : null,
        marketplaceFulfilment: programmeOf.get(l.channelId) ?? null,
      })),
    })),
    nextCursor: variants.length > INVENTORY_PAGE ? page[page.length - 1].id : null,
    explanation,
  };
}

/** Asks the engine to compute one variant's listings again now (a merchant doubting a number). */
export async function recomputeVariant(shopDomain: string, variantId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<number> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const variant = await prisma.variant.findFirst({ where: { id: variantId, shopId }, select: { id: true, sku: true } });
  if (!variant) throw new NotFoundForShop("Variant");
  const marked = await noteChange(shopId, { kind: "catalog", variantIds: [variant.id] }, { prisma });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "variant.recompute_requested",
    subjectType: "variant",
    subjectId: variant.id,
    details: { sku: variant.sku, listings: marked },
  });
  return marked;
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
