// Types for the Admin API documents the app sends (`#graphql` template literals in app/), as
// Shopify's app template makes them: `npm run graphql-codegen` writes app/types/admin.types.d.ts
// (the schema's types) and app/types/admin.generated.d.ts (each operation's result and variables).
//
// Offline: the preset would download the schema from shopify.dev unless the file it expects is
// there. The schema is the committed 2026-10 introspection (simulators/contracts/shopify-admin),
// unzipped into a git-ignored file on load, and every step of the project reads that file.
// app/types/codegen.test.ts fails when the committed types differ from what this config generates.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";
import type { IGraphQLConfig, IGraphQLProject } from "graphql-config";

const API_VERSION = "2026-10"; // app/anchor/api-version.ts
const ROOT = path.dirname(new URL(import.meta.url).pathname);
const CONTRACT = path.join(ROOT, `simulators/contracts/shopify-admin/admin_${API_VERSION}.json.gz`);
const SCHEMA_FILE = path.join(ROOT, `.cache/shopify-admin/admin-${API_VERSION}.schema.json`);

/** The contract as plain introspection JSON, written (whole, by a rename) when it differs from what is there. */
function localSchema(): string {
  const json = gunzipSync(readFileSync(CONTRACT));
  if (!existsSync(SCHEMA_FILE) || !readFileSync(SCHEMA_FILE).equals(json)) {
    mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
    const partial = `${SCHEMA_FILE}.${process.pid}`;
    writeFileSync(partial, json);
    renameSync(partial, SCHEMA_FILE);
  }
  return SCHEMA_FILE;
}

const schema = localSchema();
const project = shopifyApiProject({
  apiType: ApiType.Admin,
  apiVersion: API_VERSION,
  documents: ["./app/**/*.{js,ts,jsx,tsx}"],
  outputDir: "./app/types",
});
const codegen = project.extensions!.codegen as { generates: Record<string, { schema?: unknown; plugins?: string[]; config?: object }> };
// The preset's own step that would save the downloaded schema is dropped; the others read the file.
// Enums become unions of their values (enumsAsTypes): the types are declarations only, with no
// runtime enum to import, and code compares a status with the string Shopify sends.
const generates = Object.fromEntries(
  Object.entries(codegen.generates)
    .filter(([, step]) => !step.plugins?.includes("introspection"))
    .map(([file, step]) => [file, { ...step, schema, ...(step.plugins?.includes("typescript") ? { config: { ...step.config, enumsAsTypes: true } } : {}) }]),
);

/** The one project, also what app/anchor/graphql-documents.test.ts runs to compare with app/types. */
export const adminProject: IGraphQLProject = { ...project, schema, extensions: { ...project.extensions, codegen: { ...codegen, generates } } };

const config: IGraphQLConfig = { projects: { default: adminProject } };

export default config;
