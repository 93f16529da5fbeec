import type { Queue } from "bullmq";
import { enqueueNow } from "~/lib/enqueue-now.server";
import { parseExactJson } from "~/lib/exact-json";
import { logger } from "~/lib/logger.server";
import { sqlFor } from "~/lib/sql.server";
import { queues as defaultQueues, type JobPayloads, type Queues } from "~/queues.server";
import { isWebhookTopic, WEBHOOK_PAYLOADS } from "~/webhooks/payloads";

export interface IncomingWebhook {
  webhookId: string;
  topic: string;
  shopDomain: string;
  apiVersion?: string;
  eventId?: string;
  triggeredAt?: string;
  rawBody: string;
}

/**
 * "requeued": Shopify sent again a delivery whose run failed (or whose job was lost), and it runs
 * again. A queue that cannot be reached throws QueueUnavailable (the route answers 503); the
 * delivery is stored by then, and a redelivery or the worker's sweep of stored deliveries
 * (app/sync/due-work.server.ts) queues it.
 */
export type ReceiveOutcome = { status: "queued" } | { status: "duplicate" } | { status: "requeued"; attempts: number } | { status: "rejected"; reason: string };

interface Deps {
  queues?: Queues;
}

/**
 * One row per X-Shopify-Webhook-Id; a retry of a stored delivery inserts nothing. Plain SQL
 * (app/lib/sql.server.ts): this runs once for every change in Shopify, and through Prisma the
 * query's compilation cost the route more CPU than the rest of the request (the sync bench's CPU
 * profile of the route: 3.1 of 17.4 s in Prisma's query compiler). Timestamps are UTC, as Prisma
 * writes them.
 */
const STORE_DELIVERY = `
  INSERT INTO "WebhookDelivery" ("webhookId", "shopDomain", topic, "apiVersion", "eventId", "triggeredAt", payload, "receivedAt")
  VALUES ($1, $2, $3, $4, $5, $6::timestamptz AT TIME ZONE 'UTC', $7::jsonb, now() AT TIME ZONE 'UTC')
  ON CONFLICT ("webhookId") DO NOTHING
  RETURNING "webhookId"`;

/**
 * Accepts one verified webhook delivery: validate it, store it once (keyed by
 * X-Shopify-Webhook-Id) and queue it. Nothing is applied here so Shopify gets its answer at once;
 * the worker applies the delivery to the mirror.
 */
export async function receiveWebhook(delivery: IncomingWebhook, deps: Deps = {}): Promise<ReceiveOutcome> {
  const log = logger.child({ webhookId: delivery.webhookId, topic: delivery.topic, shop: delivery.shopDomain });

  if (!isWebhookTopic(delivery.topic)) {
    log.warn("webhook rejected: topic not subscribed");
    return { status: "rejected", reason: `topic ${delivery.topic} is not handled` };
  }
  let body: unknown;
  try {
    body = parseExactJson(delivery.rawBody);
  } catch {
    log.warn("webhook rejected: body is not JSON");
    return { status: "rejected", reason: "body is not valid JSON" };
  }
  const parsed = WEBHOOK_PAYLOADS[delivery.topic].safeParse(body);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    log.warn({ reason }, "webhook rejected: payload does not match the topic's shape");
    return { status: "rejected", reason };
  }

  let stored: { webhookId: string }[];
  try {
    stored = await sqlFor().rows<{ webhookId: string }>(STORE_DELIVERY, [
      delivery.webhookId,
      delivery.shopDomain,
      delivery.topic,
      delivery.apiVersion ?? null,
      delivery.eventId ?? null,
      delivery.triggeredAt ?? null,
      // The raw body, exact ids included, is what the worker applies.
      JSON.stringify(body),
    ]);
  } catch (error) {
    // A value PostgreSQL cannot hold (a \u0000 in a string, a lone surrogate) fails every time.
    const reason = dataException(error);
    if (reason === null) throw error;
    log.warn({ reason }, "webhook rejected: PostgreSQL cannot store it");
    return { status: "rejected", reason: `not storable: ${reason}` };
  }
  const queues = deps.queues ?? defaultQueues();
  if (stored.length === 0) return requeueRedelivery(delivery.webhookId, queues.webhooks, log);

  await enqueueNow(queues.webhooks, () => queues.webhooks.add("apply", { webhookId: delivery.webhookId }, { jobId: delivery.webhookId }));
  return { status: "queued" };
}

/** PostgreSQL's message for an error of class 22 (data exception: the value itself is wrong), else null. */
function dataException(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("22") ? (error as Error).message : null;
}

/**
 * Shopify sent a delivery we already hold (it missed our answer, or it sends every delivery at
 * least once). Applied: nothing to do. Otherwise a job must be on its way, whatever happened to
 * the first one:
 * - no job: never queued (Redis was down when it arrived) or lost with Redis's data: queue it;
 * - its job failed for good (the handler failed every try, or a worker died running it twice):
 *   run it again, one attempt more;
 * - waiting, running, or delayed for a retry: it is on its way.
 * The delivery goes back to QUEUED before its job is revived, so a run that fails at once still
 * leaves it FAILED.
 */
async function requeueRedelivery(webhookId: string, queue: Queue<JobPayloads["webhooks"]>, log: typeof logger): Promise<ReceiveOutcome> {
  const [row] = await sqlFor().rows<{ state: string }>(`SELECT state::text AS state FROM "WebhookDelivery" WHERE "webhookId" = $1`, [webhookId]);
  if (!row || row.state === "PROCESSED") {
    log.info("webhook duplicate acknowledged");
    return { status: "duplicate" };
  }
  return enqueueNow(queue, async () => {
    const job = await queue.getJob(webhookId);
    const jobState = job ? await job.getState() : "unknown";
    if (jobState !== "unknown" && jobState !== "failed") {
      log.info({ state: row.state, jobState }, "webhook duplicate acknowledged: its job is on its way");
      return { status: "duplicate" };
    }
    // It ran before (and failed) unless it was stored and never queued.
    const ran = jobState === "failed" || row.state === "FAILED";
    const [settled] = await sqlFor().rows<{ attempts: number }>(
      `UPDATE "WebhookDelivery" SET state = 'QUEUED', attempts = attempts + $2 WHERE "webhookId" = $1 AND state <> 'PROCESSED' RETURNING attempts`,
      [webhookId, ran ? 1 : 0],
    );
    if (!settled) return { status: "duplicate" };
    if (job && jobState === "failed") await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    else await queue.add("apply", { webhookId }, { jobId: webhookId });
    log.warn({ previousState: row.state, jobState, attempts: settled.attempts }, "webhook redelivered: queued again");
    return { status: "requeued", attempts: settled.attempts };
  });
}
