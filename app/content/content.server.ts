import { Prisma, type Channel, type PrismaClient } from "@prisma/client";
import type { ContentRulesOf } from "~/lib/content-rules";
import { requestFlush, type Queues } from "~/queues.server";
import { adaptContent, contentOverrides, contentSettings } from "./adapt";
import { contentToPush, readDesiredContent, sameJson } from "./diff";
import type { ContentIssue, DesiredContent } from "./fields";
import type { ContentSource, ProductContent, ProductImage } from "./template";

// Content recompute: a listing's desired content from the mirror, the channel's field map and
// templates. Kept apart from the quantity/price recompute (app/recompute): content changes only
// when the product, its variants or the channel's content settings change, so it is recomputed
// on those events, not on every stock move. A listing's desiredContent is written only when it
// changed, bumping desiredVersion like any new desired state, so the outbox pushes it.

const LISTINGS_PER_BATCH = 500;

export interface ContentRecomputeDeps {
  /** Each channel kind's content rules, from its marketplace's module (the registry's contentRulesOf). */
  contentRules: ContentRulesOf;
  /** Asks the channel account's worker to flush (default: the channel-sync queue). */
  requestFlush?: (channelId: string) => Promise<void>;
  queues?: Queues;
}

export interface ContentRecomputeResult {
  examined: number;
  /** Listings whose desired content was rewritten. */
  changed: number;
  /** Channel accounts asked to flush because content now waits to be pushed. */
  channelIds: string[];
}

const listingInclude = {
  channel: { select: { id: true, kind: true, settings: true } },
  variant: { include: { product: true } },
} satisfies Prisma.ListingInclude;
type ListingWithSource = Prisma.ListingGetPayload<{ include: typeof listingInclude }>;

export function productContentOf(stored: Prisma.JsonValue): ProductContent {
  return stored && typeof stored === "object" && !Array.isArray(stored) ? (stored as unknown as ProductContent) : {};
}

export function sourceOf(variant: ListingWithSource["variant"]): ContentSource {
  const { product } = variant;
  return {
    product: {
      title: product.title,
      vendor: product.vendor,
      productType: product.productType,
      handle: product.handle,
      tags: product.tags,
      descriptionHtml: product.descriptionHtml,
      content: productContentOf(product.content),
    },
    variant: { title: variant.title, sku: variant.sku, barcode: variant.barcode, option1: variant.option1, option2: variant.option2, option3: variant.option3 },
  };
}

/** Issues the channel raised on a push are not recomputed from the mirror: they are left out of comparisons. */
const ownIssues = (issues: ContentIssue[]) => issues.filter((i) => i.field !== "channel");

function unchanged(stored: DesiredContent | null, next: DesiredContent | null): boolean {
  if (!stored || !next) return stored === next;
  return sameJson(stored.fields, next.fields) && sameJson(ownIssues(stored.issues), ownIssues(next.issues));
}

/**
 * Writes one listing's new desired content unless a newer desired state got there first. Content
 * only ever makes a listing PENDING (a held one stays held: its price waits for the merchant);
 * it never settles one, since only an acknowledged push does. The state is decided on the row as
 * it is when written: deciding it on the first read once put back IN_SYNC over a quantity the
 * recompute had made PENDING meanwhile, and that quantity was never pushed.
 */
async function writeDesiredContent(
  prisma: PrismaClient,
  listing: ListingWithSource,
  desired: DesiredContent | null,
): Promise<{ written: boolean; pending: boolean }> {
  const pending = contentToPush(desired, listing.pushedContent) !== null;
  let current: { desiredVersion: number; syncState: ListingWithSource["syncState"] } | null = listing;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    const becomesPending = pending && current.syncState !== "HELD";
    const { count } = await prisma.listing.updateMany({
      where: { id: listing.id, desiredVersion: current.desiredVersion, syncState: current.syncState },
      data: {
        desiredContent: desired === null ? Prisma.DbNull : (desired as unknown as Prisma.InputJsonValue),
        desiredVersion: { increment: 1 },
        desiredAt: new Date(),
        ...(becomesPending ? { syncState: "PENDING" as const } : {}),
      },
    });
    if (count === 1) return { written: true, pending: becomesPending };
    current = await prisma.listing.findUnique({ where: { id: listing.id }, select: { desiredVersion: true, syncState: true } });
  }
  return { written: false, pending: false };
}

