import type { PrismaClient } from "@prisma/client";
import { recordAudit } from "~/lib/audit.server";
import type { Queues } from "~/queues.server";
import { requestRecompute } from "~/recompute/index.server";
import { FORGOTTEN_ON_SWITCH } from "./listing-fulfilment.server";

// The one writer of links between marketplace listings and Shopify variants: a links CSV
// (csv/listing-links.server.ts), listing discovery and the merchant's manual link on the
// listing-review screen (listing-discovery.server.ts) all save through it. A new link is created
// stale for its stock, price and content, so the recompute job computes what it should show and
// the outbox pushes it (once the account is live); the shop's recompute is asked for once.

export interface LinkToSave {
  variantId: string;
  channelSku: string;
  externalId?: string | null;
  /** Left out: a new link is the merchant's to ship, an existing one keeps what it was. */
  fulfilledByMarketplace?: boolean;
  /** What the marketplace showed when it was read (discovery): kept as the listing's observed state. */
  observed?: { quantity: number | null; priceCents: number | null; at: Date };
}

export interface SaveLinksOptions {
  actor: string;
  /** Where the links came from, for the activity log: "csv", "discovery", "manual". */
  source: string;
  /**
   * A listing already linked is left exactly as it is (discovery: the merchant's earlier links
   * win); otherwise it is pointed at the given variant (a CSV re-links).
   */
  keepExisting?: boolean;
  queues?: Queues;
}

/** Saves the links in one transaction and returns how many were given. */
export async function saveListingLinks(
  prisma: PrismaClient,
  shopId: string,
  channelId: string,
  links: readonly LinkToSave[],
  options: SaveLinksOptions,
): Promise<number> {
  if (links.length === 0) return 0;
  const existing = await prisma.listing.findMany({
    where: { shopId, channelId, channelSku: { in: links.map((l) => l.channelSku) } },
    select: { channelSku: true, fulfilledByMarketplace: true },
  });
  const byMarketplaceNow = new Map(existing.map((l) => [l.channelSku, l.fulfilledByMarketplace]));
  const now = new Date();
  await prisma.$transaction(
    links.map((link) => {
      const was = byMarketplaceNow.get(link.channelSku);
      // Who ships it changed: what was pushed (or observed) counted the other stock.
      const switched = link.fulfilledByMarketplace !== undefined && was !== undefined && was !== link.fulfilledByMarketplace;
      const observed = link.observed
        ? { observedQuantity: link.observed.quantity, observedPriceCents: link.observed.priceCents, observedAt: link.observed.at }
        : {};
      return prisma.listing.upsert({
        where: { channelId_channelSku: { channelId, channelSku: link.channelSku } },
        create: {
          shopId,
          channelId,
          variantId: link.variantId,
          channelSku: link.channelSku,
          externalId: link.externalId ?? null,
          fulfilledByMarketplace: link.fulfilledByMarketplace ?? false,
          ...observed,
          staleSince: now,
          contentStaleSince: now,
        },
        update: options.keepExisting
          ? {}
          : {
              variantId: link.variantId,
              externalId: link.externalId ?? null,
              ...(link.fulfilledByMarketplace === undefined ? {} : { fulfilledByMarketplace: link.fulfilledByMarketplace }),
              ...(switched ? FORGOTTEN_ON_SWITCH : {}),
              staleSince: now,
              contentStaleSince: now,
            },
      });
    }),
  );
  await recordAudit(prisma, {
    shopId,
    actor: options.actor,
    action: "listings.linked",
    subjectType: "channel",
    subjectId: channelId,
    details: { count: links.length, source: options.source },
  });
  // The links were marked stale above, for their stock and price and for their content: the
  // recompute job computes both and the outbox pushes them.
  await requestRecompute(shopId, options.queues);
  return links.length;
}
