import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";

// Shopify's calculated query cost, approximated as Shopify documents it ("GraphQL Admin API rate
// limits", shopify.dev/docs/api/usage/limits): an object costs 1, a connection 2 plus `first`
// (or `last`) times the cost of what is selected in each node, a scalar 0, a mutation 10.

export function requestedQueryCost(document: DocumentNode, variables: Record<string, unknown> = {}): number {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const valueOf = (node: ValueNode | undefined): unknown => {
    if (!node) return undefined;
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    return undefined;
  };
  const selectionCost = (set: SelectionSetNode | undefined): number => {
    if (!set) return 0;
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) cost += fieldCost(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) cost += selectionCost(selection.selectionSet);
      else cost += selectionCost(fragments.get(selection.name.value)?.selectionSet);
    }
    return cost;
  };
  const fieldCost = (field: FieldNode): number => {
    if (!field.selectionSet) return 0;
    const size = valueOf(field.arguments?.find((a) => a.name.value === "first")?.value) ?? valueOf(field.arguments?.find((a) => a.name.value === "last")?.value);
    const isConnection = field.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === "edges" || s.name.value === "nodes"));
    if (isConnection) return 2 + Number(size ?? 1) * Math.max(1, connectionChildCost(field.selectionSet));
    return 1 + selectionCost(field.selectionSet);
  };
  const connectionChildCost = (set: SelectionSetNode): number => {
    let cost = 0;
    for (const s of set.selections) {
      if (s.kind !== Kind.FIELD) continue;
      if (s.name.value === "nodes") cost += selectionCost(s.selectionSet);
      if (s.name.value === "edges") {
        const node = s.selectionSet?.selections.find((n): n is FieldNode => n.kind === Kind.FIELD && n.name.value === "node");
        cost += selectionCost(node?.selectionSet);
      }
    }
    return cost;
  };
  let total = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    total += definition.operation === "mutation" ? 10 : selectionCost(definition.selectionSet);
  }
  return Math.max(1, total);
}

/** The per-shop bucket of cost points (Standard plan: 2,000 points, 100 restored per second). */
export class CostBucket {
  private available: number;
  private at: number;

  constructor(
    readonly maximumAvailable = 2000,
    readonly restoreRate = 100,
    private readonly now: () => number = Date.now,
  ) {
    this.available = maximumAvailable;
    this.at = now();
  }

  private refill() {
    const t = this.now();
    this.available = Math.min(this.maximumAvailable, this.available + ((t - this.at) / 1000) * this.restoreRate);
    this.at = t;
  }

  tryTake(cost: number): boolean {
    this.refill();
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  status() {
    this.refill();
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }
}
