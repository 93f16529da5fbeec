import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answerEndpointChallenge, receiveMarketplaceNotification } from "~/channels/notifications.server";
import { QueueUnavailable } from "~/lib/errors";
import { logger } from "~/lib/logger.server";
import { readBodyWithin } from "~/lib/request-body.server";

// Marketplace notifications for one channel account (Amazon ORDER_CHANGE via an EventBridge API
// destination, Walmart PO_CREATED, TikTok Shop ORDER_STATUS_CHANGE, eBay ORDER_CONFIRMATION). The
// route only checks the sender and the shape and queues; the sender is checked, by its
// marketplace's rule, before the body is read (see the service). A GET is a marketplace validating
// the endpoint before it sends there (eBay's challenge_code).
const STATUS = { queued: 202, ignored: 200, unauthorized: 401, rejected: 400 } as const;

/**
 * The largest notification body read. An EventBridge event is at most 1 MiB (the entry cap
 * shopify.dev/changelog/amazon-eventbridge-webhook-payload-size-limit-increased-to-1-mb names;
 * 256 KB before), and an API destination sends one event; twice that is never a notification.
 */
const MAX_NOTIFICATION_BYTES = 2 * 1024 * 1024;

/** Seconds a sender is asked to wait before trying again while Redis is unreachable. */
const RETRY_AFTER_SECONDS = 30;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const outcome = await answerEndpointChallenge({ channelId: params.channelId ?? "", query: new URL(request.url).searchParams });
  if (outcome.status === "answered") return Response.json(outcome.body);
  return new Response(outcome.status === "rejected" ? outcome.reason : null, { status: outcome.status === "rejected" ? 400 : 404 });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405 });
  const channelId = params.channelId ?? "";
  try {
    const outcome = await receiveMarketplaceNotification({
      channelId,
      headers: request.headers,
      readBody: () => readBodyWithin(request, MAX_NOTIFICATION_BYTES, "notifications"),
    });
    return new Response(outcome.status === "rejected" || outcome.status === "ignored" ? outcome.reason : null, { status: STATUS[outcome.status] });
  } catch (error) {
    if (!(error instanceof QueueUnavailable)) throw error;
    logger.warn({ channelId, err: error }, "marketplace notification not queued: Redis is unreachable");
    return new Response("Queue unavailable, try again", { status: 503, headers: { "Retry-After": String(RETRY_AFTER_SECONDS) } });
  }
};
