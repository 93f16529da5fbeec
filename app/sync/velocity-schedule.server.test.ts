import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { useOwnQueues } from "../../test/own-queues";
import { ensureWorkDue } from "./due-work.server";
import { runVelocityDay, sweepVelocity, VELOCITY_JOB, velocityJobId, velocityMoments } from "./velocity-schedule.server";

// The daily velocity run on real PostgreSQL and Redis, under a queue prefix of this file's own (no
// worker takes its jobs): the clock is an argument (`now`), so days pass without waiting.
const { redis, queues } = useOwnQueues("velocity");

const DAY = 86_400_000;
// 04:00 in Berlin on 10 November (UTC+1): the day's 03:00 has passed. Before the real clock, so a
// job for it is due at once by BullMQ's clock.
const NOW = new Date("2026-11-10T03:00:00Z");

/** The seeded kettle shop (Amazon's velocity buffer on every listing) in Berlin, its listings computed, the kettle sold 5 days ago. */
async function shopWithSales() {
  const seeded = await seedShopWithEveryModel(prisma);
  await prisma.shop.update({ where: { id: seeded.shop.id }, data: { settings: { timeZone: "Europe/Berlin", velocityWindowDays: 7 } } });
  await prisma.sale.create({
    data: { shopId: seeded.shop.id, variantId: seeded.variant.id, channelId: null, quantity: 4, soldAt: new Date(NOW.getTime() - 5 * DAY), sourceKey: "s1" },
  });
  await prisma.listing.updateMany({ where: { shopId: seeded.shop.id }, data: { staleSince: null } });
  return seeded;
}

const stale = (shopId: string) => prisma.listing.count({ where: { shopId, staleSince: { not: null } } });

describe("the moments of a shop's velocity days", () => {
  it("given a shop in Berlin, when it is 02:30 there, then the day due is yesterday's 03:00 and the next is today's; from 03:00 on, today's is due", () => {
    const before = velocityMoments(new Date("2026-12-10T01:30:00Z"), "Europe/Berlin");
    expect(before.due).toEqual({ day: "2026-12-09", at: new Date("2026-12-09T02:00:00Z") });
    expect(before.next).toEqual({ day: "2026-12-10", at: new Date("2026-12-10T02:00:00Z") });
    const after = velocityMoments(new Date("2026-12-10T02:00:00Z"), "Europe/Berlin");
    expect(after.due.day).toBe("2026-12-10");
    expect(after.next).toEqual({ day: "2026-12-11", at: new Date("2026-12-11T02:00:00Z") });
    // Summer time: 03:00 in Berlin is 01:00 UTC.
    expect(velocityMoments(new Date("2027-07-01T12:00:00Z"), "Europe/Berlin").next.at).toEqual(new Date("2027-07-02T01:00:00Z"));
  });
});

describe("a shop's velocity day", () => {
  it("given the kettle sold 5 days ago under Amazon's velocity buffer, when its day runs, then its listings are recomputed, the day is stamped and the next day's job waits for 03:00 tomorrow; run again, the day does nothing", async () => {
    const { shop } = await shopWithSales();
    const first = await runVelocityDay(shop.id, "2026-11-10", { queues, now: NOW });
    // The kettle's Amazon listing; the two-pack has none on Amazon in the seed.
    expect(first).toEqual({ ran: true, day: "2026-11-10", variants: 1, listings: 1 });
    expect(await stale(shop.id)).toBe(1);
    expect(await prisma.velocityRun.findUnique({ where: { shopId_day: { shopId: shop.id, day: "2026-11-10" } } })).toMatchObject({
      finishedAt: NOW,
      variants: 1,
      listings: 1,
    });
    const next = await queues.recompute.getJob(velocityJobId(shop.id, "2026-11-11"));
    expect(next?.name).toBe(VELOCITY_JOB);
    expect(next?.data).toEqual({ shopId: shop.id, velocityDay: "2026-11-11" });
    expect(next!.timestamp + next!.delay).toBe(Math.max(next!.timestamp, new Date("2026-11-11T02:00:00Z").getTime()));

    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: null } });
    expect(await runVelocityDay(shop.id, "2026-11-10", { queues, now: new Date(NOW.getTime() + 60_000) })).toEqual({
      ran: false,
      day: "2026-11-10",
      reason: "already run",
    });
    expect(await stale(shop.id)).toBe(0);
  });

  it("given sales only older than the window and the days since the last run, when the day runs, then no listing is recomputed; a sale that just left the window still is", async () => {
    const { shop, variant } = await shopWithSales();
    await prisma.sale.updateMany({ where: { shopId: shop.id }, data: { soldAt: new Date(NOW.getTime() - 30 * DAY) } });
    expect(await runVelocityDay(shop.id, "2026-11-10", { queues, now: NOW })).toMatchObject({ ran: true, variants: 0, listings: 0 });
    expect(await stale(shop.id)).toBe(0);

    // Sold 7.5 days before the next day's run: out of the 7-day window then, in it the day before.
    await prisma.sale.create({
      data: {
        shopId: shop.id,
        variantId: variant.id,
        channelId: "ch-ebay-gone",
        quantity: 2,
        soldAt: new Date(NOW.getTime() + DAY - 7.5 * DAY),
        sourceKey: "s2",
      },
    });
    expect(await runVelocityDay(shop.id, "2026-11-11", { queues, now: new Date(NOW.getTime() + DAY) })).toMatchObject({ ran: true, variants: 1, listings: 1 });
  });

  it("given a shop without a velocity rule, when its day comes, then nothing is noted or stamped and no next day is scheduled", async () => {
    const { shop } = await shopWithSales();
    await prisma.bufferRule.deleteMany({ where: { shopId: shop.id, kind: "VELOCITY" } });
    expect(await runVelocityDay(shop.id, "2026-11-10", { queues, now: NOW })).toEqual({ ran: false, day: "2026-11-10", reason: "no velocity buffer" });
    expect(await prisma.velocityRun.count({ where: { shopId: shop.id, day: "2026-11-10" } })).toBe(0);
    expect(await queues.recompute.getJob(velocityJobId(shop.id, "2026-11-11"))).toBeUndefined();
    expect(await sweepVelocity([shop.id], { queues, now: NOW })).toBe(0);
  });
});

describe("the velocity sweep after downtime", () => {
  it("given workers down at 03:00 and Redis emptied, when the due work runs at 04:00, then today's day is queued once to run now and tomorrow's waits; once today's ran, a later sweep queues it no more", async () => {
    const { shop } = await shopWithSales();
    await ensureWorkDue({ redis, queues, prisma, now: NOW });
    const today = await queues.recompute.getJob(velocityJobId(shop.id, "2026-11-10"));
    expect(today?.data).toEqual({ shopId: shop.id, velocityDay: "2026-11-10" });
    expect(await today?.getState()).toBe("waiting");
    expect(today!.delay).toBe(0);
    expect(await queues.recompute.getJob(velocityJobId(shop.id, "2026-11-11"))).toBeDefined();

    // The job runs (as the worker would), then Redis loses everything: the sweep adds only tomorrow's.
    await runVelocityDay(shop.id, "2026-11-10", { queues, now: NOW });
    await queues.recompute.obliterate({ force: true });
    await sweepVelocity([shop.id], { queues, now: new Date(NOW.getTime() + 3_600_000) });
    expect(await queues.recompute.getJob(velocityJobId(shop.id, "2026-11-10"))).toBeUndefined();
    expect(await queues.recompute.getJob(velocityJobId(shop.id, "2026-11-11"))).toBeDefined();
  });
});
