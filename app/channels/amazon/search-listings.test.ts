import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAmazonSimulator, type AmazonSimulator } from "../../../simulators/amazon/server";
import type { DiscoveredListing } from "../connector";
import { createAmazonConnector } from "./index";
import { SEARCH_PAGE_SIZE } from "./search-listings";

const SELLER = "A2DISCOVERY01";
const US = "ATVPDKIKX0DER";
const CREDENTIALS = { clientId: "amzn1.application-oa2-client.discovery", clientSecret: "s", refreshToken: "Atzr|discovery" };
// Two pages and a bit: the read must follow nextToken to the end.
const mugs = Array.from({ length: SEARCH_PAGE_SIZE * 2 + 3 }, (_, i) => ({
  sku: `MUG-${String(i).padStart(3, "0")}`,
  quantity: 2,
  priceCents: 1200,
  asin: `B0MUG${i}`,
}));

let sim: AmazonSimulator;
let clock: number;
let waits: number[];

const connector = () =>
  createAmazonConnector(
    { accountId: SELLER, region: US, credentials: CREDENTIALS, endpoints: { api: sim.url, auth: sim.url } },
    {
      // A wait advances the clock the simulator's rate limits run on: backoff without real time.
      retry: { sleep: async (ms) => void (waits.push(ms), (clock += ms)), baseDelayMs: 1, attempts: 8 },
      now: () => clock,
    },
  );

async function readAll(): Promise<{ listings: DiscoveredListing[]; pages: number }> {
  const c = connector();
  const listings: DiscoveredListing[] = [];
  let pages = 0;
  let token: string | null = null;
  do {
    const page = await c.readListings!(token);
    listings.push(...page.listings);
    token = page.next;
    pages++;
  } while (token !== null);
  return { listings, pages };
}

beforeEach(async () => {
  clock = Date.now();
  waits = [];
  sim = await startAmazonSimulator({
    sellers: [
      {
        sellerId: SELLER,
        marketplaceId: US,
        ...CREDENTIALS,
        listings: [
          { sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01", title: "Red kettle", gtin: "036000291452" },
          { sku: "KET-FBA", quantity: 9, priceCents: 3499, asin: "B0KETFBA01", title: "Kettle, FBA", fulfilledByAmazon: true },
          ...mugs,
        ],
      },
    ],
    now: () => clock,
  });
});
afterEach(() => sim.stop());

describe("Amazon connector, reading the seller's listings (searchListingsItems)", () => {
  it("given 45 listings, when every page is read, then each comes once with its ASIN, name, price, the merchant's quantity and its barcode", async () => {
    const { listings, pages } = await readAll();

    expect(pages).toBe(3);
    expect(listings).toHaveLength(45);
    expect(new Set(listings.map((l) => l.channelSku)).size).toBe(45);
    expect(listings.find((l) => l.channelSku === "KET-RED")).toEqual({
      channelSku: "KET-RED",
      externalId: "B0KETRED01",
      gtin: "036000291452",
      title: "Red kettle",
      quantity: 5,
      priceCents: 2999,
      currencyCode: "USD",
      status: "BUYABLE, DISCOVERABLE",
    });
    // FBA stock is Amazon's, not the merchant's pool: no quantity is read for it here.
    expect(listings.find((l) => l.channelSku === "KET-FBA")?.quantity).toBeNull();
    expect(sim.responseChecks.filter((c) => c.errors.length > 0)).toEqual([]);
  });

  it("given the usage plan's burst of 5, when three pages are read in a row many times, then the 429s are waited out at Amazon's stated rate", async () => {
    for (let i = 0; i < 3; i++) await readAll();
    expect(waits.length).toBeGreaterThan(0);
    expect(sim.requests.filter((r) => r.status === 429).length).toBe(waits.length);
  });
});
