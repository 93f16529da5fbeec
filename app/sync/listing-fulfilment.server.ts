import type { PrismaClient } from "@prisma/client";
import { moduleOfKind } from "~/channels/registry";
import defaultPrisma from "~/db.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import { noteChange } from "~/recompute/index.server";

// Who ships a listing: the merchant from Shopify's stock, or the marketplace from its own
// warehouse (Amazon FBA, Walmart WFS, Fulfilled by TikTok). Set from the Inventory screen or the
// listing-links CSV (fulfilled_by); the engine gives a marketplace-fulfilled listing no quantity,
// the flush pushes none, and its orders never touch Shopify (decision 0013).

/**
 * What a listing forgets when who ships it changes: what was pushed (or observed) counted the
 * other stock, so the first quantity of a listing the merchant ships again goes out whatever it
 * is, and no drift is measured against a count Anchorline no longer sets.
 */
export const FORGOTTEN_ON_SWITCH = { pushedQuantity: null, observedQuantity: null, observedAt: null } as const;

export type FulfilmentOutcome = { ok: true; changed: boolean; message: string } | { ok: false; message: string };

export async function setFulfilledByMarketplace(
  shopId: string,
  listingId: string,
  byMarketplace: boolean,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<FulfilmentOutcome> {
  const listing = await prisma.listing.findFirst({
    where: { id: listingId, shopId },
    select: { id: true, channelSku: true, variantId: true, fulfilledByMarketplace: true, channel: { select: { kind: true, name: true } } },
  });
  if (!listing) throw new NotFoundForShop("Listing");
  const programme = moduleOfKind(listing.channel.kind)?.marketplaceFulfilment ?? null;
  if (byMarketplace && !programme) return { ok: false, message: `${listing.channel.name} has no fulfilment of its own: its listings ship from your stock` };
  const says = byMarketplace ? `ships from ${programme}` : "ships from your stock";
  if (listing.fulfilledByMarketplace === byMarketplace) return { ok: true, changed: false, message: `${listing.channelSku} already ${says}` };
  await prisma.listing.updateMany({ where: { id: listing.id, shopId }, data: { fulfilledByMarketplace: byMarketplace, ...FORGOTTEN_ON_SWITCH } });
  await noteChange(shopId, { kind: "catalog", variantIds: [listing.variantId] }, { prisma });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "listing.fulfilment_changed",
    subjectType: "listing",
    subjectId: listing.id,
    details: { channelSku: listing.channelSku, fulfilledByMarketplace: byMarketplace },
  });
  return { ok: true, changed: true, message: `${listing.channelSku} on ${listing.channel.name} now ${says}; its quantity is being computed` };
}
