import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { QueueUnavailable } from "~/lib/errors";
import { logger } from "~/lib/logger.server";
import { readBodyWithin } from "~/lib/request-body.server";
import { receiveWebhook } from "~/anchor/ingest/webhook-deliveries.server";
import { MAX_WEBHOOK_BODY_BYTES, readDeliveryHeaders } from "~/webhooks/request";

/** Seconds a sender is asked to wait before trying again while Redis is unreachable. */
const RETRY_AFTER_SECONDS = 30;

// Every topic in shopify.app.toml, compliance topics included, is delivered here. The route only
// verifies, stores and queues: Shopify expects an answer within seconds and retries otherwise.
// What can never succeed (too large, a header that is not what Shopify sends, a payload the
// topic's shape refuses) is answered 4xx with the reason, never 5xx.
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405 });
  // Read once, counting bytes, before anything else: the library would read it whole first.
  const rawBody = await readBodyWithin(request, MAX_WEBHOOK_BODY_BYTES, "webhooks");
  const headers = readDeliveryHeaders(request.headers);
  if (!headers.ok) {
    logger.warn({ reason: headers.reason, shop: request.headers.get("x-shopify-shop-domain") }, "webhook rejected: header is not what Shopify sends");
    return new Response(headers.reason, { status: 400 });
  }

  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    // Verifies X-Shopify-Hmac-Sha256 and throws a 401 Response when it does not match. It parses
    // the body with JSON.parse, which rounds ids above 2^53; the stored copy is parsed exactly
    // from rawBody instead.
    context = await authenticate.webhook(new Request(request.url, { method: "POST", headers: request.headers, body: rawBody }));
  } catch (error) {
    if (error instanceof SyntaxError) {
      logger.warn({ shop: headers.headers["x-shopify-shop-domain"] }, "webhook rejected: signed body is not JSON");
      return new Response("Body is not valid JSON", { status: 400 });
    }
    throw error;
  }

  try {
    const outcome = await receiveWebhook({
      webhookId: context.webhookId,
      topic: context.topic,
      shopDomain: context.shop,
      apiVersion: context.apiVersion,
      eventId: "eventId" in context ? context.eventId : undefined,
      triggeredAt: headers.headers["x-shopify-triggered-at"],
      rawBody,
    });
    if (outcome.status === "rejected") return new Response(outcome.reason, { status: 400 });
    return new Response(null, { status: 200 });
  } catch (error) {
    if (!(error instanceof QueueUnavailable)) throw error;
    // Stored but not queued: Shopify's retry, or the worker's sweep of stored deliveries, queues it.
    logger.warn({ webhookId: context.webhookId, err: error }, "webhook stored, not queued: Redis is unreachable");
    return new Response("Queue unavailable, try again", { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } });
  }
};
