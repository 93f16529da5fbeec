// The ONLY place where the simulator departs from Shopify's published 2025-01 Admin schema.
//
// Anchorline targets API 2026-01+, which added two concurrency-protection features to the inventory
// mutations (shopify.dev changelog, Dec 2025: "Adding idempotency for inventory adjustments and refund
// mutations" (2026-01) and "Making idempotency mandatory for inventory adjustments and refund
// mutations" (2026-04); docs of InventoryChangeInput / InventoryQuantityInput 2026-01):
//   1. `changeFromQuantity: Int` on InventoryChangeInput (inventoryAdjustQuantities) and on
//      InventoryQuantityInput (inventorySetQuantities): compare-and-swap against the current quantity.
//   2. the `@idempotent(key: String!)` directive, placed on the mutation field.
//   3. the user error codes these bring: CHANGE_FROM_QUANTITY_STALE, IDEMPOTENCY_CONCURRENT_REQUEST,
//      IDEMPOTENCY_KEY_PARAMETER_MISMATCH (enums InventoryAdjustQuantitiesUserErrorCode and
//      InventorySetQuantitiesUserErrorCode, 2026-01).
//   4. `groupObjects` on bulkOperationRunQuery (added in 2025-07 as `Boolean! = true`; the default
//      is false from 2026-01: changelog "Bulk operations group objects default changed to false",
//      Oct 2025). Declared here as a nullable Boolean without default, so the simulator can apply the
//      default of the API version the request names (bulk.ts).
// No public 2026-xx introspection was available, so these are added to the 2025-01 introspection
// before the schema is built. Nothing else is loosened.
import { DirectiveLocation, type IntrospectionInputValue, type IntrospectionObjectType, type IntrospectionQuery } from "graphql";

type Schema = IntrospectionQuery["__schema"];
type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

const nullableInt = (name: string, description: string): IntrospectionInputValue => ({
  name,
  description,
  type: { kind: "SCALAR", name: "Int" },
  defaultValue: null,
  isDeprecated: false,
  deprecationReason: null,
});

function findType(schema: Schema, name: string): Mutable<Schema["types"][number]> & Record<string, unknown> {
  const type = schema.types.find((t) => t.name === name);
  if (!type) throw new Error(`schema-patches: type ${name} is missing from the introspection`);
  return type as never;
}

export function patchAdminSchema(schema: Schema): void {
  for (const typeName of ["InventoryChangeInput", "InventoryQuantityInput"]) {
    const type = findType(schema, typeName) as { inputFields: IntrospectionInputValue[] };
    if (!type.inputFields.some((f) => f.name === "changeFromQuantity")) {
      type.inputFields.push(
        nullableInt("changeFromQuantity", "The quantity expected before the change; a mismatch fails with CHANGE_FROM_QUANTITY_STALE (2026-01)."),
      );
    }
  }
  for (const enumName of ["InventoryAdjustQuantitiesUserErrorCode", "InventorySetQuantitiesUserErrorCode"]) {
    const type = findType(schema, enumName) as { enumValues: { name: string; description: string | null; isDeprecated: boolean; deprecationReason: string | null }[] };
    for (const name of ["CHANGE_FROM_QUANTITY_STALE", "IDEMPOTENCY_CONCURRENT_REQUEST", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]) {
      if (!type.enumValues.some((v) => v.name === name)) type.enumValues.push({ name, description: null, isDeprecated: false, deprecationReason: null });
    }
  }
  const mutationName = schema.mutationType?.name ?? "Mutation";
  const mutationRoot = schema.types.find((t): t is IntrospectionObjectType => t.kind === "OBJECT" && t.name === mutationName);
  const runQuery = mutationRoot?.fields.find((f) => f.name === "bulkOperationRunQuery");
  if (!runQuery) throw new Error("schema-patches: bulkOperationRunQuery is missing from the introspection");
  if (!runQuery.args.some((a) => a.name === "groupObjects")) {
    (runQuery.args as IntrospectionInputValue[]).push({
      name: "groupObjects",
      description: "Whether child objects are written directly under their parent in the JSONL output (default true before 2026-01, false from then).",
      type: { kind: "SCALAR", name: "Boolean" },
      defaultValue: null,
      isDeprecated: false,
      deprecationReason: null,
    });
  }
  const directives = schema.directives as Mutable<Schema>["directives"];
  if (!directives.some((d) => d.name === "idempotent")) {
    directives.push({
      name: "idempotent",
      description: "Makes the mutation safe to retry: a repeated key returns the first result without applying it again (2026-01).",
      isRepeatable: false,
      locations: [DirectiveLocation.FIELD],
      args: [
        {
          name: "key",
          description: "A unique key per distinct operation (a UUID is recommended).",
          type: { kind: "NON_NULL", ofType: { kind: "SCALAR", name: "String" } },
          defaultValue: null,
          isDeprecated: false,
          deprecationReason: null,
        },
      ],
    });
  }
}
