import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { NOTIFICATION_KEY_HEADER, notificationKey } from "~/channels/notifications.server";
import { sealCredentials } from "~/lib/secrets.server";
import { createRedisConnection, queues, QUEUE_NAMES } from "~/queues.server";
import { CONTRACTS_DIR } from "../../simulators/common/openapi";
import { seedShopWithEveryModel, signedWebhookRequest, uniqueShopDomain } from "../../test/factories";
import { createWorkers } from "../../workers/processors";
import { action as notificationsAction } from "./notifications.$channelId";
import { action as webhooksAction } from "./webhooks";

// The routes while Redis is down: a redis-server of this file's own, stopped and started again
// (empty, as a restart without persistence leaves it). The app's queues connect to it.
let port: number;
let redis: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startRedis(): Promise<void> {
  const started = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  redis = started;
  const probe = createRedisConnection(`redis://127.0.0.1:${port}`);
  try {
    await probe.ping();
  } finally {
    probe.disconnect();
  }
}

async function stopRedis(): Promise<void> {
  const running = redis;
  redis = undefined;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((resolve) => running.once("exit", resolve));
  running.kill("SIGKILL");
  await exited;
}

/** The connection the app's queues use (queues.server.ts opens one for all of them). */
const appConnection = () => queues().webhooks.opts.connection as Redis;

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The route's answer, or "hung" when it has none within `withinMs`. */
async function answerWithin(answer: Promise<Response>, withinMs: number): Promise<{ response: Response | "hung"; ms: number }> {
  const started = performance.now();
  const response = await Promise.race([
    answer.catch((thrown: unknown) => thrown as Response),
    new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), withinMs)),
  ]);
  return { response, ms: performance.now() - started };
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
});

afterAll(async () => {
  await queues().close();
  await stopRedis();
});

describe("the webhook and notification routes while Redis is down", () => {
  it("given Redis stopped under the running app, when Shopify delivers a webhook, then it is answered 503 with Retry-After at once and stored; when Redis is back and Shopify sends it again, then it is applied", async () => {
    // Given an installed shop, and the app's connection to Redis up (a first delivery queued)
    const shop = uniqueShopDomain("redis-down");
    await prisma.shop.create({ data: { domain: shop } });
    const deliver = (webhookId: string, id: number) =>
      webhooksAction({
        request: signedWebhookRequest({ topic: "locations/create", shop, webhookId, body: JSON.stringify({ id, name: `Store ${id}`, active: true }) }),
        params: {},
        context: {},
      });
    expect((await deliver(randomUUID(), 9100)).status).toBe(200);

    // When Redis stops and a delivery arrives
    await stopRedis();
    await until(() => appConnection().status !== "ready");
    const webhookId = randomUUID();
    const { response, ms } = await answerWithin(deliver(webhookId, 9101), 5_000);

    // Then it is answered 503 at once, asking to try again, and the delivery is kept
    expect(response === "hung" ? "hung" : response.status).toBe(503);
    expect((response as Response).headers.get("retry-after")).toBe("30");
    expect(ms).toBeLessThan(500);
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).toMatchObject({ state: "QUEUED", attempts: 1 });

    // When Redis is back (empty) and Shopify sends the delivery again, with the worker running
    await startRedis();
    await until(() => appConnection().status === "ready");
    const connection = createRedisConnection(`redis://127.0.0.1:${port}`);
    const workers: Worker[] = createWorkers(connection).filter((worker) => worker.name === QUEUE_NAMES.webhooks);
    try {
      expect((await deliver(webhookId, 9101)).status).toBe(200);
      // Then it is queued (never having been) and applied: the location is in the mirror
      const deadline = Date.now() + 10_000;
      let state = "";
      while (state !== "PROCESSED" && Date.now() < deadline) {
        state = (await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).state;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(state).toBe("PROCESSED");
      expect(await prisma.location.count({ where: { shop: { domain: shop }, shopifyId: "9101" } })).toBe(1);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
      connection.disconnect();
    }
  });

  it("given Redis stopped, when a marketplace notification with its key arrives, then it is answered 503 with Retry-After at once", async () => {
    // Given a connected Amazon account and Amazon's own example ORDER_CHANGE for it
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    await prisma.channel.update({
      where: { id: channels.amazon.id },
      data: { credentialsCiphertext: sealCredentials({ clientId: "c", clientSecret: "s", refreshToken: "Atzr|r" }, shop.id) },
    });
    const example = (
      JSON.parse(readFileSync(path.join(CONTRACTS_DIR, "amazon-sp-api", "OrderChangeNotification.json"), "utf8")) as {
        examples: Array<{ Payload: { OrderChangeNotification: { SellerId: string; Summary: { MarketplaceId: string } } } }>;
      }
    ).examples[0];
    example.Payload.OrderChangeNotification.SellerId = channels.amazon.accountId;
    example.Payload.OrderChangeNotification.Summary.MarketplaceId = channels.amazon.region!;
    const notify = () =>
      notificationsAction({
        request: new Request(`https://anchorline.test/notifications/${channels.amazon.id}`, {
          method: "POST",
          headers: { [NOTIFICATION_KEY_HEADER]: notificationKey(channels.amazon.id), "content-type": "application/json" },
          body: JSON.stringify(example),
        }),
        params: { channelId: channels.amazon.id },
        context: {},
      });
    expect((await notify()).status).toBe(202);

    // When Redis stops and the notification arrives
    await stopRedis();
    await until(() => appConnection().status !== "ready");
    const { response, ms } = await answerWithin(notify(), 5_000);

    // Then it is answered 503 at once, asking to try again (EventBridge retries a 5xx)
    expect(response === "hung" ? "hung" : response.status).toBe(503);
    expect((response as Response).headers.get("retry-after")).toBe("30");
    expect(ms).toBeLessThan(500);
    await startRedis();
  });
});
