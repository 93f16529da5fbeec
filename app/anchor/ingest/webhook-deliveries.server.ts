import { enqueueNow } from "~/lib/enqueue-now.server";
import { parseExactJson } from "~/lib/exact-json";
import { logger } from "~/lib/logger.server";
import { sqlFor } from "~/lib/sql.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";
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
 * A queue that cannot be reached throws QueueUnavailable (the route answers 503); the delivery is
 * stored by then, and a redelivery or the worker's sweep of stored deliveries
 * (app/sync/due-work.server.ts) queues it.
 */
export type ReceiveOutcome = { status: "queued" } | { status: "duplicate" } | { status: "rejected"; reason: string };

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
  if (stored.length === 0) {
    // Shopify retried a delivery we already hold. If it is still waiting (the first attempt may
    // have stored it and then failed to queue), queue it again: the job id makes that a no-op when
    // the job already exists.
    const [existing] = await sqlFor().rows<{ state: string }>(`SELECT state::text AS state FROM "WebhookDelivery" WHERE "webhookId" = $1`, [
      delivery.webhookId,
    ]);
    if (existing?.state === "QUEUED") await enqueueDelivery(delivery.webhookId, deps.queues);
    log.info("webhook duplicate acknowledged");
    return { status: "duplicate" };
  }

  await enqueueDelivery(delivery.webhookId, deps.queues);
  return { status: "queued" };
}

/** PostgreSQL's message for an error of class 22 (data exception: the value itself is wrong), else null. */
function dataException(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("22") ? (error as Error).message : null;
}

async function enqueueDelivery(webhookId: string, queues: Queues = defaultQueues()): Promise<void> {
  // The delivery id doubles as the job id: BullMQ keeps one job per id. Fails fast while Redis is
  // unreachable: Shopify is waiting on the answer.
  await enqueueNow(queues.webhooks, () => queues.webhooks.add("apply", { webhookId }, { jobId: webhookId }));
}
