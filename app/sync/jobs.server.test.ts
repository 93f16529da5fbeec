import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { sealCredentials } from "~/lib/secrets.server";
import { createQueues, createRedisConnection, orderImportSchedulerId, stopOrderImport } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { accepts, RecordingMarketplace } from "../../test/recording-marketplace";
import { requestFlush } from "~/queues.server";
import type { Connector } from "~/channels/connector";
import type { ImportedOrder } from "~/channels/connector";
import type { AdminClient } from "~/anchor/admin-client.server";
import { NOTIFICATION_GRACE_MS, runChannelSync, runNotificationSubscription, runNotifiedOrderImport, runOrderImport, scheduleOrderImport } from "./jobs.server";
import { ORDER_SAFETY_NET_EVERY_MS } from "./order-polling";

// The flush job's own follow-ups: while a flush job runs, BullMQ still holds its deduplication id,
// so a request for the next flush made then must not be swallowed by the job that is ending.
const redis = createRedisConnection();
const queues = createQueues(redis, `${process.env.QUEUE_PREFIX}-jobs-${randomUUID().slice(0, 8)}`);

afterAll(async () => {
  await queues.close();
  redis.disconnect();
});

/** Every listing accepted, or every one told to come back in 1.5 s (a 429). */
function marketplace(answer: "accepted" | "retry", during?: () => Promise<void>): RecordingMarketplace {
  return new RecordingMarketplace(answer === "accepted" ? accepts : (channelSku) => ({ channelSku, status: "retry", message: "429", retryAfterMs: 1500 }), {
    duringQuantities: during,
  });
}

const flushJobsOf = async (channelId: string) =>
  (await queues["channel-sync"].getJobs(["waiting", "delayed", "active"])).filter((j) => j.data.channelId === channelId);

describe("the channel-sync job", () => {
  it("given a flush job whose marketplace answered 'retry', when it ends, then the next flush is queued (after the wait) despite the job's own deduplication id", async () => {
    const { listing } = await seedShopWithEveryModel(prisma);
    // The job being run: it holds the deduplication id of its account.
    await requestFlush(listing.channelId, 0, queues);

    const result = await runChannelSync(listing.channelId, redis, { queues, connectorFor: () => marketplace("retry") });

    expect(result).toMatchObject({ more: true, retryAfterMs: 1500 });
    const jobs = await flushJobsOf(listing.channelId);
    expect(jobs).toHaveLength(2);
    expect(jobs.map((j) => j.opts.delay ?? 0).sort((a, b) => a - b)).toEqual([0, 1500]);
  });

  it("given a listing whose desired state changed while its flush ran, when the flush ends, then another flush is queued for it", async () => {
    const { listing } = await seedShopWithEveryModel(prisma);
    await requestFlush(listing.channelId, 0, queues);
    // A recompute lands mid-push: a newer desired state, whose own flush request was deduplicated.
    const recompute = async () => {
      await prisma.listing.update({
        where: { id: listing.id },
        data: { desiredQuantity: 3, desiredVersion: { increment: 1 }, desiredAt: new Date(), syncState: "PENDING" },
      });
      await requestFlush(listing.channelId, 0, queues);
    };

    const result = await runChannelSync(listing.channelId, redis, { queues, connectorFor: () => marketplace("accepted", recompute) });

    // The flush itself says more is pending: the acknowledged listing's desired state moved on during its push.
    expect(result.more).toBe(true);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).syncState).toBe("PENDING");
    expect(await flushJobsOf(listing.channelId)).toHaveLength(2);
  });

  it("given a flush that left nothing pending, when it ends, then no further flush is queued", async () => {
    const { listing } = await seedShopWithEveryModel(prisma);
    await requestFlush(listing.channelId, 0, queues);
    await runChannelSync(listing.channelId, redis, { queues, connectorFor: () => marketplace("accepted") });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).syncState).toBe("IN_SYNC");
    expect(await flushJobsOf(listing.channelId)).toHaveLength(1);
  });
});

