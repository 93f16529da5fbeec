import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeSharedRevisionRedis } from "~/channels/ebay";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { createPromotion, launchPromotion } from "~/routes/app.promotions/promotions.server";
import { startWebhookEndpoint } from "../../test/app-webhook-server";
import { eventually, startMarketplaceRig, type MarketplaceRig } from "../../test/marketplaces";
import { createWorkers } from "../../workers/processors";
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
const connection = createRedisConnection();
let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;
let rig: MarketplaceRig;
let workers: Worker[] = [];

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  endpoint = await startWebhookEndpoint();
  rig = await startMarketplaceRig({ prisma, catalog: { products: 1, variantsPerProduct: 1, locations: 1 }, webhookUrl: endpoint.url });
  workers = createWorkers(connection);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await rig?.stop();
  await queues().close();
  await closeSharedRevisionRedis();
  connection.disconnect();
  await endpoint?.close();
  vi.useRealTimers();
});

/** "2031-03-07T09:05" as the screen's datetime-local field sends it (read as UTC). */
const fieldTime = (at: Date) => at.toISOString().slice(0, 16);

describe("a promotion end to end, on a test clock", () => {
  it("given a 20 % eBay promotion starting in five minutes that throttles TikTok to 2, when the clock passes its start, then eBay gets the discounted price and TikTok 2 units; a store sale eating the reserve pages the 25 % mark; past its end every price and quantity is back", async () => {
    const [kettle] = rig.variants;
    const location = rig.shopify.store.shop(rig.domain).locations[0].id;
    rig.shopify.store.setAvailable(rig.domain, kettle.itemShopifyId, location, STOCK);
    await eventually(() => rig.anchorQuantity(kettle) === STOCK, 10_000, "the store holds 20");
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: rig.shopId, sku: kettle.sku } });
    await eventually(
      async () =>
        (await prisma.inventoryLevel.aggregate({ where: { shopId: rig.shopId, inventoryItem: { variantId: variant.id } }, _sum: { available: true } }))._sum
          .available === STOCK,
      30_000,
      "the mirror holds 20",
    );
    const price = variant.priceCents;
    const discounted = Math.round(price * 0.8);

    await rig.linkAll();
    const quantities = () => ({
      amazon: rig.quantityOn("amazon", kettle),
      ebay: rig.quantityOn("ebay", kettle),
      walmart: rig.quantityOn("walmart", kettle),
      tiktok: rig.quantityOn("tiktok", kettle),
    });
    await eventually(() => Object.values(quantities()).every((q) => q === STOCK) && rig.priceOn("ebay", kettle) === price, 60_000, "the first push");

    // The merchant plans and launches the promotion as the Promotions screen does.
    const startsAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5 * 60_000);
    const endsAt = new Date(startsAt.getTime() + 10 * 60_000);
    const created = await createPromotion(
      rig.domain,
      {
        name: "Spring sale",
        startsAt: fieldTime(startsAt),
        endsAt: fieldTime(endsAt),
        channelIds: [rig.channels.ebay.id],
        skus: kettle.sku,
        discountKind: "percent",
        discountValue: "20",
        reserveUnits: String(RESERVE),
        exclusiveReserve: "on",
        autoPauseMode: "throttle",
        autoPauseUnits: String(THROTTLE),
        autoPauseChannelIds: [rig.channels.tiktok.id],
      },
      "merchant:e2e",
      prisma,
    );
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const launched = await launchPromotion(rig.domain, { promotionId: created.promotionId }, "merchant:e2e", prisma);
    expect(launched.status).toBe("READY");

    // Within 48 hours of its start the reserve is withheld from the other channels; eBay keeps its price.
    await eventually(
      () => quantities().amazon === STOCK - RESERVE && quantities().tiktok === STOCK - RESERVE && quantities().walmart === STOCK - RESERVE,
      60_000,
      "the reserve withheld",
    );
    expect(quantities()).toEqual({ amazon: STOCK - RESERVE, ebay: STOCK, walmart: STOCK - RESERVE, tiktok: STOCK - RESERVE });
    expect(rig.priceOn("ebay", kettle)).toBe(price);
    const startJob = await queues().recompute.getJob(promotionMomentJobId(created.promotionId, "start", startsAt));
    expect(startJob!.timestamp + startJob!.delay).toBe(startsAt.getTime());
    expect(await startJob!.getState()).toBe("delayed");
    vi.setSystemTime(startsAt.getTime() - 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await startJob!.getState()).toBe("delayed");
    expect(rig.priceOn("ebay", kettle)).toBe(price);

    // The clock passes the start: eBay is pushed 20 % off, TikTok at most 2, the others unchanged.
    vi.setSystemTime(startsAt.getTime() + 1_000);
    await eventually(() => rig.priceOn("ebay", kettle) === discounted && quantities().tiktok === THROTTLE, 60_000, "the promotion pushed");
    expect(quantities()).toEqual({ amazon: STOCK - RESERVE, ebay: STOCK, walmart: STOCK - RESERVE, tiktok: THROTTLE });
    expect(rig.priceOn("amazon", kettle)).toBe(price);
    const ebayListing = await prisma.listing.findFirstOrThrow({ where: { shopId: rig.shopId, channelId: rig.channels.ebay.id } });
    const priceWords = (ebayListing.explanation as { price: { text: string }[] }).price.map((s) => s.text).join(" / ");
    expect(priceWords).toContain("Spring sale: 20% off until");
    const tiktokListing = await prisma.listing.findFirstOrThrow({ where: { shopId: rig.shopId, channelId: rig.channels.tiktok.id } });
    expect((tiktokListing.explanation as { quantity: { text: string }[] }).quantity.map((s) => s.text).join(" / ")).toContain(
      'At most 2 units while promotion "Spring sale" runs on other channels',
    );
    expect((await prisma.promotion.findUniqueOrThrow({ where: { id: created.promotionId } })).status).toBe("RUNNING");

    // A sale in the Shopify store leaves 1 unit: a quarter of the reserve, though eBay sold nothing.
    rig.shopify.store.sell(rig.domain, [{ variantId: kettle.variantShopifyId, quantity: STOCK - 1 }]);
    await eventually(async () => (await prisma.alert.count({ where: { shopId: rig.shopId, kind: "PROMOTION_RESERVE" } })) > 0, 60_000, "the reserve page");
    const pages = await prisma.alert.findMany({ where: { shopId: rig.shopId, kind: "PROMOTION_RESERVE" } });
    expect(pages.map((a) => a.title)).toEqual([`Spring sale (${kettle.sku}): 1 of ${RESERVE} reserved units left (25% mark)`]);

    // Restocked, then past the end: every price and quantity as the rules say, the result kept.
    rig.shopify.store.setAvailable(rig.domain, kettle.itemShopifyId, location, STOCK);
    await eventually(() => quantities().ebay === STOCK, 60_000, "restocked");
    vi.setSystemTime(endsAt.getTime() + 1_000);
    await eventually(
      () => Object.values(quantities()).every((q) => q === STOCK) && rig.priceOn("ebay", kettle) === price,
      60_000,
      "prices and quantities restored",
    );
    expect(quantities()).toEqual({ amazon: STOCK, ebay: STOCK, walmart: STOCK, tiktok: STOCK });
    expect(rig.priceOn("ebay", kettle)).toBe(price);
    const ended = await prisma.promotion.findUniqueOrThrow({ where: { id: created.promotionId } });
    expect(ended.status).toBe("ENDED");
    expect(ended.results).toMatchObject({ unitsSold: 0, channels: [{ channelId: rig.channels.ebay.id, soldUnits: 0 }] });
  }, 240_000);
});
