// Listing discovery on eBay: the connector's readListings against the eBay simulator.
import { afterEach, describe, expect, it } from "vitest";
import { startEbaySimulator, type EbaySimulator, type SimListingSeed } from "../../../simulators/ebay/server";
import { ChannelError, type Connector, type DiscoveredListing } from "../connector";
import { createEbayConnector, type EbayConnectorOptions } from "./connector";
import type { RevisionCounter } from "./revisions.server";

const SELLER = { userId: "seller-discovery", marketplaceId: "EBAY_US", appId: "AppId-d", certId: "Cert-d", refreshToken: "v^1.1#r^1#refresh-d" };
const FAST_RETRY = { baseDelayMs: 250, random: () => 1 };

/** Revisions are not what these stories are about: every SKU may be revised. */
const unlimitedRevisions: RevisionCounter = {
  reserve: async (skus) => ({ allowed: new Set(skus), retryAfterMs: 0 }),
  release: async () => {},
};

const running: EbaySimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function setup(seeds: SimListingSeed[], options: { rateLimitScale?: number; connector?: Partial<EbayConnectorOptions> } = {}) {
  const sim = await startEbaySimulator({ accounts: [{ ...SELLER, listings: seeds }], rateLimitScale: options.rateLimitScale });
  running.push(sim);
  const connector = createEbayConnector(
    {
      accountId: SELLER.userId,
      region: SELLER.marketplaceId,
      credentials: { appId: SELLER.appId, certId: SELLER.certId, refreshToken: SELLER.refreshToken },
      endpoints: { api: sim.url },
    },
    { revisions: unlimitedRevisions, retry: FAST_RETRY, ...options.connector },
  );
  return { sim, connector };
}

/** Every page, from null until next is null, and the tokens passed on the way. */
async function readAll(connector: Connector): Promise<{ listings: DiscoveredListing[]; tokens: Array<string | null> }> {
  const listings: DiscoveredListing[] = [];
  const tokens: Array<string | null> = [];
  let token: string | null = null;
  do {
    tokens.push(token);
    const page = await connector.readListings!(token);
    listings.push(...page.listings);
    token = page.next;
  } while (token !== null && tokens.length < 20);
  return { listings, tokens };
}

const calls = (sim: EbaySimulator, operationId: string) => sim.calls.filter((c) => c.operationId === operationId);
const tokenCalls = (sim: EbaySimulator) => sim.requests.filter((r) => r.path === "/identity/v1/oauth2/token");

const SEEDS: SimListingSeed[] = [
  {
    sku: "MUG-BLUE",
    offerId: "7000000001",
    quantity: 5,
    offerQuantity: 2,
    priceCents: 1450,
    title: "Blue mug",
    upc: ["Does not apply"],
    ean: ["4006381333931"],
  },
  { sku: "MUG-RED", offerId: "7000000002", quantity: 0, priceCents: 1450, title: "Red mug", upc: ["0 12345 67890 5"] },
  { sku: "BOOK", offerId: "7000000003", quantity: 1, priceCents: 999, currency: "USD", isbn: ["0-306-40615-2"] },
  { sku: "DRAFT", offer: false, quantity: 7, priceCents: 0, title: "Not offered yet" },
  { sku: "KETTLE", offerId: "7000000005", quantity: 3, priceCents: 4500 },
];

