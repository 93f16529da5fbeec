import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./server";
import { adminClient, raw, SHOP, simulatorWith } from "./test-helpers";
import { CONTRACTS_WEBHOOKS } from "./webhooks";

let sim: ShopifySimulator;
let receiver: Server;
let received: { topic: string; body: Record<string, unknown>; text: string }[] = [];

/** The keys Shopify's 2026-04 example of the topic has (metadatas/2026-04/<topic>.json). */
const exampleKeys = (topic: string) =>
  Object.keys((JSON.parse(readFileSync(`${CONTRACTS_WEBHOOKS}/metadatas/2026-04/${topic}.json`, "utf8")) as { response: object }).response).sort();
const required = (topic: string) =>
  (JSON.parse(readFileSync(`${CONTRACTS_WEBHOOKS}/schemas/2026-04/${topic}.json`, "utf8")) as { required: string[] }).required;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      received.push({ topic: String(req.headers["x-shopify-topic"]), body: JSON.parse(text) as Record<string, unknown>, text });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  sim = await simulatorWith({ products: 6, variantsPerProduct: 1, locations: 1, seed: 4 }, { webhookUrl: url, bulk: { windowSize: 2, minRunningMs: 0 } });
});
afterAll(async () => {
  await sim.stop();
  await new Promise((r) => receiver.close(r));
});
beforeEach(() => {
  received = [];
});

const topics = async () => {
  await sim.deliveries.settled();
  return received.map((r) => r.topic);
};

/** Forgets what was sent so far, once it has arrived. */
const settledAndCleared = async () => {
  await sim.deliveries.settled();
  received = [];
};

const MEMBERS = `query($id: ID!) { collection(id: $id) { handle title ruleSet { appliedDisjunctively rules { column relation condition } } products(first: 250) { nodes { id } } productsCount { count } } }`;
const OF_PRODUCT = `query($id: ID!) { product(id: $id) { collections(first: 250) { nodes { id handle } } } }`;

