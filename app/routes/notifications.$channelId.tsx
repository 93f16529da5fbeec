import type { ActionFunctionArgs } from "@remix-run/node";
import { NOTIFICATION_KEY_HEADER, receiveMarketplaceNotification } from "~/channels/notifications.server";

// Marketplace notifications for one channel account (Amazon ORDER_CHANGE via an EventBridge API
// destination). The route only checks the key and the shape and queues; see the service.
const STATUS = { queued: 202, ignored: 200, unauthorized: 401, rejected: 400 } as const;

export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405 });
  const outcome = await receiveMarketplaceNotification({
    channelId: params.channelId ?? "",
    key: request.headers.get(NOTIFICATION_KEY_HEADER),
    rawBody: await request.text(),
  });
  return new Response(outcome.status === "rejected" || outcome.status === "ignored" ? outcome.reason : null, { status: STATUS[outcome.status] });
};
