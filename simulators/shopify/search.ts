// A subset of Shopify's search syntax for the `query:` argument of connections:
// space-separated terms (AND; the word AND is accepted, OR/NOT are not supported), each `field:value`
// with optional comparator (`:>`, `:>=`, `:<`, `:<=`), quoted values, `*` suffix wildcard, and bare words
// matched against the default text field. Unknown fields are ignored (Shopify also ignores them,
// adding a warning the simulator does not produce).
import { compareIds } from "./ids";

export type FieldKind = "date" | "id" | "text" | "number" | "list";
export interface SearchField<T> {
  /** "list": `get` returns strings, and the term matches when one of them equals the value (tags). */
  kind: FieldKind;
  get: (record: T) => string | number | string[] | null;
  /** The term matches where the field does not (e.g. `tag_not`). */
  not?: boolean;
}
export type SearchFields<T> = Record<string, SearchField<T>>;

const TERM = /(-?)([a-z_]+):(>=|<=|>|<|=)?("[^"]*"|'[^']*'|\S+)|("[^"]*"|'[^']*'|\S+)/gi;
const unquote = (v: string): string => (/^(["']).*\1$/.test(v) ? v.slice(1, -1) : v);

function compare(kind: FieldKind, actual: string | number, expected: string): number | null {
  switch (kind) {
    case "date": {
      const e = Date.parse(expected);
      return Number.isNaN(e) ? null : (actual as number) - e;
    }
    case "id":
      return /^\d+$/.test(expected) ? compareIds(String(actual), expected) : null;
    case "number": {
      const e = Number(expected);
      return Number.isNaN(e) ? null : (actual as number) - e;
    }
    default: {
      const a = String(actual).toLowerCase();
      const e = expected.toLowerCase();
      if (e.endsWith("*")) return a.startsWith(e.slice(0, -1)) ? 0 : 1;
      return a === e ? 0 : a < e ? -1 : 1;
    }
  }
}

export function searchFilter<T>(query: string | null | undefined, fields: SearchFields<T>, textField?: string): ((r: T) => boolean) | null {
  if (!query || !query.trim()) return null;
  const tests: ((r: T) => boolean)[] = [];
  for (const m of query.matchAll(TERM)) {
    const [, negate, name, op = "=", rawValue, bare] = m;
    if (bare !== undefined) {
      if (/^(AND)$/i.test(bare) || !textField || !fields[textField]) continue;
      const word = unquote(bare).toLowerCase();
      const get = fields[textField].get as (r: T) => string | number | null;
      tests.push((r) =>
        String(get(r) ?? "")
          .toLowerCase()
          .includes(word),
      );
      continue;
    }
    const field = fields[name.toLowerCase()];
    if (!field) continue;
    const value = unquote(rawValue);
    const test = (r: T): boolean => {
      const actual = field.get(r);
      if (actual === null) return false;
      if (Array.isArray(actual)) return actual.some((a) => compare("text", a, value) === 0) !== !!field.not;
      const c = compare(field.kind, actual, value);
      if (c === null) return false;
      return op === ">" ? c > 0 : op === ">=" ? c >= 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : c === 0;
    };
    tests.push(negate ? (r) => !test(r) : test);
  }
  return tests.length ? (r) => tests.every((t) => t(r)) : null;
}