describe("order polling per channel account", () => {
  it("given an Amazon account, whose orders API restores one call per 180 s, when its polling is scheduled, then it is polled at that pace rather than the default minute", async () => {
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    const amazon = await prisma.channel.update({
      where: { id: channels.amazon.id },
      data: { credentialsCiphertext: sealCredentials({ clientId: "amzn1.application-oa2-client.x", clientSecret: "secret", refreshToken: "Atzr|x" }, shop.id) },
    });

    await scheduleOrderImport(amazon, queues);

    expect(await queues["order-import"].getJobScheduler(orderImportSchedulerId(amazon.id))).toMatchObject({ every: 178_572 });
    await stopOrderImport(amazon.id, queues);
    expect(await queues["order-import"].getJobScheduler(orderImportSchedulerId(amazon.id))).toBeFalsy();
  });
});

describe("order polling once the account's order notifications are in place", () => {
  const paceOf = async (channelId: string) => (await queues["order-import"].getJobScheduler(orderImportSchedulerId(channelId)))?.every;
  const stampOf = async (channelId: string) => (await prisma.channel.findUniqueOrThrow({ where: { id: channelId } })).orderNotificationsAt;

  async function walmartAccount() {
    const { shop } = await seedShopWithEveryModel(prisma);
    const credentials = sealCredentials({ clientId: "wm-client", clientSecret: "wm-secret" }, shop.id);
    return prisma.channel.create({ data: { shopId: shop.id, kind: "WALMART", accountId: "wm-1", name: "Walmart", credentialsCiphertext: credentials } });
  }
  /** A marketplace whose Notifications API answers as `subscribe` does. */
  const notificationsApi = (subscribe: () => Promise<void>) => () =>
    ({ subscribeToOrderNotifications: subscribe, unsubscribeFromOrderNotifications: async () => {} }) as unknown as Connector;

  it("given a Walmart account polled every minute, when the subscribe-notifications job's subscription is accepted, then it is polled every 15 minutes", async () => {
    const walmart = await walmartAccount();
    await scheduleOrderImport(walmart, queues);
    expect(await paceOf(walmart.id)).toBe(60_000);

    expect(await runNotificationSubscription(walmart.id, { queues, appUrl: "https://app.example", connectorFor: notificationsApi(async () => {}) })).toEqual({
      subscribed: true,
    });

    expect(await stampOf(walmart.id)).toBeInstanceOf(Date);
    expect(await paceOf(walmart.id)).toBe(ORDER_SAFETY_NET_EVERY_MS);

    await stopOrderImport(walmart.id, queues);
  });

  it("given a Walmart account whose subscription the marketplace refuses, when the job fails, then the account is still polled every minute", async () => {
    const walmart = await walmartAccount();
    await scheduleOrderImport(walmart, queues);
    const refused = notificationsApi(async () => {
      throw new Error("Walmart answered 500");
    });

    await expect(runNotificationSubscription(walmart.id, { queues, appUrl: "https://app.example", connectorFor: refused })).rejects.toThrow("500");

    expect(await stampOf(walmart.id)).toBeNull();
    expect(await paceOf(walmart.id)).toBe(60_000);
    await stopOrderImport(walmart.id, queues);
  });

  it("given an Amazon account polled every 180 s, when the first notification from the merchant's destination proved itself, then it is polled every 15 minutes, and later ones leave the stamp as it was", async () => {
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    const amazon = await prisma.channel.update({
      where: { id: channels.amazon.id },
      data: { credentialsCiphertext: sealCredentials({ clientId: "amzn1.application-oa2-client.x", clientSecret: "secret", refreshToken: "Atzr|x" }, shop.id) },
    });
    await scheduleOrderImport(amazon, queues);
    expect(await paceOf(amazon.id)).toBe(178_572);
    // A delivery the route let through (its key checked), for an order of another marketplace: nothing to import.
    const connectorFor = () => ({ ordersInNotification: () => [] }) as unknown as Connector;

    expect(await runNotifiedOrderImport(amazon.id, { detail: {} }, { queues, connectorFor })).toMatchObject({ imported: 0 });
    const first = await stampOf(amazon.id);
    expect(first).toBeInstanceOf(Date);
    expect(await paceOf(amazon.id)).toBe(ORDER_SAFETY_NET_EVERY_MS);

    await runNotifiedOrderImport(amazon.id, { detail: {} }, { queues, connectorFor });
    expect(await stampOf(amazon.id)).toEqual(first);
    await stopOrderImport(amazon.id, queues);
  });

  it("given a paused Amazon account, when a notification arrives, then it is neither imported nor taken as the notifications being in place", async () => {
    const { channels } = await seedShopWithEveryModel(prisma);
    await prisma.channel.update({ where: { id: channels.amazon.id }, data: { status: "PAUSED" } });

    expect(
      await runNotifiedOrderImport(
        channels.amazon.id,
        { detail: {} },
        { queues, connectorFor: () => ({ ordersInNotification: () => [] }) as unknown as Connector },
      ),
    ).toBeNull();

    expect(await stampOf(channels.amazon.id)).toBeNull();
    expect(await paceOf(channels.amazon.id)).toBeUndefined();
  });
});

