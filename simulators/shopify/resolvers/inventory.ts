// inventorySetQuantities / inventoryAdjustQuantities as API 2026-10 has them:
// - compare-and-swap through `changeFromQuantity`, which every quantity/change must carry from
//   2026-04 (explicit `null` opts out; omitting it is an error). compareQuantity and
//   ignoreCompareQuantity are gone from the schema, so graphql validation refuses them;
// - the @idempotent(key:) directive, mandatory from 2026-04: a repeated key with the same arguments
//   returns the first payload without applying again; while the first request is still running it
//   answers IDEMPOTENCY_CONCURRENT_REQUEST; after a first request that failed it answers
//   IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED ("Retry with a new idempotency key", the enum's own text);
// - an item not stocked at the location is adjusted anyway: the change creates an inactive level
//   (changelog "Removal of ITEM_NOT_STOCKED_AT_LOCATION error", 2026-10), which reads skip unless
//   asked with includeInactive: true.
// Faults a test queues (Store.injectInventoryFault) stand for Shopify's own bad moments:
// SERVICE_UNAVAILABLE, and a response lost while the request was still being processed.
import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from "graphql";
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

function resolveTarget(shop: ShopState, itemGid: string, locationGid: string, path: string[], errors: UserError[]): Omit<Target, "level"> | null {
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
  return { item, location };
}

/** The level a change lands on: the stocked one, or (applied only) a new inactive one. */
function levelFor(t: Omit<Target, "level">, now: number): LevelRec {
  return (t.item.levels[t.location.slot] ??= { available: 0, committed: 0, updatedAt: now, inactive: true });
}

/** What a quantity reads before the change: 0 where the item has no level at the location. */
function currentQuantity(t: Omit<Target, "level">, name: string): number {
  const level = t.item.levels[t.location.slot];
  return level ? (quantityOf(level, name) ?? 0) : 0;
}

/** From 2026-04 each quantity or change must carry changeFromQuantity, `null` included. */
function requireChangeFrom(entries: object[], listName: string, info: GraphQLResolveInfo): void {
  const missing = entries.findIndex((e) => !("changeFromQuantity" in e));
  if (missing === -1) return;
  // The field's description says omitting it "returns an error"; the wording is the simulator's.
  throw new GraphQLError(`input.${listName}[${missing}].changeFromQuantity must be given (pass null to skip the compare-and-swap check)`, {
    nodes: info.fieldNodes,
    path: pathOf(info),
    extensions: { code: "INVALID_FIELD_ARGUMENTS" },
  });
}

const failure = (code: string, message: string): UserError => ({ field: null, message, code });

/** Runs `apply` once per idempotency key, with Shopify's answers to repeats, failures and faults. */
function idempotent<P extends { userErrors: UserError[] }>(
  ctx: ResolverContext,
  info: GraphQLResolveInfo,
  args: unknown,
  emptyPayload: Omit<P, "userErrors">,
  apply: () => P,
): P {
  const directive = info.schema.getDirective("idempotent");
  const key = directive ? (getDirectiveValues(directive, info.fieldNodes[0], info.variableValues)?.key as string | undefined) : undefined;
  if (key === undefined || key.trim() === "") {
    // "calling these mutations without an idempotency directive will result in an error at runtime"
    // (changelog, 2026-04); "The idempotency key cannot be an empty string or whitespace only" (the
    // directive's description). The wording and code below are the simulator's.
    throw new GraphQLError(
      key === undefined
        ? `The @idempotent directive with a key is required for ${info.fieldName}`
        : "The idempotency key cannot be an empty string or whitespace only",
      { nodes: info.fieldNodes, path: pathOf(info), extensions: { code: "IDEMPOTENCY_KEY_REQUIRED" } },
    );
  }
  const failed = (code: string, message: string) => ({ ...emptyPayload, userErrors: [failure(code, message)] }) as P;
  const fingerprint = `${info.fieldName}:${JSON.stringify(args)}`;
  const previous = ctx.shop.idempotency.get(key);
  if (previous) {
    if (previous.fingerprint !== fingerprint) {
      return failed("IDEMPOTENCY_KEY_PARAMETER_MISMATCH", "The same idempotency key cannot be used with different operation parameters.");
    }
    if (previous.inProgressUntil > Date.now()) return failed("IDEMPOTENCY_CONCURRENT_REQUEST", "This request is currently in progress, please try again.");
    if (previous.failed)
      return failed("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "A previous request with this idempotency key failed. Retry with a new idempotency key.");
    return previous.result as P;
  }
  const fault = ctx.shop.inventoryFaults.shift();
  if (fault?.kind === "SERVICE_UNAVAILABLE") {
    ctx.shop.idempotency.set(key, { fingerprint, result: null, failed: true, inProgressUntil: 0 });
    return failed("SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Try again later.");
  }
  const result = apply();
  ctx.shop.idempotency.set(key, { fingerprint, result, failed: result.userErrors.length > 0, inProgressUntil: 0 });
  if (fault?.kind === "RESPONSE_LOST") {
    // Applied, but the caller never hears so, and a retry inside the window finds it still running.
    ctx.shop.idempotency.get(key)!.inProgressUntil = Date.now() + fault.inProgressMs;
    ctx.dropResponse = true;
  }
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
  quantities: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }[];
}

interface AdjustInput {
  reason: string;
  name: string;
  referenceDocumentUri?: string | null;
  changes: { inventoryItemId: string; locationId: string; delta: number; ledgerDocumentUri?: string | null; changeFromQuantity?: number | null }[];
}

