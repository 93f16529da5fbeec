import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { useOwnQueues } from "../../test/own-queues";
import { feedSlots } from "./feed-format";
import { sweepVendorFeeds, VENDOR_FEED_JOB, vendorFeedJobId } from "./schedule.server";

// A vendor feed's schedule on real PostgreSQL and Redis, under a queue prefix of this file's own
// (no worker takes its jobs): the clock is an argument, so slots pass without waiting.
const { queues } = useOwnQueues("vendor-feeds");

// 07:10 in Berlin on 10 November (UTC+1): today's 06:30 slot has passed. Before the real clock, so
// the job for it is due at once by BullMQ's clock.
const NOW = new Date("2026-11-10T06:10:00Z");

describe("the slots of a vendor feed", () => {
  it("given an hourly feed, then the slot due is the hour begun and the next the hour after; given a daily feed at 06:30 in Berlin, then before 06:30 yesterday's is due, from 06:30 today's", () => {
    expect(feedSlots({ schedule: "HOURLY" }, new Date("2026-11-10T06:10:00Z"), "Europe/Berlin")).toEqual({
      due: new Date("2026-11-10T06:00:00Z"),
      next: new Date("2026-11-10T07:00:00Z"),
    });
    const daily = { schedule: "DAILY", dailyAt: "06:30" } as const;
    expect(feedSlots(daily, new Date("2026-11-10T05:00:00Z"), "Europe/Berlin")).toEqual({
      due: new Date("2026-11-09T05:30:00Z"),
      next: new Date("2026-11-10T05:30:00Z"),
    });
    expect(feedSlots(daily, NOW, "Europe/Berlin").due).toEqual(new Date("2026-11-10T05:30:00Z"));
  });
});

async function shopWithDailyFeed() {
  const seeded = await seedShopWithEveryModel(prisma);
  await prisma.shop.update({ where: { id: seeded.shop.id }, data: { settings: { timeZone: "Europe/Berlin" } } });
  const vendor = await prisma.vendor.findFirstOrThrow({ where: { shopId: seeded.shop.id } });
  const feed = await prisma.vendorFeed.create({
    data: {
      shopId: seeded.shop.id,
      vendorId: vendor.id,
      source: "HTTPS",
      url: "https://vendor.test/stock.csv",
      mapping: { sku: "sku", quantity: "qty" },
      schedule: "DAILY",
      dailyAt: "06:30",
    },
  });
  return { shop: seeded.shop, vendor, feed };
}

describe("the sweep of vendor feeds", () => {
  it("given workers down at today's 06:30 slot, when the sweep runs, then that slot is queued once to run now and tomorrow's waits; once it has a run, only tomorrow's is kept", async () => {
    const { shop, feed } = await shopWithDailyFeed();
    await prisma.vendor.updateMany({ where: { shopId: shop.id }, data: { lastImportedAt: NOW } });
    await sweepVendorFeeds([shop.id], { queues, now: NOW });
    const today = new Date("2026-11-10T05:30:00Z");
    const due = await queues.recompute.getJob(vendorFeedJobId(feed.id, today));
    expect(due?.name).toBe(VENDOR_FEED_JOB);
    expect(due?.data).toEqual({ shopId: shop.id, vendorFeedId: feed.id, vendorFeedSlot: today.toISOString() });
    expect(due?.delay).toBe(0);
    const tomorrow = await queues.recompute.getJob(vendorFeedJobId(feed.id, new Date("2026-11-11T05:30:00Z")));
    expect(tomorrow).toBeDefined();

    // The slot ran (its run row); Redis then lost its jobs: the sweep brings back tomorrow's only.
    await prisma.vendorFeedRun.create({ data: { shopId: shop.id, feedId: feed.id, slot: today.toISOString(), status: "SUCCEEDED" } });
    await queues.recompute.obliterate({ force: true });
    await sweepVendorFeeds([shop.id], { queues, now: NOW });
    expect(await queues.recompute.getJob(vendorFeedJobId(feed.id, today))).toBeUndefined();
    expect(await queues.recompute.getJob(vendorFeedJobId(feed.id, new Date("2026-11-11T05:30:00Z")))).toBeDefined();
  });

  it("given a vendor whose last file is 49 hours old under a 48-hour limit, when the sweep runs twice, then it is stale once, alerts once for lateness and once for staleness, and its listings are marked", async () => {
    const { shop, vendor } = await shopWithDailyFeed();
    await prisma.vendor.update({ where: { id: vendor.id }, data: { lastImportedAt: new Date(NOW.getTime() - 49 * 3_600_000), staleAfterHours: 48 } });
    // The seed keeps the vendor off Amazon, where the kettle's listing is: here it feeds every channel.
    await prisma.locationChannel.deleteMany({ where: { shopId: shop.id, locationId: vendor.locationId } });
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: null } });
    await sweepVendorFeeds([shop.id], { queues, now: NOW });
    await sweepVendorFeeds([shop.id], { queues, now: new Date(NOW.getTime() + 60_000) });
    expect((await prisma.vendor.findUniqueOrThrow({ where: { id: vendor.id } })).staleSince).toEqual(NOW);
    const alerts = await prisma.alert.findMany({ where: { shopId: shop.id, kind: "VENDOR_FEED" }, select: { dedupeKey: true } });
    expect(alerts.map((a) => a.dedupeKey.split(":")[0]).sort()).toEqual(["vendor-feed-late", "vendor-feed-stale"]);
    // The seeded kettle has a level at the vendor's location: its listings are recomputed without the vendor.
    expect(await prisma.listing.count({ where: { shopId: shop.id, staleSince: { not: null } } })).toBeGreaterThan(0);
  });
});
