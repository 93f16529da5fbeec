// The shop's existing TikTok Shop products, for listing discovery: one page of Search Products
// (POST /product/202309/products/search, 100 products a page), one listing per SKU. A TikTok
// listing's channelSku is TikTok's SKU id and its externalId the product id (pushes.ts), so the
// seller's own SKU goes in sellerSku for linking. Search Products "will only return the key
// product properties" (the SDK's ProductsSearchPost): a SKU's barcode (identifier_code) is only in
// Get Product, read once per product of the page; the drift read, which needs no barcode, reads it
// only for a product that does not sell (for the audit's reasons), a call per 100 products. The read paces itself at the module's rate
// (limits.ts: 10 a second, burst 20), and every call is retried when TikTok throttles it anyway.
import { z } from "zod";
import { ChannelError, type DiscoveredListing, type ListingPage, type ReadOptions } from "../connector";
import { gtinDigits } from "../gtin";
import { fromAmount } from "../money";
import { Pacer } from "../pacer";
import { withRetry, type RetryOptions } from "../retry";
import type { TikTokClient } from "./client";
import { PATHS, PRODUCTS_PAGE_SIZE, TIKTOK_LIMITS } from "./limits";

/** One pacer per connector (its client), shared by its pages. */
const pacers = new WeakMap<TikTokClient, Pacer>();
function pacerOf(client: TikTokClient): Pacer {
  let pacer = pacers.get(client);
  if (!pacer) pacers.set(client, (pacer = new Pacer(TIKTOK_LIMITS)));
  return pacer;
}

