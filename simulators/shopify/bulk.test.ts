import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./server";
import { adminClient, raw, SHOP, simulatorWith } from "./test-helpers";

let sim: ShopifySimulator;
beforeAll(async () => {
  // A small window makes the export run in several windows; minRunningMs makes RUNNING observable.
  sim = await simulatorWith({ products: 40, variantsPerProduct: 3, locations: 2, seed: 3, stockedRatio: 1 }, { bulk: { windowSize: 7, minRunningMs: 150 } });
});
afterAll(() => sim.stop());

const BULK_QUERY = `{
  products {
    edges { node { id title variants { edges { node { id sku inventoryItem { id inventoryLevels { edges { node { id quantities(names: ["available"]) { name quantity } } } } } } } } } }
  }
}`;

const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`;
const POLL = `query($id: ID!) { node(id: $id) { ... on BulkOperation { id status objectCount rootObjectCount url errorCode } } }`;

interface BulkOperationView {
  id: string;
  status: string;
  objectCount: string;
  rootObjectCount: string;
  url: string | null;
  errorCode: string | null;
}
interface RunResult {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string } | null;
    userErrors: { field: string[] | null; message: string; code: string | null }[];
  };
}
/** A JSONL line of BULK_QUERY: a product, a variant (inventoryItem inline) or a level. */
interface BulkLine {
  id: string;
  __parentId?: string;
  inventoryItem?: { id: string };
  quantities?: { name: string; quantity: number }[];
}

describe("bulk query operations", () => {
  it("given a nested bulk query, when it runs to completion, then the JSONL has one line per node with children carrying __parentId", async () => {
    const client = adminClient(sim);
    const started = await raw<RunResult>(client, RUN, { q: BULK_QUERY });
    expect(started.data!.bulkOperationRunQuery.userErrors).toEqual([]);
    const op = started.data!.bulkOperationRunQuery.bulkOperation!;
    expect(op.status).toBe("CREATED");

    const statuses = new Set<string>();
    let done: BulkOperationView | undefined;
    for (let i = 0; i < 200; i++) {
      const res = await raw<{ node: BulkOperationView }>(client, POLL, { id: op.id });
      statuses.add(res.data!.node.status);
      if (res.data!.node.status === "COMPLETED") {
        done = res.data!.node;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect([...statuses]).toContain("RUNNING");
    const current = await raw<{ currentBulkOperation: unknown }>(client, `{ currentBulkOperation { id status url } }`);
    expect(done).toBeDefined();
    expect(current.data!.currentBulkOperation).toEqual({ id: op.id, status: "COMPLETED", url: done!.url });

    const lines = (await (await fetch(done!.url!)).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as BulkLine);
    const shop = sim.store.shop(SHOP);
    const levelCount = shop.items.reduce((n, i) => n + i.levels.filter(Boolean).length, 0);
    expect(lines).toHaveLength(40 + 120 + levelCount);
    expect(done!.objectCount).toBe(String(lines.length));
    expect(done!.rootObjectCount).toBe("40");

    const products = lines.filter((l) => l.id.startsWith("gid://shopify/Product/"));
    const variants = lines.filter((l) => l.id.startsWith("gid://shopify/ProductVariant/"));
    const levels = lines.filter((l) => l.id.startsWith("gid://shopify/InventoryLevel/"));
    expect(products.map((p) => p.id)).toEqual(shop.products.map((p) => `gid://shopify/Product/${p.id}`));
    expect(products.every((p) => !("__parentId" in p) && !("variants" in p))).toBe(true);
    // Ungrouped (2026-10's default) a child may come before its parent, but its parent is in the file.
    const ids = new Set(lines.map((l) => l.id));
    expect(lines.filter((l) => l.__parentId && !ids.has(l.__parentId))).toEqual([]);
    for (const v of variants) {
      const rec = shop.variants.find((x) => `gid://shopify/ProductVariant/${x.id}` === v.id)!;
      expect(v.__parentId).toBe(`gid://shopify/Product/${rec.product.id}`);
      expect(v.inventoryItem).toEqual({ id: `gid://shopify/InventoryItem/${rec.inventoryItem.id}` });
    }
    // Levels reached through variant { inventoryItem { inventoryLevels } } belong under the variant's line.
    expect(levels).toHaveLength(levelCount);
    expect(levels.every((l) => l.__parentId?.startsWith("gid://shopify/ProductVariant/") && l.quantities?.[0].name === "available")).toBe(true);
  });

  it("given a bulk query that is not valid against the schema, when it is submitted, then userErrors explain and no operation starts", async () => {
    const res = await raw<RunResult>(adminClient(sim), RUN, { q: `{ products { edges { node { id nope } } } }` });
    expect(res.data!.bulkOperationRunQuery.bulkOperation).toBeNull();
    expect(res.data!.bulkOperationRunQuery.userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
  });

  it("given API 2026-10, when six bulk queries are started at once, then five run side by side and the sixth is refused", async () => {
    const client = adminClient(sim);
    // Sent together: one after another, the first could finish before the sixth on a busy machine.
    const results = await Promise.all(Array.from({ length: 6 }, () => raw<RunResult>(client, RUN, { q: `{ products { edges { node { id } } } }` })));
    const refused = results.filter((r) => r.data!.bulkOperationRunQuery.bulkOperation === null);
    expect(refused.map((r) => r.data!.bulkOperationRunQuery.userErrors.map((e) => e.code))).toEqual([["OPERATION_IN_PROGRESS"]]);
    // All five complete
    const ids = results.flatMap((r) => r.data!.bulkOperationRunQuery.bulkOperation?.id ?? []);
    for (const id of ids) {
      for (;;) {
        const res = await raw<{ node: BulkOperationView }>(client, POLL, { id });
        if (res.data!.node.status === "COMPLETED") break;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });

  it("given API 2026-10, when a nested query runs without groupObjects, then children may come before their parents; with groupObjects: true they follow them", async () => {
    const client = adminClient(sim);
    const query = `{ products { edges { node { id variants { edges { node { id } } } } } } }`;
    const linesOf = async (groupObjects: boolean | undefined): Promise<BulkLine[]> => {
      const run = `mutation($q: String!${groupObjects === undefined ? "" : ", $g: Boolean"}) { bulkOperationRunQuery(query: $q${groupObjects === undefined ? "" : ", groupObjects: $g"}) { bulkOperation { id } userErrors { message } } }`;
      const started = await raw<RunResult>(client, run, { q: query, ...(groupObjects === undefined ? {} : { g: groupObjects }) });
      const id = started.data!.bulkOperationRunQuery.bulkOperation!.id;
      for (;;) {
        const res = await raw<{ node: BulkOperationView }>(client, POLL, { id });
        if (res.data!.node.status === "COMPLETED")
          return (await (await fetch(res.data!.node.url!)).text())
            .trimEnd()
            .split("\n")
            .map((l) => JSON.parse(l) as BulkLine);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const childBeforeParent = (lines: BulkLine[]) => {
      const seen = new Set<string>();
      let found = false;
      for (const line of lines) {
        if (line.__parentId && !seen.has(line.__parentId)) found = true;
        seen.add(line.id);
      }
      return found;
    };
    const ungrouped = await linesOf(undefined);
    const grouped = await linesOf(true);
    // The same lines either way; only their order differs
    expect(ungrouped.map((l) => l.id).sort()).toEqual(grouped.map((l) => l.id).sort());
    expect(childBeforeParent(ungrouped)).toBe(true);
    expect(childBeforeParent(grouped)).toBe(false);
  });
});
