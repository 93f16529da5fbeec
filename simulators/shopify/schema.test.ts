import { ClientError } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_TOKEN_BODY, type ShopifySimulator } from "./server";
import { adminClient, raw, SHOP, simulatorWith, TOKEN } from "./test-helpers";

let sim: ShopifySimulator;
beforeAll(async () => {
  sim = await simulatorWith({ products: 3, variantsPerProduct: 2, locations: 2, seed: 7 });
});
afterAll(() => sim.stop());

describe("Shopify's Admin schema", () => {
  it("given a query with a field Shopify does not have, when it is sent, then it is rejected Shopify-style and nothing runs", async () => {
    const res = await raw(adminClient(sim), `{ shop { name inventoryCount } }`);
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: "Field 'inventoryCount' doesn't exist on type 'Shop'",
        extensions: { code: "undefinedField", typeName: "Shop", fieldName: "inventoryCount" },
      }),
    ]);
  });

  it("given an argument of the wrong type, when the query is sent, then it is rejected", async () => {
    const res = await raw(adminClient(sim), `{ products(first: "ten") { nodes { id } } }`);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].extensions?.code).toBe("argumentLiteralsIncompatible");
  });

  it("given an argument Shopify does not accept, when the query is sent, then it is rejected", async () => {
    const res = await raw(adminClient(sim), `{ products(first: 1, limit: 5) { nodes { id } } }`);
    expect(res.errors?.[0]).toMatchObject({ message: "Field 'products' doesn't accept argument 'limit'", extensions: { code: "argumentNotAccepted" } });
  });

  it("given API 2026-10, when changeFromQuantity, @idempotent and includeInactive are used, then the query validates; 2025-era arguments are refused", async () => {
    const res = await raw(
      adminClient(sim),
      `mutation { inventoryAdjustQuantities(input: { reason: "correction", name: "available", changes: [] }) @idempotent(key: "k-schema") { userErrors { code } } }`,
    );
    expect(res.errors).toBeUndefined();
    const level = await raw(
      adminClient(sim),
      `{ inventoryItems(first: 1) { nodes { inventoryLevel(locationId: "gid://shopify/Location/1", includeInactive: true) { isActive } } } }`,
    );
    expect(level.errors).toBeUndefined();
    const bad = await raw(
      adminClient(sim),
      `mutation { inventoryAdjustQuantities(input: { reason: "correction", name: "available", changes: [], idempotencyKey: "x" }) { userErrors { code } } }`,
    );
    expect(bad.errors?.[0].message).toMatch(/idempotencyKey/);
    const removed = await raw(
      adminClient(sim),
      `mutation { inventorySetQuantities(input: { reason: "correction", name: "available", ignoreCompareQuantity: true, quantities: [] }) { userErrors { code } } }`,
    );
    expect(removed.errors?.[0].message).toMatch(/ignoreCompareQuantity/);
  });

  it("given the 2026-10 enums, when their values are read, then ProductStatus has UNLISTED and the inventory error codes have no ITEM_NOT_STOCKED_AT_LOCATION", async () => {
    const res = await raw<Record<string, { enumValues: { name: string }[] }>>(
      adminClient(sim),
      `{ status: __type(name: "ProductStatus") { enumValues { name } } adjust: __type(name: "InventoryAdjustQuantitiesUserErrorCode") { enumValues { name } } }`,
    );
    expect(res.data!.status.enumValues.map((v) => v.name)).toContain("UNLISTED");
    const codes = res.data!.adjust.enumValues.map((v) => v.name);
    expect(codes).toEqual(expect.arrayContaining(["IDEMPOTENCY_CONCURRENT_REQUEST", "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "SERVICE_UNAVAILABLE"]));
    expect(codes).not.toContain("ITEM_NOT_STOCKED_AT_LOCATION");
  });

  it("given the shop's query basics, when shop is read, then name, domain, currency and a Shop GID come back", async () => {
    const res = await raw<{ shop: unknown }>(adminClient(sim), `{ shop { id name myshopifyDomain currencyCode } }`);
    expect(res.data!.shop).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/Shop\/\d+$/), name: "sim-test", myshopifyDomain: SHOP, currencyCode: "EUR" });
  });
});

describe("authentication", () => {
  it("given a wrong access token, when any query is sent, then the answer is 401 with Shopify's body", async () => {
    const error = await adminClient(sim, "shpat_wrong")
      .request(`{ shop { name } }`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).response.status).toBe(401);
    const res = await fetch(sim.adminUrl(SHOP), { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ shop { name } }"}' });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(INVALID_TOKEN_BODY);
  });

  it("given the right token on the plain /admin/api path, when a query is sent, then the shop is found by its token", async () => {
    const res = await fetch(`${sim.url}/admin/api/2026-04/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": TOKEN },
      body: '{"query":"{ shop { myshopifyDomain } }"}',
    });
    expect(res.status).toBe(200);
    expect((await res.json()).data.shop.myshopifyDomain).toBe(SHOP);
  });
});
