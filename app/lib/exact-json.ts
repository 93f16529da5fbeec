// Shopify ids can exceed 2^53 (Number.MAX_SAFE_INTEGER), and JSON.parse would silently round them.
// This parser keeps every integer that is not safe as its exact decimal string, using the source
// text that Node 22's JSON.parse hands to the reviver (TC39 "JSON.parse source text access").
type ReviverContext = { source?: string };

export function parseExactJson(text: string): unknown {
  return JSON.parse(text, function revive(this: unknown, _key: string, value: unknown, context?: ReviverContext) {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
      return context.source;
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}
