import type { PrismaClient } from "@prisma/client";
import { NotReadyYet } from "~/lib/errors";
import { logger } from "~/lib/logger.server";
import { ANCHORLINE_SOURCE_NAME, queues as defaultQueues, type Queues, type ShipmentFromShopify } from "~/queues.server";
import { noteChange } from "~/recompute/index.server";
import type { WebhookPayload } from "~/webhooks/payloads";
import { adminClientForShop, type AdminClient } from "./admin-client.server";
import { mirrorShopifyBundles, productBundlesFromShopify } from "./bundles.server";
import { deleteCollections, refreshCollectionFromShopify, refreshProductCollectionsFromShopify, variantIdsOfProducts } from "./collections.server";
import { centsFromDecimal, idFromGid } from "./gid";
import {
  productStatusFrom,
  upsertInventoryItems,
  upsertInventoryLevels,
  upsertLocations,
  upsertProducts,
  upsertVariants,
  type InventoryItemRecord,
  type VariantRecord,
} from "./mirror.server";
import { refreshLevelsFromShopify } from "./level-reads.server";
import { applyParkedInventory, parkInventoryUpdate } from "./parked.server";
import { keepProductImages } from "./product-images.server";
import { productVariantsFromShopify } from "./product-variants.server";
import { holdTagsKey } from "~/lib/hold-tags";
import { watchPromotionReserves } from "~/alerts/promotion-reserve.server";

// Shopify's webhooks applied to the mirror. Each handler changes the mirror, marks exactly the
// listings the change can move, and asks for a recompute. A level or item update that refers to
// something not mirrored yet (a level for a product whose products/create is still in flight) is
// parked in PostgreSQL and applied once it is mirrored (parked.server.ts), however long that takes.

/** The delivery a handler applies: its X-Shopify-Webhook-Id and X-Shopify-Triggered-At (to the microsecond). */
export interface DeliveryMeta {
  webhookId: string;
  triggeredAt: string | null;
}

interface Deps {
  prisma: PrismaClient;
  queues?: Queues;
  /** The Admin API client for what a payload lacks; default: the shop's offline session. */
  adminClientFor?: (shopDomain: string) => Promise<AdminClient>;
  delivery?: DeliveryMeta;
}

const adminClientOf = (deps: Deps, shopDomain: string) => (deps.adminClientFor ?? ((domain: string) => adminClientForShop(domain, deps.prisma)))(shopDomain);

/** Applies what waited for the mirror (parked.server.ts): after anything that mirrors items or locations. */
const applyParked = (shopId: string, shopDomain: string, deps: Deps) =>
  applyParkedInventory(shopId, { prisma: deps.prisma, queues: deps.queues, adminClient: () => adminClientOf(deps, shopDomain) });

/**
 * Keeps a report about an item or location not mirrored yet until it is; applies it at once if
 * it was mirrored meanwhile (its product's handler may have looked for parked reports before this
 * one was parked). Without a delivery to park it by, the job is retried instead.
 */
async function park(shopId: string, shopDomain: string, deps: Deps, report: Parameters<typeof parkInventoryUpdate>[2], what: string) {
  if (!deps.delivery) throw new NotMirroredYet(what);
  await parkInventoryUpdate(shopId, deps.delivery.webhookId, report);
  logger.info({ shop: shopDomain, webhookId: deps.delivery.webhookId, what }, "inventory report parked until it is mirrored");
  await applyParked(shopId, shopDomain, deps);
}

export class NotMirroredYet extends NotReadyYet {
  constructor(what: string) {
    super(`${what} is not in the mirror yet; the delivery will be retried`);
    this.name = "NotMirroredYet";
  }
}

/** The shop's id while it is installed; null for a shop that is unknown or uninstalled. */
async function installedShopId(prisma: PrismaClient, shopDomain: string): Promise<string | null> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, uninstalledAt: true } });
  return shop && !shop.uninstalledAt ? shop.id : null;
}

/** REST payloads give numeric ids that may have lost precision upstream; the GraphQL id never does. */
function exactId(payload: { id: string; admin_graphql_api_id?: unknown }): string {
  return typeof payload.admin_graphql_api_id === "string" ? idFromGid(payload.admin_graphql_api_id) : payload.id;
}

