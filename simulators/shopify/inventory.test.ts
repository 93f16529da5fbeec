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

describe("inventorySetQuantities compare-and-swap (2026-10)", () => {
  it("given the removed compareQuantity, when quantities are set, then the query is refused by the schema and nothing changes", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-1"), {
      input: {
        reason: "correction",
        name: "available",
        quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 3, compareQuantity: 10, changeFromQuantity: 10 }],
      },
    });
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].message).toMatch(/compareQuantity/);
    expect(available()).toBe(10);
  });

  it("given the current changeFromQuantity, when quantities are set, then available and on_hand change by the same delta", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-2"), {
      input: {
        reason: "correction",
        name: "available",
        quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 3, changeFromQuantity: 10 }],
      },
    });
    expect(res.data!.inventorySetQuantities.userErrors).toEqual([]);
    expect(res.data!.inventorySetQuantities.inventoryAdjustmentGroup!.changes).toEqual([
      { name: "available", delta: -7, quantityAfterChange: 3 },
      { name: "on_hand", delta: -7, quantityAfterChange: expect.any(Number) },
    ]);
    expect(available()).toBe(3);
  });

  it("given a quantity without changeFromQuantity, when quantities are set, then the call fails (the field is mandatory, null included) and nothing changes", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-3"), {
      input: { reason: "correction", name: "available", quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 3 }] },
    });
    expect(res.errors?.[0].message).toMatch(/quantities\[0\]\.changeFromQuantity must be given/);
    expect(res.data?.inventorySetQuantities ?? null).toBeNull();
    expect(available()).toBe(10);
  });

  it("given changeFromQuantity: null, when quantities are set, then the check is skipped and the quantity is set", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-5"), {
      input: {
        reason: "correction",
        name: "available",
        quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 4, changeFromQuantity: null }],
      },
    });
    expect(res.data!.inventorySetQuantities.userErrors).toEqual([]);
    expect(available()).toBe(4);
  });

  it("given a stale changeFromQuantity, when quantities are set, then CHANGE_FROM_QUANTITY_STALE and nothing changes", async () => {
    const res = await raw<SetResult>(adminClient(sim), SET("set-4"), {
      input: {
        reason: "correction",
        name: "available",
        quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 3, changeFromQuantity: 4 }],
      },
    });
    expect(res.data!.inventorySetQuantities.userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_STALE");
    expect(available()).toBe(10);
  });
});

describe("inventoryAdjustQuantities", () => {
  const adjust = (delta: number, changeFromQuantity: number | null = null) => ({
    reason: "correction",
    name: "available",
    changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta, changeFromQuantity }],
  });

  it("given the same @idempotent key twice, when the adjustment is retried, then it applies once and the same group comes back", async () => {
    const input = adjust(-4, 10);
    const first = await raw<AdjustResult>(adminClient(sim), ADJUST("key-once"), { input });
    const retry = await raw<AdjustResult>(adminClient(sim), ADJUST("key-once"), { input });
    expect(first.data!.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(retry.data).toEqual(first.data);
    expect(available()).toBe(6);
  });

  it("given an idempotency key reused with other parameters, when sent, then IDEMPOTENCY_KEY_PARAMETER_MISMATCH and nothing changes", async () => {
    await raw(adminClient(sim), ADJUST("key-reused"), { input: adjust(1) });
    const res = await raw<AdjustResult>(adminClient(sim), ADJUST("key-reused"), { input: adjust(5) });
    expect(res.data!.inventoryAdjustQuantities.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
    expect(available()).toBe(11);
  });

  it("given a stale changeFromQuantity, when adjusting, then CHANGE_FROM_QUANTITY_STALE, nothing changes, and the same key then answers IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", async () => {
    const res = await raw<AdjustResult>(adminClient(sim), ADJUST("key-stale"), { input: adjust(2, 7) });
    expect(res.data!.inventoryAdjustQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ field: ["input", "changes", "0", "changeFromQuantity"], message: expect.any(String), code: "CHANGE_FROM_QUANTITY_STALE" }],
    });
    const again = await raw<AdjustResult>(adminClient(sim), ADJUST("key-stale"), { input: adjust(2, 7) });
    expect(again.data!.inventoryAdjustQuantities.userErrors[0].code).toBe("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED");
    expect(available()).toBe(10);
  });

  it("given an unknown item and an invalid reason, when adjusting, then both are reported and nothing changes", async () => {
    const res = await raw<AdjustResult>(adminClient(sim), ADJUST("key-invalid"), {
      input: {
        reason: "because",
        name: "available",
        changes: [{ inventoryItemId: "gid://shopify/InventoryItem/1", locationId: locationGid, delta: 2, changeFromQuantity: null }],
      },
    });
    expect(res.data!.inventoryAdjustQuantities.userErrors.map((e) => e.code).sort()).toEqual(["INVALID_INVENTORY_ITEM", "INVALID_REASON"]);
    expect(available()).toBe(10);
  });

  it("given an item not stocked at a location, when it is adjusted there, then it succeeds (no ITEM_NOT_STOCKED_AT_LOCATION in 2026-10) on an inactive level that reads skip unless includeInactive", async () => {
    const shop = sim.store.shop(SHOP);
    const item = shop.items[1];
    item.levels[shop.locations[1].slot] = undefined; // not stocked there
    const otherLocation = `gid://shopify/Location/${shop.locations[1].id}`;
    const itemId = `gid://shopify/InventoryItem/${item.id}`;
    const res = await raw<AdjustResult>(adminClient(sim), ADJUST("key-unstocked"), {
      input: { reason: "correction", name: "available", changes: [{ inventoryItemId: itemId, locationId: otherLocation, delta: 3, changeFromQuantity: 0 }] },
    });
    expect(res.data!.inventoryAdjustQuantities.userErrors).toEqual([]);
    const READ = `query($i: ID!, $l: ID!) { inventoryItem(id: $i) { active: inventoryLevel(locationId: $l) { isActive } any: inventoryLevel(locationId: $l, includeInactive: true) { isActive quantities(names: ["available"]) { quantity } } } }`;
    const read = await raw<{ inventoryItem: { active: unknown; any: { isActive: boolean; quantities: { quantity: number }[] } } }>(adminClient(sim), READ, {
      i: itemId,
      l: otherLocation,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data!.inventoryItem).toEqual({ active: null, any: { isActive: false, quantities: [{ quantity: 3 }] } });
  });
});

