import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { sealCredentials } from "~/lib/secrets.server";
import { createQueues, createRedisConnection, orderImportSchedulerId, stopOrderImport } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { accepts, RecordingMarketplace } from "../../test/recording-marketplace";
import { requestFlush } from "~/queues.server";
import { runChannelSync, scheduleOrderImport } from "./jobs.server";

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