/**
 * Recomputes the content of the shop's listings of some products and/or channels. Listings are
 * read in batches by id, so a channel-wide change (a template edited) does not load a whole shop.
 */
export async function recomputeContent(
  prisma: PrismaClient,
  shopId: string,
  scope: { productIds?: string[]; channelIds?: string[] },
  deps: ContentRecomputeDeps,
): Promise<ContentRecomputeResult> {
  const result: ContentRecomputeResult = { examined: 0, changed: 0, channelIds: [] };
  const flushed = new Set<string>();
  const where: Prisma.ListingWhereInput = {
    shopId,
    ...(scope.productIds ? { variant: { productId: { in: scope.productIds } } } : {}),
    ...(scope.channelIds ? { channelId: { in: scope.channelIds } } : {}),
  };
  let cursor: string | undefined;
  for (;;) {
    const listings = await prisma.listing.findMany({
      where: cursor ? { ...where, id: { gt: cursor } } : where,
      include: listingInclude,
      orderBy: { id: "asc" },
      take: LISTINGS_PER_BATCH,
    });
    if (listings.length === 0) break;
    cursor = listings[listings.length - 1].id;
    for (const listing of listings) {
      result.examined++;
      const { desired } = adaptContent(
        deps.contentRules(listing.channel.kind),
        contentSettings(listing.channel.settings),
        sourceOf(listing.variant),
        contentOverrides(listing.overrides),
      );
      if (unchanged(readDesiredContent(listing.desiredContent), desired)) continue;
      const { written, pending } = await writeDesiredContent(prisma, listing, desired);
      if (written) result.changed++;
      if (pending) flushed.add(listing.channelId);
    }
    if (listings.length < LISTINGS_PER_BATCH) break;
  }
  const flush = deps.requestFlush ?? ((channelId: string) => requestFlush(channelId, 0, deps.queues));
  for (const channelId of flushed) await flush(channelId);
  result.channelIds = [...flushed];
  return result;
}

interface RestImage {
  src?: unknown;
  width?: unknown;
  height?: unknown;
}

/** The images of a REST products/* payload, or undefined when the payload carries none. */
export function imagesFromProductPayload(payload: { images?: unknown }): ProductImage[] | undefined {
  if (!Array.isArray(payload.images)) return undefined;
  return (payload.images as RestImage[])
    .filter((i) => typeof i?.src === "string")
    .map((i) => ({
      src: i.src as string,
      ...(typeof i.width === "number" ? { width: i.width } : {}),
      ...(typeof i.height === "number" ? { height: i.height } : {}),
    }));
}

/**
 * After a products/create or products/update was applied to the mirror: keeps the payload's
 * images in Product.content and recomputes the content of the product's listings. The webhook
 * handler calls this; its own staleness marks (quantities, prices) are not touched.
 */
export async function applyProductContentChange(
  prisma: PrismaClient,
  shopId: string,
  productShopifyId: string,
  payload: { images?: unknown },
  deps: ContentRecomputeDeps,
): Promise<ContentRecomputeResult> {
  const product = await prisma.product.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: productShopifyId } },
    select: { id: true, content: true },
  });
  if (!product) return { examined: 0, changed: 0, channelIds: [] };
  const images = imagesFromProductPayload(payload);
  const content = productContentOf(product.content);
  if (images && !sameJson(content.images ?? [], images)) {
    await prisma.product.update({ where: { id: product.id }, data: { content: { ...content, images } as unknown as Prisma.InputJsonValue } });
  }
  return recomputeContent(prisma, shopId, { productIds: [product.id] }, deps);
}

export type ContentChannel = Pick<Channel, "id" | "kind" | "name" | "settings">;
