// The seller's existing Walmart listings, for listing discovery: getAllItems, GET /v3/items
// (walmart-marketplace-items-openapi-original.yml, Item Management), one page per call, each
// item's quantity beside it from getInventory, GET /v3/inventory?sku= (the items answer has none;
// inventory definition). The per-SKU read is one call per item, where GET /v3/inventories would
// be one per 50; but that one pages the seller's SKUs on a cursor of its own, in an order of its
// own, so its pages could not be matched to an items page without holding the whole catalog.
// The drift read needs no match (readWalmartObservations): it reads every items page (price and
// status) and then every inventories page (quantity), each listing's fields stored as they come:
// a call per 50 items and one per 50 quantities, where discovery makes 51 per 50. The read paces itself at the module's rate (limits.ts), and every call is retried when Walmart
// throttles it anyway.
import { z } from "zod";
import { ChannelError, type DiscoveredListing, type ListingPage, type ReadOptions } from "../connector";
import { gtinDigits } from "../gtin";
import { Pacer } from "../pacer";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";
import { WALMART_LIMITS } from "./limits";

/** One pacer per connector (its client), shared by its pages. */
const pacers = new WeakMap<WalmartClient, Pacer>();
function pacerOf(client: WalmartClient): Pacer {
  let pacer = pacers.get(client);
  if (!pacer) pacers.set(client, (pacer = new Pacer(WALMART_LIMITS)));
  return pacer;
}

/** getAllItems' `limit`: "It cannot be more than 50 entities" (items definition). */
export const ITEMS_PAGE_SIZE = 50;
/** getAllItems' first page: `nextCursor` defaults to "*" (items definition). */
const FIRST_CURSOR = "*";

const ItemsPageSchema = z.object({
  ItemResponse: z.array(
    z.object({
      sku: z.string().min(1),
      wpid: z.string().optional(),
      gtin: z.string().optional(),
      upc: z.string().optional(),
      productName: z.string().optional(),
      price: z.object({ currency: z.string().optional(), amount: z.number().optional() }).optional(),
      publishedStatus: z.string().optional(),
      unpublishedReasons: z.object({ reason: z.array(z.string()).optional() }).optional(),
      lifecycleStatus: z.string().optional(),
    }),
  ),
  nextCursor: z.string().optional(),
});

const InventorySchema = z.object({ quantity: z.object({ amount: z.number() }).optional() });

async function quantityOf(client: WalmartClient, retry: RetryOptions, sku: string, read: ReadOptions): Promise<number | null> {
  try {
    await pacerOf(client).take();
    await read.beforeCall?.();
    const raw = await withRetry(() => client.request<unknown>({ method: "GET", path: "/v3/inventory", query: { sku } }), retry);
    const parsed = InventorySchema.safeParse(raw);
    return parsed.success && parsed.data.quantity ? Math.max(0, Math.trunc(parsed.data.quantity.amount)) : null;
  } catch (error) {
    // An item set up without inventory yet: listed, no quantity to show.
    if (error instanceof ChannelError && error.details.status === 404) return null;
    throw error;
  }
}

/**
 * Why Walmart does not show the item: unpublishedReasons.reason[] ("It outlines the reason for an
 * item when unpublished, that is, when 'publishedStatus' is set to 'UNPUBLISHED'", items
 * definition), or the status word where it gives none (SYSTEM_PROBLEM); a retired item says so.
 * PUBLISHED, and the in-between IN_PROGRESS and READY_TO_PUBLISH, sell or are about to.
 */
const UNPUBLISHED = new Set(["UNPUBLISHED", "SYSTEM_PROBLEM"]);
function suspensionOf(item: { publishedStatus?: string; unpublishedReasons?: { reason?: string[] }; lifecycleStatus?: string }): string | null {
  if (item.publishedStatus && UNPUBLISHED.has(item.publishedStatus)) {
    const reasons = item.unpublishedReasons?.reason ?? [];
    return reasons.length ? `${item.publishedStatus}: ${reasons.join("; ")}` : item.publishedStatus;
  }
  if (item.lifecycleStatus && item.lifecycleStatus !== "ACTIVE") return `Walmart shows the item ${item.lifecycleStatus}`;
  return null;
}

/**
 * getMultiNodeInventoryForAllSkuAndAllShipNodes, GET /v3/inventories: "The number of items
 * returned. Cannot be more than 50" (inventory definition, limit).
 */
export const INVENTORIES_PAGE_SIZE = 50;

const InventoriesPageSchema = z.object({
  meta: z.object({ nextCursor: z.string().optional() }).optional(),
  elements: z
    .object({
      inventories: z
        .array(z.object({ sku: z.string().min(1), nodes: z.array(z.object({ inputQty: z.object({ amount: z.number() }).optional() })).optional() }))
        .optional(),
    })
    .optional(),
});

