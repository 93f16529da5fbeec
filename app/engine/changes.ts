// Whether a recomputed listing needs writing and pushing. Two questions with two answers:
// - push: only the numbers a marketplace shows (quantity, price) cost an API call;
// - write: the outbox row also carries what the merchant sees (flags, notices, explanation), so a
//   recompute that moves the pool behind a cap, or makes a price unprofitable, must still update
//   the row even though nothing is pushed. `desiredFingerprint` captures exactly that.

import type { DesiredListing } from "./listing";
import type { Cents } from "./types";

export interface DesiredState {
  listingId: string;
  /** Null for a listing the marketplace fulfils from its own stock (FBA): no quantity is pushed. */
  quantity: number | null;
  priceCents: Cents;
}

export type ChangedField = "quantity" | "price";

export interface ListingChange {
  listingId: string;
  changed: ChangedField[];
  previous: DesiredState | null;
  next: DesiredState;
}

/** The fields a marketplace would receive differently; empty when a push would change nothing. */
export function pushedFieldsChanged(previous: DesiredState | null, next: DesiredState): ChangedField[] {
  const changed: ChangedField[] = [];
  // A listing never pushed before is all change: the marketplace has neither number yet.
  if (!previous || previous.quantity !== next.quantity) changed.push("quantity");
  if (!previous || previous.priceCents !== next.priceCents) changed.push("price");
  return changed;
}

/** The listings among `next` whose pushed numbers differ from `previous` (by listing id). */
export function changedListings(previous: ReadonlyMap<string, DesiredState> | readonly DesiredState[], next: readonly DesiredState[]): ListingChange[] {
  const before = previous instanceof Map ? previous : new Map((previous as readonly DesiredState[]).map((s) => [s.listingId, s]));
  const changes: ListingChange[] = [];
  for (const state of next) {
    const old = before.get(state.listingId) ?? null;
    const changed = pushedFieldsChanged(old, state);
    if (changed.length > 0) changes.push({ listingId: state.listingId, changed, previous: old, next: state });
  }
  return changes;
}

/**
 * One string standing for everything the merchant can see of a desired listing: quantity, price,
 * flags, notices and every explanation step with its inputs. Equal fingerprints, nothing to write.
 * Store it beside the outbox row and compare, rather than comparing stored JSON.
 */
export function desiredFingerprint(listing: DesiredListing): string {
  const ats = listing.availableToSell;
  const price = listing.price;
  let key = `${listing.quantity};${listing.priceCents};${ats.throttled ? 1 : 0}${ats.held ? 1 : 0}${price.unprofitable ? 1 : 0};${price.floorCents}`;
  for (const notice of price.notices) key += `;${notice.code}:${notice.priceCents}:${notice.limitCents}`;
  for (const step of listing.explanation.quantity) key += `;${step.key()}`;
  for (const step of listing.explanation.price) key += `;${step.key()}`;
  return key;
}

/** What the recompute service keeps of the last desired state it wrote. */
export interface RecordedListing extends DesiredState {
  fingerprint: string;
}

export interface ListingDelta {
  /** The outbox row must be rewritten (something the merchant sees changed). */
  write: boolean;
  /** The marketplace must be told (a pushed number changed); always a subset of `write`. */
  push: ChangedField[];
  fingerprint: string;
}

export function listingChanged(previous: RecordedListing | null, next: DesiredListing): ListingDelta {
  const fingerprint = desiredFingerprint(next);
  const push = pushedFieldsChanged(previous, next);
  return { write: push.length > 0 || previous === null || previous.fingerprint !== fingerprint, push, fingerprint };
}
