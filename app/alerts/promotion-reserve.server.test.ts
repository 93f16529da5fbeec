import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { watchPromotionReserves } from "./promotion-reserve.server";

/** The factory's shop with a promotion running on eBay for the kettle, started an hour ago, reserving `reserveUnits`. */
async function runningOnEbay(name: string, reserveUnits: number) {
  const seeded = await seedShopWithEveryModel(prisma);
  const { shop, variant, channels } = seeded;
  const promotion = await prisma.promotion.create({
    data: {
      shopId: shop.id,
      name,
      status: "RUNNING",
      startsAt: new Date(Date.now() - 3600_000),
      endsAt: new Date(Date.now() + 3600_000),
      discountKind: "PERCENT",
      discountValue: 2000,
      reserveUnits,
    },
  });
  await prisma.promotionChannel.create({ data: { shopId: shop.id, promotionId: promotion.id, channelId: channels.ebay.id } });
  await prisma.promotionVariant.create({ data: { shopId: shop.id, promotionId: promotion.id, variantId: variant.id } });
  return seeded;
}

describe("a promotion's reserve watched as it sells", () => {
  it("given a running flash sale holding 20 units on eBay, when its sales leave 5, 2 and then 1, then the 25 %, 10 % and 5 % marks each page once", async () => {
    const { shop, variant, channels } = await runningOnEbay("Kettle flash sale", 20);
    const sell = async (quantity: number, key: string) => {
      await prisma.sale.create({ data: { shopId: shop.id, variantId: variant.id, channelId: channels.ebay.id, quantity, soldAt: new Date(), sourceKey: key } });
      return watchPromotionReserves(prisma, shop.id, [variant.id]);
    };

    // (the factory's eBay sale of 1 predates nothing: it falls inside the window, so 19 are left)
    expect(await sell(10, "a")).toBe(0); // 9 left: 45 %
    expect(await sell(4, "b")).toBe(1); // 5 left: 25 %
    expect(await sell(0, "c")).toBe(0); // still 25 %: no second page
    expect(await sell(3, "d")).toBe(1); // 2 left: 10 %
    expect(await sell(1, "e")).toBe(1); // 1 left: 5 %

    const pages = await prisma.alert.findMany({ where: { shopId: shop.id, kind: "PROMOTION_RESERVE" }, orderBy: { createdAt: "asc" } });
    expect(pages.map((a) => (a.facts as { level: string; left: number }).level)).toEqual(["25%", "10%", "5%"]);
  });

  it("given a sale on a channel the promotion does not cover, when watched, then nothing pages", async () => {
    const { shop, variant, channels } = await runningOnEbay("eBay only", 2);
    await prisma.sale.create({
      data: { shopId: shop.id, variantId: variant.id, channelId: channels.amazon.id, quantity: 2, soldAt: new Date(), sourceKey: "amazon-sale" },
    });

    expect(await watchPromotionReserves(prisma, shop.id, [variant.id])).toBe(0);
    expect(await prisma.alert.count({ where: { shopId: shop.id, kind: "PROMOTION_RESERVE" } })).toBe(0);
  });

  it("given a running eBay promotion reserving 20 units of a variant Shopify holds 52 of, when store sales leave Shopify 5, then the 25 % mark pages once for that variant although eBay sold nothing, and its stock falling to 2 pages the 10 % mark", async () => {
    const { shop, variant } = await runningOnEbay("Kettle week", 20);
    const levels = await prisma.inventoryLevel.findMany({
      where: { shopId: shop.id, inventoryItem: { variantId: variant.id } },
      orderBy: { available: "asc" },
    });
    // The factory's eBay sale of 1 is in the window: 19 of the reserve left while Shopify holds 52.
    expect(await watchPromotionReserves(prisma, shop.id, [variant.id])).toBe(0);

    await prisma.sale.create({ data: { shopId: shop.id, variantId: variant.id, channelId: null, quantity: 47, soldAt: new Date(), sourceKey: "store-1" } });
    await prisma.inventoryLevel.update({ where: { id: levels[0].id }, data: { available: 0 } });
    await prisma.inventoryLevel.update({ where: { id: levels[1].id }, data: { available: 5 } });
    expect(await watchPromotionReserves(prisma, shop.id, [variant.id])).toBe(1);
    expect(await watchPromotionReserves(prisma, shop.id, [variant.id])).toBe(0);

    await prisma.inventoryLevel.update({ where: { id: levels[1].id }, data: { available: 2 } });
    expect(await watchPromotionReserves(prisma, shop.id, [variant.id])).toBe(1);
    const pages = await prisma.alert.findMany({ where: { shopId: shop.id, kind: "PROMOTION_RESERVE" }, orderBy: { createdAt: "asc" } });
    expect(pages.map((a) => a.title)).toEqual([
      "Kettle week (KET-RED): 5 of 20 reserved units left (25% mark)",
      "Kettle week (KET-RED): 2 of 20 reserved units left (10% mark)",
    ]);
  });
});
