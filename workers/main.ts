// The worker process: `npm run worker`. Runs every queue's worker until SIGTERM/SIGINT, then lets
// running jobs finish (BullMQ's close waits for them) before closing connections.
import { closeChannelModules } from "~/channels/registry";
import prisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import { createRedisConnection, queues } from "~/queues.server";
import { keepWorkDue } from "~/sync/due-work.server";
import { createWorkers } from "./processors";

const connection = createRedisConnection();
const workers = createWorkers(connection);
for (const worker of workers) {
  worker.on("failed", (job, error) => logger.warn({ queue: worker.name, jobId: job?.id, error }, "job failed"));
  worker.on("error", (error) => logger.error({ queue: worker.name, error }, "worker error"));
}
logger.info({ queues: workers.map((w) => w.name) }, "workers started");
// What is due (schedules, pending listings, stored deliveries) is rebuilt from PostgreSQL now,
// every minute and after a reconnect, so a Redis that lost its data converges without a restart.
const stopKeepingWorkDue = keepWorkDue(connection);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "workers stopping: finishing running jobs");
  stopKeepingWorkDue();
  await Promise.all(workers.map((worker) => worker.close()));
  await Promise.all([prisma.$disconnect(), closeChannelModules(), queues().close()]);
  connection.disconnect();
  logger.info("workers stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
