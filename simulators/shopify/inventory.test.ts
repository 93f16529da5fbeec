import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./server";
import { GraphQLClient } from "graphql-request";
import { adminClient, raw, SHOP, simulatorWith, TOKEN } from "./test-helpers";

let sim: ShopifySimulator;
let itemGid: string;
let locationGid: string;
beforeAll(async () => {
  sim = await simulatorWith({ products: 2, variantsPerProduct: 2, locations: 2, seed: 11, stockedRatio: 1 });
  const shop = sim.store.shop(SHOP);
  itemGid = `gid://shopify/InventoryItem/${shop.items[0].id}`;
  locationGid = `gid://shopify/Location/${shop.locations[0].id}`;
});
afterAll(() => sim.stop());
beforeEach(() => sim.store.setAvailable(SHOP, itemGid, locationGid, 10));

const available = () => sim.store.getLevel(SHOP, itemGid, locationGid)!.available;

// From 2026-04 (the version adminUrl speaks by default) every inventory mutation carries @idempotent.
const SET = (key: string) => `mutation($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: "${key}") { inventoryAdjustmentGroup { id reason changes { name delta quantityAfterChange } } userErrors { field message code } }
}`;
const ADJUST = (key: string) => `mutation($input: InventoryAdjustQuantitiesInput!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: "${key}") { inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } } userErrors { field message code } }
}`;

interface UserErrorView {
  field: string[] | null;
  message: string;
  code: string | null;
}
interface MutationPayload {
  inventoryAdjustmentGroup: { id: string; reason?: string; changes: { name: string; delta: number; quantityAfterChange: number }[] } | null;
  userErrors: UserErrorView[];
}
type SetResult = { inventorySetQuantities: MutationPayload };
type AdjustResult = { inventoryAdjustQuantities: MutationPayload };

describe("inventorySetQuantities compare-and-swap", () => {
  it("given a stale compareQuantity, when quantities are set, then COMPARE_QUANTITY_STALE is returned and nothing changes", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-1"), {
      input: { reason: "correction", name: "available", quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 3, compareQuantity: 9 }] },
    });
    expect(res.data!.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ field: ["input", "quantities", "0", "compareQuantity"], message: expect.any(String), code: "COMPARE_QUANTITY_STALE" }],
    });
    expect(available()).toBe(10);
  });

  it("given the current compareQuantity, when quantities are set, then available and on_hand change by the same delta", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-2"), {
      input: { reason: "correction", name: "available", quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 3, compareQuantity: 10 }] },
    });
    expect(res.data!.inventorySetQuantities.userErrors).toEqual([]);
    expect(res.data!.inventorySetQuantities.inventoryAdjustmentGroup!.changes).toEqual([
      { name: "available", delta: -7, quantityAfterChange: 3 },
      { name: "on_hand", delta: -7, quantityAfterChange: expect.any(Number) },
    ]);
    expect(available()).toBe(3);
  });

  it("given neither compareQuantity nor ignoreCompareQuantity, when quantities are set, then COMPARE_QUANTITY_REQUIRED", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-3"), {
      input: { reason: "correction", name: "available", quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 3 }] },
    });
    expect(res.data!.inventorySetQuantities.userErrors[0].code).toBe("COMPARE_QUANTITY_REQUIRED");
    expect(available()).toBe(10);
  });

  it("given a stale changeFromQuantity (2026-01), when quantities are set, then CHANGE_FROM_QUANTITY_STALE and nothing changes", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-4"), {
      input: { reason: "correction", name: "available", quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 3, changeFromQuantity: 4 }] },
    });
    expect(res.data!.inventorySetQuantities.userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_STALE");
    expect(available()).toBe(10);
  });
});

describe("inventoryAdjustQuantities", () => {
  it("given the same @idempotent key twice, when the adjustment is retried, then it applies once and the same group comes back", async () => {
    const input = { reason: "correction", name: "available", changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: -4, changeFromQuantity: 10 }] };
    const first = await raw<AdjustResult>(adminClient(sim), ADJUST("key-once"), { input });
    const retry = await raw<AdjustResult>(adminClient(sim), ADJUST("key-once"), { input });
    expect(first.data!.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(retry.data).toEqual(first.data);
    expect(available()).toBe(6);
  });

  it("given an idempotency key reused with other parameters, when sent, then IDEMPOTENCY_KEY_PARAMETER_MISMATCH and nothing changes", async () => {
    const input = (delta: number) => ({ reason: "correction", name: "available", changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta }] });
    await raw(adminClient(sim), ADJUST("key-reused"), { input: input(1) });
    const res = await raw<AdjustResult>(adminClient(sim), ADJUST("key-reused"), { input: input(5) });
    expect(res.data!.inventoryAdjustQuantities.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
    expect(available()).toBe(11);
  });

  it("given a stale changeFromQuantity, when adjusting, then CHANGE_FROM_QUANTITY_STALE and nothing changes", async () => {
    const res = await raw<AdjustResult>(adminClient(sim), ADJUST("key-stale"), {
      input: { reason: "correction", name: "available", changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: 2, changeFromQuantity: 7 }] },
    });
    expect(res.data!.inventoryAdjustQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ field: ["input", "changes", "0", "changeFromQuantity"], message: expect.any(String), code: "CHANGE_FROM_QUANTITY_STALE" }],
    });
    expect(available()).toBe(10);
  });

  it("given an unknown item and an invalid reason, when adjusting, then both are reported and nothing changes", async () => {
    const res = await raw<AdjustResult>(adminClient(sim), ADJUST("key-invalid"), {
      input: { reason: "because", name: "available", changes: [{ inventoryItemId: "gid://shopify/InventoryItem/1", locationId: locationGid, delta: 2 }] },
    });
    expect(res.data!.inventoryAdjustQuantities.userErrors.map((e) => e.code).sort()).toEqual(["INVALID_INVENTORY_ITEM", "INVALID_REASON"]);
    expect(available()).toBe(10);
  });
});

describe("the 2026-04 rule that inventory mutations are idempotent", () => {
  const NO_KEY = `mutation($input: InventoryAdjustQuantitiesInput!) {
    inventoryAdjustQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { code } }
  }`;
  // A function: the GIDs are known only once beforeAll has run.
  const input = () => ({ reason: "correction", name: "available", changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: -1 }] });

  it("given API 2026-04 and no @idempotent directive, when adjusting, then the call fails at run time and nothing changes", async () => {
    const client = new GraphQLClient(sim.adminUrl(SHOP, "2026-04"), { headers: { "X-Shopify-Access-Token": TOKEN }, errorPolicy: "all" });
    const res = await raw<AdjustResult>(client, NO_KEY, { input: input() });
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: "IDEMPOTENCY_KEY_REQUIRED" } });
    expect(res.data?.inventoryAdjustQuantities ?? null).toBeNull();
    expect(available()).toBe(10);
  });

  it("given API 2026-01, when adjusting without @idempotent, then it applies (the directive was optional then)", async () => {
    const client = new GraphQLClient(sim.adminUrl(SHOP, "2026-01"), { headers: { "X-Shopify-Access-Token": TOKEN }, errorPolicy: "all" });
    const res = await raw<AdjustResult>(client, NO_KEY, { input: input() });
    expect(res.data!.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(available()).toBe(9);
  });
});