function setQuantities(ctx: ResolverContext, input: SetInput) {
  const errors: UserError[] = [];
  if (!SET_NAMES.has(input.name))
    errors.push({ field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'.", code: "INVALID_NAME" });
  checkReason(input.reason, errors);
  const targets: [Omit<Target, "level">, number][] = [];
  const seen = new Set<string>();
  input.quantities.forEach((q, i) => {
    const path = ["input", "quantities", String(i)];
    const t = resolveTarget(ctx.shop, q.inventoryItemId, q.locationId, path, errors);
    if (!t) return;
    const pair = `${t.item.id}:${t.location.id}`;
    if (seen.has(pair)) {
      errors.push({
        field: path,
        message: "The combination of inventoryItemId and locationId must be unique.",
        code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
      });
    }
    seen.add(pair);
    if (q.quantity > 1_000_000_000)
      errors.push({ field: [...path, "quantity"], message: "The total quantity can't be higher than 1,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    if (q.quantity < -1_000_000_000)
      errors.push({ field: [...path, "quantity"], message: "The total quantity can't be lower than -1,000,000,000.", code: "INVALID_QUANTITY_TOO_LOW" });
    const current = SET_NAMES.has(input.name) ? currentQuantity(t, input.name) : 0;
    if (q.changeFromQuantity != null && q.changeFromQuantity !== current) {
      errors.push({
        field: [...path, "changeFromQuantity"],
        message: "The changeFromQuantity value does not match persisted value.",
        code: "CHANGE_FROM_QUANTITY_STALE",
      });
    }
    targets.push([t, q.quantity - current]);
  });
  if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const now = ctx.store.now();
  const group = newGroup(ctx.shop, now, input.reason, input.referenceDocumentUri);
  for (const [t, delta] of targets) {
    const target = { ...t, level: levelFor(t, now) };
    applyDelta(target.level, input.name, delta, now);
    // Setting available moves on_hand by the same amount and vice versa; Shopify reports both.
    group.changes.push(change(target, input.name, delta), change(target, input.name === "available" ? "on_hand" : "available", delta));
  }
  for (const [t] of targets) ctx.store.levelChanged(ctx.shop, t.item, t.location);
  return { inventoryAdjustmentGroup: group, userErrors: [] };
}

function adjustQuantities(ctx: ResolverContext, input: AdjustInput) {
  const errors: UserError[] = [];
  if (!ADJUST_NAMES.has(input.name))
    errors.push({ field: ["input", "name"], message: "The specified quantity name is invalid.", code: "INVALID_QUANTITY_NAME" });
  checkReason(input.reason, errors);
  const targets: [Omit<Target, "level">, number, string | null][] = [];
  input.changes.forEach((c, i) => {
    const path = ["input", "changes", String(i)];
    const t = resolveTarget(ctx.shop, c.inventoryItemId, c.locationId, path, errors);
    if (!t) return;
    const ledger = c.ledgerDocumentUri ?? null;
    if (input.name === "available" && ledger) {
      errors.push({
        field: [...path, "ledgerDocumentUri"],
        message: "A ledger document URI is not allowed when adjusting available.",
        code: "INVALID_AVAILABLE_DOCUMENT",
      });
    } else if (input.name !== "available" && ADJUST_NAMES.has(input.name) && !ledger) {
      errors.push({
        field: [...path, "ledgerDocumentUri"],
        message: "A ledger document URI is required except when adjusting available.",
        code: "INVALID_QUANTITY_DOCUMENT",
      });
    }
    const current = ADJUST_NAMES.has(input.name) ? currentQuantity(t, input.name) : 0;
    if (c.changeFromQuantity != null && c.changeFromQuantity !== current) {
      errors.push({
        field: [...path, "changeFromQuantity"],
        message: "The changeFromQuantity argument no longer matches the persisted quantity.",
        code: "CHANGE_FROM_QUANTITY_STALE",
      });
    }
    if (current + c.delta > 2_000_000_000)
      errors.push({ field: [...path, "delta"], message: "The quantity can't be higher than 2,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    if (current + c.delta < -2_000_000_000)
      errors.push({ field: [...path, "delta"], message: "The quantity can't be lower than -2,000,000,000.", code: "INVALID_QUANTITY_TOO_LOW" });
    targets.push([t, c.delta, ledger]);
  });
  if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const now = ctx.store.now();
  const group = newGroup(ctx.shop, now, input.reason, input.referenceDocumentUri);
  for (const [t, delta, ledger] of targets) {
    const target = { ...t, level: levelFor(t, now) };
    applyDelta(target.level, input.name, delta, now);
    group.changes.push(change(target, input.name, delta, ledger));
    if (input.name !== "incoming") group.changes.push(change(target, "on_hand", delta, ledger));
  }
  for (const [t] of targets) ctx.store.levelChanged(ctx.shop, t.item, t.location);
  return { inventoryAdjustmentGroup: group, userErrors: [] };
}

export const inventoryResolvers: ResolverMap = {
  Mutation: {
    inventorySetQuantities: (_s, args: { input: SetInput }, ctx, info) => {
      requireChangeFrom(args.input.quantities, "quantities", info);
      return idempotent(ctx, info, args, { inventoryAdjustmentGroup: null }, () => setQuantities(ctx, args.input));
    },
    inventoryAdjustQuantities: (_s, args: { input: AdjustInput }, ctx, info) => {
      requireChangeFrom(args.input.changes, "changes", info);
      return idempotent(ctx, info, args, { inventoryAdjustmentGroup: null }, () => adjustQuantities(ctx, args.input));
    },
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
