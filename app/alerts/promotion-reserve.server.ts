import type { PrismaClient } from "@prisma/client";
import { raisePromotionReserve } from "./events.server";

/**
 * After a sale of `variantIds` on `channelId`: for each launched promotion in its window that
 * covers that channel and one of those variants and holds a reserve, how much of the reserve its
 * channels have sold so far, and a page at 25 %, 10 % and 5 % left (each level once).
 */
export async function watchPromotionReserves(prisma: PrismaClient, shopId: string, channelId: string, variantIds: string[], now = new Date()): Promise<number> {
  if (variantIds.length === 0) return 0;
  const promotions = await prisma.promotion.findMany({
    where: {
      shopId,
      status: { in: ["READY", "RUNNING"] },
      reserveUnits: { gt: 0 },
      startsAt: { lte: now },
      endsAt: { gte: now },
      channels: { some: { channelId } },
      variants: { some: { variantId: { in: variantIds } } },
    },
    include: { channels: { select: { channelId: true } }, variants: { select: { variantId: true } } },
  });
  let raised = 0;
  for (const promotion of promotions) {
    const sold = await prisma.sale.aggregate({
      where: {
        shopId,
        channelId: { in: promotion.channels.map((c) => c.channelId) },
        variantId: { in: promotion.variants.map((v) => v.variantId) },
        soldAt: { gte: promotion.startsAt, lte: now },
      },
      _sum: { quantity: true },
    });
    const remainingUnits = promotion.reserveUnits - (sold._sum.quantity ?? 0);
    const result = await raisePromotionReserve(prisma, { shopId, promotion, reserveUnits: promotion.reserveUnits, remainingUnits });
    if (result?.created) raised++;
  }
  return raised;
}
