import type { PrismaClient } from "@prisma/client";
import { raisePromotionReserve } from "./events.server";

// A running promotion's reserve, watched after any sale of its variants (domain.md "Promotions":
// alerts at 25 %, 10 % and 5 % of the reserve left). The units of the reserve still there for the
// promotion are its reserve less what its own channels sold since its start (a Shopify-store sale
// counts for a promoted Shopify channel), but never more than Shopify still holds: a sale in the
// store, on a channel the reserve was not withheld from, or a recount takes units the promotion
// was counting on. So the check runs after a marketplace order (sync/orders.server.ts), a store
// order (orders/create) and a level change Shopify reports (inventory_levels/update), whichever
// comes first; each level of each variant pages once (the alert's dedupe key).

/**
 * After a sale or a stock change of `variantIds`: for each launched promotion in its window that
 * covers one of them and holds a reserve, how much of each variant's reserve is left, and a page
 * at 25 %, 10 % and 5 % (each level once per promotion and variant). Returns how many pages it raised.
 */
export async function watchPromotionReserves(prisma: PrismaClient, shopId: string, variantIds: readonly string[], now = new Date()): Promise<number> {
  if (variantIds.length === 0) return 0;
  const promotions = await prisma.promotion.findMany({
    where: {
      shopId,
      status: { in: ["READY", "RUNNING"] },
      startsAt: { lte: now },
      endsAt: { gt: now },
      variants: { some: { variantId: { in: [...variantIds] } } },
    },
    include: {
      channels: { select: { channelId: true, channel: { select: { kind: true } } } },
      variants: {
        where: { variantId: { in: [...variantIds] } },
        select: { variantId: true, reserveUnits: true, variant: { select: { sku: true, title: true } } },
      },
    },
  });
  let raised = 0;
  for (const promotion of promotions) {
    const channelIds = promotion.channels.map((c) => c.channelId);
    const storeCounts = promotion.channels.some((c) => c.channel.kind === "SHOPIFY");
    for (const covered of promotion.variants) {
      const reserveUnits = covered.reserveUnits ?? promotion.reserveUnits;
      if (reserveUnits <= 0) continue;
      const [sold, onHand] = await Promise.all([
        prisma.sale.aggregate({
          where: {
            shopId,
            variantId: covered.variantId,
            soldAt: { gte: promotion.startsAt, lte: now },
            OR: [{ channelId: { in: channelIds } }, ...(storeCounts ? [{ channelId: null }] : [])],
          },
          _sum: { quantity: true },
        }),
        unitsOnHand(prisma, shopId, covered.variantId),
      ]);
      const remainingUnits = Math.max(0, Math.min(reserveUnits - (sold._sum.quantity ?? 0), onHand));
      const result = await raisePromotionReserve(prisma, {
        shopId,
        promotion,
        variant: { id: covered.variantId, name: covered.variant.sku ?? covered.variant.title },
        reserveUnits,
        remainingUnits,
      });
      if (result?.created) raised++;
    }
  }
  return raised;
}

/** What Shopify holds of the variant where it can be sold: available, none below 0, at saleable active locations. */
async function unitsOnHand(prisma: PrismaClient, shopId: string, variantId: string): Promise<number> {
  const levels = await prisma.inventoryLevel.findMany({
    where: { shopId, inventoryItem: { variantId }, location: { saleable: true, isActive: true } },
    select: { available: true },
  });
  return levels.reduce((sum, l) => sum + Math.max(0, l.available), 0);
}