export async function applyInventoryLevelUpdate(shopDomain: string, payload: WebhookPayload<"INVENTORY_LEVELS_UPDATE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  // The level's GraphQL id carries the exact item id: gid://shopify/InventoryLevel/<loc>?inventory_item_id=<item>
  const fromGid = typeof payload.admin_graphql_api_id === "string" ? /inventory_item_id=(\d+)/.exec(payload.admin_graphql_api_id)?.[1] : undefined;
  const level = {
    itemShopifyId: fromGid ?? payload.inventory_item_id,
    locationShopifyId: payload.location_id,
    // Shopify sends null when the item stopped being stocked at the location.
    available: payload.available ?? 0,
    shopifyUpdatedAt: payload.updated_at,
    triggeredAt: deps.delivery?.triggeredAt ?? null,
  };
  const { changes, unresolved, undecided } = await upsertInventoryLevels(shopId, [level]);
  if (unresolved.length) {
    return park(
      shopId,
      shopDomain,
      deps,
      { itemShopifyId: level.itemShopifyId, level },
      `inventory item ${level.itemShopifyId} at location ${level.locationShopifyId}`,
    );
  }
  if (undecided.length) {
    // Same second as the mirror's, another quantity, nothing to order them by: Shopify says which.
    const refreshed = await refreshLevelsFromShopify(await adminClientOf(deps, shopDomain), shopId, [undecided[0].itemShopifyId]);
    logger.info(
      { shop: shopDomain, item: undecided[0].itemShopifyId, corrected: refreshed.changes.length },
      "level report of the mirror's second re-read from Shopify",
    );
    changes.push(...refreshed.changes);
  }
  await noteChange(shopId, { kind: "stock", at: changes }, deps);
  // Stock that fell (a store sale's level, a recount) may leave a running promotion less than its reserve.
  const fell = changes.filter((c) => c.before !== null && c.after < c.before).map((c) => c.variantId);
  if (fell.length > 0) await watchPromotionReserves(deps.prisma, shopId, [...new Set(fell)]);
}

export async function applyInventoryItemUpdate(shopDomain: string, payload: WebhookPayload<"INVENTORY_ITEMS_UPDATE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  const itemId = exactId(payload);
  const item = await deps.prisma.inventoryItem.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: itemId } },
    select: { variant: { select: { shopifyId: true } } },
  });
  if (!item) return park(shopId, shopDomain, deps, { itemShopifyId: itemId }, `inventory item ${itemId}`);
  // Only what the payload carries; the rest stays as mirrored.
  const { changedVariantIds } = await upsertInventoryItems(shopId, [
    {
      shopifyId: itemId,
      variantShopifyId: item.variant.shopifyId,
      sku: payload.sku,
      tracked: payload.tracked,
      costCents: payload.cost === undefined ? undefined : centsFromDecimal(payload.cost),
      requiresShipping: payload.requires_shipping,
    },
  ]);
  await noteChange(shopId, { kind: "catalog", variantIds: changedVariantIds }, deps);
}

type ProductPayload = WebhookPayload<"PRODUCTS_UPDATE">;
type PayloadVariant = ProductPayload["variants"][number];

/** The fields of a payload's variant, each only if the payload carries it. */
function variantFromPayload(v: PayloadVariant, productShopifyId: string): VariantRecord {
  return {
    shopifyId: exactId(v),
    productShopifyId,
    title: v.title,
    sku: v.sku,
    barcode: v.barcode,
    option1: v.option1,
    option2: v.option2,
    option3: v.option3,
    priceCents: v.price === undefined ? undefined : (centsFromDecimal(v.price) ?? undefined),
    compareAtPriceCents: v.compare_at_price === undefined ? undefined : centsFromDecimal(v.compare_at_price),
  };
}

/**
 * The link from a payload's variant to its inventory item, with its SKU. The tracked flag only
 * when an API version before 2026-04 sends `inventory_management` (null: not tracked); never the
 * cost or shipping flag, which no products/* payload carries.
 */
function itemLinkFromPayload(v: PayloadVariant, itemShopifyId: string): InventoryItemRecord {
  return {
    shopifyId: itemShopifyId,
    variantShopifyId: exactId(v),
    sku: v.sku,
    tracked: v.inventory_management === undefined ? undefined : v.inventory_management !== null,
  };
}

