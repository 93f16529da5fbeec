import { Prisma, type PrismaClient } from "@prisma/client";
import { raiseAlert, type RaiseOptions, type RaiseResult } from "./raise.server";

// The drift read's alerts (app/sync/drift-read.server.ts): a listing whose marketplace shows a
// quantity away from what Anchorline had acknowledged there. One open alert per listing (the
// same key raiseDrift in events.server.ts uses), so the housekeeping watcher and the read never
// page twice for one listing.

export const driftAlertKey = (listingId: string) => `drift:${listingId}`;

export interface ListingDriftInput {
  shopId: string;
  channel: { id: string; name: string };
  listing: { id: string; channelSku: string };
  expected: number;
  observed: number;
  /** Drifts of this listing within 24 hours, this one included. */
  drifts: number;
  /** Drifted again and again: probably another tool writes this listing. */
  anotherTool: boolean;
  thresholdUnits: number;
  /** Anchorline pushes the right quantity again (the channel's repair setting). */
  repaired: boolean;
}

function titleOf(input: ListingDriftInput): string {
  const base = `${input.listing.channelSku} on ${input.channel.name} shows ${input.observed}, Anchorline pushed ${input.expected}`;
  return input.anotherTool ? `${base}: drifted ${input.drifts} times in 24 hours, probably written by another tool` : base;
}

/**
 * Raises the listing's drift alert, or brings its open one up to date when the listing now counts
 * as written by another tool (the merchant must see that on the alert already open).
 */
export async function raiseListingDrift(prisma: PrismaClient, input: ListingDriftInput, options?: RaiseOptions): Promise<RaiseResult> {
  const facts = {
    channel: input.channel.name,
    sku: input.listing.channelSku,
    pushed: input.expected,
    channelShows: input.observed,
    drift: input.observed - input.expected,
    thresholdUnits: input.thresholdUnits,
    driftsIn24Hours: input.drifts,
    probablyAnotherTool: input.anotherTool,
    repair: input.repaired ? "Anchorline pushes the right quantity again" : "repair is off for this channel: correct it on the marketplace or turn repair on",
  };
  const raised = await raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "DRIFT",
      dedupeKey: driftAlertKey(input.listing.id),
      title: titleOf(input),
      channelId: input.channel.id,
      listingId: input.listing.id,
      facts,
    },
    options,
  );
  if (raised.created || !input.anotherTool || raised.alert.title === titleOf(input)) return raised;
  const alert = await prisma.alert.update({
    where: { id: raised.alert.id },
    data: { title: titleOf(input), facts: facts as Prisma.InputJsonValue },
  });
  return { alert, created: false };
}

/** A listing's price drift pages apart from its quantity drift: both may be open at once. */
export const priceDriftAlertKey = (listingId: string) => `drift-price:${listingId}`;

export interface ListingPriceDriftInput {
  shopId: string;
  channel: { id: string; name: string };
  listing: { id: string; channelSku: string };
  /** The last acknowledged price push and what the marketplace shows, in cents. */
  expected: number;
  observed: number;
  /** Anchorline pushes the right price again (the channel's price repair setting, off by default). */
  repaired: boolean;
}

const dollars = (cents: number) => (cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Raises the listing's price drift alert (kind DRIFT, facts.what "price"); one open per listing. */
export function raiseListingPriceDrift(prisma: PrismaClient, input: ListingPriceDriftInput, options?: RaiseOptions): Promise<RaiseResult> {
  return raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "DRIFT",
      dedupeKey: priceDriftAlertKey(input.listing.id),
      title: `${input.listing.channelSku} on ${input.channel.name} shows the price ${dollars(input.observed)}, Anchorline pushed ${dollars(input.expected)}`,
      channelId: input.channel.id,
      listingId: input.listing.id,
      facts: {
        what: "price",
        channel: input.channel.name,
        sku: input.listing.channelSku,
        pushedPriceCents: input.expected,
        channelShowsPriceCents: input.observed,
        repair: input.repaired
          ? "Anchorline pushes its price again"
          : "price repair is off for this channel (a price set by hand may be on purpose): change it on the marketplace, or turn price repair on in Channels",
      },
    },
    options,
  );
}
