import type { PrismaClient } from "@prisma/client";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Sql } from "~/lib/sql.server";
import { markChanged } from "~/recompute/index.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { landingAtListingsRead } from "../../test/landing-mid-batch";
import { useOwnQueues } from "../../test/own-queues";
import {
  notePromotionMomentsDue,
  PROMOTION_MOMENT_JOB,
  promotionMomentJobId,
  schedulePromotionMoments,
  sweepPromotionMoments,
} from "./promotion-moments.server";

// Promotion moments on real PostgreSQL and Redis, under a queue prefix of this file's own: the
// clock is an argument (`now`), so a moment passes without waiting for it.
const { queues } = useOwnQueues("promotion");

const HOUR = 3_600_000;
const STARTS = new Date("2031-03-07T09:00:00Z");
const ENDS = new Date("2031-03-14T09:00:00Z");
const at = (ms: number) => new Date(ms);

/** The factory's eBay promotion, launched (READY) for STARTS → ENDS with a checklist projecting 6 on eBay; listings not stale. */
async function launchedShop() {
  const seeded = await seedShopWithEveryModel(prisma);
  const promotion = await prisma.promotion.update({
    where: { id: (await prisma.promotion.findFirstOrThrow({ where: { shopId: seeded.shop.id } })).id },
    data: {
      status: "READY",
      startsAt: STARTS,
      endsAt: ENDS,
      checklist: { verdict: "pass", projectedDemand: [{ variantId: seeded.variant.id, channelId: seeded.channels.ebay.id, units: 6 }] },
    },
  });
  await prisma.listing.updateMany({ where: { shopId: seeded.shop.id }, data: { staleSince: null } });
  return { ...seeded, promotion };
}

const stale = (shopId: string) => prisma.listing.count({ where: { shopId, staleSince: { not: null } } });
const unstale = (shopId: string) => prisma.listing.updateMany({ where: { shopId }, data: { staleSince: null } });

