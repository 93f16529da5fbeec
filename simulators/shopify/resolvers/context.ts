import type { GraphQLResolveInfo } from "graphql";
import type { Store, ShopState } from "../store";
import type { BulkOperationRec } from "../types";

export interface BulkWindow {
  offset: number;
  limit: number;
}

export interface ResolverContext {
  store: Store;
  shop: ShopState;
  /** Set while a bulk query runs: connections ignore first/last; the root connection yields `window`. */
  bulk?: { window: BulkWindow };
  /** Set by a resolver that simulates a lost answer: the server drops the connection instead of replying. */
  dropResponse?: boolean;
  startBulkQuery: (shop: ShopState, query: string, groupObjects: boolean) => { bulkOperation: BulkOperationRec | null; userErrors: UserError[] };
}

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

/**
 * A field resolver. Each one names the record type of its parent (ProductRec, LevelView, ...) and the
 * argument shape its field declares in Shopify's schema; graphql-js guarantees both at run time, so the
 * signature is declared as a method, whose parameters TypeScript checks bivariantly: a resolver typed
 * `(p: ProductRec, args: ConnectionArgs)` fits a map keyed by type name without casts at each entry.
 */
export type Resolver = {
  resolve(source: unknown, args: Record<string, unknown>, ctx: ResolverContext, info: GraphQLResolveInfo): unknown;
}["resolve"];
export type ResolverMap = Record<string, Record<string, Resolver>>;

// Formatting dates is a hot path of large bulk exports; most records share few distinct timestamps.
const isoCache = new Map<number, string>();

/** Shopify's DateTime format: ISO 8601 in UTC without milliseconds. */
export function isoTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size > 50_000) isoCache.clear();
    s = new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    isoCache.set(ms, s);
  }
  return s;
}
