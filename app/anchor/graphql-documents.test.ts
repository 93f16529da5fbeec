// Every GraphQL document the app sends to Shopify, checked against Shopify's own Admin schema for
// the version it calls (2026-10, simulators/contracts/shopify-admin). The documents are found in
// the source, not listed by hand: a new query is checked the day it is written.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, validate, type DocumentNode } from "graphql";
import ts from "typescript";
import { describe, expect, it } from "vitest";
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

describe("the GraphQL the app sends to Shopify", () => {
  const documents = ["app", "workers"].flatMap((dir) => sourceFiles(path.join(ROOT, dir))).flatMap(graphqlDocuments);

  it("given the app calls Admin API 2026-10, when the simulator's schema is loaded, then it is that version's", () => {
    expect(apiVersionForAdmin).toBe(SCHEMA_VERSION);
  });

  it("given every document in app/ and workers/, when validated against Shopify's 2026-10 Admin schema, then none has an error", () => {
    // The ones known today must be among those found, so the scan cannot pass by finding nothing.
    const names = documents.flatMap(({ document }) => document.definitions.flatMap((d) => (d.kind === "OperationDefinition" && d.name ? [d.name.value] : [])));
    expect(names).toEqual(expect.arrayContaining(["AdjustAvailable", "AvailableAt", "Locations", "RunBulk", "BulkStatus"]));
    const errors = documents.flatMap(({ file, document }) => validate(adminSchema(), document).map((e) => `${file}: ${e.message}`));
    expect(errors).toEqual([]);
  });
});
