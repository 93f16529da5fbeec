import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { HOUSEKEEPING_SCHEDULER_ID } from "~/alerts/worker.server";
import { sealCredentials } from "~/lib/secrets.server";
import {
  createQueues,
  createRedisConnection,
  flushDeduplicationId,
  driftReadSchedulerId,
  orderImportSchedulerId,
  QUEUE_NAMES,
  recentCheckSchedulerId,
  reconcileSchedulerId,
  requestFlush,
  type Queues,
} from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { ensureWorkDue, keepWorkDue } from "./due-work.server";
import { VELOCITY_JOB } from "./velocity-schedule.server";

// Redis losing its data, on real PostgreSQL and Redis: the test's queues live under a prefix of
// their own, whose keys are deleted (SCAN + DEL) as a Redis restarted without persistence loses
// them; FLUSHALL would take the other test files' queues with it.
const redis = createRedisConnection();
const prefix = `${process.env.QUEUE_PREFIX}-due-${randomUUID().slice(0, 8)}`;
const queues = createQueues(redis, prefix);

afterAll(async () => {
  await emptyRedis();
  await queues.close();
  redis.disconnect();
});

/** Every key of this test's queues gone, as after a restart of a Redis without persistence. */
async function emptyRedis(): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}

/** How long a rebuild over the shared test database may take on a loaded machine before a story gives up. */
const REBUILD_WAIT_MS = 60_000;

/** A shop with an Amazon account that can be polled, a pending and a stale listing, a failed write-back and a stored delivery not applied. */
async function shopWithWorkDue() {
  const seeded = await seedShopWithEveryModel(prisma);
  const { shop, listing, channels } = seeded;
  await prisma.channel.update({
    where: { id: channels.amazon.id },
    data: { credentialsCiphertext: sealCredentials({ clientId: "amzn1.application-oa2-client.x", clientSecret: "secret", refreshToken: "Atzr|x" }, shop.id) },
  });
  await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: new Date() } });
  const failed = await prisma.channelOrder.create({
    data: {
      shopId: shop.id,
      channelId: channels.ebay.id,
      externalOrderId: "27-00001-00001",
      status: "PAID",
      orderedAt: new Date(),
      writeback: "FAILED",
      writebackAttempts: 1,
    },
  });
  const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shopDomain: shop.domain, state: "QUEUED" } });
  return { ...seeded, failedOrderId: failed.id, webhookId: delivery.webhookId };
}

/** What the queues hold for this shop, as the workers would find it. */
async function dueInRedis(q: Queues, due: Awaited<ReturnType<typeof shopWithWorkDue>>) {
  const { shop, channels, failedOrderId, webhookId } = due;
  const waiting = ["waiting", "delayed", "prioritized"] as const;
  return {
    orderPolling: Boolean(await q["order-import"].getJobScheduler(orderImportSchedulerId(channels.amazon.id))),
    driftRead: Boolean(await q["listing-reads"].getJobScheduler(driftReadSchedulerId(channels.amazon.id))),
    reconcile: Boolean(await q["shop-maintenance"].getJobScheduler(reconcileSchedulerId(shop.domain))),
    recentCheck: Boolean(await q["shop-maintenance"].getJobScheduler(recentCheckSchedulerId(shop.domain))),
    housekeeping: Boolean(await q.alerts.getJobScheduler(HOUSEKEEPING_SCHEDULER_ID)),
    flush: Boolean(await q["channel-sync"].getDeduplicationJobId(flushDeduplicationId(channels.amazon.id))),
    recompute: (await q.recompute.getJobs([...waiting])).filter((j) => j.data.shopId === shop.id && j.name === "recompute").length,
    // Its velocity buffer's days: the one due now (never run) and the next.
    velocityDays: (await q.recompute.getJobs([...waiting])).filter((j) => j.data.shopId === shop.id && j.name === VELOCITY_JOB).length,
    writebackRetry: (await q["order-import"].getJobs([...waiting])).filter((j) => j.data.retryOrderId === failedOrderId).length,
    delivery: (await q.webhooks.getJobs([...waiting])).filter((j) => j.data.webhookId === webhookId).length,
  };
}

