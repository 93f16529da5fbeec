import { Prisma, type PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { parseExactJson } from "~/lib/exact-json";
import { logger } from "~/lib/logger.server";
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

export type ReceiveOutcome =
  | { status: "queued" }
  | { status: "duplicate" }
  | { status: "rejected"; reason: string };

interface Deps {
  prisma?: PrismaClient;
  queues?: Queues;
}

/**
 * Accepts one verified webhook delivery: validate it, store it once (keyed by
 * X-Shopify-Webhook-Id) and queue it. Nothing is applied here so Shopify gets its answer at once;
 * the worker applies the delivery to the mirror.
 */
export async function receiveWebhook(delivery: IncomingWebhook, deps: Deps = {}): Promise<ReceiveOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
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

  try {
    await prisma.webhookDelivery.create({
      data: {
        webhookId: delivery.webhookId,
        shopDomain: delivery.shopDomain,
        topic: delivery.topic,
        apiVersion: delivery.apiVersion,
        eventId: delivery.eventId,
        triggeredAt: delivery.triggeredAt ? new Date(delivery.triggeredAt) : undefined,
        // The raw body, exact ids included, is what the worker applies.
        payload: body as Prisma.InputJsonValue,
      },
    });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    // Shopify retried a delivery we already hold. If it is still waiting (the first attempt may
    // have stored it and then failed to queue), queue it again: the job id makes that a no-op when
    // the job already exists.
    const existing = await prisma.webhookDelivery.findUnique({ where: { webhookId: delivery.webhookId }, select: { state: true } });
    if (existing?.state === "QUEUED") await enqueueDelivery(delivery.webhookId, deps.queues);
    log.info("webhook duplicate acknowledged");
    return { status: "duplicate" };
  }

  await enqueueDelivery(delivery.webhookId, deps.queues);
  return { status: "queued" };
}

async function enqueueDelivery(webhookId: string, queues: Queues = defaultQueues()): Promise<void> {
  // The delivery id doubles as the job id: BullMQ keeps one job per id.
  await queues.webhooks.add("apply", { webhookId }, { jobId: webhookId });
}
