// inventorySetQuantities / inventoryAdjustQuantities with Shopify's compare-and-swap rules
// (compareQuantity/ignoreCompareQuantity from 2023-10; changeFromQuantity from 2026-01) and the
// @idempotent(key:) directive (2026-01): a repeated key returns the first payload, not applied again.
import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from "graphql";
import { apiVersionAtLeast } from "../api-version";
import { gid, idOf } from "../ids";
import { applyDelta, quantityOf, type ShopState } from "../store";
import type { AdjustmentGroupRec, InventoryChangeRec, InventoryItemRec, LevelRec, LocationRec } from "../types";
import { pathOf } from "./connection";
import { isoTime, type ResolverContext, type ResolverMap, type UserError } from "./context";

/** Reasons accepted by the inventory mutations (shopify.dev, "inventory states and reasons"). */
export const INVENTORY_REASONS = new Set([
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_canceled",
  "movement_created",
  "movement_received",
  "movement_updated",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
]);
const SET_NAMES = new Set(["available", "on_hand"]);
const ADJUST_NAMES = new Set(["available", "damaged", "incoming", "quality_control", "reserved", "safety_stock"]);

interface Target {
  item: InventoryItemRec;
  location: LocationRec;
  level: LevelRec;
}

function resolveTarget(
  shop: ShopState,
  itemGid: string,
  locationGid: string,
  path: string[],
  errors: UserError[],
): Target | null {
  const itemId = idOf(itemGid, "InventoryItem");
  const item = itemId ? shop.byId.get(itemId) : undefined;
  if (item?.__typename !== "InventoryItem") {
    errors.push({ field: [...path, "inventoryItemId"], message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" });
    return null;
  }
  const locationId = idOf(locationGid, "Location");
  const location = locationId ? shop.byId.get(locationId) : undefined;
  if (location?.__typename !== "Location") {
    errors.push({ field: [...path, "locationId"], message: "The specified location could not be found.", code: "INVALID_LOCATION" });
    return null;
  }
  const level = item.levels[location.slot];
  if (!level) {
    errors.push({ field: [...path, "locationId"], message: "The specified inventory item is not stocked at the location.", code: "ITEM_NOT_STOCKED_AT_LOCATION" });
    return null;
  }
  return { item, location, level };
}

/**
 * From 2026-04 the inventory mutations refuse to run without @idempotent (shopify.dev changelog, Dec
 * 2025: "Making idempotency mandatory for inventory adjustments and refund mutations").
 */
export function idempotencyRequired(apiVersion: string): boolean {
  return apiVersionAtLeast(apiVersion, "2026-04");
}

/** Runs `apply` once per idempotency key; a repeat returns the stored payload (or a mismatch error). */
function idempotent<P extends { userErrors: UserError[] }>(
  ctx: ResolverContext,
  info: GraphQLResolveInfo,
  args: unknown,
  emptyPayload: Omit<P, "userErrors">,
  apply: () => P,
): P {
  const directive = info.schema.getDirective("idempotent");
  const key = directive ? (getDirectiveValues(directive, info.fieldNodes[0], info.variableValues)?.key as string | undefined) : undefined;
  if (key === undefined) {
    if (idempotencyRequired(ctx.apiVersion)) {
      // The changelog says only that a call without the directive "will result in an error at runtime";
      // the wording and code below are the simulator's, not copied from Shopify.
      throw new GraphQLError(`The @idempotent directive with a key is required for ${info.fieldName} from API version 2026-04`, {
        nodes: info.fieldNodes,
        path: pathOf(info),
        extensions: { code: "IDEMPOTENCY_KEY_REQUIRED" },
      });
    }
    return apply();
  }
  const fingerprint = `${info.fieldName}:${JSON.stringify(args)}`;
  const previous = ctx.shop.idempotency.get(key);
  if (previous) {
    if (previous.fingerprint === fingerprint) return previous.result as P;
    return {
      ...emptyPayload,
      userErrors: [
        { field: null, message: "The same idempotency key cannot be used with different operation parameters.", code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" },
      ],
    } as P;
  }
  const result = apply();
  ctx.shop.idempotency.set(key, { fingerprint, result });
  return result;
}

function newGroup(shop: ShopState, now: number, reason: string, referenceDocumentUri: string | null | undefined): AdjustmentGroupRec {
  const group: AdjustmentGroupRec = {
    __typename: "InventoryAdjustmentGroup",
    id: shop.nextId(),
    createdAt: now,
    reason,
    referenceDocumentUri: referenceDocumentUri ?? null,
    changes: [],
  };
  shop.adjustmentGroups.set(group.id, group);
  return group;
}

function change(t: Target, name: string, delta: number, ledgerDocumentUri: string | null = null): InventoryChangeRec {
  return { name, delta, quantityAfterChange: quantityOf(t.level, name) as number, item: t.item, location: t.location, ledgerDocumentUri };
}

function checkReason(reason: string, errors: UserError[]): void {
  if (!INVENTORY_REASONS.has(reason)) errors.push({ field: ["input", "reason"], message: "The specified reason is invalid.", code: "INVALID_REASON" });
}

interface SetInput {
  reason: string;
  name: string;
  referenceDocumentUri?: string | null;
  ignoreCompareQuantity?: boolean | null;
  quantities: { inventoryItemId: string; locationId: string; quantity: number; compareQuantity?: number | null; changeFromQuantity?: number | null }[];
}

interface AdjustInput {
  reason: string;
  name: string;
  referenceDocumentUri?: string | null;
  changes: { inventoryItemId: string; locationId: string; delta: number; ledgerDocumentUri?: string | null; changeFromQuantity?: number | null }[];
}

function setQuantities(ctx: ResolverContext, input: SetInput) {
  const errors: UserError[] = [];
  if (!SET_NAMES.has(input.name)) errors.push({ field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'.", code: "INVALID_NAME" });
  checkReason(input.reason, errors);
  const targets: [Target, number][] = [];
  const seen = new Set<string>();
  input.quantities.forEach((q, i) => {
    const path = ["input", "quantities", String(i)];
    const t = resolveTarget(ctx.shop, q.inventoryItemId, q.locationId, path, errors);
    if (!t) return;
    const pair = `${t.item.id}:${t.location.id}`;
    if (seen.has(pair)) {
      errors.push({ field: path, message: "The combination of inventoryItemId and locationId must be unique.", code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR" });
    }
    seen.add(pair);
    if (q.quantity > 1_000_000_000) errors.push({ field: [...path, "quantity"], message: "The quantity can't be higher than 1,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    if (q.quantity < -1_000_000_000) errors.push({ field: [...path, "quantity"], message: "The quantity can't be lower than -1,000,000,000.", code: "INVALID_QUANTITY_TOO_LOW" });
    const current = SET_NAMES.has(input.name) ? (quantityOf(t.level, input.name) as number) : 0;
    if ("changeFromQuantity" in q) {
      // 2026-01: changeFromQuantity present (null = explicitly opt out of the check).
      if (q.changeFromQuantity != null && q.changeFromQuantity !== current) {
        errors.push({ field: [...path, "changeFromQuantity"], message: "The changeFromQuantity value does not match persisted value.", code: "CHANGE_FROM_QUANTITY_STALE" });
      }
    } else if (!input.ignoreCompareQuantity) {
      if (q.compareQuantity == null) {
        errors.push({
          field: [...path, "compareQuantity"],
          message: "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.",
          code: "COMPARE_QUANTITY_REQUIRED",
        });
      } else if (q.compareQuantity !== current) {
        errors.push({ field: [...path, "compareQuantity"], message: "The compareQuantity value does not match persisted value.", code: "COMPARE_QUANTITY_STALE" });
      }
    }
    targets.push([t, q.quantity - current]);
  });
  if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const now = ctx.store.now();
  const group = newGroup(ctx.shop, now, input.reason, input.referenceDocumentUri);
  for (const [t, delta] of targets) {
    applyDelta(t.level, input.name, delta, now);
    // Setting available moves on_hand by the same amount and vice versa; Shopify reports both.
    group.changes.push(change(t, input.name, delta), change(t, input.name === "available" ? "on_hand" : "available", delta));
  }
  for (const [t] of targets) ctx.store.levelChanged(ctx.shop, t.item, t.location);
  return { inventoryAdjustmentGroup: group, userErrors: [] };
}

function adjustQuantities(ctx: ResolverContext, input: AdjustInput) {
  const errors: UserError[] = [];
  if (!ADJUST_NAMES.has(input.name)) errors.push({ field: ["input", "name"], message: "The specified quantity name is invalid.", code: "INVALID_QUANTITY_NAME" });
  checkReason(input.reason, errors);
  const targets: [Target, number, string | null][] = [];
  input.changes.forEach((c, i) => {
    const path = ["input", "changes", String(i)];
    const t = resolveTarget(ctx.shop, c.inventoryItemId, c.locationId, path, errors);
    if (!t) return;
    const ledger = c.ledgerDocumentUri ?? null;
    if (input.name === "available" && ledger) {
      errors.push({ field: [...path, "ledgerDocumentUri"], message: "A ledger document URI is not allowed when adjusting available.", code: "INVALID_AVAILABLE_DOCUMENT" });
    } else if (input.name !== "available" && ADJUST_NAMES.has(input.name) && !ledger) {
      errors.push({ field: [...path, "ledgerDocumentUri"], message: "A ledger document URI is required except when adjusting available.", code: "INVALID_QUANTITY_DOCUMENT" });
    }
    const current = ADJUST_NAMES.has(input.name) ? (quantityOf(t.level, input.name) as number) : 0;
    if (c.changeFromQuantity != null && c.changeFromQuantity !== current) {
      errors.push({
        field: [...path, "changeFromQuantity"],
        message: "The changeFromQuantity argument no longer matches the persisted quantity.",
        code: "CHANGE_FROM_QUANTITY_STALE",
      });
    }
    if (current + c.delta > 2_000_000_000) errors.push({ field: [...path, "delta"], message: "The quantity can't be higher than 2,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    if (current + c.delta < -2_000_000_000) errors.push({ field: [...path, "delta"], message: "The quantity can't be lower than -2,000,000,000.", code: "INVALID_QUANTITY_TOO_LOW" });
    targets.push([t, c.delta, ledger]);
  });
  if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const now = ctx.store.now();
  const group = newGroup(ctx.shop, now, input.reason, input.referenceDocumentUri);
  for (const [t, delta, ledger] of targets) {
    applyDelta(t.level, input.name, delta, now);
    group.changes.push(change(t, input.name, delta, ledger));
    if (input.name !== "incoming") group.changes.push(change(t, "on_hand", delta, ledger));
  }
  for (const [t] of targets) ctx.store.levelChanged(ctx.shop, t.item, t.location);
  return { inventoryAdjustmentGroup: group, userErrors: [] };
}

export const inventoryResolvers: ResolverMap = {
  Mutation: {
    inventorySetQuantities: (_s, args: { input: SetInput }, ctx, info) =>
      idempotent(ctx, info, args, { inventoryAdjustmentGroup: null }, () => setQuantities(ctx, args.input)),
    inventoryAdjustQuantities: (_s, args: { input: AdjustInput }, ctx, info) =>
      idempotent(ctx, info, args, { inventoryAdjustmentGroup: null }, () => adjustQuantities(ctx, args.input)),
  },
  InventoryAdjustmentGroup: {
    id: (g: AdjustmentGroupRec) => gid("InventoryAdjustmentGroup", g.id),
    createdAt: (g: AdjustmentGroupRec) => isoTime(g.createdAt),
    app: () => null,
    staffMember: () => null,
    changes: (g: AdjustmentGroupRec, args: { inventoryItemIds?: string[] | null; locationIds?: string[] | null; quantityNames?: string[] | null }) =>
      g.changes.filter(
        (c) =>
          (!args.inventoryItemIds || args.inventoryItemIds.includes(gid("InventoryItem", c.item.id))) &&
          (!args.locationIds || args.locationIds.includes(gid("Location", c.location.id))) &&
          (!args.quantityNames || args.quantityNames.includes(c.name)),
      ),
  },
};
