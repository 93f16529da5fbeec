// Which listings need a marketplace call: only those whose pushed numbers would change. The
// explanation is not compared, since a reworded step changes nothing a customer sees.

import type { Cents } from "./types";

export interface DesiredState {
  listingId: string;
  quantity: number;
  priceCents: Cents;
}

export type ChangedField = "quantity" | "price";

export interface ListingChange {
  listingId: string;
  changed: ChangedField[];
  previous: DesiredState | null;
  next: DesiredState;
}

export function changedListings(
  previous: ReadonlyMap<string, DesiredState> | readonly DesiredState[],
  next: readonly DesiredState[],
): ListingChange[] {
  const before = previous instanceof Map ? previous : new Map((previous as readonly DesiredState[]).map((s) => [s.listingId, s]));
  const changes: ListingChange[] = [];
  for (const state of next) {
    const old = before.get(state.listingId) ?? null;
    const changed: ChangedField[] = [];
    // A listing never pushed before is all change: the marketplace has neither number yet.
    if (!old || old.quantity !== state.quantity) changed.push("quantity");
    if (!old || old.priceCents !== state.priceCents) changed.push("price");
    if (changed.length > 0) changes.push({ listingId: state.listingId, changed, previous: old, next: state });
  }
  return changes;
}
