// Read resolvers: shop, locations, products, variants, inventory items and levels, node/nodes.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { sellable } from "../catalog";
import { compareIds, gid, parseGid } from "../ids";
import { searchFilter, type SearchFields } from "../search";
import { collectionProducts, hasBundleVariants, quantityOf, QUANTITY_NAMES, type ShopState } from "../store";
import type { CollectionRec, InventoryItemRec, LevelView, LocationRec, NodeRec, ProductRec, VariantComponentRec, VariantRec } from "../types";
import { connection, pathOf, type ConnectionArgs } from "./connection";
import { isoTime, type ResolverContext, type ResolverMap } from "./context";
import { findFulfillment, findOrder, requireScope } from "./orders";

const byId = (r: { id: string }) => r.id;
const timestamps = {
  createdAt: (r: { createdAt: number }) => isoTime(r.createdAt),
  updatedAt: (r: { updatedAt: number }) => isoTime(r.updatedAt),
};
const common = { ...timestamps, legacyResourceId: (r: { id: string }) => r.id };

const dateField = <T extends { updatedAt: number; createdAt: number }>(): SearchFields<T> => ({
  updated_at: { kind: "date", get: (r) => r.updatedAt },
  created_at: { kind: "date", get: (r) => r.createdAt },
  id: { kind: "id", get: (r) => (r as unknown as { id: string }).id },
});
const productFields: SearchFields<ProductRec> = {
  ...dateField<ProductRec>(),
  title: { kind: "text", get: (p) => p.title },
  status: { kind: "text", get: (p) => p.status },
  vendor: { kind: "text", get: (p) => p.vendor },
  handle: { kind: "text", get: (p) => p.handle },
  product_type: { kind: "text", get: (p) => p.productType },
};
const variantFields: SearchFields<VariantRec> = {
  ...dateField<VariantRec>(),
  sku: { kind: "text", get: (v) => v.sku },
  barcode: { kind: "text", get: (v) => v.barcode },
  title: { kind: "text", get: (v) => v.title },
  product_id: { kind: "id", get: (v) => v.product.id },
};
const collectionFields: SearchFields<CollectionRec> = {
  ...dateField<CollectionRec>(),
  title: { kind: "text", get: (c) => c.title },
  handle: { kind: "text", get: (c) => c.handle },
  collection_type: { kind: "text", get: (c) => (c.ruleSet ? "smart" : "custom") },
};
const itemFields: SearchFields<InventoryItemRec> = { ...dateField<InventoryItemRec>(), sku: { kind: "text", get: (i) => i.sku } };
const locationFields: SearchFields<LocationRec> = {
  ...dateField<LocationRec>(),
  name: { kind: "text", get: (l) => l.name },
  active: { kind: "text", get: (l) => String(l.isActive) },
};

/** The level of an item at a location; an inactive one (2026-10) only when asked for. */
export function levelView(item: InventoryItemRec, location: LocationRec, includeInactive = false): LevelView | null {
  const level = item.levels[location.slot];
  return level && (includeInactive || !level.inactive) ? { __typename: "InventoryLevel", item, location, level } : null;
}

export const levelGid = (v: { item: { id: string }; location: { id: string } }) => gid("InventoryLevel", v.location.id, `inventory_item_id=${v.item.id}`);

function badId(value: string, info: GraphQLResolveInfo): never {
  throw new GraphQLError(`Invalid global id '${value}'`, {
    nodes: info.fieldNodes,
    path: pathOf(info),
    extensions: { code: "argumentLiteralsIncompatible", typeName: "CoercionError" },
  });
}

/** Resolves any supported GID in the shop, or null. Malformed GIDs are an error, as in Shopify. */
export function findNode(shop: ShopState, value: string, info: GraphQLResolveInfo): NodeRec | null {
  const p = parseGid(value);
  if (!p) badId(value, info);
  switch (p.type) {
    case "Location":
    case "Product":
    case "Collection":
    case "ProductVariant":
    case "InventoryItem": {
      const r = shop.byId.get(p.id);
      return r && r.__typename === p.type ? r : null;
    }
    case "InventoryLevel": {
      const location = shop.byId.get(p.id);
      const item = shop.byId.get(p.params.get("inventory_item_id") ?? "");
      return location?.__typename === "Location" && item?.__typename === "InventoryItem" ? levelView(item, location, true) : null;
    }
    case "InventoryAdjustmentGroup":
      return shop.adjustmentGroups.get(p.id) ?? null;
    case "BulkOperation":
      return shop.bulkOperations.find((b) => b.id === p.id) ?? null;
    case "Order":
      requireScope(shop, info, "read_orders");
      return findOrder(shop, value);
    case "Fulfillment":
      requireScope(shop, info, "read_orders");
      return findFulfillment(shop, value);
    default:
      return null;
  }
}