describe("the 2026-04 rule that inventory mutations are idempotent", () => {
  const NO_KEY = `mutation($input: InventoryAdjustQuantitiesInput!) {
    inventoryAdjustQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { code } }
  }`;
  // A function: the GIDs are known only once beforeAll has run.
  const input = () => ({
    reason: "correction",
    name: "available",
    changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: -1, changeFromQuantity: null }],
  });

  it("given no @idempotent directive, when adjusting, then the call fails at run time and nothing changes", async () => {
    const res = await raw<AdjustResult>(adminClient(sim), NO_KEY, { input: input() });
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: "IDEMPOTENCY_KEY_REQUIRED" } });
    expect(res.data?.inventoryAdjustQuantities ?? null).toBeNull();
    expect(available()).toBe(10);
  });

  it("given an empty or blank key, when adjusting, then the call fails and nothing changes", async () => {
    for (const key of ["", "   "]) {
      const res = await raw<AdjustResult>(adminClient(sim), ADJUST(key), { input: input() });
      expect(res.errors?.[0].message).toMatch(/cannot be an empty string or whitespace/);
    }
    expect(available()).toBe(10);
  });

  it("given an older API version in the URL, when a query is sent, then it is answered as 2026-10 (the one schema held) and says so", async () => {
    const client = new GraphQLClient(sim.adminUrl(SHOP, "2025-01"), { headers: { "X-Shopify-Access-Token": TOKEN }, errorPolicy: "all" });
    const res = await client.rawRequest(NO_KEY, { input: input() });
    expect(res.headers.get("x-shopify-api-version")).toBe("2026-10");
    expect(available()).toBe(10);
  });
});

describe("Shopify's bad moments, queued with injectInventoryFault", () => {
  const input = () => ({
    reason: "correction",
    name: "available",
    changes: [{ inventoryItemId: itemGid, locationId: locationGid, delta: -2, changeFromQuantity: 10 }],
  });

  it("given SERVICE_UNAVAILABLE, when adjusting, then nothing is applied and the spent key answers IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED; a new key applies", async () => {
    sim.store.injectInventoryFault(SHOP, { kind: "SERVICE_UNAVAILABLE" });
    const first = await raw<AdjustResult>(adminClient(sim), ADJUST("key-503"), { input: input() });
    expect(first.data!.inventoryAdjustQuantities.userErrors[0].code).toBe("SERVICE_UNAVAILABLE");
    expect(available()).toBe(10);
    const same = await raw<AdjustResult>(adminClient(sim), ADJUST("key-503"), { input: input() });
    expect(same.data!.inventoryAdjustQuantities.userErrors[0].code).toBe("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED");
    const fresh = await raw<AdjustResult>(adminClient(sim), ADJUST("key-503-b"), { input: input() });
    expect(fresh.data!.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(available()).toBe(8);
  });

  it("given a response lost while the request is still processing, when the same key is retried at once and then later, then IDEMPOTENCY_CONCURRENT_REQUEST, then the first result; applied once", async () => {
    sim.store.injectInventoryFault(SHOP, { kind: "RESPONSE_LOST", inProgressMs: 300 });
    const lost = await raw(adminClient(sim), ADJUST("key-lost"), { input: input() }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(Error);
    const during = await raw<AdjustResult>(adminClient(sim), ADJUST("key-lost"), { input: input() });
    expect(during.data!.inventoryAdjustQuantities.userErrors[0].code).toBe("IDEMPOTENCY_CONCURRENT_REQUEST");
    await new Promise((r) => setTimeout(r, 350));
    const after = await raw<AdjustResult>(adminClient(sim), ADJUST("key-lost"), { input: input() });
    expect(after.data!.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(after.data!.inventoryAdjustQuantities.inventoryAdjustmentGroup!.changes[0]).toMatchObject({ name: "available", delta: -2, quantityAfterChange: 8 });
    expect(available()).toBe(8);
  });
});
