import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisConnection, queuePrefix, queues, QUEUE_NAMES } from "~/queues.server";
import { requestRecompute } from "./stale.server";

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
