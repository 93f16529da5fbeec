import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { ensureStoreChannel } from "~/channels/store-channel.server";
import { seedShopWithEveryModel } from "../../../test/factories";
import { loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const HOUR = 3600_000;

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

const overview = async (domain: string) => loader({ request: await adminRequest(domain, "/app"), params: {}, context: {} });

/** Listings of `channelId` pushed `ago` ms back, each `seconds` after its change, and the pushes the flush logged. */
async function pushed(shopId: string, channelId: string, variantId: string, prefix: string, latencies: number[], ago = HOUR) {
  const pushedAt = new Date(Date.now() - ago);
  await prisma.listing.createMany({
    data: latencies.map((seconds, i) => ({
      shopId,
      channelId,
      variantId,
      channelSku: `${prefix}-${i}`,
      desiredAt: new Date(pushedAt.getTime() - seconds * 1000),
      pushedAt,
      syncState: "IN_SYNC" as const,
    })),
  });
  const listings = await prisma.listing.findMany({
    where: { shopId, channelId, channelSku: { startsWith: `${prefix}-` } },
    select: { id: true, channelSku: true },
  });
  const idOf = new Map(listings.map((l) => [l.channelSku, l.id]));
  await prisma.listingPush.createMany({
    data: latencies.map((seconds, i) => ({
      shopId,
      channelId,
      listingId: idOf.get(`${prefix}-${i}`)!,
      at: pushedAt,
      outcome: "ACKNOWLEDGED",
      latencyMs: seconds * 1000,
    })),
  });
}

describe("the Overview screen", () => {
  it("shows per channel the median and 95th-percentile latency of the last day's pushes, ignoring older ones", async () => {
    const { shop, channels, variant } = await shopInSession();
    // 1..20 s: the median is 10.5 s, p95 19.05 s (percentile_cont interpolates)
    await pushed(
      shop.id,
      channels.ebay.id,
      variant.id,
      "EB",
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    // Pushed two days ago, slow: outside the window, so it must not move the figures
    await pushed(shop.id, channels.ebay.id, variant.id, "OLD", [5000], 48 * HOUR);
    const { channels: rows } = await overview(shop.domain);
    const ebay = rows.find((c) => c.name === "eBay US")!;
    expect(ebay.latency).toEqual({ p50: 10.5, p95: expect.closeTo(19.05, 5), pushes: 20 });
    expect(ebay.listings.IN_SYNC).toBe(21);
    // Amazon pushed nothing: no latency rather than a zero that reads as "instant"
    expect(rows.find((c) => c.name === "Amazon US")!.latency).toBeNull();
  });

  it("counts oversells, pushes held for parity and drift per channel, and the open alerts of each kind", async () => {
    const { shop, channels, listing } = await shopInSession();
    await prisma.channelOrder.updateMany({ where: { shopId: shop.id }, data: { oversold: true } });
    const now = Date.now();
    await prisma.listing.update({
      where: { id: listing.id },
      data: { syncState: "HELD", pushedQuantity: 8, pushedAt: new Date(now - HOUR), observedQuantity: 5, observedAt: new Date(now) },
    });
    await prisma.alert.create({ data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: "parity:1", title: "Amazon undercuts eBay" } });
    await prisma.alert.create({ data: { shopId: shop.id, kind: "DRIFT", dedupeKey: "drift:1", title: "Old", state: "RESOLVED" } });
    // Shown 5 against 8 pushed, but the drift read raised nothing (units sold since, within the threshold): not drifting.
    const before = await overview(shop.domain);
    expect(before.channels.find((c) => c.id === channels.amazon.id)!.driftListings).toBe(0);
    // The drift read raised its alert: shown 5 where 8 were expected.
    await prisma.alert.create({
      data: {
        shopId: shop.id,
        kind: "DRIFT",
        dedupeKey: "drift:2",
        title: "KET-RED drifts",
        channelId: channels.amazon.id,
        listingId: listing.id,
        facts: { drift: -3 },
      },
    });
    const page = await overview(shop.domain);
    const amazon = page.channels.find((c) => c.id === channels.amazon.id)!;
    const ebay = page.channels.find((c) => c.id === channels.ebay.id)!;
    expect([amazon.parityHeld, amazon.driftListings, amazon.driftUnits, amazon.oversells]).toEqual([1, 1, 3, 0]);
    expect([ebay.parityHeld, ebay.driftListings, ebay.oversells]).toEqual([0, 0, 1]);
    // The seeded oversell alert is open; the resolved drift alert is not counted
    expect(page.openAlerts).toEqual({ OVERSELL: 1, PARITY_VIOLATION: 1, DRIFT: 1 });
  });

  it("given Amazon read back a moment ago with one listing suppressed, and eBay never read, then the overview shows per channel the listings read and when, and the suspended count", async () => {
    const { shop, channels, listing } = await shopInSession();
    const readAt = new Date("2026-12-09T14:05:00Z");
    await prisma.channel.update({ where: { id: channels.amazon.id }, data: { driftReadAt: readAt } });
    await prisma.listing.update({
      where: { id: listing.id },
      data: { observedQuantity: 4, observedAt: readAt, observedSuspension: "LISTING_SUPPRESSED: Missing brand" },
    });
    await prisma.channel.update({
      where: { id: channels.ebay.id },
      data: { driftReadProblem: "eBay refused Anchorline's access: connect the account again." },
    });
    const page = await overview(shop.domain);
    const amazon = page.channels.find((c) => c.id === channels.amazon.id)!;
    const ebay = page.channels.find((c) => c.id === channels.ebay.id)!;
    expect([amazon.readBack, amazon.suspended]).toEqual([{ at: readAt, listings: 1, problem: null }, 1]);
    expect([ebay.readBack, ebay.suspended]).toEqual([{ at: null, listings: 0, problem: "eBay refused Anchorline's access: connect the account again." }, 0]);
  });

  it("shows only this shop's channels and figures", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    await pushed(theirs.shop.id, theirs.channels.amazon.id, theirs.variant.id, "T", [1, 2, 3]);
    await prisma.alert.create({ data: { shopId: theirs.shop.id, kind: "DRIFT", dedupeKey: "drift:theirs", title: "Theirs" } });
    const page = await overview(mine.shop.domain);
    expect(page.channels.map((c) => c.id).sort()).toEqual([mine.channels.amazon.id, mine.channels.ebay.id].sort());
    expect(page.channels.every((c) => c.latency === null)).toBe(true);
    expect(page.openAlerts.DRIFT).toBe(0);
  });

  it("given the shop's Shopify store channel (the anchor), then it is not listed among the sales channels", async () => {
    const { shop, channels } = await shopInSession();
    await ensureStoreChannel(prisma, shop.id);
    const page = await overview(shop.domain);
    expect(page.channels.map((c) => c.id).sort()).toEqual([channels.amazon.id, channels.ebay.id].sort());
    expect(page.trends.channels.map((c) => c.channelId).sort()).toEqual([channels.amazon.id, channels.ebay.id].sort());
  });
});