/** Product202309SearchProductsResponseData of TikTok's SDK: the fields read here. */
const SearchPage = z.object({
  products: z
    .array(
      z.object({
        id: z.string().min(1),
        title: z.string().optional(),
        status: z.string().optional(),
        skus: z
          .array(
            z.object({
              id: z.string().min(1),
              seller_sku: z.string().optional(),
              // tax_exclusive_price: "The SKU's selling price, exclusive of tax"; sale_price only for cross-border sellers from China.
              price: z.object({ currency: z.string().optional(), tax_exclusive_price: z.string().optional(), sale_price: z.string().optional() }).optional(),
              inventory: z.array(z.object({ quantity: z.number().int().optional() })).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  next_page_token: z.string().optional(),
});
type SearchedProduct = NonNullable<z.infer<typeof SearchPage>["products"]>[number];
type SearchedSku = NonNullable<SearchedProduct["skus"]>[number];

/** Get Product's SKUs, for `identifier_code { code, type }` (GTIN, EAN, UPC, ISBN, JAN). */
const ProductDetail = z.object({
  // Product202309GetProductResponseDataAuditFailedReasons: why the audit failed (or the platform deactivated it).
  audit_failed_reasons: z.array(z.object({ reasons: z.array(z.string()).optional() })).optional(),
  skus: z.array(z.object({ id: z.string(), identifier_code: z.object({ code: z.string().optional() }).optional() })).optional(),
});

/** A product TikTok deleted can no longer be sold nor pushed to: nothing to link. */
const GONE = "DELETED";

/**
 * Search Products' statuses of a product buyers cannot buy ("DRAFT, PENDING, FAILED, ACTIVATE,
 * SELLER_DEACTIVATED, PLATFORM_DEACTIVATED, FREEZE, DELETED": the SDK's
 * Product202309SearchProductsResponseDataProducts). DRAFT and PENDING are not yet listed, not suspended.
 */
const NOT_SELLING = new Set(["FAILED", "SELLER_DEACTIVATED", "PLATFORM_DEACTIVATED", "FREEZE"]);

function suspensionOf(status: string | undefined, auditReasons: string[]): string | null {
  if (!status || !NOT_SELLING.has(status)) return null;
  return auditReasons.length ? `${status}: ${auditReasons.join("; ")}` : status;
}

/** What Get Product adds to a search page: each SKU's barcode, by SKU id, and the audit's reasons. */
interface ProductDetails {
  barcodes: Map<string, string>;
  auditReasons: string[];
}

/** Each SKU's barcode, by SKU id, and why the audit failed, from Get Product. */
async function detailsOf(client: TikTokClient, retry: RetryOptions, productId: string, read: ReadOptions): Promise<ProductDetails> {
  await pacerOf(client).take();
  await read.beforeCall?.();
  const raw = await withRetry(() => client.request<unknown>({ method: "GET", path: PATHS.product(productId) }), retry);
  const detail = ProductDetail.safeParse(raw);
  if (!detail.success) throw new ChannelError(`TikTok Shop's product ${productId} could not be read: ${detail.error.message}`, { retryable: false });
  const barcodes = new Map<string, string>();
  for (const sku of detail.data.skus ?? []) {
    const gtin = gtinDigits(sku.identifier_code?.code);
    if (gtin) barcodes.set(sku.id, gtin);
  }
  return { barcodes, auditReasons: (detail.data.audit_failed_reasons ?? []).flatMap((r) => r.reasons ?? []) };
}

function discovered(product: SearchedProduct, sku: SearchedSku, { barcodes, auditReasons }: ProductDetails): DiscoveredListing {
  const amount = sku.price?.tax_exclusive_price ?? sku.price?.sale_price;
  const priceCents = fromAmount({ value: amount, currency: sku.price?.currency });
  const quantities = (sku.inventory ?? []).map((i) => i.quantity).filter((q): q is number => q !== undefined);
  return {
    channelSku: sku.id,
    sellerSku: sku.seller_sku || null,
    externalId: product.id,
    gtin: barcodes.get(sku.id) ?? null,
    title: product.title ?? null,
    // Every warehouse's units: what pushQuantities sets (it names no warehouse).
    quantity: quantities.length ? quantities.reduce((sum, q) => sum + q, 0) : null,
    priceCents,
    currencyCode: priceCents === null ? null : (sku.price?.currency ?? null),
    status: product.status ?? null,
    suspension: suspensionOf(product.status, auditReasons),
  };
}

/** One page of the shop's products (every status but DELETED), a listing per SKU. The token is TikTok's next_page_token. */
export async function readListings(
  client: TikTokClient,
  retry: RetryOptions,
  pageToken: string | null,
  pageSize = PRODUCTS_PAGE_SIZE,
  read: ReadOptions = {},
): Promise<ListingPage> {
  const query: Record<string, string> = {
    page_size: String(Math.min(Math.max(1, pageSize), PRODUCTS_PAGE_SIZE)),
    ...(pageToken ? { page_token: pageToken } : {}),
  };
  await pacerOf(client).take();
  await read.beforeCall?.();
  const raw = await withRetry(() => client.request<unknown>({ method: "POST", path: PATHS.productsSearch, query, body: { status: "ALL" } }), retry);
  const page = SearchPage.safeParse(raw);
  if (!page.success) throw new ChannelError(`TikTok Shop's product search could not be read: ${page.error.message}`, { retryable: false });
  const listings: DiscoveredListing[] = [];
  const identifiers = read.withIdentifiers ?? true;
  for (const product of page.data.products ?? []) {
    if (product.status === GONE || !product.skus?.length) continue;
    // The search answer holds what TikTok shows (quantity, price, status); Get Product adds the
    // barcodes discovery links by and the audit's reasons, so a read without identifiers makes it
    // only for a product that does not sell, for TikTok's reason.
    const details =
      identifiers || NOT_SELLING.has(product.status ?? "")
        ? await detailsOf(client, retry, product.id, read)
        : { barcodes: new Map<string, string>(), auditReasons: [] };
    for (const sku of product.skus) listings.push(discovered(product, sku, details));
  }
  return { listings, next: page.data.next_page_token || null };
}
