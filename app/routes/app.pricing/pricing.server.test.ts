import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { seedShopWithEveryModel } from "../../../test/factories";
import { currentViolations } from "./pricing.server";

describe("live parity violations", () => {
  it("counts a difference as a violation only beyond the edge's tolerance, and only within the shop", async () => {
    const { shop, channels, listing, variant } = await seedShopWithEveryModel(prisma);
    // Amazon watches eBay with 2% tolerance: 2% of 50.00 is 1.00
    await prisma.parityEdge.updateMany({ where: { shopId: shop.id }, data: { toleranceBps: 200 } });
    await prisma.listing.update({ where: { id: listing.id }, data: { pushedPriceCents: 5000 } });
    const ebay = await prisma.listing.create({
      data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "EB", pushedPriceCents: 4900 },
    });
    expect(await currentViolations(prisma, shop.id)).toEqual([]);

    await prisma.listing.update({ where: { id: ebay.id }, data: { pushedPriceCents: 4899 } });
    expect(await currentViolations(prisma, shop.id)).toEqual([
      {
        variantId: variant.id,
        sku: "KET-RED",
        allowed: false,
        excessCents: 1,
        text: "eBay US shows 48.99, 1.01 under Amazon US's 50.00 (tolerance 2% = 1.00)",
      },
    ]);
    const other = await seedShopWithEveryModel(prisma);
    expect(await currentViolations(prisma, other.shop.id)).toEqual([]);
  });

  it("given a launched 10 % coupon on eBay (its list price stays) and Amazon watching eBay at the same price, when read before, during and after its window, then only during it is eBay's checkout shown under Amazon's price", async () => {
    const { shop, channels, listing, variant } = await seedShopWithEveryModel(prisma);
    const promotion = await prisma.promotion.findFirstOrThrow({ where: { shopId: shop.id } });
    await prisma.listing.update({ where: { id: listing.id }, data: { pushedPriceCents: 5000 } });
    await prisma.listing.create({ data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "EB", pushedPriceCents: 5000 } });
    const launched = await prisma.promotion.update({
      where: { id: promotion.id },
      data: { status: "READY", discountKind: "COUPON_PERCENT", discountValue: 1000 },
    });
    const at = (ms: number) => currentViolations(prisma, shop.id, undefined, new Date(ms));
    expect(await at(launched.startsAt.getTime() - 1)).toEqual([]);
    expect(await at(launched.startsAt.getTime())).toEqual([
      { variantId: variant.id, sku: "KET-RED", allowed: false, excessCents: 500, text: "eBay US shows 45.00, 5.00 under Amazon US's 50.00 (tolerance 0.00)" },
    ]);
    expect(await at(launched.endsAt.getTime())).toEqual([]);
  });
});
