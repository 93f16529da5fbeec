// TikTok Shop's request signature (Partner API v202309, "Sign your API request" in TikTok's
// Partner Center docs): HMAC-SHA256, keyed with the app secret, over
//   secret + path + (every query parameter except `sign` and `access_token`, sorted by name,
//   each as name + value) + body + secret
// as lowercase hex. The body is the exact JSON text sent (none for GET or multipart uploads).
import { createHmac } from "node:crypto";

export interface SignInput {
  appSecret: string;
  /** The URL path only, e.g. /product/202309/products/1729/inventory/update. */
  path: string;
  query: Record<string, string>;
  /** The request body exactly as it goes on the wire; "" when there is none. */
  body: string;
}

const UNSIGNED_PARAMS = new Set(["sign", "access_token"]);

export function tiktokSignature({ appSecret, path, query, body }: SignInput): string {
  const params = Object.keys(query)
    .filter((name) => !UNSIGNED_PARAMS.has(name))
    .sort()
    .map((name) => `${name}${query[name]}`)
    .join("");
  return createHmac("sha256", appSecret).update(`${appSecret}${path}${params}${body}${appSecret}`).digest("hex");
}
