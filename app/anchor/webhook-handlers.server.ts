import type { PrismaClient } from "@prisma/client";
import type { Queues } from "~/queues.server";
import type { WebhookPayload } from "~/webhooks/payloads";
import { applyProductContentChange } from "~/content/content.server";
import { centsFromDecimal, idFromGid } from "./gid";
import { upsertInventoryItems, upsertInventoryLevels, upsertLocations, upsertProducts, upsertVariants } from "./mirror.server";
import { markStockChangeStale, markVariantsStale, requestRecompute } from "./stale.server";

// Shopify's webhooks applied to the mirror. Each handler changes the mirror, marks exactly the
// listings the change can move, and asks for a recompute. A delivery that refers to something not
// mirrored yet (a level for a product whose products/create is still in flight) throws, so the
// job is retried with backoff rather than dropped.

interface Deps {
  prisma: PrismaClient;
  queues?: Queues;
}

export class NotMirroredYet extends Error {
  constructor(what: string) {
    super(`${what} is not in the mirror yet; the delivery will be retried`);
    this.name = "NotMirroredYet";
  }
}

async function shopIdOf(prisma: PrismaClient, shopDomain: string): Promise<string | null> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, uninstalledAt: true } });
  return shop && !shop.uninstalledAt ? shop.id : null;
}

/** REST payloads give numeric ids that may have lost precision upstream; the GraphQL id never does. */
function exactId(payload: { id: string; admin_graphql_api_id?: unknown }): string {
  return typeof payload.admin_graphql_api_id === "string" ? idFromGid(payload.admin_graphql_api_id) : payload.id;
}

async function afterChange(deps: Deps, shopId: string, marked: number) {
  if (marked > 0) await requestRecompute(shopId, deps.queues);
}

export async function applyInventoryLevelUpdate(shopDomain: string, payload: WebhookPayload<"INVENTORY_LEVELS_UPDATE">, deps: Deps) {
  const shopId = await shopIdOf(deps.prisma, shopDomain);
  if (!shopId) return;
  // The level's GraphQL id carries the exact item id: gid://shopify/InventoryLevel/<loc>?inventory_item_id=<item>
  const fromGid = typeof payload.admin_graphql_api_id === "string" ? /inventory_item_id=(\d+)/.exec(payload.admin_graphql_api_id)?.[1] : undefined;
  const { changes, unresolved } = await upsertInventoryLevels(shopId, [
    {
      itemShopifyId: fromGid ?? payload.inventory_item_id,
      locationShopifyId: payload.location_id,
      // Shopify sends null when the item stopped being stocked at the location.
      available: payload.available ?? 0,
      shopifyUpdatedAt: payload.updated_at,
    },
  ]);
  if (unresolved.length) throw new NotMirroredYet(`inventory item ${payload.inventory_item_id} at location ${payload.location_id}`);
  let marked = 0;
  for (const change of changes) marked += await markStockChangeStale(deps.prisma, shopId, [change.variantId], change.locationId);
  await afterChange(deps, shopId, marked);
}

export async function applyInventoryItemUpdate(shopDomain: string, payload: WebhookPayload<"INVENTORY_ITEMS_UPDATE">, deps: Deps) {
  const shopId = await shopIdOf(deps.prisma, shopDomain);
  if (!shopId) return;
  const itemId = exactId(payload);
  const item = await deps.prisma.inventoryItem.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: itemId } }, include: { variant: { select: { shopifyId: true } } } });
  if (!item) throw new NotMirroredYet(`inventory item ${itemId}`);
  const { changedVariantIds } = await upsertInventoryItems(shopId, [
    {
      shopifyId: itemId,
      variantShopifyId: item.variant.shopifyId,
      sku: payload.sku ?? item.sku,
      tracked: payload.tracked ?? item.tracked,
      costCents: "cost" in payload ? centsFromDecimal(payload.cost as string | null) : item.costCents,
      requiresShipping: typeof payload.requires_shipping === "boolean" ? payload.requires_shipping : item.requiresShipping,
    },
  ]);
  await afterChange(deps, shopId, await markVariantsStale(deps.prisma, shopId, changedVariantIds));
}

type RestProduct = WebhookPayload<"PRODUCTS_UPDATE">;

