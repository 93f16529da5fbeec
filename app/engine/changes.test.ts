import { describe, expect, it } from "vitest";
import { changedListings, desiredFingerprint, listingChanged, type RecordedListing } from "./changes";
import { desiredListing, type DesiredListingInput } from "./listing";
import { aDesiredListingInput, stockAt } from "./test-fixtures";
import type { AllocationRule } from "./types";

const anInput = aDesiredListingInput;

function recorded(input: DesiredListingInput): RecordedListing {
  const listing = desiredListing(input);
  return { listingId: listing.listingId, quantity: listing.quantity, priceCents: listing.priceCents, fingerprint: desiredFingerprint(listing) };
}

const cap12: AllocationRule = { id: "cap", channelId: null, scope: "channel", scopeValue: null, kind: "cap", units: 12 };

describe("whether a recomputed listing needs writing or pushing", () => {
  it("given the same inputs recomputed, when compared, then nothing is written or pushed", () => {
    const input = anInput();
    const delta = listingChanged(recorded(input), desiredListing(anInput()));
    expect(delta).toMatchObject({ write: false, push: [] });
  });

  it("given a listing never written before, when compared, then it is written and both numbers pushed", () => {
    expect(listingChanged(null, desiredListing(anInput()))).toMatchObject({ write: true, push: ["quantity", "price"] });
  });

  it("given stock that moves behind a cap, when compared, then the row is rewritten (its explanation changed) but nothing is pushed", () => {
    const before = recorded(anInput({ levels: [stockAt(50)], allocationRules: [cap12] }));
    const delta = listingChanged(before, desiredListing(anInput({ levels: [stockAt(60)], allocationRules: [cap12] })));
    expect(delta.write).toBe(true);
    expect(delta.push).toEqual([]);
  });

  it("given a cost change that makes the price unprofitable, when compared, then the row is rewritten so the flag reaches the merchant", () => {
    const before = recorded(anInput({ costCents: 500 }));
    const delta = listingChanged(before, desiredListing(anInput({ costCents: 2_500 })));
    expect(delta).toMatchObject({ write: true, push: [] });
  });

  it("given a new price, when compared, then only the price is pushed", () => {
    const before = recorded(anInput());
    expect(listingChanged(before, desiredListing(anInput({ shopifyPriceCents: 2_100 }))).push).toEqual(["price"]);
  });

  it("given a batch of previous states, when compared by listing id, then only listings whose pushed numbers moved are returned", () => {
    const previous = [
      { listingId: "a", quantity: 5, priceCents: 100 },
      { listingId: "b", quantity: 5, priceCents: 100 },
    ];
    const next = [
      { listingId: "a", quantity: 5, priceCents: 100 },
      { listingId: "b", quantity: 4, priceCents: 100 },
      { listingId: "c", quantity: 1, priceCents: 100 },
    ];
    const changes = changedListings(previous, next);
    expect(changes.map((c) => [c.listingId, c.changed])).toEqual([
      ["b", ["quantity"]],
      ["c", ["quantity", "price"]],
    ]);
    expect(changedListings(new Map(previous.map((p) => [p.listingId, p])), next)).toEqual(changes);
  });
});
