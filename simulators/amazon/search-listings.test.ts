import { afterEach, describe, expect, it } from "vitest";
import { startAmazonSimulator, type AmazonSimulator } from "./server";
import { SEARCH_LISTINGS_MAX_ITEMS } from "./search-listings";

const SELLER = "A3SEARCHSELLER";
const US = "ATVPDKIKX0DER";
const LWA = { clientId: "amzn1.application-oa2-client.search", clientSecret: "s", refreshToken: "Atzr|search" };
const SEARCH = `/listings/2021-08-01/items/${SELLER}?marketplaceIds=${US}`;

let sim: AmazonSimulator;

async function start(count: number) {
  sim = await startAmazonSimulator({
    sellers: [
      {
        sellerId: SELLER,
        marketplaceId: US,
        ...LWA,
        listings: [
          { sku: "AAA-KETTLE", quantity: 5, priceCents: 2999, asin: "B0KETRED01", title: "Kettle", gtin: "036000291452" },
          ...Array.from({ length: count }, (_, i) => ({ sku: `MUG-${String(i).padStart(4, "0")}`, quantity: 1, priceCents: 1000 })),
        ],
      },
    ],
    // Thousands of pages in one test: the definition's 5 per second would make it a minute long.
    usagePlanOverrides: { searchListingsItems: { rate: 1000, burst: 1000 } },
  });
}
afterEach(() => sim.stop());

async function search(query: string, sellerPath = SEARCH) {
  const token = await fetch(`${sim.url}/auth/o2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: LWA.refreshToken,
      client_id: LWA.clientId,
      client_secret: LWA.clientSecret,
    }).toString(),
  }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
  const answer = await fetch(`${sim.url}${sellerPath}${query}`, { headers: { "x-amz-access-token": token } });
  return {
    status: answer.status,
    body: (await answer.json()) as Record<string, unknown> & { items: Array<Record<string, unknown>>; pagination?: { nextToken: string } },
  };
}

describe("Amazon simulator, searchListingsItems", () => {
  it("given a kettle with a barcode, when searched with summaries, offers, fulfillment availability and attributes, then its item carries its ASIN, name, price, quantity and barcode", async () => {
    await start(0);
    const { status, body } = await search("&includedData=summaries,offers,fulfillmentAvailability,attributes");
    expect(status).toBe(200);
    expect(body.numberOfResults).toBe(1);
    expect(body.items[0]).toMatchObject({
      sku: "AAA-KETTLE",
      summaries: [expect.objectContaining({ asin: "B0KETRED01", itemName: "Kettle", marketplaceId: US })],
      offers: [expect.objectContaining({ price: { currencyCode: "USD", amount: "29.99" } })],
      fulfillmentAvailability: [{ fulfillmentChannelCode: "DEFAULT", quantity: 5 }],
      attributes: expect.objectContaining({ externally_assigned_product_identifier: [expect.objectContaining({ type: "upc", value: "036000291452" })] }),
    });
    expect(sim.responseChecks.filter((c) => c.errors.length > 0)).toEqual([]);
  });

  it("given 1,100 listings, when paged 20 at a time, then pages stop at the definition's 1,000 items while numberOfResults says 1,101", async () => {
    await start(1100);
    let token: string | undefined;
    const seen: string[] = [];
    do {
      const { status, body } = await search(`&pageSize=20&sortBy=sku&sortOrder=ASC${token ? `&pageToken=${encodeURIComponent(token)}` : ""}`);
      expect(status).toBe(200);
      expect(body.numberOfResults).toBe(1101);
      seen.push(...body.items.map((i) => String(i.sku)));
      token = body.pagination?.nextToken;
    } while (token);
    expect(seen).toHaveLength(SEARCH_LISTINGS_MAX_ITEMS);
    expect(new Set(seen).size).toBe(SEARCH_LISTINGS_MAX_ITEMS);
  });

  it("given a page size above 20, a token it never handed out, or another seller's id in the path, then it is refused", async () => {
    await start(3);
    expect((await search("&pageSize=21")).status).toBe(400);
    const lost = await search("&pageToken=not-a-token");
    expect([lost.status, JSON.stringify(lost.body)]).toEqual([400, expect.stringContaining("pageToken")]);
    expect((await search("", `/listings/2021-08-01/items/A0THERSELLER?marketplaceIds=${US}`)).status).toBe(403);
  });
});