export async function applyProductUpsert(shopDomain: string, payload: RestProduct, deps: Deps) {
  const shopId = await shopIdOf(deps.prisma, shopDomain);
  if (!shopId) return;
  const productId = exactId(payload);
  const status = String(payload.status ?? "active").toUpperCase();
  await upsertProducts(shopId, [
    {
      shopifyId: productId,
      title: payload.title,
      handle: (payload.handle as string | undefined) ?? null,
      vendor: (payload.vendor as string | undefined) ?? null,
      productType: (payload.product_type as string | undefined) ?? null,
      tags: typeof payload.tags === "string" ? payload.tags.split(",").map((t) => t.trim()).filter(Boolean) : [],
      status: status === "DRAFT" || status === "ARCHIVED" ? status : "ACTIVE",
      descriptionHtml: (payload.body_html as string | undefined) ?? null,
      shopifyUpdatedAt: (payload.updated_at as string | undefined) ?? null,
    },
  ]);
  const variants = payload.variants.map((v) => ({
    shopifyId: exactId(v as { id: string; admin_graphql_api_id?: unknown }),
    productShopifyId: productId,
    title: String(v.title ?? ""),
    sku: (v.sku as string | null | undefined) ?? null,
    barcode: (v.barcode as string | null | undefined) ?? null,
    option1: (v.option1 as string | null | undefined) ?? null,
    option2: (v.option2 as string | null | undefined) ?? null,
    option3: (v.option3 as string | null | undefined) ?? null,
    priceCents: centsFromDecimal(v.price as string) ?? 0,
    compareAtPriceCents: centsFromDecimal(v.compare_at_price as string | null),
  }));
  const { repriced } = await upsertVariants(shopId, variants);
  // Variants that name their inventory item get it linked (or relinked) here.
  const items = payload.variants
    .filter((v) => v.inventory_item_id !== null && v.inventory_item_id !== undefined)
    .map((v) => ({
      shopifyId: String(v.inventory_item_id),
      variantShopifyId: exactId(v as { id: string; admin_graphql_api_id?: unknown }),
      sku: (v.sku as string | null | undefined) ?? null,
      tracked: v.inventory_management === undefined ? true : v.inventory_management !== null,
    }));
  await upsertInventoryItems(shopId, items);
  // A status change (archived, draft) moves every listing of the product; a price only its variant's.
  const all = await deps.prisma.variant.findMany({ where: { shopId, product: { shopifyId: productId } }, select: { id: true } });
  await afterChange(deps, shopId, await markVariantsStale(deps.prisma, shopId, status === "ACTIVE" ? repriced : all.map((v) => v.id)));
  // Title, description, images, barcodes: each listing's channel content, pushed where it changed.
  await applyProductContentChange(deps.prisma, shopId, productId, { images: payload.images }, { queues: deps.queues });
}

/**
 * products/delete: the product is archived in the mirror, not deleted, so its listings are pushed
 * to zero instead of being forgotten with stock still showing on the marketplaces.
 */
export async function applyProductDelete(shopDomain: string, payload: WebhookPayload<"PRODUCTS_DELETE">, deps: Deps) {
  const shopId = await shopIdOf(deps.prisma, shopDomain);
  if (!shopId) return;
  const productId = exactId(payload);
  await deps.prisma.product.updateMany({ where: { shopId, shopifyId: productId }, data: { status: "ARCHIVED" } });
  const variants = await deps.prisma.variant.findMany({ where: { shopId, product: { shopifyId: productId } }, select: { id: true } });
  await afterChange(deps, shopId, await markVariantsStale(deps.prisma, shopId, variants.map((v) => v.id)));
}

export async function applyLocationUpsert(shopDomain: string, payload: WebhookPayload<"LOCATIONS_UPDATE">, deps: Deps) {
  const shopId = await shopIdOf(deps.prisma, shopDomain);
  if (!shopId) return;
  const shopifyId = exactId(payload);
  const before = await deps.prisma.location.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { isActive: true } });
  const isActive = payload.active !== false;
  await upsertLocations(deps.prisma, shopId, [{ shopifyId, name: payload.name, isActive }]);
  if (before && before.isActive !== isActive) await markLocationListingsStale(deps, shopId, shopifyId);
}

export async function applyLocationDelete(shopDomain: string, payload: WebhookPayload<"LOCATIONS_DELETE">, deps: Deps) {
  const shopId = await shopIdOf(deps.prisma, shopDomain);
  if (!shopId) return;
  const shopifyId = exactId(payload);
  // Mark before deleting: the levels that say which variants were stocked there go with it.
  await markLocationListingsStale(deps, shopId, shopifyId);
  await deps.prisma.location.deleteMany({ where: { shopId, shopifyId } });
}

async function markLocationListingsStale(deps: Deps, shopId: string, locationShopifyId: string) {
  const location = await deps.prisma.location.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: locationShopifyId } }, select: { id: true } });
  if (!location) return;
  const stocked = await deps.prisma.inventoryLevel.findMany({ where: { locationId: location.id }, select: { inventoryItem: { select: { variantId: true } } } });
  await afterChange(deps, shopId, await markVariantsStale(deps.prisma, shopId, stocked.map((l) => l.inventoryItem.variantId)));
}

/** orders/create: units sold in the Shopify store, the input of sales velocity. */
export async function recordShopifyOrder(shopDomain: string, payload: WebhookPayload<"ORDERS_CREATE">, deps: Deps) {
  const shopId = await shopIdOf(deps.prisma, shopDomain);
  if (!shopId) return;
  const orderId = exactId(payload);
  const quantities = new Map<string, number>();
  for (const line of payload.line_items) {
    if (line.variant_id) quantities.set(line.variant_id, (quantities.get(line.variant_id) ?? 0) + line.quantity);
  }
  const variants = await deps.prisma.variant.findMany({ where: { shopId, shopifyId: { in: [...quantities.keys()] } }, select: { id: true, shopifyId: true } });
  await deps.prisma.sale.createMany({
    data: variants.map((v) => ({ shopId, variantId: v.id, quantity: quantities.get(v.shopifyId)!, soldAt: new Date(payload.created_at), sourceKey: `shopify-order:${orderId}` })),
    skipDuplicates: true,
  });
}