/**
 * products/create and products/update. The payload writes what it carries: the product's fields
 * and its first 100 variants. What it lacks is read from the Admin API, never defaulted: the
 * variants past the first 100 (named only in `variant_gids`) and the tracked flag, cost and
 * shipping flag of inventory items the mirror does not hold yet. Items the mirror holds keep them
 * (inventory_items/update brings their changes).
 */
export async function applyProductUpsert(shopDomain: string, payload: ProductPayload, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  const productId = exactId(payload);
  const status = productStatusFrom(payload.status);
  if (status === "UNKNOWN") {
    logger.warn(
      { shop: shopDomain, product: productId, status: payload.status },
      "product status Anchorline does not know: mirrored as UNKNOWN, its listings held at 0",
    );
  }
  const before = await deps.prisma.product.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: productId } }, select: { status: true, tags: true } });
  await upsertProducts(shopId, [
    {
      shopifyId: productId,
      title: payload.title,
      handle: payload.handle,
      vendor: payload.vendor,
      productType: payload.product_type,
      tags:
        payload.tags === undefined
          ? undefined
          : payload.tags
              .split(",")
              .map((t) => t.trim())
              .filter(Boolean),
      status,
      descriptionHtml: payload.body_html,
      shopifyUpdatedAt: payload.updated_at,
    },
  ]);

  const carried = payload.variants.map((v) => variantFromPayload(v, productId));
  const changed = (await upsertVariants(shopId, carried)).repriced;
  const itemIdOf = (v: PayloadVariant) => v.inventory_item_id ?? null;
  const linked = await upsertInventoryItems(
    shopId,
    payload.variants.flatMap((v) => {
      const itemId = itemIdOf(v);
      return itemId === null ? [] : [itemLinkFromPayload(v, itemId)];
    }),
  );
  changed.push(...linked.changedVariantIds);

  // What only the Admin API can tell: variants past the payload's first 100, and new items.
  const inPayload = new Set(carried.map((v) => v.shopifyId));
  const pastPayload = (payload.variant_gids ?? []).filter((g) => !inPayload.has(idFromGid(g.admin_graphql_api_id)));
  const unlinked = payload.variants.filter((v) => itemIdOf(v) === null).map((v) => exactId(v));
  const withoutItem = unlinked.length ? await deps.prisma.variant.count({ where: { shopId, shopifyId: { in: unlinked }, inventoryItem: null } }) : 0;
  if (pastPayload.length > 0 || linked.incomplete.length > 0 || withoutItem > 0) {
    const client = await adminClientOf(deps, shopDomain);
    const fromShopify = await productVariantsFromShopify(client, productId);
    // Null: deleted in Shopify since this payload was sent; its products/delete follows.
    if (fromShopify) {
      changed.push(...(await upsertVariants(shopId, fromShopify.variants)).repriced);
      changed.push(...(await upsertInventoryItems(shopId, fromShopify.items)).changedVariantIds);
    }
  }

  // Shopify's bundles: the payload only says whether the product has one, so its components are
  // read when it does, or when the mirror holds one of its variants as a bundle (it may have stopped).
  const bundles = await refreshProductBundles(shopId, shopDomain, productId, payload.has_variants_that_requires_components === true, deps);
  changed.push(...bundles.changed);

  // A smart collection gains or loses the product when its tags, title, type or vendor change, and
  // Shopify sends no collections/update for that (metadatas/2026-04/collections/update.json): the
  // product's collections are re-read when the shop has a smart collection (one Admin API call a
  // product change). Custom collections' changes come as collections/update; a smart collection
  // created after this re-reads its own products.
  const collectionsMoved = await refreshProductCollections(shopId, shopDomain, productId, deps);

  // The holds a merchant keeps as product tags (anchorline:discontinued, anchorline:release:<day>,
  // lib/hold-tags.ts) hold every variant of the product: a change of them moves all its listings.
  const tagsNow =
    before === null
      ? []
      : ((await deps.prisma.product.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: productId } }, select: { tags: true } }))?.tags ?? []);
  const holdTagsMoved = before !== null && holdTagsKey(before.tags) !== holdTagsKey(tagsNow);

  // A status change (archived, draft, unlisted), a move between collections or a hold tag moves
  // every listing of the product; a price or a tracking switch only its variant's.
  const statusChanged = (before !== null && before.status !== status) || collectionsMoved || holdTagsMoved;
  const all = statusChanged ? await deps.prisma.variant.findMany({ where: { shopId, product: { shopifyId: productId } }, select: { id: true } }) : [];
  await noteChange(shopId, { kind: "catalog", variantIds: statusChanged ? all.map((v) => v.id) : [...new Set(changed)] }, deps);
  // Title, description, images, barcodes: each listing's channel content, recomputed by the
  // recompute job's content step and pushed where it changed.
  const mirrored = await keepProductImages(deps.prisma, shopId, productId, payload.images);
  if (mirrored) await noteChange(shopId, { kind: "content", productIds: [mirrored] }, deps);
  // Levels and item updates of its variants that came before it.
  await applyParked(shopId, shopDomain, deps);
  // A bundle whose components are not all mirrored yet waits (never counted from some of its
  // parts): the delivery is retried, everything above being idempotent, until they are.
  if (bundles.waiting.length > 0) throw new NotMirroredYet(`components of bundle ${bundles.waiting.join(", ")}`);
}

