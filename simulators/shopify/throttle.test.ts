import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryCost } from "./cost";
import { adminSchema } from "./schema";
import type { ShopifySimulator } from "./server";
import { LeakyBucket } from "./throttle";
import { adminClient, raw, simulatorWith } from "./test-helpers";

describe("leaky bucket", () => {
  it("given a drained bucket, when time passes, then points come back at restoreRate up to the maximum", () => {
    let t = 0;
    const bucket = new LeakyBucket({ maximumAvailable: 100, restoreRate: 10, now: () => t });
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    t = 2500;
    expect(bucket.status().currentlyAvailable).toBe(25);
    t = 60_000;
    expect(bucket.status().currentlyAvailable).toBe(100);
  });
});

describe("calculated query cost", () => {
  it("given nested connections, when the requested cost is computed, then objects count 1 and connections 2 + first x child cost", () => {
    const doc = parse(`{ shop { name } products(first: 10) { nodes { id variants(first: 5) { nodes { id inventoryItem { id } } } } } }`);
    // shop 1; products: 2 + 10 x (1 + variants(2 + 5 x (1 + inventoryItem 1)))
    expect(queryCost(adminSchema(), doc)).toBe(1 + 2 + 10 * (1 + 2 + 5 * 2));
  });

  it("given a mutation, when its cost is computed, then it is 10", () => {
    expect(queryCost(adminSchema(), parse(`mutation { bulkOperationRunQuery(query: "{}") { userErrors { message } } }`))).toBe(10);
  });
});

describe("throttling over HTTP", () => {
  let sim: ShopifySimulator;
  let clock = 1_000_000;
  beforeAll(async () => {
    sim = await simulatorWith(
      { products: 60, variantsPerProduct: 1, locations: 1, seed: 5 },
      { throttle: { maximumAvailable: 100, restoreRate: 10, now: () => clock } },
    );
  });
  afterAll(() => sim.stop());

  const QUERY = `{ products(first: 50) { nodes { id } } }`; // requested = actual = 52
  type Products = { products: { nodes: { id: string }[] } };

  it("given a bucket too short for the query, when it is sent, then HTTP 200 with THROTTLED, and it recovers after restoreRate refills", async () => {
    const client = adminClient(sim);
    const ok = await raw<Products>(client, QUERY);
    expect(ok.status).toBe(200);
    expect(ok.extensions?.cost).toEqual({
      requestedQueryCost: 52,
      actualQueryCost: 52,
      throttleStatus: { maximumAvailable: 100, currentlyAvailable: 48, restoreRate: 10 },
    });

    const throttled = await raw<Products>(client, QUERY);
    expect(throttled.status).toBe(200);
    expect(throttled.data).toBeUndefined();
    expect(throttled.errors).toEqual([expect.objectContaining({ message: "Throttled", extensions: expect.objectContaining({ code: "THROTTLED" }) })]);
    expect(throttled.extensions?.cost).toMatchObject({ requestedQueryCost: 52, actualQueryCost: null, throttleStatus: { currentlyAvailable: 48 } });

    clock += 400; // +4 points: 52 available
    const recovered = await raw<Products>(client, QUERY);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data!.products.nodes).toHaveLength(50);
  });

  it("given fewer results than requested, when the query answers, then the difference is refunded (actual < requested)", async () => {
    clock += 100_000;
    const res = await raw<Products>(adminClient(sim), `{ products(first: 80, query: "title:nothing-matches") { nodes { id } } }`);
    expect(res.extensions?.cost.requestedQueryCost).toBe(82);
    expect(res.extensions?.cost.actualQueryCost).toBe(2);
    expect(res.extensions?.cost.throttleStatus.currentlyAvailable).toBe(98);
  });
});
