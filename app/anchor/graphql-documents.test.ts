// Every GraphQL document the app sends to Shopify, checked against Shopify's own Admin schema for
// the version it calls (2026-10, simulators/contracts/shopify-admin). The documents are found in
// the source, not listed by hand: a new query is checked the day it is written.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { CodegenConfig } from "@graphql-codegen/cli";
import { Kind, parse, validate, type DocumentNode, type OperationDefinitionNode } from "graphql";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES } from "~/lib/env.server";
import { adminSchema, SCHEMA_VERSION } from "../../simulators/shopify/schema";
import { apiVersionForAdmin } from "./api-version";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** String and template literals (without substitutions) that parse as a GraphQL operation. */
function graphqlDocuments(file: string): { file: string; text: string; document: DocumentNode }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { file: string; text: string; document: DocumentNode }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) {
      const text = node.text.trim();
      if (/^(#graphql\s*)?(query|mutation|\{)/.test(text)) {
        try {
          found.push({ file: path.relative(ROOT, file), text, document: parse(text) });
        } catch {
          // Not GraphQL (a JSON literal, a template's text): not a document the app sends.
        }
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  return found;
}

const graphqlDocumentsIn = (dirs: string[]) => dirs.flatMap((dir) => sourceFiles(path.join(ROOT, dir))).flatMap(graphqlDocuments);

describe("the GraphQL the app sends to Shopify", () => {
  const documents = graphqlDocumentsIn(["app", "workers"]);

  it("given the app calls Admin API 2026-10, when the simulator's schema is loaded, then it is that version's", () => {
    expect(apiVersionForAdmin).toBe(SCHEMA_VERSION);
  });

  it("given every document in app/ and workers/, when validated against Shopify's 2026-10 Admin schema, then none has an error", () => {
    // The ones known today must be among those found, so the scan cannot pass by finding nothing.
    const names = documents.flatMap(({ document }) => document.definitions.flatMap((d) => (d.kind === "OperationDefinition" && d.name ? [d.name.value] : [])));
    expect(names).toEqual(expect.arrayContaining(["AdjustAvailable", "AvailableAt", "Locations", "RunBulk", "BulkStatus", "ProductVariantsForMirror"]));
    const errors = documents.flatMap(({ file, document }) => validate(adminSchema(), document).map((e) => `${file}: ${e.message}`));
    expect(errors).toEqual([]);
  });
});

describe("the types generated for those documents (app/types, npm run graphql-codegen)", () => {
  it("given the documents and the committed 2026-10 schema, when the codegen of .graphqlrc.ts runs, then it writes exactly the committed app/types files", async () => {
    const { generate } = await import("@graphql-codegen/cli");
    const { adminProject } = await import("../../.graphqlrc");
    // What the CLI makes of a graphql-config project: its codegen extension, schema and documents.
    const codegen = adminProject.extensions!.codegen as CodegenConfig;
    const outputs: { filename: string; content: string }[] = await generate(
      { ...codegen, schema: adminProject.schema, documents: adminProject.documents, cwd: ROOT, silent: true },
      false,
    );
    const files = outputs.map((o) => path.relative(ROOT, path.resolve(ROOT, o.filename))).sort();
    expect(files).toEqual(["app/types/admin.generated.d.ts", "app/types/admin.types.d.ts"]);
    for (const output of outputs) {
      const committed = readFileSync(path.resolve(ROOT, output.filename), "utf8");
      // Not toEqual on 4 MB of text: a stale file is named, with the command that fixes it.
      expect(committed === output.content, `${output.filename} is stale: run npm run graphql-codegen`).toBe(true);
    }
  }, 120_000);
});

// The access scope each Admin API root field and webhook topic the app uses needs (shopify.dev,
// each field's and topic's "Requires … access scope"). A root field or topic missing here fails
// the test below, so a new one must say which scope it needs.
const SCOPE_OF_ROOT_FIELD: Record<string, string | null> = {
  products: "read_products",
  productVariants: "read_products",
  product: "read_products",
  // Collections are read with read_products (shopify.dev, QueryRoot.collection and
  // collections: "Requires read_products access scope"; collections/* topics: access_scopes
  // ["products"] in metadatas/2026-04/collections/*.json).
  collection: "read_products",
  collections: "read_products",
  inventoryItem: "read_inventory",
  inventoryItems: "read_inventory",
  locations: "read_locations",
  node: null, // a bulk operation's status: the app's own, no scope
  nodes: "read_inventory", // inventory items and their levels by id (level-reads.server.ts)
  bulkOperationRunQuery: null,
  inventoryAdjustQuantities: "write_inventory",
  inventorySetQuantities: "write_inventory",
  orderCreate: "write_orders",
  orders: "read_orders",
  // The shop's own settings (its time zone): the resource of the token itself, no scope
  // (shopify.dev QueryRoot.shop names none; admin_2026-10 "Returns the Shop resource corresponding
  // to the access token used in the request").
  shop: null,
};
const SCOPE_OF_TOPIC_PREFIX: Record<string, string | null> = {
  "app/": null,
  "products/": "read_products",
  "collections/": "read_products",
  "inventory_levels/": "read_inventory",
  "inventory_items/": "read_inventory",
  "locations/": "read_locations",
  "orders/": "read_orders",
  "fulfillments/": "read_fulfillments",
};

describe("the access scopes the app asks a merchant for", () => {
  const toml = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
  const requested = /^scopes = "([^"]*)"/m.exec(toml)![1].split(",").sort();
  const topics = [...toml.matchAll(/^\s*topics = \[([^\]]*)\]/gms)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((t) => t[1]));

  it("given the app's documents and webhook subscriptions, when the scopes they need are derived, then shopify.app.toml requests exactly those: none it does not use", () => {
    const rootFields = graphqlDocumentsIn(["app", "workers"]).flatMap(({ document }) =>
      document.definitions
        .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
        .flatMap((d) => d.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []))),
    );
    const unknown = [...new Set(rootFields)].filter((f) => !(f in SCOPE_OF_ROOT_FIELD));
    expect(unknown).toEqual([]);
    const topicScope = (topic: string) => Object.entries(SCOPE_OF_TOPIC_PREFIX).find(([prefix]) => topic.startsWith(prefix));
    expect(topics.filter((t) => !topicScope(t))).toEqual([]);
    const needed = new Set([...rootFields.map((f) => SCOPE_OF_ROOT_FIELD[f]), ...topics.map((t) => topicScope(t)![1])].filter((s): s is string => s !== null));
    expect(requested).toEqual([...needed].sort());
  });

  it("given the scopes shopify.app.toml requests, when the app starts without SCOPES set, then it asks for the same ones", () => {
    expect(DEFAULT_SCOPES.split(",").sort()).toEqual(requested);
  });
});
