import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { uniqueShopDomain } from "../../test/factories";
import { acknowledgeAlert, raiseListingSuspended, resolveAlert } from "./events.server";
import { alertThresholds, requeueUndelivered, watchCredentials, watchSyncLatency } from "./housekeeping.server";

afterAll(async () => {
  await queues().close();
});

const minutesAgo = (now: Date, m: number) => new Date(now.getTime() - m * 60_000);

async function seedShop(settings: object = {}) {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("watch"), settings } });
  const channel = await prisma.channel.create({ data: { shopId: shop.id, kind: "WALMART", accountId: "P1", name: "Walmart" } });
  const product = await prisma.product.create({ data: { shopId: shop.id, shopifyId: "1", title: "Kettle" } });
  const listing = async (sku: string, data: Record<string, unknown>) => {
    const variant = await prisma.variant.create({ data: { shopId: shop.id, productId: product.id, shopifyId: sku, title: sku, sku, priceCents: 1000 } });
    return prisma.listing.create({ data: { shopId: shop.id, channelId: channel.id, variantId: variant.id, channelSku: sku, ...data } });
  };
  return { shop, channel, listing };
}

const alertsOf = (shopId: string, kind: "SYNC_LATENCY" | "DRIFT" | "CREDENTIALS_FAILED" | "LISTING_SUSPENDED") =>
  prisma.alert.findMany({ where: { shopId, kind }, orderBy: { createdAt: "asc" } });