function typed<T extends NodeRec["__typename"]>(shop: ShopState, value: string, type: T, info: GraphQLResolveInfo): Extract<NodeRec, { __typename: T }> | null {
  const n = findNode(shop, value, info);
  return n && n.__typename === type ? (n as Extract<NodeRec, { __typename: T }>) : null;
}

function levelsOfItem(item: InventoryItemRec, shop: ShopState, includeInactive: boolean): LevelView[] {
  const out: LevelView[] = [];
  for (const location of shop.locations) {
    const v = levelView(item, location, includeInactive);
    if (v) out.push(v);
  }
  return out;
}

export const catalogResolvers: ResolverMap = {
  QueryRoot: {
    shop: (_s, _a, ctx: ResolverContext) => ctx.shop,
    locations: (_s, args: ConnectionArgs & { query?: string; includeInactive?: boolean }, ctx, info) => {
      const search = searchFilter(args.query, locationFields, "name");
      return connection(ctx.shop.locations, args, ctx, info, {
        key: byId,
        filter: (l) => (args.includeInactive || l.isActive) && (!search || search(l)),
      });
    },
    location: (_s, args: { id?: string | null }, ctx, info) =>
      args.id == null ? (ctx.shop.locations.find((l) => l.isActive) ?? null) : typed(ctx.shop, args.id, "Location", info),
    products: (_s, args: ConnectionArgs & { query?: string }, ctx, info) =>
      connection(ctx.shop.products, args, ctx, info, { key: byId, filter: searchFilter(args.query, productFields, "title") }),
    product: (_s, args: { id: string }, ctx, info) => typed(ctx.shop, args.id, "Product", info),
    collections: (_s, args: ConnectionArgs & { query?: string }, ctx, info) =>
      connection(ctx.shop.collections, args, ctx, info, { key: byId, filter: searchFilter(args.query, collectionFields, "title") }),
    collection: (_s, args: { id: string }, ctx, info) => typed(ctx.shop, args.id, "Collection", info),
    collectionByHandle: (_s, args: { handle: string }, ctx) => ctx.shop.collections.find((c: CollectionRec) => c.handle === args.handle) ?? null,
    productVariants: (_s, args: ConnectionArgs & { query?: string }, ctx, info) =>
      connection(ctx.shop.variants, args, ctx, info, { key: byId, filter: searchFilter(args.query, variantFields, "title") }),
    productVariant: (_s, args: { id: string }, ctx, info) => typed(ctx.shop, args.id, "ProductVariant", info),
    inventoryItems: (_s, args: ConnectionArgs & { query?: string }, ctx, info) =>
      connection(ctx.shop.items, args, ctx, info, { key: byId, filter: searchFilter(args.query, itemFields, "sku") }),
    inventoryItem: (_s, args: { id: string }, ctx, info) => typed(ctx.shop, args.id, "InventoryItem", info),
    inventoryLevel: (_s, args: { id: string }, ctx, info) => typed(ctx.shop, args.id, "InventoryLevel", info),
    node: (_s, args: { id: string }, ctx, info) => findNode(ctx.shop, args.id, info),
    nodes: (_s, args: { ids: string[] }, ctx, info) => {
      if (args.ids.length > 250) throw new GraphQLError("The ids argument accepts at most 250 ids", { nodes: info.fieldNodes });
      return args.ids.map((id) => findNode(ctx.shop, id, info));
    },
  },
  Shop: {
    id: (s: ShopState) => gid("Shop", s.id),
    myshopifyDomain: (s: ShopState) => s.domain,
    url: (s: ShopState) => `https://${s.domain}`,
    email: (s: ShopState) => `owner@${s.domain}`,
    contactEmail: (s: ShopState) => `owner@${s.domain}`,
    ianaTimezone: () => "Europe/Berlin",
    timezoneAbbreviation: () => "CET",
    weightUnit: () => "KILOGRAMS",
    enabledPresentmentCurrencies: (s: ShopState) => [s.currencyCode],
  },
  Location: {
    ...common,
    id: (l: LocationRec) => gid("Location", l.id),
    isPrimary: (l: LocationRec, _a, ctx) => ctx.shop.locations.find((x: LocationRec) => x.isActive) === l,
    shipsInventory: (l: LocationRec) => l.isActive,
    hasActiveInventory: (l: LocationRec, _a, ctx) => ctx.shop.items.some((i: InventoryItemRec) => levelView(i, l)),
    isFulfillmentService: () => false,
    fulfillmentService: () => null,
    activatable: (l: LocationRec) => !l.isActive,
    deactivatable: (l: LocationRec) => l.isActive,
    deletable: (l: LocationRec) => !l.isActive,
    deactivatedAt: (l: LocationRec) => (l.isActive ? null : isoTime(l.updatedAt)),
    addressVerified: () => true,
    hasUnfulfilledOrders: () => false,
    address: (l: LocationRec) => ({
      address1: l.address1,
      address2: null,
      city: l.city,
      country: l.countryCode === "DE" ? "Germany" : l.countryCode,
      countryCode: l.countryCode,
      zip: l.zip,
      province: null,
      provinceCode: null,
      phone: null,
      latitude: null,
      longitude: null,
      formatted: [l.address1, `${l.zip} ${l.city}`, l.countryCode],
    }),
    inventoryLevels: (l: LocationRec, args: ConnectionArgs & { includeInactive?: boolean }, ctx, info) =>
      connection(ctx.shop.items, args, ctx, info, {
        key: byId,
        filter: (i: InventoryItemRec) => levelView(i, l, args.includeInactive) !== null,
        map: (i: InventoryItemRec) => levelView(i, l, args.includeInactive),
      }),
    inventoryLevel: (l: LocationRec, args: { inventoryItemId: string; includeInactive: boolean }, ctx, info) => {
      const item = typed(ctx.shop, args.inventoryItemId, "InventoryItem", info);
      return item ? levelView(item, l, args.includeInactive) : null;
    },
  },
  Product: {
    ...common,
    id: (p: ProductRec) => gid("Product", p.id),
    variants: (p: ProductRec, args: ConnectionArgs, ctx, info) => connection(p.variants, args, ctx, info, { key: byId }),
    collections: (p: ProductRec, args: ConnectionArgs & { query?: string }, ctx, info) => {
      const search = searchFilter(args.query, collectionFields, "title");
      return connection(ctx.shop.collections, args, ctx, info, {
        key: byId,
        filter: (c: CollectionRec) => collectionProducts(ctx.shop, c).includes(p) && (!search || search(c)),
      });
    },
    inCollection: (p: ProductRec, args: { id: string }, ctx, info) => {
      const collection = typed(ctx.shop, args.id, "Collection", info);
      return collection !== null && collectionProducts(ctx.shop, collection).includes(p);
    },
    variantsCount: (p: ProductRec) => ({ count: p.variants.length, precision: "EXACT" }),
    totalVariants: (p: ProductRec) => p.variants.length,
    totalInventory: (p: ProductRec) => p.variants.reduce((sum, v) => sum + v.inventoryItem.levels.reduce((s, l) => s + (l?.available ?? 0), 0), 0),
    tracksInventory: () => true,
    hasOnlyDefaultVariant: (p: ProductRec) => p.variants.length === 1,
    hasVariantsThatRequiresComponents: (p: ProductRec) => hasBundleVariants(p),
    hasOutOfStockVariants: (p: ProductRec) => p.variants.some((v) => v.inventoryItem.levels.every((l) => !l || l.available <= 0)),
    description: () => "",
    descriptionHtml: () => "",
    bodyHtml: () => "",
    isGiftCard: () => false,
    publishedAt: (p: ProductRec) => (sellable(p.status) ? isoTime(p.createdAt) : null),
    onlineStoreUrl: () => null,
    templateSuffix: () => null,
    options: (p: ProductRec) => [
      { id: gid("Product", p.id, "option=size"), name: "Size", position: 1, values: [...new Set(p.variants.map((v) => v.title.split(" / ")[0]))] },
      { id: gid("Product", p.id, "option=color"), name: "Color", position: 2, values: [...new Set(p.variants.map((v) => v.title.split(" / ")[1]))] },
    ],
  },
  Collection: {
    ...common,
    id: (c: CollectionRec) => gid("Collection", c.id),
    description: () => "",
    descriptionHtml: () => "",
    templateSuffix: () => null,
    // The admin's defaults: a custom collection in manual order, a smart one by best selling.
    sortOrder: (c: CollectionRec) => (c.ruleSet ? "BEST_SELLING" : "MANUAL"),
    ruleSet: (c: CollectionRec) => c.ruleSet,
    products: (c: CollectionRec, args: ConnectionArgs, ctx, info) => {
      const members = collectionProducts(ctx.shop, c);
      // Pages by id (cursors name the last id), whatever order the products were added in.
      return connection(c.ruleSet ? members : [...members].sort((a, b) => compareIds(a.id, b.id)), args, ctx, info, { key: byId });
    },
    productsCount: (c: CollectionRec, _a, ctx) => ({ count: collectionProducts(ctx.shop, c).length, precision: "EXACT" }),
    hasProduct: (c: CollectionRec, args: { id: string }, ctx, info) => {
      const product = typed(ctx.shop, args.id, "Product", info);
      return product !== null && collectionProducts(ctx.shop, c).includes(product);
    },
  },
  ProductVariant: {
    ...common,
    id: (v: VariantRec) => gid("ProductVariant", v.id),
    displayName: (v: VariantRec) => `${v.product.title} - ${v.title}`,
    inventoryQuantity: (v: VariantRec) => v.inventoryItem.levels.reduce((s, l) => s + (l?.available ?? 0), 0),
    inventoryPolicy: () => "DENY",
    availableForSale: (v: VariantRec) => sellable(v.product.status) && v.inventoryItem.levels.some((l) => l && l.available > 0),
    taxable: () => true,
    taxCode: () => null,
    requiresComponents: (v: VariantRec) => v.requiresComponents ?? false,
    productVariantComponents: (v: VariantRec, args: ConnectionArgs, ctx, info) => connection(v.components ?? [], args, ctx, info, { key: byId }),
    image: () => null,
    selectedOptions: (v: VariantRec) => {
      const [size, color] = v.title.split(" / ");
      return [
        { name: "Size", value: size },
        { name: "Color", value: color },
      ];
    },
  },
  ProductVariantComponent: {
    id: (c: VariantComponentRec) => gid("ProductVariantComponent", c.id),
  },
  InventoryItem: {
    ...common,
    id: (i: InventoryItemRec) => gid("InventoryItem", i.id),
    unitCost: (i: InventoryItemRec, _a, ctx) => ({ amount: i.cost, currencyCode: ctx.shop.currencyCode }),
    duplicateSkuCount: () => 0,
    countryCodeOfOrigin: () => null,
    provinceCodeOfOrigin: () => null,
    harmonizedSystemCode: () => null,
    inventoryHistoryUrl: () => null,
    measurement: (i: InventoryItemRec) => ({ id: gid("InventoryItem", i.id, "measurement"), weight: { unit: "KILOGRAMS", value: 0.5 } }),
    locationsCount: (i: InventoryItemRec) => ({ count: i.levels.filter((l) => l && !l.inactive).length, precision: "EXACT" }),
    inventoryLevels: (i: InventoryItemRec, args: ConnectionArgs & { includeInactive?: boolean }, ctx, info) =>
      connection(levelsOfItem(i, ctx.shop, args.includeInactive ?? false), args, ctx, info, { key: (v) => v.location.id }),
    inventoryLevel: (i: InventoryItemRec, args: { locationId: string; includeInactive: boolean }, ctx, info) => {
      const location = typed(ctx.shop, args.locationId, "Location", info);
      return location ? levelView(i, location, args.includeInactive) : null;
    },
  },
  InventoryLevel: {
    id: levelGid,
    createdAt: (v: LevelView) => isoTime(v.item.createdAt),
    updatedAt: (v: LevelView) => isoTime(v.level.updatedAt),
    isActive: (v: LevelView) => !v.level.inactive,
    canDeactivate: () => true,
    deactivationAlert: () => null,
    quantities: (v: LevelView, args: { names: string[] }, _ctx, info) =>
      args.names.map((name) => {
        const quantity = quantityOf(v.level, name);
        if (quantity === null) {
          throw new GraphQLError(`The quantity name '${name}' is not valid. Valid names: ${QUANTITY_NAMES.join(", ")}`, {
            nodes: info.fieldNodes,
            path: pathOf(info),
          });
        }
        return {
          id: gid("InventoryQuantity", v.location.id, `inventory_item_id=${v.item.id}&name=${name}`),
          name,
          quantity,
          updatedAt: isoTime(v.level.updatedAt),
        };
      }),
  },
};
