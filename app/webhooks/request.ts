import { z } from "zod";
import { isoInstant } from "./payloads";

// What Anchorline accepts of a webhook request before it checks the signature: the body's size and
// the headers the route and the store parse. Anything else is refused with a 4xx that says which
// header and why; a 5xx would only make Shopify send the same request again (8 times over 4 hours,
// shopify.dev/changelog/updates-to-webhook-retry-mechanism), and it can never succeed.

/**
 * The largest webhook body read. Shopify publishes no cap for HTTPS deliveries; the one transport
 * with a published cap, Amazon EventBridge, carries payloads up to 1,000,000 bytes
 * (shopify.dev/changelog/amazon-eventbridge-webhook-payload-size-limit-increased-to-1-mb), and a
 * products/update carries at most 100 variants in full (payloads.ts). Five times that is never a
 * real delivery, and bounds what a forged body costs before its HMAC is checked.
 */
export const MAX_WEBHOOK_BODY_BYTES = 5 * 1024 * 1024;

/**
 * A shop's own domain, as Shopify sends it in X-Shopify-Shop-Domain: one DNS label (letters,
 * digits, hyphens; shopify-api's sanitizeShop also allows `_`) under myshopify.com. Custom domains
 * never appear in webhook headers.
 */
const shopDomain = z
  .string()
  .max(63 + ".myshopify.com".length)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*\.myshopify\.com$/, "is not a *.myshopify.com domain");

/** The headers read before the signature is checked, by their lower-case names. */
const DELIVERY_HEADERS = z.object({
  // The library loads the shop's offline session by it and throws (a 500) when it is not a shop.
  "x-shopify-shop-domain": shopDomain,
  // The stored delivery's primary key; Shopify's are UUIDs. PostgreSQL's B-tree refuses an entry
  // past 2,704 bytes (compressed), so an unbounded one could fail on insert.
  "x-shopify-webhook-id": z.string().min(1).max(255),
  // Stored as a timestamp: PostgreSQL refuses what is not one.
  "x-shopify-triggered-at": isoInstant.optional(),
});

export type DeliveryHeaders = z.infer<typeof DELIVERY_HEADERS>;

/** The delivery's headers, or why they can never make a delivery (one line per header). */
export function readDeliveryHeaders(headers: Headers): { ok: true; headers: DeliveryHeaders } | { ok: false; reason: string } {
  const parsed = DELIVERY_HEADERS.safeParse({
    "x-shopify-shop-domain": headers.get("x-shopify-shop-domain") ?? undefined,
    "x-shopify-webhook-id": headers.get("x-shopify-webhook-id") ?? undefined,
    "x-shopify-triggered-at": headers.get("x-shopify-triggered-at") ?? undefined,
  });
  if (parsed.success) return { ok: true, headers: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") };
}