describe("the alert watchers", () => {
  it("given a change waiting 45 minutes for a channel, when watched twice, then one latency alert is raised; once it is pushed the alert resolves, and a later delay pages again", async () => {
    const now = new Date();
    const { shop, channel, listing } = await seedShop();
    const waiting = await listing("SLOW", { syncState: "PENDING", desiredAt: minutesAgo(now, 45) });

    expect(await watchSyncLatency(prisma, shop.id, 30, now)).toEqual({ raised: 1, resolved: 0 });
    expect(await watchSyncLatency(prisma, shop.id, 30, now)).toEqual({ raised: 0, resolved: 0 });
    const [alert] = await alertsOf(shop.id, "SYNC_LATENCY");
    expect(alert).toMatchObject({
      channelId: channel.id,
      state: "OPEN",
      facts: { channel: "Walmart", oldestChangeWaitingMinutes: 45, listingsWaiting: 1, thresholdMinutes: 30 },
    });

    await prisma.listing.update({ where: { id: waiting.id }, data: { syncState: "IN_SYNC", pushedAt: now } });
    expect(await watchSyncLatency(prisma, shop.id, 30, now)).toEqual({ raised: 0, resolved: 1 });
    await prisma.listing.update({ where: { id: waiting.id }, data: { syncState: "PENDING", desiredAt: minutesAgo(now, 40) } });
    expect(await watchSyncLatency(prisma, shop.id, 30, now)).toEqual({ raised: 1, resolved: 0 });
    expect((await alertsOf(shop.id, "SYNC_LATENCY")).map((a) => a.state).sort()).toEqual(["OPEN", "RESOLVED"]);
  });

  it("given a newly connected channel not live yet whose computed state has waited 45 minutes for the merchant's review, when watched, then nothing is raised", async () => {
    const now = new Date();
    const { shop, channel, listing } = await seedShop();
    await prisma.channel.update({ where: { id: channel.id }, data: { liveAt: null } });
    await listing("REVIEW", { syncState: "PENDING", desiredAt: minutesAgo(now, 45) });

    expect(await watchSyncLatency(prisma, shop.id, 30, now)).toEqual({ raised: 0, resolved: 0 });
    expect(await alertsOf(shop.id, "SYNC_LATENCY")).toEqual([]);
  });

  it("given a shop that set a 60-minute latency threshold, when a change waits 45 minutes, then nothing is raised", async () => {
    const now = new Date();
    const { shop, listing } = await seedShop({ alerts: { latencyMinutes: 60 } });
    await listing("SLOW", { syncState: "PENDING", desiredAt: minutesAgo(now, 45) });
    expect(
      await watchSyncLatency(prisma, shop.id, alertThresholds((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).latencyMinutes, now),
    ).toEqual({ raised: 0, resolved: 0 });
  });

  it("given a channel paused for refused credentials, when watched, then one alert names the reason, and reconnecting resolves it", async () => {
    const now = new Date();
    const { shop, channel } = await seedShop();
    await prisma.channel.update({ where: { id: channel.id }, data: { status: "FAILING", statusReason: "401 invalid_client" } });
    expect(await watchCredentials(prisma, shop.id, now)).toEqual({ raised: 1, resolved: 0 });
    expect(await watchCredentials(prisma, shop.id, now)).toEqual({ raised: 0, resolved: 0 });
    expect((await alertsOf(shop.id, "CREDENTIALS_FAILED"))[0]!.facts).toMatchObject({
      channel: "Walmart",
      marketplace: "WALMART",
      reason: "401 invalid_client",
    });
    await prisma.channel.update({ where: { id: channel.id }, data: { status: "CONNECTED", statusReason: null } });
    expect(await watchCredentials(prisma, shop.id, now)).toEqual({ raised: 0, resolved: 1 });
  });
});

describe("acknowledging, resolving and re-queueing", () => {
  it("given a suspended listing alert, when acknowledged, then raising it again pages no one; when resolved, then the next suspension is a new alert; another shop cannot touch it", async () => {
    const { shop, channel, listing } = await seedShop();
    const other = await seedShop();
    const suspended = await listing("SUS", {});
    const input = { shopId: shop.id, channel, listing: suspended, reason: "Missing GTIN" };
    const first = await raiseListingSuspended(prisma, input);
    expect(first.alert.respondBy!.getTime() - first.alert.createdAt.getTime()).toBe(24 * 3600_000);

    expect(await acknowledgeAlert(prisma, other.shop.id, first.alert.id, "merchant:2")).toBe(false);
    expect(await acknowledgeAlert(prisma, shop.id, first.alert.id, "merchant:1")).toBe(true);
    expect((await raiseListingSuspended(prisma, input)).created).toBe(false);

    expect(await resolveAlert(prisma, other.shop.id, first.alert.id, "merchant:2")).toBe(false);
    expect(await resolveAlert(prisma, shop.id, first.alert.id, "merchant:1")).toBe(true);
    const again = await raiseListingSuspended(prisma, input);
    expect(again.created).toBe(true);
    expect(again.alert.id).not.toBe(first.alert.id);
    const audit = await prisma.auditEvent.findMany({ where: { shopId: shop.id, subjectId: first.alert.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["alert.raised", "alert.acknowledged", "alert.resolved"]);
  });

  it("given an open alert whose delivery job was lost, when housekeeping re-queues, then its job is back in the alerts queue under the alert's id", async () => {
    const now = new Date();
    const { shop } = await seedShop();
    const lost = await prisma.alert.create({
      data: { shopId: shop.id, kind: "OVERSELL", dedupeKey: "oversell:lost", title: "Oversold", createdAt: minutesAgo(now, 10) },
    });
    const delivered = await prisma.alert.create({
      data: {
        shopId: shop.id,
        kind: "OVERSELL",
        dedupeKey: "oversell:done",
        title: "Oversold",
        createdAt: minutesAgo(now, 10),
        deliveredAt: minutesAgo(now, 9),
      },
    });
    const alerts = queues().alerts;
    expect(await alerts.getJobState(lost.id)).toBe("unknown");

    expect(await requeueUndelivered(prisma, alerts, now, shop.id)).toBe(1);
    expect(await alerts.getJobState(lost.id)).toBe("waiting");
    expect(await alerts.getJobState(delivered.id)).toBe("unknown");
    expect(await requeueUndelivered(prisma, alerts, now, shop.id)).toBe(0);
  });
});
