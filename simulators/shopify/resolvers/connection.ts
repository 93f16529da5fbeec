// Relay connections with Shopify's cursor rules: one of first/last is required (max 250), cursors are
// opaque, `reverse` flips the order. In a bulk query, page limits do not apply.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { compareIds, cursorFor, idFromCursor } from "../ids";
import type { ResolverContext } from "./context";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export const MAX_PAGE = 250;

/** Position of the first element whose key is > id (when `inclusive` false) or >= id (true). */
function bound<T>(list: readonly T[], key: (t: T) => string, id: string, inclusive: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareIds(key(list[mid]), id);
    if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cursorId(cursor: string, info: GraphQLResolveInfo): string {
  const id = idFromCursor(cursor);
  if (id === null) throw new GraphQLError(`Invalid cursor for current pagination sort.`, { nodes: info.fieldNodes, path: pathOf(info) });
  return id;
}

export function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p: GraphQLResolveInfo["path"] | undefined = info.path; p; p = p.prev) out.unshift(p.key);
  return out;
}

/**
 * A connection over `sorted` (ascending by `key`), optionally filtered, with nodes mapped by `map`
 * only for the returned page.
 */
export function connection<T, N = T>(
  sorted: readonly T[],
  args: ConnectionArgs,
  ctx: ResolverContext,
  info: GraphQLResolveInfo,
  options: { key: (t: T) => string; filter?: ((t: T) => boolean) | null; map?: (t: T) => N },
) {
  const list = options.filter ? sorted.filter(options.filter) : sorted;
  const map = options.map ?? ((t: T) => t as unknown as N);
  let a: number;
  let b: number;
  let reversed = !!args.reverse;
  if (ctx.bulk) {
    const isRoot = info.path.prev === undefined;
    a = isRoot ? Math.min(ctx.bulk.window.offset, list.length) : 0;
    b = isRoot ? Math.min(a + ctx.bulk.window.limit, list.length) : list.length;
    reversed = false;
  } else {
    const { first, last } = args;
    const err = (message: string) => new GraphQLError(message, { nodes: info.fieldNodes, path: pathOf(info) });
    if (first == null && last == null) throw err("you must provide one of first or last");
    if (first != null && last != null) throw err("providing both first and last is not supported");
    const n = (first ?? last) as number;
    if (n < 0 || n > MAX_PAGE) throw err(`The ${first != null ? "first" : "last"} argument must be between 0 and ${MAX_PAGE}`);
    let lo = 0;
    let hi = list.length;
    // In reverse order, "after" a cursor means smaller ids and "before" means larger ones.
    if (args.after != null) {
      const id = cursorId(args.after, info);
      if (reversed) hi = bound(list, options.key, id, true);
      else lo = bound(list, options.key, id, false);
    }
    if (args.before != null) {
      const id = cursorId(args.before, info);
      if (reversed) lo = bound(list, options.key, id, false);
      else hi = bound(list, options.key, id, true);
    }
    lo = Math.min(lo, hi);
    const fromStart = (first != null) !== reversed; // take the n smallest ids of [lo, hi)
    a = fromStart ? lo : Math.max(lo, hi - n);
    b = fromStart ? Math.min(hi, lo + n) : hi;
  }
  const page = list.slice(a, b);
  if (reversed) page.reverse();
  const hasMoreAbove = b < list.length;
  const hasMoreBelow = a > 0;
  let nodes: N[] | undefined;
  const getNodes = () => (nodes ??= page.map(map));
  return {
    get nodes() {
      return getNodes();
    },
    get edges() {
      const ns = getNodes();
      return page.map((t, i) => ({ cursor: cursorFor(options.key(t)), node: ns[i] }));
    },
    pageInfo: {
      hasNextPage: reversed ? hasMoreBelow : hasMoreAbove,
      hasPreviousPage: reversed ? hasMoreAbove : hasMoreBelow,
      startCursor: page.length ? cursorFor(options.key(page[0])) : null,
      endCursor: page.length ? cursorFor(options.key(page[page.length - 1])) : null,
    },
  };
}