describe("promotion moments", () => {
  it("given a launched promotion, when its moments are scheduled twice, then one delayed job waits for each of the reserve opening (48 h ahead), the start and the end", async () => {
    const { shop, promotion } = await launchedShop();
    const now = at(STARTS.getTime() - 72 * HOUR);
    expect(await schedulePromotionMoments(shop.id, promotion, { queues, now })).toBe(3);
    await schedulePromotionMoments(shop.id, promotion, { queues, now });
    const reserveAt = at(STARTS.getTime() - 48 * HOUR);
    for (const [moment, when] of [
      ["reserve", reserveAt],
      ["start", STARTS],
      ["end", ENDS],
    ] as const) {
      const job = await queues.recompute.getJob(promotionMomentJobId(promotion.id, moment, when));
      expect(job?.name, moment).toBe(PROMOTION_MOMENT_JOB);
      expect(await job!.getState()).toBe("delayed");
      expect(job!.timestamp + job!.delay).toBe(when.getTime());
    }
    expect((await queues.recompute.getDelayed()).filter((j) => j.data.shopId === shop.id)).toHaveLength(3);
    // Once the start has passed, only the end is ahead.
    expect(await schedulePromotionMoments(shop.id, promotion, { queues, now: at(STARTS.getTime() + HOUR) })).toBe(1);
  });

  it("given a launched promotion, when its job runs at each moment, then the listings are recomputed once per moment, it runs at the start and ends at the end with its sales against the projection per channel", async () => {
    const { shop, promotion, variant, channels } = await launchedShop();
    expect(await notePromotionMomentsDue(shop.id, { queues, now: at(STARTS.getTime() - 49 * HOUR) })).toBe(0);
    expect(await stale(shop.id)).toBe(0);

    // The reserve opens 48 hours ahead: recomputed (the engine now withholds it), noted once.
    expect(await notePromotionMomentsDue(shop.id, { queues, now: at(STARTS.getTime() - 47 * HOUR) })).toBe(1);
    expect(await stale(shop.id)).toBeGreaterThan(0);
    await unstale(shop.id);
    expect(await notePromotionMomentsDue(shop.id, { queues, now: at(STARTS.getTime() - 46 * HOUR) })).toBe(0);
    expect(await stale(shop.id)).toBe(0);
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } })).toMatchObject({ status: "READY", startedAt: null });

    const started = at(STARTS.getTime() + 1_000);
    expect(await notePromotionMomentsDue(shop.id, { queues, now: started })).toBe(1);
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } })).toMatchObject({ status: "RUNNING", startedAt: started });
    expect(await stale(shop.id)).toBeGreaterThan(0);
    await unstale(shop.id);

    await prisma.sale.createMany({
      data: [
        { shopId: shop.id, variantId: variant.id, channelId: channels.ebay.id, quantity: 4, soldAt: at(STARTS.getTime() + HOUR), sourceKey: `eb-${shop.id}` },
        { shopId: shop.id, variantId: variant.id, channelId: null, quantity: 2, soldAt: at(STARTS.getTime() + HOUR), sourceKey: `store-${shop.id}` },
      ],
    });
    const ended = at(ENDS.getTime() + 1_000);
    expect(await notePromotionMomentsDue(shop.id, { queues, now: ended })).toBe(1);
    expect(await stale(shop.id)).toBeGreaterThan(0);
    const after = await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } });
    expect(after).toMatchObject({ status: "ENDED", endedAt: ended });
    // The store's sale is not eBay's: the promotion has no Shopify channel.
    expect(after.results).toMatchObject({
      endedBy: "scheduler",
      unitsSold: 4,
      projectedUnits: 6,
      channels: [{ channelId: channels.ebay.id, channelName: "eBay US", soldUnits: 4, projectedUnits: 6 }],
    });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "promotion.ended" } })).toBe(1);
    await unstale(shop.id);
    expect(await notePromotionMomentsDue(shop.id, { queues, now: at(ENDS.getTime() + HOUR) })).toBe(0);
    expect(await stale(shop.id)).toBe(0);
  });

  it("given workers down from before the reserve opened until after the end, when the sweep runs as they come back, then the promotion is ended once, with no start left to run, and nothing is scheduled for moments past", async () => {
    const { shop, promotion } = await launchedShop();
    const back = at(ENDS.getTime() + HOUR);
    expect(await sweepPromotionMoments([shop.id], { prisma, queues, now: back })).toBe(1);
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } })).toMatchObject({ status: "ENDED", endedAt: back });
    expect(await sweepPromotionMoments([shop.id], { prisma, queues, now: at(back.getTime() + HOUR) })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: { in: ["promotion.ended", "promotion.started"] } } })).toBe(1);
    expect((await queues.recompute.getDelayed()).filter((j) => j.data.shopId === shop.id)).toHaveLength(0);
  });

  it("given workers down across the reserve opening and the start, when the sweep runs mid-promotion, then both are noted at once, the promotion runs, and its end is scheduled again", async () => {
    const { shop, promotion } = await launchedShop();
    const back = at(STARTS.getTime() + 2 * HOUR);
    expect(await sweepPromotionMoments([shop.id], { prisma, queues, now: back })).toBe(1);
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } })).toMatchObject({
      status: "RUNNING",
      reserveOpenedAt: back,
      startedAt: back,
    });
    const end = await queues.recompute.getJob(promotionMomentJobId(promotion.id, "end", ENDS));
    expect(await end?.getState()).toBe("delayed");
    expect(await notePromotionMomentsDue(shop.id, { queues, now: at(back.getTime() + HOUR) })).toBe(0);
  });

  it("given a promotion the merchant paused, when its start passes, then it stays paused and the start is noted once", async () => {
    const { shop, promotion } = await launchedShop();
    await prisma.promotion.update({ where: { id: promotion.id }, data: { status: "PAUSED" } });
    expect(await notePromotionMomentsDue(shop.id, { queues, now: at(STARTS.getTime() + 1_000) })).toBe(1);
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } })).toMatchObject({
      status: "PAUSED",
      startedAt: at(STARTS.getTime() + 1_000),
    });
    expect(await notePromotionMomentsDue(shop.id, { queues, now: at(STARTS.getTime() + 2_000) })).toBe(0);
  });

  it("given a running 20 % eBay promotion, when its end is noted while a recompute begun just before the end is between reading its clock and reading its listings, then the end is not lost: eBay's price goes back to the rule", async () => {
    const { shop, promotion, variant, channels } = await launchedShop();
    await prisma.promotion.update({
      where: { id: promotion.id },
      data: { status: "RUNNING", reserveOpenedAt: at(STARTS.getTime() - 48 * HOUR), startedAt: STARTS },
    });
    const onEbay = await prisma.listing.create({
      data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: variant.sku!, staleSince: new Date() },
    });
    const ebayPrice = async () => (await prisma.listing.findUniqueOrThrow({ where: { id: onEbay.id } })).desiredPriceCents;
    let clock = at(ENDS.getTime() - HOUR);
    const recompute = (deps: { sql?: Sql; beforeWrite?: () => Promise<void> } = {}) =>
      recomputeStaleListings(shop.id, { ...deps, now: () => clock, requestFlush: async () => {} });
    await recompute();
    const discounted = await ebayPrice();
    expect(discounted).toBeLessThan(variant.priceCents);

    // A stock change asks for a recompute a second before the end; its batch starts then. The end
    // comes as the batch reads its listings: the end's job has marked them and is closing the promotion.
    clock = at(ENDS.getTime() - 1_000);
    await markChanged(shop.id, { kind: "catalog", variantIds: [variant.id] });
    const ended = at(ENDS.getTime() + 1_000);
    const end = endNotedMidBatch(shop.id, ended, () => (clock = ended));
    await recompute({ sql: end.sql, beforeWrite: end.closed });
    expect(await prisma.promotion.findUniqueOrThrow({ where: { id: promotion.id } })).toMatchObject({ status: "ENDED", endedAt: ended });
    // The recompute the end's mark asked for, after that batch.
    await recompute();
    expect(await ebayPrice()).toBe(variant.priceCents);
  });
});