function itemsPage(client: WalmartClient, retry: RetryOptions, cursor: string) {
  return withRetry(() => client.request<unknown>({ method: "GET", path: "/v3/items", query: { limit: String(ITEMS_PAGE_SIZE), nextCursor: cursor } }), retry);
}

/** A drift read's place: in the items (price, status) or in the inventories (quantity), at Walmart's cursor. */
const ITEMS_PHASE = "items:";
const INVENTORIES_PHASE = "inventories:";

/**
 * One page of what Walmart shows of the seller's items, for the drift read: first the items pages
 * (price, status and reason; quantity left undefined), then the inventories pages (quantity, the
 * seller's input summed over ship nodes, as pushes set it; the rest left undefined). The token
 * names the phase and Walmart's cursor; null starts the items.
 */
export async function readWalmartObservations(
  client: WalmartClient,
  retry: RetryOptions,
  pageToken: string | null,
  read: ReadOptions = {},
): Promise<ListingPage> {
  await pacerOf(client).take();
  await read.beforeCall?.();
  if (pageToken === null || pageToken.startsWith(ITEMS_PHASE)) {
    const cursor = pageToken?.slice(ITEMS_PHASE.length) || FIRST_CURSOR;
    const parsed = ItemsPageSchema.safeParse(await itemsPage(client, retry, cursor));
    if (!parsed.success) throw new ChannelError(`Walmart's items could not be read: ${parsed.error.message}`, { retryable: false });
    const more = parsed.data.nextCursor && parsed.data.ItemResponse.length > 0;
    return {
      listings: parsed.data.ItemResponse.map((item) => ({ ...shownOf(item), quantity: undefined })),
      next: more ? `${ITEMS_PHASE}${parsed.data.nextCursor}` : INVENTORIES_PHASE,
    };
  }
  if (!pageToken.startsWith(INVENTORIES_PHASE)) throw new Error(`Walmart readListings: ${pageToken} is not a page token this connector gave`);
  const cursor = pageToken.slice(INVENTORIES_PHASE.length);
  const raw = await withRetry(
    () =>
      client.request<unknown>({
        method: "GET",
        path: "/v3/inventories",
        query: { limit: String(INVENTORIES_PAGE_SIZE), ...(cursor ? { nextCursor: cursor } : {}) },
      }),
    retry,
  );
  const parsed = InventoriesPageSchema.safeParse(raw);
  if (!parsed.success) throw new ChannelError(`Walmart's inventories could not be read: ${parsed.error.message}`, { retryable: false });
  const inventories = parsed.data.elements?.inventories ?? [];
  const listings = inventories.map((entry) => {
    const amounts = (entry.nodes ?? []).flatMap((n) => (n.inputQty ? [n.inputQty.amount] : []));
    return { channelSku: entry.sku, quantity: amounts.length ? Math.max(0, Math.trunc(amounts.reduce((sum, a) => sum + a, 0))) : null };
  });
  const next = parsed.data.meta?.nextCursor && inventories.length > 0 ? `${INVENTORIES_PHASE}${parsed.data.meta.nextCursor}` : null;
  return { listings, next };
}

/** What an items page shows of one item: all but its quantity, which Walmart keeps in the Inventory API. */
function shownOf(item: z.infer<typeof ItemsPageSchema>["ItemResponse"][number]): Omit<DiscoveredListing, "quantity"> {
  const amount = item.price?.amount;
  return {
    channelSku: item.sku,
    externalId: item.wpid ?? null,
    gtin: gtinDigits(item.gtin) ?? gtinDigits(item.upc),
    title: item.productName ?? null,
    priceCents: typeof amount === "number" ? Math.round(amount * 100) : null,
    currencyCode: item.price?.currency ?? null,
    status: item.lifecycleStatus ?? item.publishedStatus ?? null,
    suspension: suspensionOf(item),
  };
}

export async function readWalmartListings(client: WalmartClient, retry: RetryOptions, pageToken: string | null, read: ReadOptions = {}): Promise<ListingPage> {
  await pacerOf(client).take();
  await read.beforeCall?.();
  const parsed = ItemsPageSchema.safeParse(await itemsPage(client, retry, pageToken ?? FIRST_CURSOR));
  if (!parsed.success) throw new ChannelError(`Walmart's items could not be read: ${parsed.error.message}`, { retryable: false });
  const listings: DiscoveredListing[] = [];
  for (const item of parsed.data.ItemResponse) listings.push({ ...shownOf(item), quantity: await quantityOf(client, retry, item.sku, read) });
  // The last page has no cursor; one that comes back empty ends the read too, so a cursor Walmart
  // kept handing out could not loop discovery forever.
  const next = parsed.data.nextCursor && parsed.data.ItemResponse.length > 0 ? parsed.data.nextCursor : null;
  return { listings, next };
}