describe("a poll of an account whose order notifications are in place", () => {
  const MINUTE = 60_000;
  const paceOf = async (channelId: string) => (await queues["order-import"].getJobScheduler(orderImportSchedulerId(channelId)))?.every;
  const stampOf = async (channelId: string) => (await prisma.channel.findUniqueOrThrow({ where: { id: channelId } })).orderNotificationsAt;

  /** A Walmart account whose notifications were in place since an hour ago, polled at the safety net's pace. */
  async function notifiedWalmart() {
    const { shop } = await seedShopWithEveryModel(prisma);
    const walmart = await prisma.channel.create({
      data: {
        shopId: shop.id,
        kind: "WALMART",
        accountId: "wm-1",
        name: "Walmart",
        credentialsCiphertext: sealCredentials({ clientId: "wm-client", clientSecret: "wm-secret" }, shop.id),
        orderNotificationsAt: new Date(Date.now() - 60 * MINUTE),
      },
    });
    await scheduleOrderImport(walmart, queues);
    expect(await paceOf(walmart.id)).toBe(ORDER_SAFETY_NET_EVERY_MS);
    return walmart;
  }
  /** A poll that finds one order placed `minutesAgo` (recorded as unreadable: nothing of it reaches Shopify). */
  const pollFinding = (walmart: { id: string }, minutesAgo: number) => {
    const order: ImportedOrder = {
      externalOrderId: `PO-${minutesAgo}`,
      status: "Created",
      orderedAt: new Date(Date.now() - minutesAgo * MINUTE),
      lines: [],
      unreadable: "test",
    };
    const connectorFor = () => ({ limits: {}, fetchOrders: async () => ({ orders: [order], cursor: "c" }) }) as unknown as Connector;
    return runOrderImport(walmart.id, { queues, connectorFor, adminClientFor: async () => ({}) as AdminClient });
  };

  it("given an order placed 10 minutes ago that no notification brought, when the poll finds it, then the account is polled every minute again until a notification proves itself", async () => {
    const walmart = await notifiedWalmart();

    expect(await pollFinding(walmart, 10)).toMatchObject({ imported: 1 });

    expect(await stampOf(walmart.id)).toBeNull();
    expect(await paceOf(walmart.id)).toBe(60_000);
    await stopOrderImport(walmart.id, queues);
  });

  it("given an order the poll finds within the grace its notification may take, or placed before the notifications were in place, when polled, then the slower pace stays", async () => {
    const walmart = await notifiedWalmart();
    const stamped = await stampOf(walmart.id);

    await pollFinding(walmart, NOTIFICATION_GRACE_MS / MINUTE - 1);
    await pollFinding(walmart, 90);

    expect(await stampOf(walmart.id)).toEqual(stamped);
    expect(await paceOf(walmart.id)).toBe(ORDER_SAFETY_NET_EVERY_MS);
    await stopOrderImport(walmart.id, queues);
  });
});