describe("eBay connector: reading the seller's existing listings", () => {
  it("given five inventory items, one not offered yet, when read two a page, then three pages bring each once with its offer id, what buyers see, eBay's price and status and its barcode as digits", async () => {
    const { sim, connector } = await setup(SEEDS, { connector: { listingsPageSize: 2 } });

    const { listings, tokens } = await readAll(connector);

    expect(tokens).toEqual([null, "1", "2"]);
    expect(listings).toEqual([
      // The offer holds 2 of the item's 5: buyers see 2. "Does not apply" is no barcode; the EAN is.
      {
        channelSku: "MUG-BLUE",
        externalId: "7000000001",
        gtin: "4006381333931",
        title: "Blue mug",
        quantity: 2,
        priceCents: 1450,
        currencyCode: "USD",
        status: "ACTIVE",
        suspension: null,
      },
      {
        channelSku: "MUG-RED",
        externalId: "7000000002",
        gtin: "012345678905",
        title: "Red mug",
        quantity: 0,
        priceCents: 1450,
        currencyCode: "USD",
        status: "OUT_OF_STOCK",
        suspension: null,
      },
      {
        channelSku: "BOOK",
        externalId: "7000000003",
        gtin: "9780306406157",
        title: "Item BOOK",
        quantity: 1,
        priceCents: 999,
        currencyCode: "USD",
        status: "ACTIVE",
        suspension: null,
      },
      // No offer: no listing id, price or status, only the item's own quantity.
      {
        channelSku: "DRAFT",
        externalId: null,
        gtin: null,
        title: "Not offered yet",
        quantity: 7,
        priceCents: null,
        currencyCode: null,
        status: null,
        suspension: null,
      },
      {
        channelSku: "KETTLE",
        externalId: "7000000005",
        gtin: null,
        title: "Item KETTLE",
        quantity: 3,
        priceCents: 4500,
        currencyCode: "USD",
        status: "ACTIVE",
        suspension: null,
      },
    ]);
    expect(calls(sim, "getInventoryItems").map((c) => c.status)).toEqual([200, 200, 200]);
    expect(calls(sim, "getOffers")).toHaveLength(5);
    expect(sim.requests.filter((r) => r.path.startsWith("/sell/inventory/v1/inventory_item")).map((r) => r.path)).toHaveLength(3);
    expect(sim.responseViolations).toEqual([]);
  });

  it("given 30 inventory items and the default page size, when read, then one page brings them all (eBay's own default is 25 a page; the connector asks for 200), its calls paced at the app's eBay rate", async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ sku: `SKU-${i}`, offerId: String(7_100_000_000 + i), quantity: 1, priceCents: 100 }));
    const { sim, connector } = await setup(many);
    const page = await connector.readListings!(null);
    expect(page.next).toBeNull();
    expect(page.listings.map((l) => l.channelSku)).toEqual(many.map((m) => m.sku));
    expect(calls(sim, "getInventoryItems")).toHaveLength(1);
    // 31 calls at the app's 10 a second after a burst of 20: the last 11 take at least a second more.
    const times = sim.requests.filter((r) => r.path.startsWith("/sell/inventory/")).map((r) => r.at);
    expect(times).toHaveLength(31);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1000);
  });

  it("given listings just read, when a price is pushed without its offer id, then the offer id read with them is used and no getOffers is made again", async () => {
    const { sim, connector } = await setup(SEEDS);
    await connector.readListings!(null);
    const before = calls(sim, "getOffers").length;

    const [outcome] = await connector.pushPrices([{ channelSku: "KETTLE", priceCents: 3999, currencyCode: "USD" }]);

    expect(outcome).toEqual({ channelSku: "KETTLE", status: "accepted", externalId: "7000000005" });
    expect(calls(sim, "getOffers")).toHaveLength(before);
    expect(sim.state.listing("KETTLE")?.priceCents).toBe(3999);
  });

  it("given eBay throttling (429) while reading, when read, then the throttled calls are retried with growing waits and every listing comes", async () => {
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    };
    // Scaled down, the simulator allows a burst of 2 calls and 1 a second after that.
    const { sim, connector } = await setup(SEEDS.slice(0, 3), { rateLimitScale: 0.04, connector: { retry: { ...FAST_RETRY, sleep } } });

    const { listings } = await readAll(connector);

    const throttled = sim.requests.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(waits).toHaveLength(throttled.length);
    expect(waits[0]).toBe(250);
    expect(listings.map((l) => [l.channelSku, l.priceCents])).toEqual([
      ["MUG-BLUE", 1450],
      ["MUG-RED", 1450],
      ["BOOK", 999],
    ]);
  });

  it("given eBay stops honouring the access token between two pages, when the next page is read, then one refresh and the page comes", async () => {
    const { sim, connector } = await setup(SEEDS, { connector: { listingsPageSize: 3 } });
    const first = await connector.readListings!(null);
    expect(tokenCalls(sim)).toHaveLength(1);

    sim.state.expireAccessTokens();
    const second = await connector.readListings!(first.next);

    expect(second.listings.map((l) => l.channelSku)).toEqual(["DRAFT", "KETTLE"]);
    expect(second.next).toBeNull();
    expect(tokenCalls(sim)).toHaveLength(2);
    expect(sim.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it("given the seller revoked the app, when read, then a ChannelError with authFailed and no listing call is made", async () => {
    const { sim, connector } = await setup(SEEDS);
    sim.state.revokeRefreshToken(SELLER.userId);
    const failure = await connector.readListings!(null).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details).toMatchObject({ authFailed: true, retryable: false });
    expect(calls(sim, "getInventoryItems")).toHaveLength(0);
  });

  it("given a seller with no inventory items, when read, then one empty last page", async () => {
    const { connector } = await setup([]);
    expect(await connector.readListings!(null)).toEqual({ listings: [], next: null });
  });
});