async function refreshProductBundles(shopId: string, shopDomain: string, productShopifyId: string, hasBundles: boolean, deps: Deps) {
  const none = { changed: [], waiting: [] };
  const mirrored = hasBundles ? 0 : await deps.prisma.variant.count({ where: { shopId, shopifyBundle: true, product: { shopifyId: productShopifyId } } });
  if (!hasBundles && mirrored === 0) return none;
  const records = await productBundlesFromShopify(await adminClientOf(deps, shopDomain), productShopifyId);
  // Null: deleted in Shopify since this payload was sent; its products/delete follows.
  return records ? mirrorShopifyBundles(deps.prisma, shopId, records) : none;
}

async function refreshProductCollections(shopId: string, shopDomain: string, productShopifyId: string, deps: Deps): Promise<boolean> {
  if ((await deps.prisma.collection.count({ where: { shopId, smart: true } })) === 0) return false;
  const product = await deps.prisma.product.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: productShopifyId } }, select: { id: true } });
  if (!product) return false;
  return refreshProductCollectionsFromShopify(deps.prisma, await adminClientOf(deps, shopDomain), shopId, { id: product.id, shopifyId: productShopifyId });
}

/**
 * collections/create and collections/update: the payload names the collection, never its products
 * (a product added or removed by hand, or new rules, come as collections/update), so the
 * collection and its products are re-read from the Admin API. The listings of products that joined
 * or left are noted as changed: a rule scoped to the collection now applies to them, or no longer.
 */
export async function applyCollectionUpsert(shopDomain: string, payload: WebhookPayload<"COLLECTIONS_UPDATE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  const moved = await refreshCollectionFromShopify(deps.prisma, await adminClientOf(deps, shopDomain), shopId, exactId(payload));
  await noteChange(shopId, { kind: "catalog", variantIds: await variantIdsOfProducts(deps.prisma, shopId, moved) }, deps);
}

/** collections/delete: the collection leaves the mirror, and its products' listings are recomputed without its rules. */
export async function applyCollectionDelete(shopDomain: string, payload: WebhookPayload<"COLLECTIONS_DELETE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  const moved = await deleteCollections(deps.prisma, shopId, { shopifyIds: [exactId(payload)] });
  await noteChange(shopId, { kind: "catalog", variantIds: await variantIdsOfProducts(deps.prisma, shopId, moved) }, deps);
}

/**
 * products/delete: the product is archived in the mirror, not deleted, so its listings are pushed
 * to zero instead of being forgotten with stock still showing on the marketplaces.
 */
export async function applyProductDelete(shopDomain: string, payload: WebhookPayload<"PRODUCTS_DELETE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  const productId = exactId(payload);
  await deps.prisma.product.updateMany({ where: { shopId, shopifyId: productId }, data: { status: "ARCHIVED" } });
  const variants = await deps.prisma.variant.findMany({ where: { shopId, product: { shopifyId: productId } }, select: { id: true } });
  await noteChange(shopId, { kind: "catalog", variantIds: variants.map((v) => v.id) }, deps);
}

export async function applyLocationUpsert(shopDomain: string, payload: WebhookPayload<"LOCATIONS_UPDATE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  const shopifyId = exactId(payload);
  const before = await deps.prisma.location.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { isActive: true } });
  const isActive = payload.active !== false;
  await upsertLocations(deps.prisma, shopId, [{ shopifyId, name: payload.name, isActive }]);
  if (before && before.isActive !== isActive) await markLocationListingsStale(deps, shopId, shopifyId);
  // Levels at it that came before it.
  if (!before) await applyParked(shopId, shopDomain, deps);
}

