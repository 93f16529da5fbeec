import { randomUUID } from "node:crypto";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createQueues, createRedisConnection, queues as processQueues } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { createWorkers } from "../../workers/processors";
import { raiseJobFailed } from "./job-failed.server";

// A job that fails for good, through the worker process's own workers on real PostgreSQL and
// Redis: the merchant is paged with what gave up and why, once per job.
const connection = createRedisConnection();
const prefix = `${process.env.QUEUE_PREFIX}-job-failed-${randomUUID().slice(0, 8)}`;
const queues = createQueues(connection, prefix);
let workers: Worker[];

beforeAll(() => {
  workers = createWorkers(connection, prefix);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await queues.close();
  await processQueues().close();
  connection.disconnect();
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const jobFailedAlerts = (shopId: string) => prisma.alert.findMany({ where: { shopId, kind: "JOB_FAILED" } });

describe("a job that fails for good", () => {
  it("given an Amazon account whose flush keeps failing, when its job's last attempt fails, then one alert names the queue, the channel, the job and the reason, and the attempt before it paged nobody", async () => {
    // Given an account with a listing to push and no credentials to push it with
    const { shop, channels } = await seedShopWithEveryModel(prisma);

    // When its flush job runs out of its two attempts
    const job = await queues["channel-sync"].add("flush", { channelId: channels.amazon.id }, { attempts: 2, backoff: { type: "fixed", delay: 1_000 } });
    const retrying = await waitFor(
      () => queues["channel-sync"].getJobState(job.id!),
      (s) => s === "delayed",
    );
    expect([retrying, await jobFailedAlerts(shop.id)]).toEqual(["delayed", []]);
    expect(
      await waitFor(
        () => queues["channel-sync"].getJobState(job.id!),
        (s) => s === "failed",
      ),
    ).toBe("failed");

    // Then the merchant is paged once, with what gave up and why
    const alerts = await waitFor(
      () => jobFailedAlerts(shop.id),
      (a) => a.length > 0,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      title: "Anchorline gave up pushing listings to Amazon US: The channel has no credentials yet",
      channelId: channels.amazon.id,
      facts: { channel: "Amazon US", queue: "channel-sync", job: `flush ${job.id}`, attempts: 2, reason: "The channel has no credentials yet" },
    });
    expect(alerts[0].playbook).toMatch(/picked up again within a minute/);

    // And the same job reported again pages no one twice
    const again = await raiseJobFailed(prisma, "channel-sync", (await queues["channel-sync"].getJob(job.id!))!, "The channel has no credentials yet");
    expect(again?.created).toBe(false);
    expect(await jobFailedAlerts(shop.id)).toHaveLength(1);
  });

  it("given a shop whose offline session is gone, when its reconciliation fails at once (not retryable), then the alert names the shop's reconciliation and the reason", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await prisma.session.deleteMany({ where: { shop: shop.domain } });

    const job = await queues["shop-maintenance"].add("reconcile", { shopDomain: shop.domain, task: "reconcile" });

    const alerts = await waitFor(
      () => jobFailedAlerts(shop.id),
      (a) => a.length > 0,
    );
    expect(alerts.map((a) => [a.title, a.channelId, a.facts])).toEqual([
      [
        `Anchorline gave up importing from or reconciling with Shopify: No offline session for ${shop.domain}: the app is not installed`,
        null,
        { queue: "shop-maintenance", job: `reconcile ${job.id}`, attempts: 1, reason: `No offline session for ${shop.domain}: the app is not installed` },
      ],
    ]);
  });

  it("given an open alert for an account's failed flush, when another flush job of that account fails for good, then the merchant is not paged again", async () => {
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    const first = await queues["channel-sync"].add("flush", { channelId: channels.amazon.id }, { attempts: 1 });
    await waitFor(
      () => jobFailedAlerts(shop.id),
      (a) => a.length > 0,
    );

    const second = await queues["channel-sync"].add("flush", { channelId: channels.amazon.id }, { attempts: 1 });
    await waitFor(
      () => queues["channel-sync"].getJobState(second.id!),
      (s) => s === "failed",
    );
    // The listener raises after the job is failed; give it the time a raise takes.
    await new Promise((r) => setTimeout(r, 500));

    expect((await jobFailedAlerts(shop.id)).map((a) => a.facts)).toEqual([expect.objectContaining({ job: `flush ${first.id}` })]);
  });
});
