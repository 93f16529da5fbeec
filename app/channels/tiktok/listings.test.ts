// Listing discovery on TikTok Shop: the connector's readListings against the TikTok simulator.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "../../../simulators/tiktok/server";
import type { TikTokProductSpec } from "../../../simulators/tiktok/state";
import { ChannelError, type Connector, type DiscoveredListing } from "../connector";
import type { TikTokTokens } from "./client";
import { createTikTokConnector } from "./index";

const SHOP = { appKey: "discovery-app", appSecret: "discovery-secret", shopCipher: "ROW_discovery", accessToken: "TTP_d", refreshToken: "TTR_d" };

const PRODUCTS: TikTokProductSpec[] = [
  {
    productId: "P-KETTLE",
    skuId: "S-RED",
    sellerSku: "KET-RED",
    quantity: 5,
    priceCents: 2999,
    title: "Kettle",
    identifierCode: { code: "0 12345 67890 5", type: "UPC" },
  },
  { productId: "P-KETTLE", skuId: "S-BLU", sellerSku: "KET-BLU", quantity: 0, priceCents: 3199 },
  { productId: "P-MUG", skuId: "S-MUG", sellerSku: "", quantity: 9, priceCents: 999, title: "Mug", productStatus: "SELLER_DEACTIVATED" },
  { productId: "P-OLD", skuId: "S-OLD", sellerSku: "OLD", quantity: 1, priceCents: 100, productStatus: "DELETED" },
  {
    productId: "P-BOOK",
    skuId: "S-BOOK",
    sellerSku: "BOOK",
    quantity: 2,
    priceCents: 1500,
    title: "Book",
    identifierCode: { code: "0-306-40615-2", type: "ISBN" },
  },
];

let sim: TikTokSimulator;
let waits: number[];
let stored: TikTokTokens[];

function connector(listingsPageSize?: number): Connector {
  return createTikTokConnector(
    { accountId: "shop-d", credentials: { ...SHOP }, endpoints: { api: sim.url, auth: sim.url } },
    { retry: { sleep: async (ms) => void waits.push(ms), baseDelayMs: 1 }, onTokens: (t) => void stored.push(t), listingsPageSize },
  );
}

async function readAll(c: Connector): Promise<{ listings: DiscoveredListing[]; pages: number }> {
  const listings: DiscoveredListing[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const page = await c.readListings!(token);
    listings.push(...page.listings);
    token = page.next;
    pages += 1;
  } while (token !== null && pages < 20);
  return { listings, pages };
}

const searchCalls = () => sim.requests.filter((r) => r.path === "/product/202309/products/search");
const detailCalls = () => sim.requests.filter((r) => r.path.startsWith("/product/202309/products/P-"));

beforeEach(async () => {
  waits = [];
  stored = [];
  sim = await startTikTokSimulator({ shops: [{ ...SHOP, products: PRODUCTS }] });
});
afterEach(() => sim.stop());

describe("TikTok Shop connector: reading the shop's existing products", () => {
  it("given four products (one deleted) read two a page, when every page is read, then each live SKU comes once keyed by TikTok's SKU id with its seller SKU, product id, price, units, status and its barcode from Get Product", async () => {
    const { listings, pages } = await readAll(connector(2));

    expect(pages).toBe(2);
    expect(listings).toEqual([
      {
        channelSku: "S-RED",
        sellerSku: "KET-RED",
        externalId: "P-KETTLE",
        gtin: "012345678905",
        title: "Kettle",
        quantity: 5,
        priceCents: 2999,
        currencyCode: "USD",
        status: "ACTIVATE",
        suspension: null,
      },
      {
        channelSku: "S-BLU",
        sellerSku: "KET-BLU",
        externalId: "P-KETTLE",
        gtin: null,
        title: "Kettle",
        quantity: 0,
        priceCents: 3199,
        currencyCode: "USD",
        status: "ACTIVATE",
        suspension: null,
      },
      // No seller SKU: discovery can only link it by hand.
      {
        channelSku: "S-MUG",
        sellerSku: null,
        externalId: "P-MUG",
        gtin: null,
        title: "Mug",
        quantity: 9,
        priceCents: 999,
        currencyCode: "USD",
        status: "SELLER_DEACTIVATED",
        suspension: "SELLER_DEACTIVATED",
      },
      {
        channelSku: "S-BOOK",
        sellerSku: "BOOK",
        externalId: "P-BOOK",
        gtin: "9780306406157",
        title: "Book",
        quantity: 2,
        priceCents: 1500,
        currencyCode: "USD",
        status: "ACTIVATE",
        suspension: null,
      },
    ]);
    expect(searchCalls().map((r) => r.status)).toEqual([200, 200]);
    // One Get Product per live product (not for the deleted one), for the barcodes.
    expect(detailCalls().map((r) => r.path.split("/").pop())).toEqual(["P-KETTLE", "P-MUG", "P-BOOK"]);
  });

  it("given the default page size, when read, then one page of up to 100 products brings them all", async () => {
    const page = await connector().readListings!(null);
    expect(page.next).toBeNull();
    expect(page.listings.map((l) => l.channelSku)).toEqual(["S-RED", "S-BLU", "S-MUG", "S-BOOK"]);
    expect(searchCalls()).toHaveLength(1);
  });

  it("given a listing read, when its quantity is pushed with the ids discovery found, then it lands on that SKU", async () => {
    const [red] = (await connector().readListings!(null)).listings;
    const outcomes = await connector().pushQuantities([{ channelSku: red.channelSku, externalId: red.externalId, quantity: 3 }]);
    expect(outcomes).toEqual([{ channelSku: "S-RED", status: "accepted" }]);
    expect(sim.shop(SHOP.shopCipher).skus.get("S-RED")!.quantity).toBe(3);
  });

  it("given TikTok answers 36009002 (429) twice, when a page is read, then it is retried with backoff and the page comes", async () => {
    sim.throttleNext(SHOP.shopCipher, 2);
    const page = await connector().readListings!(null);
    expect(page.listings).toHaveLength(4);
    expect(waits).toHaveLength(2);
    expect(sim.requests.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it("given the access token expired on TikTok's side between two pages, when the next page is read, then the tokens are refreshed once, stored, and the page comes", async () => {
    const c = connector(2);
    const first = await c.readListings!(null);
    sim.expireAccessToken(SHOP.shopCipher);

    const second = await c.readListings!(first.next);

    // The second page holds the deleted product, left out, and the book.
    expect(second.listings.map((l) => l.channelSku)).toEqual(["S-BOOK"]);
    expect(second.next).toBeNull();
    expect(stored).toHaveLength(1);
    expect(stored[0].accessToken).toBe(sim.shop(SHOP.shopCipher).accessToken);
  });

  it("given the seller revoked the app, when read, then a ChannelError marked authFailed, not retried", async () => {
    sim.revoke(SHOP.shopCipher);
    const failure = await connector().readListings!(null).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details).toMatchObject({ authFailed: true, code: "105001" });
    expect(waits).toEqual([]);
  });

  it("given a shop without products, when read, then one empty last page", async () => {
    await sim.stop();
    sim = await startTikTokSimulator({ shops: [{ ...SHOP, products: [] }] });
    expect(await connector().readListings!(null)).toEqual({ listings: [], next: null });
  });
});
