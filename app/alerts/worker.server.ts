import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import { logger } from "~/lib/logger.server";
import { DEFAULT_JOB_OPTIONS, failForGoodUnlessRetryable, QUEUE_NAMES, queuePrefix, type JobPayloads } from "~/queues.server";
import { AlertDeliveryFailed, deliverAlert } from "./deliver.server";
import { HOUSEKEEPING_EVERY_MS, runAlertHousekeeping } from "./housekeeping.server";

// The alerts queue's worker. Two kinds of job share the queue: "deliver" (one per alert, its id
// as job id) and the scheduled "housekeeping" (watchers, digests, re-queueing).

export const HOUSEKEEPING_SCHEDULER_ID = "alerts-housekeeping";

type HousekeepingJob = { task: "housekeeping" };
export type AlertJobData = JobPayloads["alerts"] | HousekeepingJob;

function isHousekeeping(data: AlertJobData): data is HousekeepingJob {
  return "task" in data && data.task === "housekeeping";
}

export interface AlertWorkerOptions {
  /**
   * Register the housekeeping job scheduler (every 5 minutes). On by default, off under
   * NODE_ENV=test: test files share one database, and a housekeeping run watches every shop, so
   * it would raise alerts in other files' shops mid-test.
   */
  schedule?: boolean;
  concurrency?: number;
}

/** Registers (or updates) the housekeeping schedule; idempotent, so every worker process may call it. */
export async function scheduleAlertHousekeeping(queue: Queue<AlertJobData>): Promise<void> {
  await queue.upsertJobScheduler(
    HOUSEKEEPING_SCHEDULER_ID,
    { every: HOUSEKEEPING_EVERY_MS },
    // One attempt: the next run comes in five minutes and redoes the same work.
    { name: "housekeeping", data: { task: "housekeeping" }, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
  );
}

/**
 * The worker for the alerts queue; wire it in workers/processors.ts next to the others.
 * A delivery that fails for any route throws, so BullMQ retries it with backoff (only the routes
 * still owed are sent), unless no failed route can heal (Slack's 404 for a removed webhook): then
 * the job fails at once and housekeeping queues it again later. A delivery held by quiet hours is
 * moved back to delayed until the window ends, without spending an attempt.
 */
export function createAlertWorker(connection: ConnectionOptions, prefix = queuePrefix(), options: AlertWorkerOptions = {}): Worker<AlertJobData> {
  const queue = new Queue<AlertJobData>(QUEUE_NAMES.alerts, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const worker = new Worker<AlertJobData>(
    QUEUE_NAMES.alerts,
    failForGoodUnlessRetryable(async (job: Job<AlertJobData>, token?: string) => {
      if (isHousekeeping(job.data)) {
        const result = await runAlertHousekeeping(queue);
        return { raised: result.raised, resolved: result.resolved, requeued: result.requeued };
      }
      const outcome = await deliverAlert(job.data.alertId);
      if (outcome.failed.length > 0) throw new AlertDeliveryFailed(outcome.failed);
      if (outcome.heldUntil) {
        await job.moveToDelayed(outcome.heldUntil.getTime(), token);
        throw new DelayedError();
      }
      return { sent: outcome.sent.length };
    }),
    { connection, prefix, concurrency: options.concurrency ?? 4 },
  );
  if (options.schedule ?? process.env.NODE_ENV !== "test") {
    scheduleAlertHousekeeping(queue).catch((error: unknown) => logger.error({ error }, "could not schedule alerts housekeeping"));
  }
  worker.on("closed", () => {
    queue.close().catch(() => undefined);
  });
  return worker;
}
