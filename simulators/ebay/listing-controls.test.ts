import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEbaySimulator, type EbaySimulator } from "./server";
import { ebayAccessToken } from "./test-helpers";

// The seller's own hand in Seller Hub and eBay's holds, through the simulator's control surface
// (POST /_simulator/listings/...), as getOffers then reports them.

const SELLER = { userId: "seller-1", marketplaceId: "EBAY_US", appId: "AppId-1", certId: "Cert-1", refreshToken: "v^1.1#r^1#refresh-1" };
let sim: EbaySimulator;
let token: string;

beforeAll(async () => {
  sim = await startEbaySimulator({
    accounts: [{ ...SELLER, listings: [{ sku: "MUG-BLUE", offerId: "5000000001", quantity: 4, priceCents: 1299, title: "Blue mug" }] }],
  });
  token = await ebayAccessToken(sim.url, SELLER);
});

afterAll(async () => {
  await sim?.stop();
});

const control = (path: string, body: unknown) =>
  fetch(`${sim.url}/_simulator/listings/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function offer() {
  const answer = await fetch(`${sim.url}/sell/inventory/v1/offer?sku=MUG-BLUE`, { headers: { authorization: `Bearer ${token}` } });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { offers: { availableQuantity: number; pricingSummary: { price: { value: string } }; listing: Record<string, unknown> }[] })
    .offers[0];
}

describe("eBay simulator: a listing changed outside Anchorline", () => {
  it("given a listing of 4 at 12.99, when the seller types 17 at 15.00 in Seller Hub, then getOffers shows 17 at 15.00", async () => {
    expect((await control("seller-1/MUG-BLUE/edit", { quantity: 17, priceCents: 1500 })).status).toBe(204);
    expect(await offer()).toMatchObject({ availableQuantity: 17, pricingSummary: { price: { value: "15.00" } }, listing: { listingStatus: "ACTIVE" } });
    expect(sim.state.listing("MUG-BLUE")?.quantity).toBe(17);
  });

  it("given eBay holds the listing, then getOffers says listingOnHold; ended by eBay it says EBAY_ENDED; cleared, neither", async () => {
    expect((await control("seller-1/MUG-BLUE/health", { onHold: true })).status).toBe(204);
    expect((await offer()).listing).toMatchObject({ listingOnHold: true, listingStatus: "ACTIVE" });
    expect((await control("seller-1/MUG-BLUE/health", { onHold: false, ended: "EBAY_ENDED" })).status).toBe(204);
    expect((await offer()).listing).toMatchObject({ listingStatus: "EBAY_ENDED" });
    expect((await offer()).listing).not.toHaveProperty("listingOnHold");
    expect((await control("seller-1/MUG-BLUE/health", { ended: null })).status).toBe(204);
    expect((await offer()).listing).toMatchObject({ listingStatus: "ACTIVE" });
  });

  it("given bad input or an unknown listing, then 400 or 404 and nothing changes", async () => {
    const before = await offer();
    expect((await control("seller-1/MUG-BLUE/edit", { quantity: -1 })).status).toBe(400);
    expect((await control("seller-1/MUG-BLUE/edit", { priceCents: 12.5 })).status).toBe(400);
    expect((await control("seller-1/MUG-BLUE/health", { ended: "GONE" })).status).toBe(400);
    expect((await control("seller-1/NO-SUCH/edit", { quantity: 1 })).status).toBe(404);
    expect(await offer()).toEqual(before);
  });
});
