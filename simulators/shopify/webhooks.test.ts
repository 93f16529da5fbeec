import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./server";
import { SECRET, SHOP, simulatorWith } from "./test-helpers";
import { CONTRACTS_WEBHOOKS } from "./webhooks";

interface Received {
  headers: Record<string, string>;
  body: string;
}
let received: Received[] = [];
let receiver: Server;
let sim: ShopifySimulator;

const verify = (r: Received) => {
  const expected = createHmac("sha256", SECRET).update(r.body, "utf8").digest();
  const given = Buffer.from(r.headers["x-shopify-hmac-sha256"], "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
};
const required = (topic: string) =>
  (JSON.parse(readFileSync(`${CONTRACTS_WEBHOOKS}/schemas/2026-04/${topic}.json`, "utf8")) as { required: string[] }).required;
/** The payload Shopify shows for the topic in 2026-04 (`response` of the contract's example). */
const example = (topic: string) =>
  (
    JSON.parse(readFileSync(`${CONTRACTS_WEBHOOKS}/metadatas/2026-04/${topic}.json`, "utf8")) as {
      response: Record<string, unknown> & { variants: Record<string, unknown>[] };
    }
  ).response;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  // Default idBase 2^53 + 1: every id is beyond what a JS number holds exactly.
  // Product 1 has 150 variants: past the 100 a products/* payload carries in full.
  sim = await simulatorWith({ products: 2, variantsPerProduct: 2, locations: 2, seed: 9, stockedRatio: 1, variantsAt: { 1: 150 } }, { webhookUrl: url });
});
afterAll(async () => {
  await sim.stop();
  await new Promise((r) => receiver.close(r));
});
beforeEach(() => {
  received = [];
});

