import type { ChannelLimits } from "~/channels/connector";
import { ORDER_IMPORT_EVERY_MS } from "~/queues.server";

/**
 * How often an account whose order notifications are in place is still polled: the safety net
 * for a notification lost (a destination the merchant removed, a subscription the marketplace
 * dropped, a delivery it gave up retrying). 15 minutes is the order import peers advertise as
 * their pace (DropStream "every 15 minutes by default", support.getdropstream.com/hc/en-us/articles/360053515273;
 * Teapplix's 15-minute sync, teapplix.com/help/?page_id=4085; CrescoData polls every 10 minutes
 * where a marketplace has no webhook, crescodata.com/documentation/platform/order-sync/), and the
 * baseline bench/model.ts measures Anchorline against: a lost notification is still caught as soon
 * as those products catch every order. What only the poll reads waits as long: a Walmart
 * cancellation (PO_CREATED announces new orders only), which gives units back, never takes them.
 */
export const ORDER_SAFETY_NET_EVERY_MS = 15 * 60 * 1000;

/**
 * The pace of an account's order polling: its connector's own (a tight orders quota, Amazon's
 * searchOrders) or ORDER_IMPORT_EVERY_MS while its orders are found only by polling; never faster
 * than ORDER_SAFETY_NET_EVERY_MS once its notifications are in place (Channel.orderNotificationsAt).
 */
export function orderPollEveryMs(limits: Pick<ChannelLimits, "ordersPollEveryMs">, notificationsInPlace: boolean): number {
  const own = limits.ordersPollEveryMs ?? ORDER_IMPORT_EVERY_MS;
  return notificationsInPlace ? Math.max(own, ORDER_SAFETY_NET_EVERY_MS) : own;
}