describe("the Overview's sync-health charts", () => {
  it("given pushes, an oversell, drift and a suspension over the last days, then the 24-hour chart has them by the hour and the 30-day chart by the day", async () => {
    const { shop, channels, listing } = await shopInSession();
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);
    const push = (ms: number, outcome: "ACKNOWLEDGED" | "RETRY", latencyMs: number | null = null) =>
      prisma.listingPush.create({ data: { shopId: shop.id, channelId: channels.amazon.id, listingId: listing.id, at: ago(ms), outcome, latencyMs } });
    // Two pushes three hours ago (4 s and 8 s), one retried an hour ago, one five days ago (outside the day).
    await push(3 * HOUR, "ACKNOWLEDGED", 4000);
    await push(3 * HOUR, "ACKNOWLEDGED", 8000);
    await push(HOUR, "RETRY");
    await push(5 * 24 * HOUR, "ACKNOWLEDGED", 60_000);
    await prisma.channelOrder.create({
      data: { shopId: shop.id, channelId: channels.amazon.id, externalOrderId: "over-1", status: "PAID", orderedAt: ago(2 * 24 * HOUR), oversold: true },
    });
    await prisma.auditEvent.create({
      data: {
        shopId: shop.id,
        actor: "worker",
        action: "listing.drift_detected",
        subjectType: "listing",
        subjectId: listing.id,
        details: { expected: 8, observed: 2 },
        createdAt: ago(2 * HOUR),
      },
    });
    await prisma.alert.create({
      data: {
        shopId: shop.id,
        kind: "LISTING_SUSPENDED",
        dedupeKey: "s:1",
        title: "suppressed",
        channelId: channels.amazon.id,
        listingId: listing.id,
        createdAt: ago(10 * 24 * HOUR),
      },
    });
    // Another shop's pushes on its own Amazon never show here.
    const theirs = await seedShopWithEveryModel(prisma);
    await prisma.listingPush.create({
      data: {
        shopId: theirs.shop.id,
        channelId: theirs.channels.amazon.id,
        listingId: theirs.listing.id,
        at: ago(HOUR),
        outcome: "ACKNOWLEDGED",
        latencyMs: 1,
      },
    });

    const day = (await loader({ request: await adminRequest(shop.domain, "/app?window=24h"), params: {}, context: {} })).trends;
    const amazonDay = day.channels.find((c) => c.channelId === channels.amazon.id)!;
    expect(day.starts).toHaveLength(24);
    expect([
      amazonDay.acknowledged.total,
      amazonDay.retried.total,
      amazonDay.oversells.total,
      amazonDay.drifts.total,
      amazonDay.driftUnits.total,
      amazonDay.suspensions.total,
    ]).toEqual([2, 1, 0, 1, 6, 0]);
    expect(amazonDay.latency).toEqual({ p50: 6, p95: expect.closeTo(7.8, 5), p99: expect.closeTo(7.96, 5) });
    // The bucket each falls in: the last one is the hour under way.
    const hourOf = (ms: number) => day.starts.findLastIndex((s) => Date.parse(s) <= now - ms);
    expect(amazonDay.acknowledged.buckets[hourOf(3 * HOUR)]).toBe(2);
    expect(amazonDay.retried.buckets[hourOf(HOUR)]).toBe(1);
    expect(amazonDay.latencyP95[hourOf(3 * HOUR)]).toBeCloseTo(7.8, 5);

    const month = (await loader({ request: await adminRequest(shop.domain, "/app?window=30d"), params: {}, context: {} })).trends;
    const amazonMonth = month.channels.find((c) => c.channelId === channels.amazon.id)!;
    expect(month.starts).toHaveLength(30);
    expect([amazonMonth.acknowledged.total, amazonMonth.oversells.total, amazonMonth.drifts.total, amazonMonth.suspensions.total]).toEqual([3, 1, 1, 1]);
    const dayOf = (ms: number) => month.starts.findLastIndex((s) => Date.parse(s) <= now - ms);
    expect(amazonMonth.oversells.buckets[dayOf(2 * 24 * HOUR)]).toBe(1);
    expect(amazonMonth.suspensions.buckets[dayOf(10 * 24 * HOUR)]).toBe(1);
  });

  it("refuses a window it does not draw, naming the field", async () => {
    const { shop } = await shopInSession();
    const refused = await loader({ request: await adminRequest(shop.domain, "/app?window=7y"), params: {}, context: {} }).catch((e: unknown) => e);
    const answer = refused as { init: { status: number }; data: { errors: Record<string, string> } };
    expect(answer.init.status).toBe(400);
    expect(answer.data.errors.window).toBe("Window must be 24h or 30d");
  });
});
