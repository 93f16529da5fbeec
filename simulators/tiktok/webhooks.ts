// TikTok Shop's shop webhooks (Event API 202309: Get Shop Webhooks GET, Update Shop Webhook PUT,
// Delete Shop Webhook DELETE, all on /event/202309/webhooks, fields from the SDK's
// Event202309UpdateShopWebhookRequestBody and ...GetShopWebhooksResponseDataWebhooks), and the
// ORDER_STATUS_CHANGE event (type 1) sent to the shop's address whenever an order's status changes.
// Each delivery is signed as TikTok's "Webhook signature" rule says: the Authorization header (no
// scheme) is the lowercase hex HMAC-SHA256, keyed with the app secret, of app_key + the raw body.
// The payload `{ type, tts_notification_id, shop_id, timestamp, data: { order_id, order_status,
// is_on_hold_order, update_time } }` follows TikTok's ORDER_STATUS_CHANGE page.
import { createHmac, randomUUID } from "node:crypto";
import { z } from "zod";
import type { SimResponse } from "../common/http";
import { tiktokShopId } from "./authorization";
import { CODES, fail, ok } from "./envelope";
import type { TikTokShop } from "./state";

/** Event types the simulator sends; Update Shop Webhook refuses others (our reading: TikTok knows more, none fire here). */
const SENT_EVENTS: Record<string, number> = { ORDER_STATUS_CHANGE: 1 };

/**
 * TikTok retries an undelivered webhook ("up to 3 times" over hours, per its webhook overview);
 * here a few tries with a short growing pause stand in for it. Any non-2xx answer is retried.
 */
const DELIVERY_ATTEMPTS = 4;
const RETRY_DELAY_MS = 200;

export interface TikTokWebhook {
  event_type: string;
  address: string;
  create_time: number;
  update_time: number;
}

const updateShopWebhookBody = z.object({ address: z.string().url().max(2048), event_type: z.string().min(1) }).strict();
const deleteShopWebhookBody = z.object({ event_type: z.string().min(1) }).strict();

/** The shop id TikTok's authorized shops answer names (made up from the cipher, as routes.ts shows it). */
/** The shop's id as Get Authorized Shops gives it (authorization.ts). */
export const shopIdOf = (shop: TikTokShop) => tiktokShopId(shop.spec.shopCipher);

/** The signature TikTok sends in Authorization: hex HMAC-SHA256(app secret, app_key + raw body). */
export function webhookSignature(appKey: string, appSecret: string, rawBody: string): string {
  return createHmac("sha256", appSecret)
    .update(appKey + rawBody, "utf8")
    .digest("hex");
}

const byShop = new WeakMap<TikTokShop, TikTokWebhooks>();

/** The shop's webhooks (one set per shop, made on first use). */
export function webhooksOf(shop: TikTokShop): TikTokWebhooks {
  let webhooks = byShop.get(shop);
  if (!webhooks) byShop.set(shop, (webhooks = new TikTokWebhooks(shop)));
  return webhooks;
}

/** One shop's webhooks and the deliveries under way. */
export class TikTokWebhooks {
  readonly webhooks = new Map<string, TikTokWebhook>();
  /** The status each order was last announced with: a change since is sent. */
  private readonly announced = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  delivered = 0;
  failed = 0;

  constructor(private readonly shop: TikTokShop) {}

  list(): SimResponse {
    const webhooks = [...this.webhooks.values()];
    return ok({ webhooks, total_count: webhooks.length });
  }

  update(body: unknown): SimResponse {
    const parsed = updateShopWebhookBody.safeParse(body);
    if (!parsed.success)
      return fail(400, CODES.invalidParams, `Invalid params: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    if (!(parsed.data.event_type in SENT_EVENTS))
      return fail(400, CODES.invalidParams, `Invalid params: event_type ${parsed.data.event_type} is not supported`);
    const now = Math.floor(Date.now() / 1000);
    const existing = this.webhooks.get(parsed.data.event_type);
    this.webhooks.set(parsed.data.event_type, { ...parsed.data, create_time: existing?.create_time ?? now, update_time: now });
    return ok({});
  }

  delete(body: unknown): SimResponse {
    const parsed = deleteShopWebhookBody.safeParse(body);
    if (!parsed.success) return fail(400, CODES.invalidParams, "Invalid params: event_type is required");
    // "Returns success even if the webhook was not configured" (Delete Shop Webhook).
    this.webhooks.delete(parsed.data.event_type);
    return ok({});
  }

  /** Sends ORDER_STATUS_CHANGE for every order whose status moved since it was last announced. */
  announceChanges(): void {
    for (const order of this.shop.orders) {
      if (this.announced.get(order.id) === order.status) continue;
      this.announced.set(order.id, order.status);
      const webhook = this.webhooks.get("ORDER_STATUS_CHANGE");
      if (!webhook) continue;
      this.send(webhook.address, {
        type: SENT_EVENTS.ORDER_STATUS_CHANGE,
        tts_notification_id: randomUUID(),
        shop_id: shopIdOf(this.shop),
        timestamp: Math.floor(Date.now() / 1000),
        data: { order_id: order.id, order_status: order.status, is_on_hold_order: false, update_time: order.updateTime },
      });
    }
  }

  private send(address: string, event: unknown): void {
    const rawBody = JSON.stringify(event);
    const signature = webhookSignature(this.shop.spec.appKey, this.shop.spec.appSecret, rawBody);
    this.chain = this.chain.then(async () => {
      for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
        try {
          const answer = await fetch(address, { method: "POST", headers: { "content-type": "application/json", authorization: signature }, body: rawBody });
          if (answer.ok) {
            this.delivered++;
            return;
          }
        } catch {
          // no answer: try again
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
      }
      this.failed++;
    });
  }

  /** Resolves once every event sent so far was delivered or given up. */
  async settled(): Promise<{ delivered: number; failed: number }> {
    await this.chain;
    return { delivered: this.delivered, failed: this.failed };
  }
}