/**
 * The end's job (notePromotionMomentsDue at `ended`), landed inside a recompute's batch: it runs
 * when the batch reads its stale listings (`sql`, passed to the recompute), after the clock has
 * come to the end (`arrive`), and that read waits until the job has marked the listings. The job
 * then holds before it closes the promotion until the batch has computed (`closed`, the
 * recompute's beforeWrite, which returns once the promotion is closed).
 */
function endNotedMidBatch(shopId: string, ended: Date, arrive: () => void) {
  let job: Promise<number> | undefined;
  let marked!: () => void;
  const markedDone = new Promise<void>((resolve) => (marked = resolve));
  let open!: () => void;
  const computed = new Promise<void>((resolve) => (open = resolve));
  // Real PostgreSQL throughout: only the promotion's closing write waits for the batch.
  const closingLate = new Proxy(prisma, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== "promotion") return value;
      return new Proxy(value as PrismaClient["promotion"], {
        get(promotions, name, inner) {
          if (name !== "updateMany") return Reflect.get(promotions, name, inner);
          return async (args: Parameters<PrismaClient["promotion"]["updateMany"]>[0]) => {
            marked();
            await computed;
            return promotions.updateMany(args);
          };
        },
      });
    },
  });
  const sql: Sql = landingAtListingsRead(async () => {
    arrive();
    job = notePromotionMomentsDue(shopId, { prisma: closingLate, queues, now: ended });
    await markedDone;
  });
  return {
    sql,
    closed: async () => {
      open();
      expect(await job).toBe(1);
    },
  };
}
