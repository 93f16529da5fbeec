import { randomUUID } from "node:crypto";
import { Worker, type Job } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createQueues, createRedisConnection, QUEUE_NAMES, requestFlush, type Queues } from "~/queues.server";
import { seedShopWithEveryModel } from "../test/factories";
import { CHANNEL_SYNC_LOCK, createWorkers } from "./processors";

// A worker killed while it runs a flush, on real Redis: a worker of our own takes the job with the
// channel-sync worker's lock and then is gone (its connection dropped, its lock never renewed), as
// after kill -9; then the worker process's workers are started and take the job back.
// Each test has queues of its own, so one test's live workers never take the next test's job.
const connection = createRedisConnection();
const opened: { queues: Queues; workers: Worker[] }[] = [];

afterAll(async () => {
  await Promise.all(opened.flatMap((o) => [...o.workers.map((w) => w.close()), o.queues.close()]));
  connection.disconnect();
});

function rig() {
  const prefix = `${process.env.QUEUE_PREFIX}-stalled-${randomUUID().slice(0, 8)}`;
  const own = { queues: createQueues(connection, prefix), workers: [] as Worker[] };
  opened.push(own);
  return {
    prefix,
    queues: own.queues,
    /** The worker process's workers, as `npm run worker` starts them. */
    startWorkers: () => {
      own.workers = createWorkers(connection, prefix);
    },
  };
}

/** A Walmart-like account with listings pending: paused, so its flush ends at once once it runs. */
async function accountWithPendingListings() {
  const { channels } = await seedShopWithEveryModel(prisma);
  await prisma.channel.update({ where: { id: channels.amazon.id }, data: { status: "PAUSED" } });
  return channels.amazon.id;
}

/** Takes the next flush job with the channel-sync lock, then dies without ever renewing it. */
async function takenByAWorkerThatDies(prefix: string, stalledBefore = 0): Promise<Job> {
  const deadConnection = createRedisConnection();
  const dead = new Worker(QUEUE_NAMES.channelSync, null, { connection: deadConnection, prefix, ...CHANNEL_SYNC_LOCK, autorun: false });
  const job = await dead.getNextJob(randomUUID());
  if (!job) throw new Error("no flush job to take");
  // BullMQ's count of the job's earlier stalls (a worker killed before this one).
  if (stalledBefore > 0) await connection.hset(`${prefix}:${QUEUE_NAMES.channelSync}:${job.id}`, "stc", stalledBefore);
  deadConnection.disconnect();
  return job;
}

async function finished(queues: Queues, jobId: string, timeoutMs: number): Promise<{ state: string; failedReason?: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await queues["channel-sync"].getJobState(jobId);
    if (state === "completed" || state === "failed" || Date.now() > deadline) {
      return { state, failedReason: (await queues["channel-sync"].getJob(jobId))?.failedReason };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a flush whose worker was killed", () => {
  it("given a flush job whose worker died while running it, when another flush is asked for meanwhile, then the dead job is taken back and run within ~10 s, not BullMQ's 30-60 s", async () => {
    // Given a flush job taken by a worker that then died
    const { prefix, queues, startWorkers } = rig();
    const channelId = await accountWithPendingListings();
    await requestFlush(channelId, 0, queues);
    const job = await takenByAWorkerThatDies(prefix);
    const diedAt = Date.now();

    // When the account's next flush is asked for, it is deduplicated onto the dead job
    await requestFlush(channelId, 0, queues);
    expect(await queues["channel-sync"].getJobCounts("waiting", "active")).toEqual({ waiting: 0, active: 1 });
    startWorkers();

    // Then the live workers take the dead job back and run it within ~10 s (lock 5 s + one check)
    expect(await finished(queues, job.id!, 20_000)).toEqual({ state: "completed", failedReason: undefined });
    const tookMs = Date.now() - diedAt;
    console.info(`dead flush taken back and run ${tookMs} ms after its worker died`);
    expect(tookMs).toBeLessThan(12_000);
  }, 30_000);

  it("given a flush job whose worker was killed once before, when its worker is killed again, then it is run a third time rather than failed for good", async () => {
    // Given a flush killed once already (BullMQ counted one stall), and killed again
    const { prefix, queues, startWorkers } = rig();
    const channelId = await accountWithPendingListings();
    await requestFlush(channelId, 0, queues);
    const job = await takenByAWorkerThatDies(prefix, 1);
    startWorkers();

    // Then it runs to its end: BullMQ's default of one stall would fail it ("job stalled more than allowable limit")
    expect(await finished(queues, job.id!, 20_000)).toEqual({ state: "completed", failedReason: undefined });
  }, 30_000);
});
