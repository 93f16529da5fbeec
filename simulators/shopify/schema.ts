// Shopify's own Admin GraphQL schema for API 2026-10, the version the app calls: the introspection
// Shopify ships in its dev-mcp package (simulators/contracts/shopify-admin, SOURCES.md there),
// unpatched. Built once per process.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { CONTRACTS_DIR } from "../common/openapi";

/** The one Admin API version the simulator serves; a request naming another is answered as this one. */
export const SCHEMA_VERSION = "2026-10";
export const SCHEMA_FILE = process.env.SHOPIFY_ADMIN_SCHEMA ?? path.join(CONTRACTS_DIR, `shopify-admin/admin_${SCHEMA_VERSION}.json.gz`);

let cached: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const raw = readFileSync(SCHEMA_FILE);
    const text = (SCHEMA_FILE.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
    cached = buildClientSchema((JSON.parse(text) as { data: IntrospectionQuery }).data);
  }
  return cached;
}
