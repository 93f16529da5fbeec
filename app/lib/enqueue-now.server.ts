import type { Queue } from "bullmq";
import { Redis } from "ioredis";
import { QueueUnavailable } from "./errors";

/**
 * How long a route waits for Redis to take a job. Shopify gives a webhook 5 seconds in all (1 to
 * connect) before it counts the delivery as failed (shopify.dev, "HTTPS webhook delivery"); a
 * route that has not queued in 2 seconds answers 503 and leaves the rest to the retry.
 */
export const ENQUEUE_DEADLINE_MS = 2_000;

/** ioredis's states in which a command would wait in its offline queue for the connection to come back. */
const LOST = new Set(["reconnecting", "close", "end"]);

/**
 * Runs `add` on `queue` for a caller with someone waiting on its answer (the webhook and
 * notification routes), failing fast as BullMQ's "Going to production" guide asks of producers:
 * refused at once while the queue's connection to Redis is lost (the app's connection never gives
 * up on a command, maxRetriesPerRequest null, so the request would hang until Redis is back), and
 * after `deadlineMs` when Redis takes no answer. Throws QueueUnavailable.
 *
 * A command sent before the deadline may still reach Redis afterwards; callers add jobs by an id
 * of their own, so a late arrival is the same job.
 */
export async function enqueueNow<T>(queue: Queue, add: () => Promise<T>, deadlineMs = ENQUEUE_DEADLINE_MS): Promise<T> {
  const connection = queue.opts.connection;
  if (connection instanceof Redis && LOST.has(connection.status)) {
    throw new QueueUnavailable(`Redis is unreachable (${connection.status}): ${queue.name} job not queued`);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailable(`Redis did not take the ${queue.name} job within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([add(), deadline]);
  } catch (error) {
    if (error instanceof QueueUnavailable) throw error;
    // ioredis refuses a command outright when its connection is closed for good.
    if (connection instanceof Redis && connection.status !== "ready") throw new QueueUnavailable(`Redis is unreachable: ${queue.name} job not queued`, error);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
