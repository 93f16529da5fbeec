// getInventoryItems on the eBay simulator: every inventory item of the seller, page by page, as
// the Inventory API definition (sell_inventory_v1_oas3.json 1.18.0) describes the call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEbaySimulator, type EbaySimulator } from "./server";
import { ebayAccessToken } from "./test-helpers";

const SELLER = { userId: "seller-items", marketplaceId: "EBAY_US", appId: "AppId-items", certId: "Cert-items", refreshToken: "v^1.1#r^1#refresh-items" };
const OTHER = { userId: "seller-other", marketplaceId: "EBAY_US", appId: "AppId-items", certId: "Cert-items", refreshToken: "v^1.1#r^1#refresh-other" };

interface InventoryItemsPage {
  href: string;
  limit: number;
  next?: string;
  prev?: string;
  size: number;
  total: number;
  inventoryItems: Array<{ sku: string; product: { title?: string; upc?: string[] }; availability: { shipToLocationAvailability: { quantity: number } } }>;
}

let sim: EbaySimulator;
let token: string;

const get = (path: string, bearer: string | null = token) => fetch(`${sim.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

beforeAll(async () => {
  sim = await startEbaySimulator({
    accounts: [
      {
        ...SELLER,
        listings: [
          ...Array.from({ length: 5 }, (_, i) => ({ sku: `MUG-${i}`, offerId: `700000000${i}`, quantity: i, priceCents: 1000 + i })),
          { sku: "KETTLE", offerId: "7000000010", quantity: 3, priceCents: 4500, upc: ["012345678905"] },
          { sku: "DRAFT", offer: false, quantity: 2, priceCents: 0, title: "Not offered yet" },
        ],
      },
      { ...OTHER, listings: [{ sku: "NOT-MINE", offerId: "7100000000", quantity: 1, priceCents: 100 }] },
    ],
  });
  token = await ebayAccessToken(sim.url, SELLER);
});

afterAll(async () => {
  await sim.stop();
});

describe("the eBay simulator's getInventoryItems", () => {
  it("given 7 inventory items, when read 3 a page by following next, then three pages hold every item once in creation order, with the definition's size (pages) and total, and no other seller's item", async () => {
    const pages: InventoryItemsPage[] = [];
    let url: string | undefined = `${sim.url}/sell/inventory/v1/inventory_item?limit=3`;
    while (url) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const page = (await response.json()) as InventoryItemsPage;
      pages.push(page);
      url = page.next;
    }
    expect(pages.map((p) => p.inventoryItems.map((i) => i.sku))).toEqual([["MUG-0", "MUG-1", "MUG-2"], ["MUG-3", "MUG-4", "KETTLE"], ["DRAFT"]]);
    expect(pages.map((p) => [p.size, p.total, p.limit])).toEqual([
      [3, 7, 3],
      [3, 7, 3],
      [3, 7, 3],
    ]);
    expect(pages[1].next).toBe(`${sim.url}/sell/inventory/v1/inventory_item?limit=3&offset=2`);
    expect(pages[0].prev).toBeUndefined();
    expect(pages[2].prev).toBe(`${sim.url}/sell/inventory/v1/inventory_item?limit=3&offset=1`);
    const kettle = pages[1].inventoryItems[2];
    expect(kettle.product.upc).toEqual(["012345678905"]);
    expect(kettle.availability.shipToLocationAvailability.quantity).toBe(3);
  });

  it("given no limit, when read, then 25 a page is the default", async () => {
    const page = (await (await get("/sell/inventory/v1/inventory_item")).json()) as InventoryItemsPage;
    expect(page.limit).toBe(25);
    expect(page.inventoryItems).toHaveLength(7);
    expect(page.next).toBeUndefined();
  });

  it("given limit 0, 201 or a fraction, or an offset below 0, when read, then 400 with eBay's 25706 (invalid pagination values)", async () => {
    for (const query of ["limit=0", "limit=201", "limit=2.5", "limit=ten", "offset=-1"]) {
      const response = await get(`/sell/inventory/v1/inventory_item?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toEqual({
        errors: [expect.objectContaining({ errorId: 25706, domain: "API_INVENTORY", category: "REQUEST", message: expect.stringContaining("pagination") })],
      });
    }
    expect((await get("/sell/inventory/v1/inventory_item?limit=200")).status).toBe(200);
  });

  it("given a page past the last, when read, then it is empty with no next", async () => {
    const page = (await (await get("/sell/inventory/v1/inventory_item?limit=3&offset=9")).json()) as InventoryItemsPage;
    expect(page.inventoryItems).toEqual([]);
    expect(page.next).toBeUndefined();
    expect(page.total).toBe(7);
  });

  it("given an inventory item the seller has not offered, when its offers are asked for, then 404 with 25713, while an offered one has its offer", async () => {
    const none = await get("/sell/inventory/v1/offer?sku=DRAFT");
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ errors: [{ errorId: 25713 }] });
    const offered = await get("/sell/inventory/v1/offer?sku=KETTLE");
    expect(await offered.json()).toMatchObject({ offers: [{ offerId: "7000000010", pricingSummary: { price: { value: "45.00", currency: "USD" } } }] });
  });

  it("given no token, or one past its expiry, when the items are read, then 401 with eBay's invalid-token error", async () => {
    expect((await get("/sell/inventory/v1/inventory_item", null)).status).toBe(401);
    const soonExpired = await ebayAccessToken(sim.url, SELLER);
    sim.state.expireAccessTokens();
    const response = await get("/sell/inventory/v1/inventory_item", soonExpired);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errors: [{ errorId: 1001, domain: "OAuth" }] });
    token = await ebayAccessToken(sim.url, SELLER);
  });

  it("given everything above, then every answer matched eBay's documented response", () => {
    expect(sim.responseViolations).toEqual([]);
    expect(sim.calls.filter((c) => c.operationId === "getInventoryItems").length).toBeGreaterThan(5);
  });
});
