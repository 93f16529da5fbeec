import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWalmartSimulator, type WalmartSimulator } from "../../../simulators/walmart/server";
import type { DiscoveredListing } from "../connector";
import { createWalmartConnector } from "./index";
import { ITEMS_PAGE_SIZE } from "./listings";

const CLIENT = { clientId: "wm-discovery", clientSecret: "s3cret" };
// More than one page of getAllItems: the read must follow the cursor to the end.
const many = Array.from({ length: ITEMS_PAGE_SIZE + 7 }, (_, i) => ({ sku: `MUG-${String(i).padStart(3, "0")}`, quantity: i % 4, priceCents: 1200 }));

let sim: WalmartSimulator;
let waits: number[];

const connector = () =>
  createWalmartConnector(
    { accountId: "partner-1", credentials: CLIENT, endpoints: { api: sim.url } },
    { retry: { sleep: async (ms) => void waits.push(ms), baseDelayMs: 1 } },
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
  waits = [];
  sim = await startWalmartSimulator({
    accounts: [
      { ...CLIENT, listings: [{ sku: "KET-RED", quantity: 5, priceCents: 2999, gtin: "00036000291452", content: { productName: "Kettle" } }, ...many] },
    ],
  });
});
afterEach(() => sim.stop());

describe("Walmart connector, reading the seller's listings (getAllItems)", () => {
  it("given 58 items, when every page is read, then each item comes once with its GTIN, name, price and its quantity from the Inventory API", async () => {
    const { listings, pages } = await readAll();

    expect(pages).toBe(2);
    expect(listings).toHaveLength(58);
    expect(new Set(listings.map((l) => l.channelSku)).size).toBe(58);
    expect(listings.find((l) => l.channelSku === "KET-RED")).toMatchObject({
      gtin: "00036000291452",
      title: "Kettle",
      quantity: 5,
      priceCents: 2999,
      currencyCode: "USD",
      status: "ACTIVE",
    });
    expect(listings.find((l) => l.channelSku === "MUG-003")?.quantity).toBe(3);
    expect(listings.every((l) => typeof l.externalId === "string" && l.externalId.length > 0)).toBe(true);
    // Every call was one the definitions know, answered on contract.
    expect(sim.responseChecks.filter((c) => c.errors.length > 0)).toEqual([]);
    expect(sim.requests.filter((r) => r.path === "/v3/items").map((r) => r.status)).toEqual([200, 200]);
  });

  it("given Walmart throttles the catalog read once, when a page is read, then it waits as told and reads it", async () => {
    sim.throttleNext(CLIENT.clientId, 1);
    const page = await connector().readListings!(null);
    expect(page.listings).toHaveLength(ITEMS_PAGE_SIZE);
    expect(waits).toEqual([1000]);
  });

  it("given revoked credentials, when a page is read, then it fails as an authentication failure, not retried", async () => {
    sim.revokeCredentials(CLIENT.clientId);
    await expect(connector().readListings!(null)).rejects.toMatchObject({ details: expect.objectContaining({ authFailed: true, retryable: false }) });
  });
});
