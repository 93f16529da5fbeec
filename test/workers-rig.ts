// The end-to-end set-up most *.e2e.test.ts files repeat, once: the app's /webhooks route served,
// the simulated Shopify store and one account on each marketplace (./marketplaces.ts), and the real
// workers running over them; all of it stopped after the file's tests. Call it at a test file's top
// level; `rig` is set once beforeAll has run.
//
// Import this module only after DATABASE_URL is set (the app's modules read it when first loaded).
import type { Worker } from "bullmq";
import { afterAll, beforeAll } from "vitest";
import { closeSharedRevisionRedis } from "~/channels/ebay";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { createWorkers } from "../workers/processors";
import { startWebhookEndpoint } from "./app-webhook-server";
import { type MarketplaceRig, type RigOptions, startMarketplaceRig } from "./marketplaces";

export interface WorkersRig {
  readonly rig: MarketplaceRig;
}

export interface WorkersRigOptions extends Omit<RigOptions, "prisma" | "webhookUrl"> {
  /** The start's own time limit, for a rig that takes longer than the suite's hookTimeout (e.g. initialFromAnchor). */
  readonly startTimeoutMs?: number;
}

/**
 * Starts the rig and the workers before the file's tests (`prepare` runs in between: what a test
 * needs in the database before any worker looks) and stops everything after them.
 */
export function useWorkersRig({ startTimeoutMs, ...options }: WorkersRigOptions, prepare?: (rig: MarketplaceRig) => Promise<void>): WorkersRig {
  const connection = createRedisConnection();
  let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>> | undefined;
  let started: MarketplaceRig | undefined;
  let workers: Worker[] = [];
  beforeAll(async () => {
    endpoint = await startWebhookEndpoint();
    started = await startMarketplaceRig({ ...options, prisma, webhookUrl: endpoint.url });
    await prepare?.(started);
    workers = createWorkers(connection);
  }, startTimeoutMs);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await started?.stop();
    await queues().close();
    await closeSharedRevisionRedis();
    connection.disconnect();
    await endpoint?.close();
  });
  return {
    get rig() {
      if (!started) throw new Error("The rig starts in beforeAll: read it inside a test");
      return started;
    },
  };
}
