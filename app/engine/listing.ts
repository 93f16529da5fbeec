// ENTRY POINT of the engine: `desiredListing(input)` gives one listing's desired state (the
// quantity and price to push, each with its explanation) from plain facts; the recompute service
// calls it per listing, then `listingChanged` / `changedListings` (changes.ts) to decide whether
// to write the outbox row. Pure and synchronous: no I/O, no clock (`now` is an input), no state.

import { availableToSell } from "./ats";
import type { DesiredState } from "./changes";
import type { Explanation } from "./explain";
import { listingPrice, type ListingPrice, type PriceContext } from "./price";
import type { AvailableToSell, ListingContext } from "./types";

export type DesiredListingInput = ListingContext & Omit<PriceContext, "listingId" | "channel" | "variant">;

export interface DesiredListing extends DesiredState {
  availableToSell: AvailableToSell;
  price: ListingPrice;
  explanation: { quantity: Explanation; price: Explanation };
}

export function desiredListing(input: DesiredListingInput): DesiredListing {
  const ats = availableToSell(input);
  const price = listingPrice(input);
  return {
    listingId: input.listingId,
    // A marketplace-fulfilled listing (FBA) carries the marketplace's stock: nothing to push.
    quantity: ats.fulfilledByMarketplace ? null : ats.quantity,
    priceCents: price.priceCents,
    availableToSell: ats,
    price,
    explanation: { quantity: ats.explanation, price: price.explanation },
  };
}