const everythingDue = {
  orderPolling: true,
  driftRead: true,
  reconcile: true,
  recentCheck: true,
  housekeeping: true,
  flush: true,
  recompute: 1,
  velocityDays: 2,
  writebackRetry: 1,
  delivery: 1,
};

describe("what is due, rebuilt from PostgreSQL", () => {
  it("given a shop with work due and a Redis that lost every key, when the workers rebuild what is due, then its schedules, flush, recompute, write-back retry and stored delivery are queued again", async () => {
    // Given a shop whose work was queued, then a Redis that lost all of it
    const due = await shopWithWorkDue();
    await ensureWorkDue({ redis, queues });
    expect(await dueInRedis(queues, due)).toEqual(everythingDue);
    expect(await emptyRedis()).toBeGreaterThan(0);
    expect(await dueInRedis(queues, due)).toEqual({
      ...everythingDue,
      orderPolling: false,
      driftRead: false,
      reconcile: false,
      recentCheck: false,
      housekeeping: false,
      flush: false,
      recompute: 0,
      velocityDays: 0,
      writebackRetry: 0,
      delivery: 0,
    });

    // When the workers rebuild what is due
    await ensureWorkDue({ redis, queues });

    // Then everything is queued again
    expect(await dueInRedis(queues, due)).toEqual(everythingDue);
  });

  it("given a flush job that failed for good with its account's listings still pending, when the rebuild runs, then the account gets a new flush", async () => {
    // Given the account's flush job failed for good (as one killed too often does)
    const due = await shopWithWorkDue();
    await requestFlush(due.channels.amazon.id, 0, queues);
    const token = randomUUID();
    const worker = new Worker(QUEUE_NAMES.channelSync, null, { connection: redis, prefix, autorun: false });
    const job = await worker.getNextJob(token);
    await job!.moveToFailed(new UnrecoverableError("job stalled more than allowable limit"), token);
    await worker.close();
    expect(await queues["channel-sync"].getJobState(job!.id!)).toBe("failed");

    // When the rebuild runs
    await ensureWorkDue({ redis, queues });

    // Then a new flush waits for the account
    const next = await queues["channel-sync"].getDeduplicationJobId(flushDeduplicationId(due.channels.amazon.id));
    expect(next).toBeTruthy();
    expect(next).not.toBe(job!.id);
    expect(await queues["channel-sync"].getJobState(next!)).toBe("waiting");
  });

  it("given another shop's connected account whose credentials cannot be opened, when the rebuild runs, then every other account is still polled and the order polling is reported failed, to be tried again", async () => {
    const other = await seedShopWithEveryModel(prisma);
    await prisma.channel.update({ where: { id: other.channels.ebay.id }, data: { credentialsCiphertext: "v1:not-a-sealed-value" } });
    const due = await shopWithWorkDue();

    const done = await ensureWorkDue({ redis, queues });

    expect((await dueInRedis(queues, due)).orderPolling).toBe(true);
    expect(done["order polling of every connected channel account"]).toBe("failed");
    expect(await queues["order-import"].getJobScheduler(orderImportSchedulerId(other.channels.ebay.id))).toBeFalsy();
  });

  it("given work already queued, when the rebuild runs again, then nothing is queued twice", async () => {
    const due = await shopWithWorkDue();
    await ensureWorkDue({ redis, queues });
    const retry = (await queues["order-import"].getJobs(["delayed"])).find((j) => j.data.retryOrderId === due.failedOrderId);

    await ensureWorkDue({ redis, queues });

    expect(await dueInRedis(queues, due)).toEqual(everythingDue);
    // The retry keeps the job (and the moment) it was given first.
    expect((await queues["order-import"].getJobs(["delayed"])).filter((j) => j.data.retryOrderId === due.failedOrderId).map((j) => j.id)).toEqual([retry?.id]);
  });

  it(
    "given running workers keeping work due, when Redis is emptied under them, then the schedules are back within one interval without a restart",
    async () => {
      const due = await shopWithWorkDue();
      const stop = keepWorkDue(redis, { queues, everyMs: 1_000 });
      try {
        await waitFor(async () => (await dueInRedis(queues, due)).orderPolling, REBUILD_WAIT_MS);
        await emptyRedis();
        const emptiedAt = Date.now();

        // Back with no restart of anything: the loop that keeps work due found Redis empty. (How
        // soon depends on how many shops the shared test database holds, not on this code.)
        await waitForEverythingDue(due);

        console.info(`emptied Redis: everything due back ${Date.now() - emptiedAt} ms later (runs every 1 s here, 60 s in the worker process)`);
        expect(await dueInRedis(queues, due)).toEqual(everythingDue);
      } finally {
        stop();
      }
    },
    2 * REBUILD_WAIT_MS + 10_000,
  );

  it(
    "given a Redis restarted empty, when the workers' connection is ready again, then the schedules are back at once rather than at the next interval",
    async () => {
      const due = await shopWithWorkDue();
      const everyMs = 10 * 60_000;
      const stop = keepWorkDue(redis, { queues, everyMs });
      try {
        await waitFor(async () => (await dueInRedis(queues, due)).orderPolling, REBUILD_WAIT_MS);
        await emptyRedis();
        const reconnectedAt = Date.now();
        // The connection drops and comes back, as after a Redis restart.
        redis.disconnect(true);

        await waitForEverythingDue(due);

        // The rebuild walks every installed shop of the database, and the test database holds the
        // shops of every test file running beside this one: on a loaded CI machine it took over
        // 10 s. What is asserted is the cause, not a speed: the schedules came back long before the
        // 10-minute interval could have brought them, so the reconnect did.
        console.info(`Redis restarted empty: everything due back ${Date.now() - reconnectedAt} ms after the reconnect began`);
        expect(Date.now() - reconnectedAt).toBeLessThan(everyMs);
      } finally {
        stop();
      }
    },
    2 * REBUILD_WAIT_MS + 10_000,
  );
  it("given a delivery stored while Redis was unreachable for an hour (its data kept), when Redis is back and the rebuild runs, then the delivery is queued", async () => {
    // Given a rebuild that last reached Redis an hour ago, and a delivery the route stored 40
    // minutes ago without queueing it (it answered 503: Redis was unreachable)
    const { shop } = await seedShopWithEveryModel(prisma);
    await ensureWorkDue({ redis, queues, now: new Date(Date.now() - 60 * 60_000) });
    const webhookId = randomUUID();
    await prisma.webhookDelivery.create({
      data: {
        webhookId,
        shopDomain: shop.domain,
        topic: "LOCATIONS_CREATE",
        payload: { id: 1, name: "Leeds" },
        receivedAt: new Date(Date.now() - 40 * 60_000),
      },
    });

    // When Redis is back, with what it held, and the rebuild runs
    await ensureWorkDue({ redis, queues });

    // Then the delivery is queued
    expect(await queues.webhooks.getJob(webhookId)).toBeDefined();
  });
});

