// A bulk operation's result as Shopify writes it: JSON Lines, one line per node of every
// connection, children after their parent with `__parentId` naming it ("Perform bulk operations
// with the GraphQL Admin API", shopify.dev/docs/api/usage/bulk-operations/queries).

type Json = Record<string, unknown>;

function isConnection(value: unknown): value is { edges: { node: Json }[] } {
  return Boolean(value && typeof value === "object" && Array.isArray((value as Json).edges));
}

/** Copies a node without its connections, collecting those (at any depth) for separate lines. */
function split(node: Json, nested: { edges: { node: Json }[] }[]): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (isConnection(value)) nested.push(value);
    else if (value && typeof value === "object" && !Array.isArray(value)) out[key] = split(value as Json, nested);
    else out[key] = value;
  }
  return out;
}

export function* bulkLines(data: Json): Generator<string> {
  function* walk(conn: { edges: { node: Json }[] }, parentId: string | null): Generator<string> {
    for (const { node } of conn.edges) {
      const nested: { edges: { node: Json }[] }[] = [];
      const line = split(node, nested);
      yield JSON.stringify(parentId ? { ...line, __parentId: parentId } : line);
      for (const child of nested) yield* walk(child, String(node.id));
    }
  }
  for (const value of Object.values(data)) if (isConnection(value)) yield* walk(value, null);
}
