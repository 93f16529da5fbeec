// One listing's desired state: what the outbox stores and a channel worker pushes.

import { availableToSell } from "./ats";
import type { DesiredState } from "./changes";
import type { Explanation } from "./explain";
import { listingPrice, type ListingPrice, type PriceContext } from "./price";
import type { AvailableToSell, Cents, ListingContext } from "./types";

export type DesiredListingInput = ListingContext & Omit<PriceContext, "listingId" | "channel" | "variant">;

export interface DesiredListing extends DesiredState {
  availableToSell: AvailableToSell;
  price: ListingPrice;
  explanation: { quantity: Explanation; price: Explanation };
}

export function desiredListing(input: DesiredListingInput): DesiredListing {
  const ats = availableToSell(input);
  const price = listingPrice(input);
  const priceCents: Cents = price.priceCents;
  return {
    listingId: input.listingId,
    quantity: ats.quantity,
    priceCents,
    availableToSell: ats,
    price,
    explanation: { quantity: ats.explanation, price: price.explanation },
  };
}
