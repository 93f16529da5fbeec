import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifySimulator, type ShopifySimulator } from "./server";

const secret = "sim-secret";
const domain = "sim-shop.myshopify.com";
let simulator: ShopifySimulator;
let received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let receiver: ReturnType<typeof createServer>;

const post = (query: string, variables?: object, token = "shpat_sim") =>
  fetch(`${simulator.url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": token },
    body: JSON.stringify({ query, variables }),
  });

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
    res.end("ok");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  simulator = await startShopifySimulator({
    apiSecret: secret,
    shops: [{ domain, accessToken: "shpat_sim", catalog: { products: 100, variantsPerProduct: 3, locations: 2 } }],
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`,
    throttle: { maximumAvailable: 200, restoreRate: 200 },
  });
});

afterAll(async () => {
  await simulator.stop();
  receiver.close();
});

describe("the Shopify Admin simulator", () => {
  it("refuses a query Shopify's schema refuses, with Shopify's error shape", async () => {
    const body = await (await post("{ shop { name nope } }")).json();
    expect(body.errors[0]).toMatchObject({ message: 'Cannot query field "nope" on type "Shop". Did you mean "name"?', extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
  });

  it("answers 401 to a wrong access token", async () => {
    const response = await post("{ shop { name } }", undefined, "shpat_wrong");
    expect(response.status).toBe(401);
  });

  it("pages through 300 variants with cursors, each exactly once, and reports the cost", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body = await (await post("query($after: String) { productVariants(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { id sku } } }", { after })).json();
      seen.push(...body.data.productVariants.nodes.map((n: { id: string }) => n.id));
      expect(body.extensions.cost.requestedQueryCost).toBe(52);
      if (!body.data.productVariants.pageInfo.hasNextPage) break;
      after = body.data.productVariants.pageInfo.endCursor;
      await new Promise((r) => setTimeout(r, 300)); // let the small test bucket refill
    }
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
    // Ids above 2^53 come back exact
    expect(seen[0]).toMatch(/^gid:\/\/shopify\/ProductVariant\/900719925474\d{4}$/);
  });

  it("throttles when the cost bucket is short, and recovers as it refills", async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const big = "{ products(first: 150) { nodes { id title } } }"; // 2 + 150 × 1 = 152 points of 200
    expect((await (await post(big)).json()).data).toBeTruthy();
    const throttled = await (await post(big)).json();
    expect(throttled.errors[0].extensions.code).toBe("THROTTLED");
    expect(throttled.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(152);
    await new Promise((r) => setTimeout(r, 800));
    expect((await (await post(big)).json()).data).toBeTruthy();
  });

  it("applies an idempotent adjustment once, refuses a stale changeFromQuantity, and refuses a reused key with other input", async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const client = new GraphQLClient(`${simulator.url}/admin/api/2026-10/graphql.json`, { headers: { "x-shopify-access-token": "shpat_sim" } });
    const store = simulator.shop(domain);
    const [itemId] = store.itemToVariant.keys();
    const [locationId] = store.locations.keys();
    const before = store.level(itemId, locationId)!.available;
    const mutation = `mutation($input: InventoryAdjustQuantitiesInput!, $key: String!) { inventoryAdjustQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { changes { name delta quantityAfterChange } } userErrors { code } } }`;
    const input = (changeFromQuantity: number, delta = -1) => ({ name: "available", reason: "correction", changes: [{ inventoryItemId: `gid://shopify/InventoryItem/${itemId}`, locationId: `gid://shopify/Location/${locationId}`, delta, changeFromQuantity }] });

    const first = await client.request<{ inventoryAdjustQuantities: { userErrors: unknown[] } }>(mutation, { key: "k1", input: input(before) });
    const repeat = await client.request(mutation, { key: "k1", input: input(before) });
    expect(repeat).toEqual(first);
    expect(store.level(itemId, locationId)!.available).toBe(before - 1);

    const stale = await client.request<{ inventoryAdjustQuantities: { userErrors: { code: string }[] } }>(mutation, { key: "k2", input: input(before) });
    expect(stale.inventoryAdjustQuantities.userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_STALE");
    const reused = await client.request<{ inventoryAdjustQuantities: { userErrors: { code: string }[] } }>(mutation, { key: "k1", input: input(before - 1, -3) });
    expect(reused.inventoryAdjustQuantities.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
    expect(store.level(itemId, locationId)!.available).toBe(before - 1);
  });

  it("signs webhooks with the app's secret and writes ids above 2^53 exactly", async () => {
    received = [];
    const store = simulator.shop(domain);
    const [itemId] = store.itemToVariant.keys();
    const [locationId] = store.locations.keys();
    await simulator.setAvailable(domain, itemId, locationId, 11);
    const [delivery] = received;
    expect(delivery.headers["x-shopify-topic"]).toBe("inventory_levels/update");
    expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(createHmac("sha256", secret).update(delivery.body).digest("base64"));
    expect(delivery.body).toContain(`"inventory_item_id":${itemId}`);
    expect(BigInt(itemId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});
