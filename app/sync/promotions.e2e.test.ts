import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { createPromotion, launchPromotion } from "~/routes/app.promotions/promotions.server";
import { eventually } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";
import { promotionMomentJobId } from "./promotion-moments.server";

// A promotion through the real workers and the four marketplace simulators, on a test clock: the
// process's Date is faked (it still runs on from where it is set), and BullMQ reads the same
// clock for delayed jobs, so the start and end jobs come due when the clock passes them.
//
// The merchant plans "Spring sale" on eBay: 20 % off, 4 units reserved (withheld from the other
// channels from 48 h ahead, so at once), TikTok Shop throttled to 2 units while it runs. Before
// its start eBay keeps its price; past the start eBay is pushed the discounted price and TikTok 2
// units; a store sale that leaves Shopify less than a quarter of the reserve pages; past the end
// every marketplace has its price and quantity back.

const STOCK = 20;
const RESERVE = 4;
const THROTTLE = 2;

// The test clock: Date is faked before the rig starts (the hooks run in order) and real again after it stops.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
});
afterAll(() => {
  vi.useRealTimers();
});

const setUp = useWorkersRig({ catalog: { products: 1, variantsPerProduct: 1, locations: 1 } });

/** "2031-03-07T09:05" as the screen's datetime-local field sends it (read as UTC). */
const fieldTime = (at: Date) => at.toISOString().slice(0, 16);

