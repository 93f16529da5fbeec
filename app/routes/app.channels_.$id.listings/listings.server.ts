import type { LinkMethod, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { formatMoney } from "~/channels/money";
import { moduleOfKind } from "~/channels/registry";
import defaultPrisma from "~/db.server";
import { NotFoundForShop } from "~/lib/errors";
import { shopIdOf } from "~/lib/shop-id.server";
import { linkDiscoveredListing, requestListingDiscovery, type ManualLinkOutcome } from "~/sync/listing-discovery.server";

// The listing-review screen of one marketplace account: what listing discovery found there
// (sync/listing-discovery.server.ts), what it linked and how, what it could not, the conflicts it
// left to the merchant, the merchant's manual links, and "Read listings again".

/** Rows shown per group; the counts above them are of every listing found. */
export const ROWS_SHOWN = 500;

export const HOW_LINKED: Record<LinkMethod, string> = {
  SKU: "By SKU",
  BARCODE: "By barcode",
  MANUAL: "By hand",
  EARLIER: "Linked before",
};

const discoveredId = z.string().trim().min(1, "Choose a listing");

export const ListingReviewInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read-again") }),
  z.object({
    intent: z.literal("link"),
    discoveredId,
    sku: z.string().trim().min(1, "Shopify SKU is required").max(255, "Shopify SKU is at most 255 characters"),
  }),
  z.object({ intent: z.literal("choose"), discoveredId, variantId: z.string().trim().min(1, "Choose a variant") }),
]);
export type ListingReviewChange = z.infer<typeof ListingReviewInput>;

const variantLabel = (v: { sku: string | null; title: string; product: { title: string } }) => ({
  sku: v.sku,
  name: v.title && v.title !== "Default Title" ? `${v.product.title} – ${v.title}` : v.product.title,
});

async function channelOfShop(prisma: PrismaClient, shopId: string, channelId: string) {
  const channel = await prisma.channel.findFirst({ where: { id: channelId, shopId } });
  if (!channel) throw new NotFoundForShop("Channel");
  return channel;
}

export async function listingReview(shopDomain: string, channelId: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await channelOfShop(prisma, shopId, channelId);
  const where = { shopId, channelId: channel.id };
  const variantSelect = { select: { sku: true, title: true, product: { select: { title: true } } } } as const;
  const [groups, linked, unmatched, conflicts] = await Promise.all([
    prisma.discoveredListing.groupBy({ by: ["outcome", "linkedBy"], where, _count: { _all: true } }),
    prisma.discoveredListing.findMany({
      where: { ...where, outcome: "LINKED" },
      orderBy: { channelSku: "asc" },
      take: ROWS_SHOWN,
      include: { variant: variantSelect },
    }),
    prisma.discoveredListing.findMany({ where: { ...where, outcome: "UNMATCHED" }, orderBy: { channelSku: "asc" }, take: ROWS_SHOWN }),
    prisma.discoveredListing.findMany({ where: { ...where, outcome: "CONFLICT" }, orderBy: { channelSku: "asc" }, take: ROWS_SHOWN }),
  ]);
  const candidates = await prisma.variant.findMany({
    where: { shopId, id: { in: [...new Set(conflicts.flatMap((c) => c.candidateVariantIds))] } },
    select: { id: true, ...variantSelect.select },
    orderBy: { sku: "asc" },
  });
  const count = (outcome: string, linkedBy?: LinkMethod) =>
    groups.filter((g) => g.outcome === outcome && (linkedBy === undefined || g.linkedBy === linkedBy)).reduce((n, g) => n + g._count._all, 0);
  const price = (cents: number | null, currency: string | null) => (cents === null ? null : formatMoney(cents, currency ?? "USD"));
  const reading = channel.listingsRequestedAt !== null && (channel.listingsReadAt === null || channel.listingsRequestedAt > channel.listingsReadAt);
  return {
    channel: {
      id: channel.id,
      name: channel.name,
      marketplace: moduleOfKind(channel.kind)?.label ?? channel.kind,
      connected: channel.status === "CONNECTED",
      reading,
      readAt: channel.listingsReadAt?.toISOString() ?? null,
      problem: channel.listingsReadProblem,
    },
    rowsShown: ROWS_SHOWN,
    counts: {
      found: groups.reduce((n, g) => n + g._count._all, 0),
      linked: count("LINKED"),
      bySku: count("LINKED", "SKU"),
      byBarcode: count("LINKED", "BARCODE"),
      byHand: count("LINKED", "MANUAL"),
      before: count("LINKED", "EARLIER"),
      unmatched: count("UNMATCHED"),
      conflicts: count("CONFLICT"),
    },
    linked: linked.map((d) => ({
      id: d.id,
      channelSku: d.channelSku,
      sellerSku: d.sellerSku,
      title: d.title,
      how: HOW_LINKED[d.linkedBy ?? "EARLIER"],
      variant: d.variant ? variantLabel(d.variant) : null,
    })),
    unmatched: unmatched.map((d) => ({
      id: d.id,
      channelSku: d.channelSku,
      sellerSku: d.sellerSku,
      title: d.title,
      gtin: d.gtin,
      quantity: d.quantity,
      price: price(d.priceCents, d.currencyCode),
    })),
    conflicts: conflicts.map((d) => ({
      id: d.id,
      channelSku: d.channelSku,
      sellerSku: d.sellerSku,
      title: d.title,
      reason: d.conflict ?? "It could be more than one variant",
      candidates: candidates.filter((v) => d.candidateVariantIds.includes(v.id)).map((v) => ({ id: v.id, ...variantLabel(v) })),
    })),
  };
}

/** Variants found per SKU search. */
export const SEARCH_RESULTS = 10;

/** The SKU search of the manual link: a few characters of a SKU, as the merchant types them. */
export const VariantSearchInput = z.string().trim().min(2, "Type at least 2 characters of a SKU").max(100, "A SKU search is at most 100 characters");

/** Variants of the shop whose SKU contains the text (any letter case), SKU order, a few at most. */
export async function searchVariantsBySku(shopDomain: string, text: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const variants = await prisma.variant.findMany({
    where: { shopId, sku: { contains: text, mode: "insensitive" } },
    select: { id: true, sku: true, title: true, product: { select: { title: true } } },
    orderBy: { sku: "asc" },
    take: SEARCH_RESULTS,
  });
  return variants.map((v) => ({ id: v.id, ...variantLabel(v) }));
}

export type ReviewOutcome = { ok: true; message: string } | { ok: false; errors: Record<string, string> };

export async function changeListingReview(
  shopDomain: string,
  channelId: string,
  change: ListingReviewChange,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<ReviewOutcome> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await channelOfShop(prisma, shopId, channelId);
  if (change.intent === "read-again") {
    if (channel.status !== "CONNECTED") return { ok: false, errors: { form: `Connect ${channel.name} again before reading its listings.` } };
    await requestListingDiscovery(channel, { prisma });
    return { ok: true, message: `Reading ${channel.name}'s listings: this page shows them when the read is done.` };
  }
  const outcome: ManualLinkOutcome = await linkDiscoveredListing(
    shopId,
    channel.id,
    change.intent === "link" ? { discoveredId: change.discoveredId, sku: change.sku } : { discoveredId: change.discoveredId, variantId: change.variantId },
    actor,
    { prisma },
  );
  return outcome.ok ? outcome : { ok: false, errors: { [outcome.field]: outcome.message } };
}
