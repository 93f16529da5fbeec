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
      suspension: null,
    });
    // FBA stock is Amazon's, not the merchant's pool: no quantity is read for it here.
    expect(listings.find((l) => l.channelSku === "KET-FBA")?.quantity).toBeNull();
    expect(sim.responseChecks.filter((c) => c.errors.length > 0)).toEqual([]);
  });

  it("given 1,030 listings, more than the 1,000 one search pages through, when every page is read, then each comes once, the rest read from where the first search stopped", async () => {
    await sim.stop();
    const base = Date.parse("2025-01-01T00:00:00Z");
    sim = await startAmazonSimulator({
      sellers: [
        {
          sellerId: SELLER,
          marketplaceId: US,
          ...CREDENTIALS,
          listings: Array.from({ length: 1030 }, (_, i) => ({
            sku: `BIG-${String(1029 - i).padStart(4, "0")}`,
            quantity: 1,
            priceCents: 1000,
            createdAt: new Date(base + i * 1000).toISOString(),
          })),
        },
      ],
      now: () => clock,
    });

    const { listings } = await readAll();

    expect(new Set(listings.map((l) => l.channelSku)).size).toBe(1030);
    const searches = sim.requests.filter((r) => r.path === `/listings/2021-08-01/items/${SELLER}` && r.status === 200).length;
    expect(searches).toBe(Math.ceil(1000 / SEARCH_PAGE_SIZE) + Math.ceil(31 / SEARCH_PAGE_SIZE));
  });

  it("given a page token the connector never handed out, then it is refused, not read as the first page", async () => {
    await expect(connector().readListings!("bm90LWEtY3Vyc29y")).rejects.toThrow("a page token this connector did not hand out");
  });

  it("given the usage plan's burst of 5, when three pages are read in a row many times, then the 429s are waited out at Amazon's stated rate", async () => {
    for (let i = 0; i < 3; i++) await readAll();
    expect(waits.length).toBeGreaterThan(0);
    expect(sim.requests.filter((r) => r.status === 429).length).toBe(waits.length);
  });
});