describe("a promotion end to end, on a test clock", () => {
  it("given a 20 % eBay promotion starting in five minutes that throttles TikTok to 2, when the clock passes its start, then eBay gets the discounted price and TikTok 2 units; a store sale eating the reserve pages the 25 % mark; past its end every price and quantity is back", async () => {
    const [kettle] = setUp.rig.variants;
    const location = setUp.rig.shopify.store.shop(setUp.rig.domain).locations[0].id;
    setUp.rig.shopify.store.setAvailable(setUp.rig.domain, kettle.itemShopifyId, location, STOCK);
    await eventually(() => setUp.rig.anchorQuantity(kettle) === STOCK, 10_000, "the store holds 20");
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, sku: kettle.sku } });
    await eventually(
      async () =>
        (await prisma.inventoryLevel.aggregate({ where: { shopId: setUp.rig.shopId, inventoryItem: { variantId: variant.id } }, _sum: { available: true } }))
          ._sum.available === STOCK,
      30_000,
      "the mirror holds 20",
    );
    const price = variant.priceCents;
    const discounted = Math.round(price * 0.8);

    await setUp.rig.linkAll();
    const quantities = () => ({
      amazon: setUp.rig.quantityOn("amazon", kettle),
      ebay: setUp.rig.quantityOn("ebay", kettle),
      walmart: setUp.rig.quantityOn("walmart", kettle),
      tiktok: setUp.rig.quantityOn("tiktok", kettle),
    });
    await eventually(() => Object.values(quantities()).every((q) => q === STOCK) && setUp.rig.priceOn("ebay", kettle) === price, 60_000, "the first push");

    // The merchant plans and launches the promotion as the Promotions screen does.
    const startsAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5 * 60_000);
    const endsAt = new Date(startsAt.getTime() + 10 * 60_000);
    const created = await createPromotion(
      setUp.rig.domain,
      {
        name: "Spring sale",
        startsAt: fieldTime(startsAt),
        endsAt: fieldTime(endsAt),
        channelIds: [setUp.rig.channels.ebay.id],
        skus: kettle.sku,
        discountKind: "percent",
        discountValue: "20",
        reserveUnits: String(RESERVE),
        exclusiveReserve: "on",
        autoPauseMode: "throttle",
        autoPauseUnits: String(THROTTLE),
        autoPauseChannelIds: [setUp.rig.channels.tiktok.id],
      },
      "merchant:e2e",
      prisma,
    );
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const launched = await launchPromotion(setUp.rig.domain, { promotionId: created.promotionId }, "merchant:e2e", prisma);
    expect(launched.status).toBe("READY");

    // Within 48 hours of its start the reserve is withheld from the other channels; eBay keeps its price.
    await eventually(
      () => quantities().amazon === STOCK - RESERVE && quantities().tiktok === STOCK - RESERVE && quantities().walmart === STOCK - RESERVE,
      60_000,
      "the reserve withheld",
    );
    expect(quantities()).toEqual({ amazon: STOCK - RESERVE, ebay: STOCK, walmart: STOCK - RESERVE, tiktok: STOCK - RESERVE });
    expect(setUp.rig.priceOn("ebay", kettle)).toBe(price);
    const startJob = await queues().recompute.getJob(promotionMomentJobId(created.promotionId, "start", startsAt));
    expect(startJob!.timestamp + startJob!.delay).toBe(startsAt.getTime());
    expect(await startJob!.getState()).toBe("delayed");
    vi.setSystemTime(startsAt.getTime() - 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await startJob!.getState()).toBe("delayed");
    expect(setUp.rig.priceOn("ebay", kettle)).toBe(price);

    // The clock passes the start: eBay is pushed 20 % off, TikTok at most 2, the others unchanged.
    vi.setSystemTime(startsAt.getTime() + 1_000);
    await eventually(() => setUp.rig.priceOn("ebay", kettle) === discounted && quantities().tiktok === THROTTLE, 60_000, "the promotion pushed");
    expect(quantities()).toEqual({ amazon: STOCK - RESERVE, ebay: STOCK, walmart: STOCK - RESERVE, tiktok: THROTTLE });
    expect(setUp.rig.priceOn("amazon", kettle)).toBe(price);
    const ebayListing = await prisma.listing.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels.ebay.id } });
    const priceWords = (ebayListing.explanation as { price: { text: string }[] }).price.map((s) => s.text).join(" / ");
    expect(priceWords).toContain("Spring sale: 20% off until");
    const tiktokListing = await prisma.listing.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels.tiktok.id } });
    expect((tiktokListing.explanation as { quantity: { text: string }[] }).quantity.map((s) => s.text).join(" / ")).toContain(
      'At most 2 units while promotion "Spring sale" runs on other channels',
    );
    expect((await prisma.promotion.findUniqueOrThrow({ where: { id: created.promotionId } })).status).toBe("RUNNING");

    // A sale in the Shopify store leaves 1 unit: a quarter of the reserve, though eBay sold nothing.
    setUp.rig.shopify.store.sell(setUp.rig.domain, [{ variantId: kettle.variantShopifyId, quantity: STOCK - 1 }]);
    await eventually(
      async () => (await prisma.alert.count({ where: { shopId: setUp.rig.shopId, kind: "PROMOTION_RESERVE" } })) > 0,
      60_000,
      "the reserve page",
    );
    const pages = await prisma.alert.findMany({ where: { shopId: setUp.rig.shopId, kind: "PROMOTION_RESERVE" } });
    expect(pages.map((a) => a.title)).toEqual([`Spring sale (${kettle.sku}): 1 of ${RESERVE} reserved units left (25% mark)`]);

    // Restocked, then past the end: every price and quantity as the rules say, the result kept.
    setUp.rig.shopify.store.setAvailable(setUp.rig.domain, kettle.itemShopifyId, location, STOCK);
    await eventually(() => quantities().ebay === STOCK, 60_000, "restocked");
    vi.setSystemTime(endsAt.getTime() + 1_000);
    await eventually(
      () => Object.values(quantities()).every((q) => q === STOCK) && setUp.rig.priceOn("ebay", kettle) === price,
      60_000,
      "prices and quantities restored",
    );
    expect(quantities()).toEqual({ amazon: STOCK, ebay: STOCK, walmart: STOCK, tiktok: STOCK });
    expect(setUp.rig.priceOn("ebay", kettle)).toBe(price);
    const ended = await prisma.promotion.findUniqueOrThrow({ where: { id: created.promotionId } });
    expect(ended.status).toBe("ENDED");
    expect(ended.results).toMatchObject({ unitsSold: 0, channels: [{ channelId: setUp.rig.channels.ebay.id, soldUnits: 0 }] });
  }, 240_000);
});
