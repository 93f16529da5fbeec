import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker, type Processor } from "bullmq";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import prisma, { createPrismaClient } from "~/db.server";
import { applyWebhookDelivery } from "~/anchor/ingest/webhook-processor.server";
import { createRedisConnection, queuePrefix, queues, QUEUE_NAMES, type JobPayloads } from "~/queues.server";
import { signedWebhookRequest, uniqueShopDomain } from "../../test/factories";
import { createWorkers } from "../../workers/processors";
import { action } from "./webhooks";

// Shopify sends a webhook id again when it missed our answer, and at least once in any case. A
// delivery whose run failed must run again then: the first run's failure may have healed.
const connection = createRedisConnection();
let running: Worker[] = [];

afterEach(async () => {
  await Promise.all(running.map((worker) => worker.close()));
  running = [];
});

afterAll(async () => {
  await queues().close();
  connection.disconnect();
});

const deliver = (request: Request) => action({ request, params: {}, context: {} }).catch((thrown: unknown) => thrown as Response);

/** A webhooks worker on this file's queue running `processor`, as the worker process runs its own. */
function startWorker(processor: Processor<JobPayloads["webhooks"]>) {
  const worker = new Worker<JobPayloads["webhooks"]>(QUEUE_NAMES.webhooks, processor, { connection, prefix: queuePrefix() });
  running.push(worker);
  return worker;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const jobState = (webhookId: string) => queues().webhooks.getJobState(webhookId);
const location = (id: string) => JSON.stringify({ id: Number(id), name: "Leeds warehouse", active: true });

describe("a redelivery of a webhook whose run failed", () => {
  it("given a locations/create whose run failed for good (the database was unreachable), when Shopify sends it again, then it runs again, one attempt more, and the location is in the mirror", async () => {
    // Given an installed shop and a locations/create the worker could not apply: the real
    // processor, with the database out of reach, and the job failed for good
    const shop = uniqueShopDomain("redelivered");
    await prisma.shop.create({ data: { domain: shop } });
    const webhookId = randomUUID();
    const request = () => signedWebhookRequest({ topic: "locations/create", shop, webhookId, body: location("8101") });
    const unreachable = createPrismaClient("postgresql://postgres@127.0.0.1:1/unreachable");
    const failing = startWorker(async (job) => {
      try {
        return await applyWebhookDelivery(job.data.webhookId, { prisma: unreachable });
      } catch (error) {
        throw new UnrecoverableError(String(error));
      }
    });
    expect((await deliver(request())).status).toBe(200);
    expect(
      await waitFor(
        () => jobState(webhookId),
        (state) => state === "failed",
      ),
    ).toBe("failed");
    await failing.close();
    await unreachable.$disconnect();
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).toMatchObject({ state: "FAILED", attempts: 1 });

    // When the database is back and Shopify delivers the same webhook id again
    running.push(...createWorkers(connection).filter((worker) => worker.name === QUEUE_NAMES.webhooks));
    const again = await deliver(request());

    // Then it is acknowledged, runs again and the location is mirrored
    expect(again.status).toBe(200);
    const settled = await waitFor(
      () => prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } }),
      (delivery) => delivery.state === "PROCESSED",
    );
    expect(settled).toMatchObject({ state: "PROCESSED", attempts: 2, error: null });
    const mirrored = await prisma.location.findFirst({ where: { shop: { domain: shop }, shopifyId: "8101" } });
    expect(mirrored?.name).toBe("Leeds warehouse");

    // And a third delivery of the applied webhook is a duplicate: it does not run again
    expect((await deliver(request())).status).toBe(200);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).attempts).toBe(2);
  });

  it("given a delivery whose job failed without settling it (a worker killed while running it, twice), when Shopify sends it again, then it runs again", async () => {
    // Given a stored delivery whose job failed without its run recording anything, as BullMQ
    // leaves a job that stalled more than it allows: the delivery still says QUEUED
    const shop = uniqueShopDomain("stalled");
    await prisma.shop.create({ data: { domain: shop } });
    const webhookId = randomUUID();
    const request = () => signedWebhookRequest({ topic: "locations/create", shop, webhookId, body: location("8201") });
    const killed = startWorker(async () => {
      throw new UnrecoverableError("job stalled more than allowable limit");
    });
    expect((await deliver(request())).status).toBe(200);
    expect(
      await waitFor(
        () => jobState(webhookId),
        (state) => state === "failed",
      ),
    ).toBe("failed");
    await killed.close();
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).toMatchObject({ state: "QUEUED", attempts: 1 });

    // When Shopify sends it again, with the worker running
    running.push(...createWorkers(connection).filter((worker) => worker.name === QUEUE_NAMES.webhooks));
    expect((await deliver(request())).status).toBe(200);

    // Then it runs and the location is mirrored
    const settled = await waitFor(
      () => prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } }),
      (delivery) => delivery.state === "PROCESSED",
    );
    expect(settled).toMatchObject({ state: "PROCESSED", attempts: 2 });
    expect(await prisma.location.count({ where: { shop: { domain: shop }, shopifyId: "8201" } })).toBe(1);
  });

  it("given a delivery whose job still waits, when Shopify sends it again, then nothing more is queued and it is not counted as an attempt", async () => {
    const webhookId = randomUUID();
    const request = () => signedWebhookRequest({ topic: "locations/create", shop: uniqueShopDomain(), webhookId, body: location("8301") });
    expect((await deliver(request())).status).toBe(200);
    expect((await deliver(request())).status).toBe(200);
    expect(await jobState(webhookId)).toBe("waiting");
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).toMatchObject({ state: "QUEUED", attempts: 1 });
  });
});
