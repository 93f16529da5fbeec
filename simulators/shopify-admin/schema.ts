// Shopify's own Admin GraphQL schema (introspection of API version 2025-01, from
// shared/contracts/shopify-admin), so a query the real Shopify would reject is rejected here too.
// The app speaks 2026-10; the two changes it relies on that 2025-01 lacks are patched in below and
// nowhere else.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { CONTRACTS_DIR } from "../common/openapi";

type Introspection = { __schema: IntrospectionQuery["__schema"] };
type MutableType = { name: string; kind: string; inputFields?: unknown[] | null };

/**
 * Schema changes after 2025-01 that Anchorline uses:
 * - `changeFromQuantity` on inventory changes (InventoryChangeInput, InventoryQuantityInput):
 *   compare-and-swap for adjustments, added in 2026-01 and required from 2026-04
 *   (shopify.dev changelog "Inventory mutations: changeFromQuantity and idempotency").
 * - the `@idempotent(key:)` directive on mutation fields, same changelog: a repeated key returns
 *   the first result without applying the mutation again; required on inventory mutations from
 *   2026-04.
 * - the user error codes those two bring (CHANGE_FROM_QUANTITY_STALE, IDEMPOTENCY_KEY_PARAMETER_MISMATCH;
 *   shopify.dev/docs/api/admin-graphql/2026-01/enums/InventoryAdjustQuantitiesUserErrorCode).
 */
function patch(schema: Introspection["__schema"]): void {
  const intField = (name: string, description: string) => ({
    name,
    description,
    type: { kind: "SCALAR", name: "Int", ofType: null },
    defaultValue: null,
    isDeprecated: false,
    deprecationReason: null,
  });
  for (const typeName of ["InventoryChangeInput", "InventoryQuantityInput"]) {
    const type = (schema.types as unknown as MutableType[]).find((t) => t.name === typeName);
    if (!type?.inputFields) throw new Error(`Schema patch: ${typeName} not found`);
    type.inputFields.push(intField("changeFromQuantity", "The quantity the caller believes is current (2026-01)."));
  }
  for (const enumName of ["InventoryAdjustQuantitiesUserErrorCode", "InventorySetQuantitiesUserErrorCode"]) {
    const type = (schema.types as unknown as (MutableType & { enumValues?: unknown[] | null })[]).find((t) => t.name === enumName);
    if (!type?.enumValues) throw new Error(`Schema patch: ${enumName} not found`);
    for (const name of ["CHANGE_FROM_QUANTITY_STALE", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]) {
      type.enumValues.push({ name, description: null, isDeprecated: false, deprecationReason: null });
    }
  }
  (schema.directives as unknown[]).push({
    name: "idempotent",
    description: "Makes a mutation safe to retry (2026-01).",
    isRepeatable: false,
    locations: ["FIELD"],
    args: [{ name: "key", description: null, type: { kind: "NON_NULL", name: null, ofType: { kind: "SCALAR", name: "String", ofType: null } }, defaultValue: null, isDeprecated: false, deprecationReason: null }],
  });
}

let cached: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const file = path.join(CONTRACTS_DIR, "shopify-admin/admin_schema_2025-01.json.gz");
    const introspection = (JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data: Introspection }).data;
    patch(introspection.__schema);
    cached = buildClientSchema(introspection as unknown as IntrospectionQuery, { assumeValid: false });
  }
  return cached;
}
