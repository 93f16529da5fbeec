import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { logger } from "~/lib/logger.server";
import { receiveWebhook } from "~/anchor/ingest/webhook-deliveries.server";

// Every topic in shopify.app.toml, compliance topics included, is delivered here. The route only
// verifies, stores and queues: Shopify expects an answer within seconds and retries otherwise.
export const action = async ({ request }: ActionFunctionArgs) => {
  // authenticate.webhook consumes the body and parses it with JSON.parse, which rounds ids above
  // 2^53; the stored copy is parsed exactly from this raw text instead.
  const rawBody = await request.clone().text();
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    // Verifies X-Shopify-Hmac-Sha256 and throws a 401 Response when it does not match.
    context = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof SyntaxError) {
      logger.warn({ shop: request.headers.get("x-shopify-shop-domain") }, "webhook rejected: signed body is not JSON");
      return new Response("Body is not valid JSON", { status: 400 });
    }
    throw error;
  }

  const outcome = await receiveWebhook({
    webhookId: context.webhookId,
    topic: context.topic,
    shopDomain: context.shop,
    apiVersion: context.apiVersion,
    eventId: "eventId" in context ? context.eventId : undefined,
    triggeredAt: context.triggeredAt,
    rawBody,
  });
  if (outcome.status === "rejected") return new Response(outcome.reason, { status: 400 });
  return new Response(null, { status: 200 });
};
