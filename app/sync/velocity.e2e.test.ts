import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { shopTimeZone } from "~/lib/zoned-time";
import { queues } from "~/queues.server";
import { saveBufferRule, saveVelocityWindow } from "~/routes/app.buffers/buffers.server";
import { eventually } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";
import { runOrderImport } from "./jobs.server";
import { runVelocityDay, velocityJobId, velocityMoments } from "./velocity-schedule.server";

// Velocity end to end, through the real webhook route, the real workers and the simulators, on a
// test clock: the process's Date is faked (it runs on from where it is set), and BullMQ reads the
// same clock for delayed jobs, so a velocity day comes due when the clock passes it.
//
// The merchant sets a 7-day velocity window and, on eBay, a velocity buffer of 2 days' demand
// (risk 1). A store order of 6 (orders/create) and an Amazon order of 4 both count: eBay holds back
// what 10 sold today says two days will sell. As days pass, only the daily velocity job recomputes
// it: 3 days later the sales weigh less, 7 days later they are out of the window and eBay gets all.
//
// Half-life 7 / 4 = 1.75 days; Σ 0.5^(d/1.75) over days 0-6 = 2.8665.
//   store 6 today:         6 / 2.8665 = 2.093/day   → ceil(2.093 × 2) = 5
//   + Amazon 4 today:     10 / 2.8665 = 3.489/day   → ceil(3.489 × 2) = 7
//   3 days on:  10 × 0.5^(3/1.75) / 2.8665 = 1.063/day → ceil(1.063 × 2) = 3
//   7 days on:  out of the window, 0/day               → 0

const DAY = 86_400_000;

// The test clock: Date is faked before the rig starts (the hooks run in order) and real again after it stops.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
});
afterAll(() => {
  vi.useRealTimers();
});

const setUp = useWorkersRig({ catalog: { products: 1, variantsPerProduct: 1, locations: 1 }, initialFromAnchor: true, startTimeoutMs: 120_000 });

const ebayListing = () => prisma.listing.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels.ebay.id } });
const explanation = async () => ((await ebayListing()).explanation as { quantity: { rule: string; text: string }[] }).quantity;

describe("velocity buffers end to end, on a test clock", () => {
  it("given eBay's velocity buffer over a 7-day window, when the store sells 6 and Amazon 4, then eBay holds back 5 then 7 and says what it counted; the daily job lowers it to 3 three days later and 0 a week later, eBay receiving each, and the same day run twice does nothing", async () => {
    const [variant] = setUp.rig.variants;
    const [location] = setUp.rig.shopify.store.shop(setUp.rig.domain).locations;
    setUp.rig.shopify.store.setAvailable(setUp.rig.domain, variant.itemShopifyId, location.id, 40);

    // The merchant's settings, through the Buffers screen's own server code.
    expect(await saveVelocityWindow(setUp.rig.domain, { velocityWindowDays: "7" }, "merchant:e2e")).toBeNull();
    const saved = await saveBufferRule(
      setUp.rig.domain,
      { channelId: setUp.rig.channels.ebay.id, scope: "channel", kind: "velocity", leadTimeDays: "2", safetyStock: "0", riskMultiplier: "1" },
      "merchant:e2e",
    );
    expect(saved.ok).toBe(true);
    await setUp.rig.linkAll();
    const pool = () => setUp.rig.anchorQuantity(variant);
    await eventually(() => pool() === 40 && setUp.rig.quantityOn("ebay", variant) === 40, 60_000, "the first push: nothing sold, no buffer");

    // A store order, through Shopify's orders/create webhook to the app's route.
    const soldAt = Date.now();
    setUp.rig.shopify.store.sell(setUp.rig.domain, [{ variantId: variant.variantShopifyId, quantity: 6 }]);
    await eventually(() => pool() === 34 && setUp.rig.quantityOn("ebay", variant) === 34 - 5, 30_000, "eBay holding back 5 for the store's 6");

    // An Amazon order, imported and written back to Shopify.
    setUp.rig.amazon.state.placeOrder({ sku: variant.channelSku.amazon, quantity: 4 });
    await runOrderImport(setUp.rig.channels.amazon.id);
    await eventually(() => pool() === 30 && setUp.rig.quantityOn("ebay", variant) === 30 - 7, 30_000, "eBay holding back 7 for the store's 6 and Amazon's 4");
    expect((await explanation()).find((s) => s.rule === "velocity.counted")?.text).toBe(
      "10 sold in the last 7 days across the Shopify store and Amazon US, recent days weighted more (half-life 1.75 days): 3.489/day",
    );
    // Amazon has no buffer: it lists the whole pool.
    await eventually(() => setUp.rig.quantityOn("amazon", variant) === 30, 30_000, "Amazon at the whole pool");

    // The shop's first velocity day waits for 03:00 of its time zone.
    const { settings } = await prisma.shop.findUniqueOrThrow({ where: { id: setUp.rig.shopId } });
    const first = velocityMoments(new Date(soldAt), shopTimeZone(settings)).next;
    const job = await queues().recompute.getJob(velocityJobId(setUp.rig.shopId, first.day));
    expect(job!.timestamp + job!.delay).toBe(first.at.getTime());
    expect(await job!.getState()).toBe("delayed");

    // Three days on (the workers were down at that first 03:00): the day runs once when the clock
    // passes it, and eBay is pushed the smaller buffer.
    vi.setSystemTime(soldAt + 3 * DAY + 3_600_000);
    await eventually(() => setUp.rig.quantityOn("ebay", variant) === 30 - 3, 30_000, "eBay holding back 3 three days later");
    expect(await (await queues().recompute.getJob(velocityJobId(setUp.rig.shopId, first.day)))!.getState()).toBe("completed");
    const run = await prisma.velocityRun.findUniqueOrThrow({ where: { shopId_day: { shopId: setUp.rig.shopId, day: first.day } } });
    expect(run).toMatchObject({ variants: 1, listings: 1 });
    expect(run.finishedAt).not.toBeNull();

    // The same day again: nothing is noted, nothing recomputed.
    await eventually(async () => (await ebayListing()).staleSince === null, 30_000, "the eBay listing computed");
    expect(await runVelocityDay(setUp.rig.shopId, first.day)).toEqual({ ran: false, day: first.day, reason: "already run" });
    expect((await ebayListing()).staleSince).toBeNull();

    // A week on, the sales are out of the window: the next day's job gives eBay every unit.
    vi.setSystemTime(soldAt + 7 * DAY + 3_600_000);
    await eventually(() => setUp.rig.quantityOn("ebay", variant) === 30, 30_000, "eBay holding back nothing a week later");
    expect((await explanation()).find((s) => s.rule === "velocity.counted")?.text).toBe(
      "0 sold in the last 7 days in the store or on any channel, recent days weighted more (half-life 1.75 days): 0/day",
    );
    expect(await prisma.velocityRun.count({ where: { shopId: setUp.rig.shopId, finishedAt: { not: null } } })).toBe(2);
  }, 180_000);
});