export async function applyLocationDelete(shopDomain: string, payload: WebhookPayload<"LOCATIONS_DELETE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
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
  await noteChange(shopId, { kind: "catalog", variantIds: stocked.map((l) => l.inventoryItem.variantId) }, deps);
}

/** orders/create: units sold in the Shopify store, the input of sales velocity. */
export async function recordShopifyOrder(shopDomain: string, payload: WebhookPayload<"ORDERS_CREATE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  // A marketplace order Anchorline created in Shopify: its sale is counted on its marketplace already.
  if (payload.source_name === ANCHORLINE_SOURCE_NAME) return;
  const orderId = exactId(payload);
  const quantities = new Map<string, number>();
  for (const line of payload.line_items) {
    if (line.variant_id) quantities.set(line.variant_id, (quantities.get(line.variant_id) ?? 0) + line.quantity);
  }
  const variants = await deps.prisma.variant.findMany({ where: { shopId, shopifyId: { in: [...quantities.keys()] } }, select: { id: true, shopifyId: true } });
  const counted = await deps.prisma.sale.createMany({
    data: variants.map((v) => ({
      shopId,
      variantId: v.id,
      quantity: quantities.get(v.shopifyId)!,
      soldAt: new Date(payload.created_at),
      sourceKey: `shopify-order:${orderId}`,
    })),
    skipDuplicates: true,
  });
  // The store's sale is demand every velocity buffer of these variants counts (decision 0019); its
  // inventory_levels/update may have been applied before this order arrived, or not reach them.
  if (counted.count > 0) await noteChange(shopId, { kind: "sales", variantIds: variants.map((v) => v.id) }, deps);
  // A store sale takes units a running promotion's reserve may be counting on (alerts/promotion-reserve).
  if (counted.count > 0)
    await watchPromotionReserves(
      deps.prisma,
      shopId,
      variants.map((v) => v.id),
    );
}

/**
 * fulfillments/create and /update: the merchant shipped a marketplace order from Shopify. The
 * shipment is queued for its marketplace (the order-import worker sends it, paced and retried);
 * fulfilments of the store's own orders are none of Anchorline's business.
 */
export async function queueShipmentForMarketplace(shopDomain: string, payload: WebhookPayload<"FULFILLMENTS_CREATE">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  const order = await deps.prisma.channelOrder.findFirst({ where: { shopId, shopifyOrderId: payload.order_id }, select: { id: true, channelId: true } });
  const trackingNumber = payload.tracking_number ?? payload.tracking_numbers?.[0] ?? null;
  // A fulfilment without tracking yet is told when its update brings the number.
  if (!order || !trackingNumber) return;
  const shipment: ShipmentFromShopify = {
    fulfillmentId: exactId(payload),
    carrier: payload.tracking_company ?? "Other",
    trackingNumber,
    trackingUrl: payload.tracking_url ?? null,
    lines: payload.line_items.flatMap((l) => (l.sku ? [{ sku: l.sku, quantity: l.quantity }] : [])),
  };
  await (deps.queues ?? defaultQueues())["order-import"].add(
    "ship-back",
    { channelId: order.channelId, shipOrderId: order.id, shipment },
    { jobId: `ship-back-${order.id}-${shipment.fulfillmentId}-${trackingNumber.replace(/[^A-Za-z0-9]/g, "")}` },
  );
}

/** orders/cancelled: a marketplace order cancelled in Shopify is cancelled on its marketplace, where its API allows. */
export async function queueCancellationForMarketplace(shopDomain: string, payload: WebhookPayload<"ORDERS_CANCELLED">, deps: Deps) {
  const shopId = await installedShopId(deps.prisma, shopDomain);
  if (!shopId) return;
  const order = await deps.prisma.channelOrder.findFirst({
    where: { shopId, shopifyOrderId: exactId(payload) },
    select: { id: true, channelId: true, cancelledAt: true },
  });
  // Cancelled on the marketplace first (the import cancelled it here): nothing to pass back.
  if (!order || order.cancelledAt) return;
  await (deps.queues ?? defaultQueues())["order-import"].add(
    "cancel-back",
    { channelId: order.channelId, cancelOrderId: order.id, cancelReason: payload.cancel_reason ?? "other" },
    { jobId: `cancel-back-${order.id}` },
  );
}
