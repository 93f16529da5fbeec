// An approximation of Shopify's calculated query cost (shopify.dev "API rate limits": "Calculated query
// cost"). Rules used here:
//   - scalar and enum fields: 0
//   - an object field: 1 + its selections
//   - a connection (a type with `edges` and `pageInfo`): 2 + n x (1 + cost of the node selections),
//     n = `first` or `last` when requesting, the number of returned nodes for the actual cost
//   - `nodes(ids:)`: one object per id; other lists of objects count as one object
//   - fragments on different types of an interface/union: the most expensive one
//   - each mutation root field: 10 (its payload is not added)
// Shopify refunds the difference between requested and actual cost; so does the simulator.
import {
  getNamedType,
  isLeafType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  Kind,
  valueFromAST,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MUTATION_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

const isConnection = (t: GraphQLNamedType): boolean => isObjectType(t) && "edges" in t.getFields() && "pageInfo" in t.getFields();

function argValue(field: GraphQLField<unknown, unknown>, node: { arguments?: readonly ArgumentNode[] }, name: string, w: Walk): unknown {
  const argNode = node.arguments?.find((a) => a.name.value === name);
  const def = field.args.find((a) => a.name === name);
  if (!argNode || !def) return undefined;
  return valueFromAST(argNode.value, def.type, w.variables);
}

/** Cost of `set` on `type`; `data` given = actual cost from the response, absent = requested cost. */
function selectionCost(set: SelectionSetNode, type: GraphQLCompositeType, w: Walk, data?: unknown): number {
  if (data === null) return 0;
  let common = 0;
  const perType = new Map<string, number>();
  const add = (typeName: string | undefined, cost: number) => {
    if (!typeName || typeName === type.name) common += cost;
    else perType.set(typeName, (perType.get(typeName) ?? 0) + cost);
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith("__") || !(isObjectType(type) || isInterfaceType(type))) continue;
      const field = type.getFields()[sel.name.value];
      if (!field) continue;
      const key = sel.alias?.value ?? sel.name.value;
      if (data !== undefined && (typeof data !== "object" || !(key in (data as object)))) continue; // not in the response
      const value = data === undefined ? undefined : (data as Record<string, unknown>)[key];
      add(undefined, fieldCost(field, sel, w, data === undefined ? undefined : value));
    } else {
      const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : w.fragments[sel.name.value];
      if (!fragment) continue;
      const condition = fragment.typeCondition ? w.schema.getType(fragment.typeCondition.name.value) : type;
      if (!condition || isLeafType(condition)) continue;
      // With data, a fragment on another concrete type only counts if the object is of that type.
      add(fragment.typeCondition?.name.value, selectionCost(fragment.selectionSet, condition as GraphQLCompositeType, w, data));
    }
  }
  return common + (perType.size ? Math.max(...perType.values()) : 0);
}

function fieldCost(field: GraphQLField<unknown, unknown>, node: import("graphql").FieldNode, w: Walk, data: unknown): number {
  const named = getNamedType(field.type);
  if (isLeafType(named) || !node.selectionSet) return 0;
  if (data === null) return 0;
  const requested = data === undefined;
  if (isConnection(named)) {
    const conn = named as import("graphql").GraphQLObjectType;
    const nodeType = getNamedType(conn.getFields().edges.type) as import("graphql").GraphQLObjectType;
    const target = getNamedType(nodeType.getFields().node.type) as GraphQLCompositeType;
    let n: number;
    let perNode = 0;
    if (requested) {
      n = Number(argValue(field, node, "first", w) ?? argValue(field, node, "last", w) ?? 0);
    } else {
      const d = data as { edges?: { node?: unknown }[]; nodes?: unknown[] };
      n = Math.max(d.edges?.length ?? 0, d.nodes?.length ?? 0);
    }
    // Cost per node: the node selections under edges { node } and under nodes.
    for (const sel of node.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD) continue;
      if (sel.name.value === "edges" && sel.selectionSet) {
        for (const e of sel.selectionSet.selections) {
          if (e.kind === Kind.FIELD && e.name.value === "node" && e.selectionSet) {
            perNode += requested ? selectionCost(e.selectionSet, target, w) : 0;
            if (!requested) {
              const edges = (data as Record<string, { [k: string]: unknown }[] | undefined>)[sel.alias?.value ?? "edges"] ?? [];
              for (const edge of edges) perNode += selectionCost(e.selectionSet, target, w, edge[e.alias?.value ?? "node"]);
            }
          }
        }
      } else if (sel.name.value === "nodes" && sel.selectionSet) {
        if (requested) perNode += selectionCost(sel.selectionSet, target, w);
        else
          for (const item of (data as Record<string, unknown[] | undefined>)[sel.alias?.value ?? "nodes"] ?? [])
            perNode += selectionCost(sel.selectionSet, target, w, item);
      }
    }
    return requested ? 2 + n * (1 + perNode) : 2 + n + perNode;
  }
  const composite = named as GraphQLCompositeType;
  if (Array.isArray(data)) return data.reduce((s: number, item) => s + (item === null ? 0 : 1 + selectionCost(node.selectionSet!, composite, w, item)), 0);
  if (requested && field.name === "nodes") {
    const ids = argValue(field, node, "ids", w);
    const count = Array.isArray(ids) ? ids.length : 1;
    return count * (1 + selectionCost(node.selectionSet, composite, w));
  }
  return 1 + selectionCost(node.selectionSet, composite, w, data);
}

function operationOf(document: DocumentNode, operationName?: string): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
}

function walkOf(schema: GraphQLSchema, document: DocumentNode, variables?: Record<string, unknown>): Walk {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return { schema, fragments, variables: variables ?? {} };
}

export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  options: { variables?: Record<string, unknown>; operationName?: string; data?: Record<string, unknown> | null } = {},
): number {
  const op = operationOf(document, options.operationName);
  if (!op) return 0;
  if (op.operation === "mutation") {
    return op.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && !s.name.value.startsWith("__")).length * MUTATION_COST;
  }
  const root = op.operation === "query" ? schema.getQueryType() : schema.getSubscriptionType();
  if (!root) return 0;
  const w = walkOf(schema, document, options.variables);
  if (options.data === null) return 0;
  return selectionCost(op.selectionSet, root, w, options.data);
}

export const isCompositeType = (t: unknown): t is GraphQLCompositeType => isObjectType(t) || isInterfaceType(t) || isUnionType(t);