describe("webhooks", () => {
  it("given a level change, when inventory_levels/update is delivered, then the HMAC verifies with the API secret and ids > 2^53 are exact in the body", async () => {
    const shop = sim.store.shop(SHOP);
    const item = shop.items[3];
    const location = shop.locations[1];
    expect(String(Number(item.id))).not.toBe(item.id); // the id cannot survive a JS number
    sim.store.setAvailable(SHOP, item.id, location.id, 17);
    await sim.deliveries.settled();

    expect(received).toHaveLength(1);
    const [r] = received;
    expect(verify(r)).toBe(true);
    expect(r.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-topic": "inventory_levels/update",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-10",
    });
    expect(r.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
    // Shopify's format: UTC to the nanosecond
    expect(r.headers["x-shopify-triggered-at"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(r.body).toContain(`"inventory_item_id":${item.id},`);
    expect(r.body).toContain(`"location_id":${location.id},`);
    expect(r.body).toContain(`"admin_graphql_api_id":"gid://shopify/InventoryLevel/${location.id}?inventory_item_id=${item.id}"`);
    const parsed = JSON.parse(r.body);
    expect(Object.keys(parsed).sort()).toEqual(required("inventory_levels/update").sort());
    expect(parsed.available).toBe(17);
  });

  it("given the merchant changes an item's unit cost, when inventory_items/update is delivered, then it carries the new cost as a decimal string, the exact id and every key the contract requires, and no products/update is sent", async () => {
    const item = sim.store.shop(SHOP).items[1];
    sim.store.updateInventoryItem(SHOP, item.id, { cost: "32.00" });
    await sim.deliveries.settled();

    expect(received.map((r) => r.headers["x-shopify-topic"])).toEqual(["inventory_items/update"]);
    const [r] = received;
    expect(verify(r)).toBe(true);
    expect(r.body).toContain(`"id":${item.id},`);
    const parsed = JSON.parse(r.body);
    expect(Object.keys(parsed).sort()).toEqual(required("inventory_items/update").sort());
    expect(parsed).toMatchObject({ cost: "32.00", sku: item.sku, tracked: item.tracked, admin_graphql_api_id: `gid://shopify/InventoryItem/${item.id}` });
  });

  it("given two changes to one level in the same second, when their deliveries are held and released latest first, then they arrive in reverse, with the same whole-second updated_at and triggered-at still in the order of the changes", async () => {
    const shop = sim.store.shop(SHOP);
    const [item, location] = [shop.items[2], shop.locations[0]];
    const clock = sim.store.now;
    const frozen = clock();
    sim.store.now = () => frozen;
    try {
      sim.deliveries.hold();
      sim.store.setAvailable(SHOP, item.id, location.id, 11);
      sim.store.setAvailable(SHOP, item.id, location.id, 12);
      await sim.deliveries.settled();
      expect(received).toHaveLength(0);
      const sent = sim.deliveries.release({ reverse: true });
      await sim.deliveries.settled();

      expect(sent.map((d) => d.status)).toEqual([200, 200]);
      const bodies = received.map((r) => JSON.parse(r.body) as { available: number; updated_at: string });
      expect(bodies.map((b) => b.available)).toEqual([12, 11]);
      expect(bodies[0].updated_at).toBe(bodies[1].updated_at);
      const [later, earlier] = received.map((r) => r.headers["x-shopify-triggered-at"]);
      expect(earlier < later).toBe(true);
    } finally {
      sim.store.now = clock;
    }
  });

  it("given held deliveries, when some are released one at a time and the rest lost, then only the released ones arrive", async () => {
    const shop = sim.store.shop(SHOP);
    sim.deliveries.hold();
    sim.store.setAvailable(SHOP, shop.items[4].id, shop.locations[1].id, 5);
    sim.store.setAvailable(SHOP, shop.items[4].id, shop.locations[1].id, 6);
    sim.store.setAvailable(SHOP, shop.items[4].id, shop.locations[1].id, 7);
    sim.deliveries.release({ count: 1 });
    await sim.deliveries.settled();
    expect(received.map((r) => (JSON.parse(r.body) as { available: number }).available)).toEqual([5]);
    const lost = sim.deliveries.lose();
    // No longer holding: the next change goes out at once
    sim.store.setAvailable(SHOP, shop.items[4].id, shop.locations[1].id, 8);
    await sim.deliveries.settled();

    expect(lost.map((d) => [d.status, d.error])).toEqual([
      [null, "lost: never sent"],
      [null, "lost: never sent"],
    ]);
    expect(received.map((r) => (JSON.parse(r.body) as { available: number }).available)).toEqual([5, 8]);
    expect(sim.store.getLevel(SHOP, shop.items[4].id, shop.locations[1].id)?.available).toBe(8);
  });

  it("given a delivery, when it is redelivered and then sent with a bad HMAC, then the retry repeats body and webhook id, and the bad one fails verification", async () => {
    const shop = sim.store.shop(SHOP);
    sim.store.adjustAvailable(SHOP, shop.items[0].id, shop.locations[0].id, -1);
    await sim.deliveries.settled();
    const original = sim.deliveries.log.at(-1)!;
    sim.deliveries.redeliver(original.seq);
    sim.deliveries.redeliver(original.seq, { badHmac: true });
    await sim.deliveries.settled();

    expect(received).toHaveLength(3);
    const [first, retry, forged] = received;
    expect(retry.body).toBe(first.body);
    expect(retry.headers["x-shopify-webhook-id"]).toBe(first.headers["x-shopify-webhook-id"]);
    expect(retry.headers["x-shopify-event-id"]).toBe(first.headers["x-shopify-event-id"]);
    expect(verify(retry)).toBe(true);
    expect(verify(forged)).toBe(false);
    expect(sim.deliveries.log.at(-1)).toMatchObject({ retryOf: original.seq, badHmac: true, status: 200 });
  });

  it("given a sale, when it happens, then orders/create and inventory_levels/update carry every key the contract schemas require", async () => {
    const shop = sim.store.shop(SHOP);
    const variant = shop.variants[1];
    sim.store.sell(SHOP, [{ variantId: variant.id, quantity: 2, locationId: shop.locations[0].id }]);
    await sim.deliveries.settled();
    const topics = received.map((r) => r.headers["x-shopify-topic"]);
    expect(topics).toEqual(["orders/create", "inventory_levels/update"]);
    const order = JSON.parse(received[0].body);
    for (const key of required("orders/create")) expect(order).toHaveProperty(key);
    expect(received[0].body).toContain(`"variant_id":${variant.id},`);
    expect(order.line_items[0]).toMatchObject({ quantity: 2, sku: variant.sku });
    expect(received.every(verify)).toBe(true);
  });

  it("given a product edit, when products/update is delivered, then it has the contract's required keys and exact variant ids", async () => {
    const product = sim.store.shop(SHOP).products[0];
    sim.store.updateProduct(SHOP, product.id, { title: "New title" });
    await sim.deliveries.settled();
    const body = JSON.parse(received[0].body);
    for (const key of required("products/update")) expect(body).toHaveProperty(key);
    expect(body.title).toBe("New title");
    expect(received[0].body).toContain(`"id":${product.variants[0].id},`);
  });

  it("given a product edit, when products/create and products/update are compared with Shopify's 2026-04 examples, then they have exactly the example's keys: no inventory_management and no cost on variants", async () => {
    const product = sim.store.shop(SHOP).products[0];
    sim.store.updateProduct(SHOP, product.id, { vendor: "Lumen" });
    await sim.deliveries.settled();
    const body = JSON.parse(received[0].body);
    for (const topic of ["products/create", "products/update"]) {
      expect(Object.keys(body).sort()).toEqual(Object.keys(example(topic)).sort());
      expect(Object.keys(body.variants[0]).sort()).toEqual(Object.keys(example(topic).variants[0]).sort());
    }
    expect(body.variants[0]).not.toHaveProperty("inventory_management");
    expect(JSON.stringify(body.variants)).not.toMatch(/"cost"|"unit_cost"|"inventory_management"/);
    expect(body.variant_gids).toEqual(
      product.variants.map((v) => ({ admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`, updated_at: expect.any(String) })),
    );
  });

  it("given a product with 150 variants, when one past the 100th is edited, then products/update carries the first 100 variants in full and variant_gids lists all 150, most recently updated first", async () => {
    const product = sim.store.shop(SHOP).products[1];
    expect(product.variants).toHaveLength(150);
    const edited = product.variants[119];
    sim.store.now = () => Date.parse("2026-05-01T12:00:00Z");
    try {
      sim.store.updateVariant(SHOP, edited.id, { price: "12.34" });
    } finally {
      sim.store.now = Date.now;
    }
    await sim.deliveries.settled();
    const body = JSON.parse(received[0].body);
    expect(body.variants.map((v: { position: number }) => v.position)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(received[0].body).not.toContain(`"id":${edited.id},`);
    expect(body.variant_gids).toHaveLength(150);
    expect(body.variant_gids[0]).toEqual({ admin_graphql_api_id: `gid://shopify/ProductVariant/${edited.id}`, updated_at: "2026-05-01T12:00:00.000Z" });
    const times = body.variant_gids.map((g: { updated_at: string }) => Date.parse(g.updated_at));
    expect(times).toEqual(times.toSorted((a: number, b: number) => b - a));
    expect(new Set(body.variant_gids.map((g: { admin_graphql_api_id: string }) => g.admin_graphql_api_id))).toEqual(
      new Set(product.variants.map((v) => `gid://shopify/ProductVariant/${v.id}`)),
    );
  });

  it("given a mutation through GraphQL, when available changes, then the webhook follows", async () => {
    const shop = sim.store.shop(SHOP);
    const item = shop.items[2];
    const location = shop.locations[0];
    const res = await fetch(sim.adminUrl(SHOP), {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": shop.accessToken },
      body: JSON.stringify({
        query: `mutation($i: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $i) @idempotent(key: "webhook-follows") { userErrors { code } } }`,
        variables: {
          i: {
            reason: "correction",
            name: "available",
            quantities: [
              {
                inventoryItemId: `gid://shopify/InventoryItem/${item.id}`,
                locationId: `gid://shopify/Location/${location.id}`,
                quantity: 42,
                changeFromQuantity: null,
              },
            ],
          },
        },
      }),
    });
    expect((await res.json()).data.inventorySetQuantities.userErrors).toEqual([]);
    await sim.deliveries.settled();
    expect(received.map((r) => JSON.parse(r.body).available)).toEqual([42]);
  });
});