describe("collections", () => {
  it("given a custom collection made in the admin, when it is read, then its products and each product's collections are as added, and collections/create carries exactly the example's keys and no products", async () => {
    const shop = sim.store.shop(SHOP);
    const [a, b] = shop.products;
    const collection = sim.store.createCollection(SHOP, { title: "Summer Sale!", productIds: [b.id, a.id] });
    expect(collection.handle).toBe("summer-sale");

    const res = await raw<{ collection: { handle: string; ruleSet: null; products: { nodes: { id: string }[] }; productsCount: { count: number } } }>(
      adminClient(sim),
      MEMBERS,
      { id: `gid://shopify/Collection/${collection.id}` },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.collection).toMatchObject({ handle: "summer-sale", ruleSet: null, productsCount: { count: 2 } });
    expect(res.data!.collection.products.nodes.map((n) => n.id).sort()).toEqual([a.id, b.id].map((id) => `gid://shopify/Product/${id}`).sort());
    const ofA = await raw<{ product: { collections: { nodes: { handle: string }[] } } }>(adminClient(sim), OF_PRODUCT, { id: `gid://shopify/Product/${a.id}` });
    expect(ofA.data!.product.collections.nodes.map((n) => n.handle)).toEqual(["summer-sale"]);

    expect(await topics()).toEqual(["collections/create"]);
    const payload = received[0].body;
    expect(Object.keys(payload).sort()).toEqual(exampleKeys("collections/create"));
    for (const key of required("collections/create")) expect(payload).toHaveProperty(key);
    expect(payload).toMatchObject({ handle: "summer-sale", title: "Summer Sale!", admin_graphql_api_id: `gid://shopify/Collection/${collection.id}` });
    // The id is written with all its digits (beyond 2^53).
    expect(received[0].text).toContain(`"id":${collection.id},`);
  });

  it("given a custom collection, when products are added and removed by hand at once, then one collections/update is sent and a smart collection refuses the same", async () => {
    const shop = sim.store.shop(SHOP);
    const [, , c, d] = shop.products;
    const collection = sim.store.createCollection(SHOP, { title: "Gifts", productIds: [c.id] });
    const smart = sim.store.createCollection(SHOP, { title: "Tagged", rules: [{ column: "TAG", relation: "EQUALS", condition: "gift" }] });
    await settledAndCleared();

    sim.store.changeCollectionProducts(SHOP, collection.id, { add: [d.id], remove: [c.id] });
    expect(() => sim.store.changeCollectionProducts(SHOP, smart.id, { add: [d.id] })).toThrow(/smart/);

    expect(await topics()).toEqual(["collections/update"]);
    expect(Object.keys(received[0].body).sort()).toEqual(exampleKeys("collections/update"));
    const res = await raw<{ collection: { products: { nodes: { id: string }[] } } }>(adminClient(sim), MEMBERS, {
      id: `gid://shopify/Collection/${collection.id}`,
    });
    expect(res.data!.collection.products.nodes).toEqual([{ id: `gid://shopify/Product/${d.id}` }]);
  });

  it("given a smart collection on a tag, when a product gains the tag, then it is a member at once and Shopify sends products/update only, no collections/update", async () => {
    const shop = sim.store.shop(SHOP);
    const product = shop.products[4];
    const smart = sim.store.createCollection(SHOP, { title: "Clearance", rules: [{ column: "TAG", relation: "EQUALS", condition: "Clearance" }] });
    const before = await raw<{ collection: { products: { nodes: unknown[] } } }>(adminClient(sim), MEMBERS, { id: `gid://shopify/Collection/${smart.id}` });
    expect(before.data!.collection.products.nodes).toEqual([]);
    await settledAndCleared();

    sim.store.updateProduct(SHOP, product.id, { tags: [...product.tags, "clearance"] });

    expect(await topics()).toEqual(["products/update"]);
    const after = await raw<{ collection: { ruleSet: unknown; products: { nodes: { id: string }[] } } }>(adminClient(sim), MEMBERS, {
      id: `gid://shopify/Collection/${smart.id}`,
    });
    expect(after.data!.collection.ruleSet).toEqual({ appliedDisjunctively: false, rules: [{ column: "TAG", relation: "EQUALS", condition: "Clearance" }] });
    expect(after.data!.collection.products.nodes).toEqual([{ id: `gid://shopify/Product/${product.id}` }]);
    const ofProduct = await raw<{ product: { collections: { nodes: { handle: string }[] } } }>(adminClient(sim), OF_PRODUCT, {
      id: `gid://shopify/Product/${product.id}`,
    });
    expect(ofProduct.data!.product.collections.nodes.map((n) => n.handle)).toContain("clearance");
  });

  it("given collections, when a bulk query exports them with their products, then each product line names its collection by __parentId", async () => {
    const shop = sim.store.shop(SHOP);
    const client = adminClient(sim);
    const started = await raw<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
      client,
      `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`,
      { q: `{ collections { edges { node { id handle ruleSet { appliedDisjunctively } products { edges { node { id } } } } } } }` },
    );
    const id = started.data!.bulkOperationRunQuery.bulkOperation.id;
    let url: string | null = null;
    for (;;) {
      const res = await raw<{ node: { status: string; url: string | null } }>(
        client,
        `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`,
        { id },
      );
      if (res.data!.node.status === "COMPLETED") {
        url = res.data!.node.url;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const lines = (await (await fetch(url!)).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; handle?: string; __parentId?: string });
    const collections = lines.filter((l) => l.id.startsWith("gid://shopify/Collection/"));
    expect(collections.map((c) => c.handle)).toEqual(shop.collections.map((c) => c.handle));
    const members = (handle: string) => {
      const gidOf = collections.find((c) => c.handle === handle)!.id;
      return lines.filter((l) => l.__parentId === gidOf).map((l) => l.id);
    };
    expect(members("gifts")).toEqual([`gid://shopify/Product/${shop.products[3].id}`]);
    expect(members("clearance")).toEqual([`gid://shopify/Product/${shop.products[4].id}`]);
  });

  it("given a collection, when it is deleted in the admin, then collections/delete carries the example's three keys and it is gone", async () => {
    const collection = sim.store.createCollection(SHOP, { title: "Short lived" });
    await settledAndCleared();
    sim.store.deleteCollection(SHOP, collection.id);
    expect(await topics()).toEqual(["collections/delete"]);
    expect(Object.keys(received[0].body).sort()).toEqual(exampleKeys("collections/delete"));
    const res = await raw<{ collection: null }>(adminClient(sim), MEMBERS, { id: `gid://shopify/Collection/${collection.id}` });
    expect(res.data!.collection).toBeNull();
  });
});
