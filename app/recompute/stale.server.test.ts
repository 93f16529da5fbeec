import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisConnection, queuePrefix, queues, QUEUE_NAMES } from "~/queues.server";
import prisma from "~/db.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { isDeadlock, markVelocityBuffered, requestRecompute, retryingDeadlocks } from "./stale.server";

const connection = createRedisConnection();

afterAll(async () => {
  await queues().close();
  connection.disconnect();
});

describe("asking for a shop's recompute", () => {
  it("given a recompute running for a shop, when more changes ask for one, then exactly one more runs after it, never beside it", async () => {
    const shopId = `shop-${Date.now()}`;
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const runs: number[] = [];
    let active = 0;
    let mostAtOnce = 0;
    const worker = new Worker(
      QUEUE_NAMES.recompute,
      async (job) => {
        if (job.data.shopId !== shopId) return;
        active++;
        mostAtOnce = Math.max(mostAtOnce, active);
        runs.push(Date.now());
        if (runs.length === 1) await running;
        active--;
      },
      { connection, prefix: queuePrefix(), concurrency: 4 },
    );

    await requestRecompute(shopId);
    while (runs.length === 0) await new Promise((r) => setTimeout(r, 10));
    // Three marks land while the first job is still computing
    await requestRecompute(shopId);
    await requestRecompute(shopId);
    await requestRecompute(shopId);
    release();
    const deadline = Date.now() + 5_000;
    while (runs.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    await worker.close();

    expect(runs).toHaveLength(2);
    expect(mostAtOnce).toBe(1);
  });
});

describe("stale marks caught in a deadlock", () => {
  it("given two transactions that lock two listings in opposite orders, when PostgreSQL breaks the deadlock, then the victim's error is recognised as one", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    const [a, b] = await Promise.all(
      ["DL-A", "DL-B"].map((sku) => prisma.listing.create({ data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: sku } })),
    );
    let bothHoldTheirFirst!: () => void;
    const gate = new Promise<void>((resolve) => (bothHoldTheirFirst = resolve));
    let holding = 0;
    const lockInOrder = (first: string, second: string) =>
      prisma.$transaction(async (tx) => {
        await tx.listing.update({ where: { id: first }, data: { staleSince: new Date() } });
        if (++holding === 2) bothHoldTheirFirst();
        await gate;
        await tx.listing.update({ where: { id: second }, data: { staleSince: new Date() } });
      });
    const outcomes = await Promise.allSettled([lockInOrder(a.id, b.id), lockInOrder(b.id, a.id)]);
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(failures).toHaveLength(1);
    expect(isDeadlock(failures[0].reason)).toBe(true);
    expect(isDeadlock(new Error("unique constraint failed"))).toBe(false);
  });

  it("given a mark that loses two deadlocks, when retried, then its third run counts; another error is thrown at once", async () => {
    let runs = 0;
    const marked = await retryingDeadlocks(async () => {
      if (++runs < 3)
        throw Object.assign(new Error("Transaction failed due to a write conflict or a deadlock. Please retry your transaction"), { code: "P2034" });
      return 42;
    });
    expect([marked, runs]).toEqual([42, 3]);

    let otherRuns = 0;
    await expect(
      retryingDeadlocks(async () => {
        otherRuns++;
        throw new Error("relation does not exist");
      }),
    ).rejects.toThrow("relation does not exist");
    expect(otherRuns).toBe(1);
  });
});

describe("marking the listings a sale's velocity can move", () => {
  it("given Amazon's velocity buffer (every listing) and eBay's only for the 'kitchen' tag, when the kettle sells, then its Amazon listing and its two-pack's are marked, eBay's only while the tag rule reaches it, and a variant without sales marks nothing", async () => {
    const { shop, channels, variant, listing } = await seedShopWithEveryModel(prisma);
    const shopId = shop.id;
    const twoPack = await prisma.variant.findFirstOrThrow({ where: { shopId, sku: "KET-2" } });
    const [packOnAmazon, onEbay] = await Promise.all([
      prisma.listing.create({ data: { shopId, channelId: channels.amazon.id, variantId: twoPack.id, channelSku: "KET-2" } }),
      prisma.listing.create({ data: { shopId, channelId: channels.ebay.id, variantId: variant.id, channelSku: "EB-KET-RED" } }),
    ]);
    const ids = [listing.id, packOnAmazon.id, onEbay.id];
    const staleOnes = async () =>
      (await prisma.listing.findMany({ where: { id: { in: ids }, staleSince: { not: null } }, select: { id: true } })).map((l) => l.id).sort();
    const clear = () => prisma.listing.updateMany({ where: { id: { in: ids } }, data: { staleSince: null } });

    await clear();
    expect(await markVelocityBuffered(prisma, shopId, [variant.id])).toBe(2);
    expect(await staleOnes()).toEqual([listing.id, packOnAmazon.id].sort());

    await clear();
    const tagRule = await prisma.bufferRule.create({
      data: { shopId, channelId: channels.ebay.id, scope: "TAG", scopeValue: "kitchen", kind: "VELOCITY", leadTimeDays: 3, safetyStock: 0 },
    });
    expect(await markVelocityBuffered(prisma, shopId, [variant.id])).toBe(3);
    expect(await staleOnes()).toEqual(ids.slice().sort());

    await clear();
    await prisma.bufferRule.update({ where: { id: tagRule.id }, data: { scopeValue: "garden" } });
    expect(await markVelocityBuffered(prisma, shopId, [variant.id])).toBe(2);
    expect(await markVelocityBuffered(prisma, shopId, [])).toBe(0);
    await clear();
    expect(await markVelocityBuffered(prisma, shopId, ["no-such-variant"])).toBe(0);
    expect(await staleOnes()).toEqual([]);
  });
});
