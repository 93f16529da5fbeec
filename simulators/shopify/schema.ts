// Shopify's own Admin GraphQL schema (introspection, API 2025-01, from /work/shared/contracts) plus the
// few later additions in schema-patches.ts. Built once per process.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { CONTRACTS_DIR } from "../common/openapi";
import { patchAdminSchema } from "./schema-patches";

export const SCHEMA_FILE =
  process.env.SHOPIFY_ADMIN_SCHEMA ?? path.join(CONTRACTS_DIR, "shopify-admin/admin_schema_2025-01.json.gz");

let cached: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const raw = readFileSync(SCHEMA_FILE);
    const text = (SCHEMA_FILE.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
    const introspection = (JSON.parse(text) as { data: IntrospectionQuery }).data;
    patchAdminSchema(introspection.__schema);
    cached = buildClientSchema(introspection);
  }
  return cached;
}
