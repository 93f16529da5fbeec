// Shopify ids are unsigned 64-bit integers. They are kept as decimal strings everywhere in the
// simulator (BigInt only for arithmetic), so ids above 2^53 never pass through a JS number.

export type ResourceType =
  | "Shop"
  | "Location"
  | "Product"
  | "Collection"
  | "ProductVariant"
  | "ProductVariantComponent"
  | "InventoryItem"
  | "InventoryLevel"
  | "InventoryQuantity"
  | "InventoryAdjustmentGroup"
  | "BulkOperation"
  | "Order"
  | "LineItem"
  | "Fulfillment"
  | "FulfillmentLineItem"
  | "MailingAddress"
  | "OrderTransaction";

export function gid(type: ResourceType, id: string, query?: string): string {
  return `gid://shopify/${type}/${id}${query ? `?${query}` : ""}`;
}

export interface ParsedGid {
  type: string;
  id: string;
  params: URLSearchParams;
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?(.*))?$/;

export function parseGid(value: string): ParsedGid | null {
  const m = GID.exec(value);
  if (!m) return null;
  return { type: m[1], id: m[2].replace(/^0+(?=\d)/, ""), params: new URLSearchParams(m[3] ?? "") };
}

/** The numeric part of a GID of the given type, or null when it is not one. */
export function idOf(value: string, type: ResourceType): string | null {
  const p = parseGid(value);
  return p && p.type === type ? p.id : null;
}

/** Orders decimal id strings numerically without converting them to numbers. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Index of the first element whose id is greater than `id` in an ascending array. */
export function indexAfter<T extends { id: string }>(sorted: readonly T[], id: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIds(sorted[mid].id, id) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A JSON number written from its exact decimal text (see `stringifyExact`). */
export class ExactNumber {
  constructor(readonly digits: string) {
    if (!/^-?\d+(\.\d+)?$/.test(digits)) throw new Error(`Not a number: ${digits}`);
  }
  toJSON(): string {
    return `\u0000#${this.digits}#\u0000`;
  }
}

export const exact = (digits: string): ExactNumber => new ExactNumber(digits);

/** JSON.stringify that writes ExactNumber values as bare numbers with all their digits. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000#(-?\d+(?:\.\d+)?)#\\u0000"/g, "$1");
}

export const cursorFor = (id: string): string => Buffer.from(JSON.stringify({ last_id: id }), "utf8").toString("base64");

export function idFromCursor(cursor: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown };
    return typeof parsed.last_id === "string" && /^\d+$/.test(parsed.last_id) ? parsed.last_id : null;
  } catch {
    return null;
  }
}
