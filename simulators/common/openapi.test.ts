import { describe, expect, it } from "vitest";
import { OpenApiContract } from "./openapi";

const headers = { "content-type": "application/json" };

describe("checking requests against Amazon's Listings Items definition (Swagger 2.0)", () => {
  const listings = new OpenApiContract("amazon-sp-api/listingsItems_2021-08-01.json");
  const path = "/listings/2021-08-01/items/A1SELLER/KET-RED";

  it("accepts a well-formed patchListingsItem and names the operation", () => {
    const check = listings.checkRequest({
      method: "PATCH",
      path,
      query: new URLSearchParams({ marketplaceIds: "ATVPDKIKX0DER" }),
      headers,
      body: {
        productType: "KITCHEN",
        patches: [{ op: "replace", path: "/attributes/fulfillment_availability", value: [{ fulfillment_channel_code: "DEFAULT", quantity: 4 }] }],
      },
    });
    expect(check).toMatchObject({ ok: true, operationId: "patchListingsItem", pathParams: { sellerId: "A1SELLER", sku: "KET-RED" } });
  });

  it("refuses a patch without marketplaceIds or with an unknown op, saying why", () => {
    const check = listings.checkRequest({
      method: "PATCH",
      path,
      query: new URLSearchParams(),
      headers,
      body: { productType: "KITCHEN", patches: [{ op: "increment", path: "/attributes/x" }] },
    });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.status).toBe(400);
    expect(check.errors.join("\n")).toContain("marketplaceIds");
    expect(check.errors.join("\n")).toMatch(/op|allowed values/);
  });

  it("answers 405 for a method the path does not have and 404 for a path it does not know", () => {
    expect(listings.checkRequest({ method: "POST", path, query: new URLSearchParams(), headers, body: {} })).toMatchObject({ ok: false, status: 405 });
    expect(listings.checkRequest({ method: "GET", path: "/nope", query: new URLSearchParams(), headers, body: undefined })).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe("checking requests against eBay's Inventory API (OpenAPI 3.0)", () => {
  const inventory = new OpenApiContract("ebay-sell/sell_inventory_v1_oas3.json", "/sell/inventory/v1");

  it("accepts bulkUpdatePriceQuantity and refuses a quantity that is not an integer", () => {
    const good = inventory.checkRequest({
      method: "POST",
      path: "/sell/inventory/v1/bulk_update_price_quantity",
      query: new URLSearchParams(),
      headers,
      body: { requests: [{ sku: "KET-RED", shipToLocationAvailability: { quantity: 3 } }] },
    });
    expect(good).toMatchObject({ ok: true, operationId: "bulkUpdatePriceQuantity" });
    const bad = inventory.checkRequest({
      method: "POST",
      path: "/sell/inventory/v1/bulk_update_price_quantity",
      query: new URLSearchParams(),
      headers,
      body: { requests: [{ sku: "KET-RED", shipToLocationAvailability: { quantity: "three" } }] },
    });
    expect(bad).toMatchObject({ ok: false, status: 400 });
  });

  it("checks a response against the documented shape", () => {
    expect(inventory.checkResponse("bulkUpdatePriceQuantity", 200, { responses: [{ sku: "KET-RED", statusCode: 200 }] })).toEqual([]);
    expect(inventory.checkResponse("bulkUpdatePriceQuantity", 200, { responses: [{ sku: 5 }] }).length).toBeGreaterThan(0);
  });
});

describe("headers the definition requires", () => {
  it("are enforced: eBay's Content-Type on a JSON call", () => {
    const inventory = new OpenApiContract("ebay-sell/sell_inventory_v1_oas3.json", "/sell/inventory/v1");
    const check = inventory.checkRequest({
      method: "POST",
      path: "/sell/inventory/v1/bulk_update_price_quantity",
      query: new URLSearchParams(),
      headers: {},
      body: { requests: [] },
    });
    expect(check).toMatchObject({ ok: false, errors: ["header parameter Content-Type is required"] });
  });
});

describe("correcting a published definition where it contradicts the live API", () => {
  const putItem = (contract: OpenApiContract, aspects: unknown) =>
    contract.checkRequest({
      method: "PUT",
      path: "/sell/inventory/v1/inventory_item/MUG-1",
      query: new URLSearchParams(),
      headers: { ...headers, "content-language": "en-US" },
      body: { product: { title: "Mug", aspects } },
    });
  const aspectsAsEbayUsesThem = {
    "/components/schemas/Product/properties/aspects": { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
  };

  it("given eBay's Product.aspects (declared a string, used as name -> values), when corrected, then the object eBay takes passes and a bare string no longer does", () => {
    const asPublished = new OpenApiContract("ebay-sell/sell_inventory_v1_oas3.json", "/sell/inventory/v1");
    const corrected = new OpenApiContract("ebay-sell/sell_inventory_v1_oas3.json", "/sell/inventory/v1", { corrections: aspectsAsEbayUsesThem });
    expect(putItem(asPublished, { Colour: ["Blue"] })).toMatchObject({ ok: false, status: 400 });
    expect(putItem(corrected, { Colour: ["Blue"] })).toMatchObject({ ok: true, operationId: "createOrReplaceInventoryItem" });
    expect(putItem(corrected, "Colour: Blue")).toMatchObject({ ok: false, status: 400 });
  });

  it("given a correction that points at nothing in the definition, when loaded, then it fails loudly instead of correcting nothing", () => {
    expect(
      () =>
        new OpenApiContract("ebay-sell/sell_inventory_v1_oas3.json", "/sell/inventory/v1", { corrections: { "/components/schemas/Nope/properties/x": {} } }),
    ).toThrow(/no such node/);
  });
});