describe("privacy requests after an uninstall", () => {
  it("given a shop/redact stored for an uninstalled shop while Redis was down, when the rebuild runs, then it is queued (the shop is gone from the installed ones, its erasure is not)", async () => {
    // Given
    const { shop } = await seedShopWithEveryModel(prisma);
    await prisma.shop.update({ where: { id: shop.id }, data: { uninstalledAt: new Date() } });
    const webhookId = randomUUID();
    await prisma.webhookDelivery.create({ data: { webhookId, shopDomain: shop.domain, topic: "SHOP_REDACT", payload: { shop_domain: shop.domain } } });
    // When
    await ensureWorkDue({ redis, queues });
    // Then
    expect(await queues.webhooks.getJob(webhookId)).toBeDefined();
  });
});

/** Waits until the shop has everything due again; a timeout says what was still missing. */
async function waitForEverythingDue(due: Awaited<ReturnType<typeof shopWithWorkDue>>): Promise<void> {
  let last: Awaited<ReturnType<typeof dueInRedis>> | null = null;
  const same = async () => {
    last = await dueInRedis(queues, due);
    return JSON.stringify(last) === JSON.stringify(everythingDue);
  };
  await waitFor(same, REBUILD_WAIT_MS).catch((error: unknown) => {
    throw new Error(`${String(error)}: due ${JSON.stringify(last)}`);
  });
}

async function waitFor(done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
