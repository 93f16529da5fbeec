// Which content fields a listing still has to push: those whose desired value differs from what the
// channel last acknowledged. Content with a blocking issue is not pushed at all.
import type { ContentIssue, DesiredContent, PushedContent } from "./fields";

/** Key order does not matter when comparing stored JSON (PostgreSQL's jsonb reorders keys). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

/** Listing.desiredContent as stored, or null when absent or not of the expected shape. */
export function readDesiredContent(stored: unknown): DesiredContent | null {
  if (!isRecord(stored) || !isRecord(stored.fields)) return null;
  const issues = Array.isArray(stored.issues) ? (stored.issues as ContentIssue[]) : [];
  return { fields: stored.fields, issues };
}

export function readPushedContent(stored: unknown): PushedContent {
  return isRecord(stored) && isRecord(stored.fields) ? { fields: stored.fields } : { fields: {} };
}

/** The fields to push (changed since the last acknowledgement), or null when there is nothing to push. */
export function contentToPush(desiredStored: unknown, pushedStored: unknown): Record<string, unknown> | null {
  const desired = readDesiredContent(desiredStored);
  if (!desired || desired.issues.some((i) => i.severity === "error")) return null;
  const pushed = readPushedContent(pushedStored).fields;
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(desired.fields)) if (!sameJson(pushed[name], value)) changed[name] = value;
  return Object.keys(changed).length > 0 ? changed : null;
}

/** What pushedContent becomes once `fields` are acknowledged. */
export function withAcknowledged(pushedStored: unknown, fields: Record<string, unknown>): PushedContent {
  return { fields: { ...readPushedContent(pushedStored).fields, ...fields } };
}
