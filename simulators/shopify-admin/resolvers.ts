import { createHash } from "node:crypto";
import { GraphQLError, Kind, valueFromASTUntyped, type GraphQLResolveInfo } from "graphql";
import type { ShopState, SimLevel, SimLocation, SimProduct, SimVariant } from "./store";

// What the simulated Admin API answers: plain objects whose fields are values or functions of
// (args, context, info), executed by graphql-js against Shopify's schema. Every object carries
// __typename so Node and other interfaces resolve as on Shopify.

export interface ResolverContext {
  shop: ShopState;
  /** Bulk operations read every page at once; normal queries must say first or last. */
  bulk: boolean;
  /** Called for every level change, so the server can send inventory_levels/update webhooks. */
  onLevelChanged(itemId: string, locationId: string, level: SimLevel): void;
  startBulkOperation(query: string): BulkOperationRecord;
  bulkOperation(id: string): BulkOperationRecord | undefined;
  idempotency: Map<string, { fingerprint: string; result: unknown }>;
}

export interface BulkOperationRecord {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED";
  query: string;
  objectCount: number;
  url: string | null;
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
}

type Args = Record<string, unknown>;
const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;
const idOf = (value: unknown) => String(value).replace(/^gid:\/\/shopify\/[A-Za-z]+\//, "").replace(/\?.*$/, "");
const cursorOf = (id: string) => Buffer.from(id).toString("base64");

function connection<T extends { id: string }>(items: T[], args: Args, ctx: ResolverContext) {
  const first = args.first as number | undefined;
  const last = args.last as number | undefined;
  if (!ctx.bulk && first == null && last == null) throw new GraphQLError("you must provide one of first or last");
  if ((first ?? last ?? 0) > 250) throw new GraphQLError("The maximum page size is 250");
  const after = args.after ? Buffer.from(String(args.after), "base64").toString() : null;
  const start = after ? items.findIndex((i) => i.id === after) + 1 : 0;
  const page = ctx.bulk ? items.slice(start) : items.slice(start, start + (first ?? last ?? 0));
  return {
    __typename: "Connection",
    edges: page.map((node) => ({ node, cursor: cursorOf(node.id) })),
    nodes: page,
    pageInfo: {
      hasNextPage: start + page.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: page[0] ? cursorOf(page[0].id) : null,
      endCursor: page.at(-1) ? cursorOf(page.at(-1)!.id) : null,
    },
  };
}

export function locationView(shop: ShopState, l: SimLocation) {
  return {
    __typename: "Location",
    id: gid("Location", l.id),
    legacyResourceId: l.id,
    name: l.name,
    isActive: l.isActive,
    fulfillsOnlineOrders: true,
    inventoryLevel: ({ inventoryItemId }: Args) => levelView(shop, idOf(inventoryItemId), l.id),
  };
}

function levelView(shop: ShopState, itemId: string, locationId: string) {
  const level = shop.level(itemId, locationId);
  if (!level) return null;
  const quantity = (name: string) => (name === "available" ? level.available : name === "on_hand" ? level.onHand : name === "committed" ? level.committed : 0);
  return {
    __typename: "InventoryLevel",
    id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${itemId}`,
    updatedAt: level.updatedAt,
    location: () => locationView(shop, shop.locations.get(locationId)!),
    item: () => itemView(shop, shop.variants.get(shop.itemToVariant.get(itemId)!)!),
    quantities: ({ names }: Args) =>
      (names as string[]).map((name) => ({ __typename: "InventoryQuantity", id: `${itemId}:${locationId}:${name}`, name, quantity: quantity(name), updatedAt: level.updatedAt })),
  };
}

function itemView(shop: ShopState, v: SimVariant) {
  const item = v.inventoryItem;
  return {
    __typename: "InventoryItem",
    id: gid("InventoryItem", item.id),
    legacyResourceId: item.id,
    sku: v.sku,
    tracked: item.tracked,
    requiresShipping: item.requiresShipping,
    unitCost: item.cost ? { amount: item.cost, currencyCode: "USD" } : null,
    variant: () => variantView(shop, v),
    inventoryLevel: ({ locationId }: Args) => levelView(shop, item.id, idOf(locationId)),
    inventoryLevels: (args: Args, ctx: ResolverContext) =>
      connection(
        [...(shop.levels.get(item.id)?.keys() ?? [])].map((locationId) => levelView(shop, item.id, locationId)!),
        args,
        ctx,
      ),
  };
}

function variantView(shop: ShopState, v: SimVariant) {
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", v.id),
    legacyResourceId: v.id,
    title: v.title,
    sku: v.sku,
    barcode: v.barcode,
    price: v.price,
    compareAtPrice: v.compareAtPrice,
    selectedOptions: v.options.map((value, i) => ({ name: ["Size", "Colour", "Material"][i], value })),
    product: () => productView(shop, shop.products.get(v.productId)!),
    inventoryItem: () => itemView(shop, v),
  };
}

function productView(shop: ShopState, p: SimProduct) {
  return {
    __typename: "Product",
    id: gid("Product", p.id),
    legacyResourceId: p.id,
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    tags: p.tags,
    status: p.status,
    descriptionHtml: p.descriptionHtml,
    updatedAt: p.updatedAt,
    variants: (args: Args, ctx: ResolverContext) => connection(p.variantIds.map((id) => variantView(shop, shop.variants.get(id)!)), args, ctx),
  };
}

function bulkView(op: BulkOperationRecord) {
  return { __typename: "BulkOperation", ...op, id: gid("BulkOperation", op.id), objectCount: String(op.objectCount), type: "QUERY", fileSize: null, partialDataUrl: null, rootObjectCount: String(op.objectCount) };
}

function nodeById(shop: ShopState, ctx: ResolverContext, id: string) {
  const [, type, raw] = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)/.exec(id) ?? [];
  switch (type) {
    case "Product":
      return shop.products.has(raw) ? productView(shop, shop.products.get(raw)!) : null;
    case "ProductVariant":
      return shop.variants.has(raw) ? variantView(shop, shop.variants.get(raw)!) : null;
    case "InventoryItem": {
      const variantId = shop.itemToVariant.get(raw);
      return variantId ? itemView(shop, shop.variants.get(variantId)!) : null;
    }
    case "Location":
      return shop.locations.has(raw) ? locationView(shop, shop.locations.get(raw)!) : null;
    case "BulkOperation": {
      const op = ctx.bulkOperation(raw);
      return op ? bulkView(op) : null;
    }
    default:
      return null;
  }
}

/** The @idempotent(key:) value on the mutation field, variables resolved. */
function idempotencyKey(info: GraphQLResolveInfo): string | null {
  const directive = info.fieldNodes[0].directives?.find((d) => d.name.value === "idempotent");
  const arg = directive?.arguments?.find((a) => a.name.value === "key");
  if (!arg) return null;
  return arg.value.kind === Kind.VARIABLE ? String(info.variableValues[arg.value.name.value]) : String(valueFromASTUntyped(arg.value));
}

/** Runs a mutation once per idempotency key; a repeat returns the first answer, a key reused with other input is refused. */
function once(ctx: ResolverContext, info: GraphQLResolveInfo, input: unknown, run: () => unknown, errorShape: (code: string, message: string) => unknown) {
  const key = idempotencyKey(info);
  // Required on inventory mutations from API 2026-04 (see schema.ts).
  if (!key) throw new GraphQLError("The @idempotent directive with a key is required for this mutation", { extensions: { code: "BAD_REQUEST" } });
  const fingerprint = createHash("sha256").update(JSON.stringify(input)).digest("hex");
  const previous = ctx.idempotency.get(key);
  if (previous) {
    return previous.fingerprint === fingerprint ? previous.result : errorShape("IDEMPOTENCY_KEY_PARAMETER_MISMATCH", "The same idempotency key cannot be used with different operation parameters.");
  }
  const result = run();
  ctx.idempotency.set(key, { fingerprint, result });
  return result;
}

interface ChangeInput {
  inventoryItemId: string;
  locationId: string;
  delta?: number;
  quantity?: number;
  changeFromQuantity?: number | null;
  compareQuantity?: number | null;
}

function applyChanges(shop: ShopState, ctx: ResolverContext, changes: ChangeInput[], mode: "adjust" | "set", ignoreCompare: boolean) {
  const userError = (code: string, message: string, field: string[]) => ({ inventoryAdjustmentGroup: null, userErrors: [{ __typename: "UserError", code, message, field }] });
  const resolved = [];
  // All or nothing, as Shopify: every change is checked before any is applied.
  for (const [i, change] of changes.entries()) {
    const itemId = idOf(change.inventoryItemId);
    const locationId = idOf(change.locationId);
    if (!shop.itemToVariant.has(itemId)) return userError("INVALID_INVENTORY_ITEM", "The specified inventory item could not be found.", ["input", "changes", String(i), "inventoryItemId"]);
    if (!shop.locations.has(locationId)) return userError("INVALID_LOCATION", "The specified location could not be found.", ["input", "changes", String(i), "locationId"]);
    const level = shop.level(itemId, locationId);
    if (!level) return userError("ITEM_NOT_STOCKED_AT_LOCATION", "The specified inventory item is not stocked at the location.", ["input", "changes", String(i), "locationId"]);
    const expected = change.changeFromQuantity ?? (mode === "set" && !ignoreCompare ? change.compareQuantity : null);
    if (expected !== null && expected !== undefined && expected !== level.available) {
      return userError("CHANGE_FROM_QUANTITY_STALE", "The changeFromQuantity argument no longer matches the persisted quantity.", ["input", "changes", String(i), "changeFromQuantity"]);
    }
    resolved.push({ itemId, locationId, after: mode === "adjust" ? level.available + (change.delta ?? 0) : (change.quantity ?? 0), before: level.available });
  }
  const now = new Date();
  const applied = resolved.map((r) => {
    const level = shop.setLevel(r.itemId, r.locationId, r.after, now);
    ctx.onLevelChanged(r.itemId, r.locationId, level);
    return { __typename: "InventoryChange", name: "available", delta: r.after - r.before, quantityAfterChange: r.after, ledgerDocumentUri: null };
  });
  return {
    inventoryAdjustmentGroup: { __typename: "InventoryAdjustmentGroup", id: gid("InventoryAdjustmentGroup", shop.newId()), createdAt: now.toISOString(), reason: "correction", referenceDocumentUri: null, changes: () => applied },
    userErrors: [],
  };
}

export function rootValue(ctx: ResolverContext) {
  const { shop } = ctx;
  return {
    shop: () => ({ __typename: "Shop", id: gid("Shop", "1"), name: shop.domain.split(".")[0], myshopifyDomain: shop.domain, currencyCode: "USD" }),
    locations: (args: Args) =>
      connection([...shop.locations.values()].filter((l) => args.includeInactive || l.isActive).map((l) => locationView(shop, l)), args, ctx),
    location: ({ id }: Args) => (shop.locations.has(idOf(id)) ? locationView(shop, shop.locations.get(idOf(id))!) : null),
    products: (args: Args) => connection([...shop.products.values()].map((p) => productView(shop, p)), args, ctx),
    productVariants: (args: Args) => connection([...shop.variants.values()].map((v) => variantView(shop, v)), args, ctx),
    inventoryItems: (args: Args) => connection([...shop.variants.values()].map((v) => itemView(shop, v)), args, ctx),
    inventoryItem: ({ id }: Args) => nodeById(shop, ctx, String(id)),
    product: ({ id }: Args) => nodeById(shop, ctx, String(id)),
    node: ({ id }: Args) => nodeById(shop, ctx, String(id)),
    nodes: ({ ids }: Args) => (ids as string[]).map((id) => nodeById(shop, ctx, id)),
    currentBulkOperation: () => {
      const latest = ctx.bulkOperation("latest");
      return latest ? bulkView(latest) : null;
    },
    bulkOperationRunQuery: ({ query }: Args) => ({ bulkOperation: bulkView(ctx.startBulkOperation(String(query))), userErrors: [] }),
    inventoryAdjustQuantities: ({ input }: Args, _ctx: ResolverContext, info: GraphQLResolveInfo) => {
      const body = input as { changes: ChangeInput[] };
      return once(ctx, info, input, () => applyChanges(shop, ctx, body.changes, "adjust", false), (code, message) => ({ inventoryAdjustmentGroup: null, userErrors: [{ code, message, field: null }] }));
    },
    inventorySetQuantities: ({ input }: Args, _ctx: ResolverContext, info: GraphQLResolveInfo) => {
      const body = input as { quantities: ChangeInput[]; ignoreCompareQuantity?: boolean };
      return once(ctx, info, input, () => applyChanges(shop, ctx, body.quantities, "set", Boolean(body.ignoreCompareQuantity)), (code, message) => ({ inventoryAdjustmentGroup: null, userErrors: [{ code, message, field: null }] }));
    },
  };
}
