import { createHash } from "node:crypto";
import type { ImportedOrder } from "./connector";

/**
 * One marketplace order read into Anchorline's shape. An order the mapping cannot read (a field
 * missing or of the wrong type: marketplaces add statuses and reshape payloads without notice)
 * neither fails the page it came in, which would hold back every order behind it on each poll,
 * nor is skipped: it comes back marked `unreadable`, under its own id where one can be found, and
 * the import records it with the reason and pages the merchant (sync/orders.server.ts).
 */
export function readOrder<Raw>(raw: Raw, map: (raw: Raw) => ImportedOrder, idOf: (raw: Raw) => unknown): ImportedOrder {
  try {
    return map(raw);
  } catch (error) {
    return unreadableOrder(raw, idOf, error instanceof Error ? error.message : String(error));
  }
}

/**
 * A field of the marketplace's payload a mapping cannot do without: its value, or an error naming
 * where the payload left it out, which readOrder makes the order's reason ("orderItems is
 * missing"), so the merchant reads what was wrong rather than a JavaScript TypeError.
 */
export function required<Value>(value: Value | null | undefined, where: string): Value {
  if (value === undefined || value === null) throw new Error(`${where} is missing`);
  return value;
}

function unreadableOrder<Raw>(raw: Raw, idOf: (raw: Raw) => unknown, reason: string): ImportedOrder {
  let id: unknown;
  try {
    id = idOf(raw);
  } catch {
    id = undefined;
  }
  const externalOrderId =
    (typeof id === "string" || typeof id === "number") && String(id).trim() !== ""
      ? String(id)
      : // No id either: the payload's own digest, so the same unreadable order is recorded once.
        `unreadable-${createHash("sha256")
          .update(JSON.stringify(raw) ?? "")
          .digest("base64url")
          .slice(0, 16)}`;
  return { externalOrderId, status: "UNREADABLE", orderedAt: new Date(), lines: [], unreadable: reason };
}
