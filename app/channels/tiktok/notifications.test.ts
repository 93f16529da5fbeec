import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { orderIdsInNotification, webhookSignatureMatches } from "./notifications";

const credentials = { appKey: "app-1", appSecret: "secret-1" };
const body = JSON.stringify({
  type: 1,
  tts_notification_id: "n-1",
  shop_id: "7001",
  timestamp: 1700000000,
  data: { order_id: "576", order_status: "AWAITING_SHIPMENT" },
});
// Computed here from TikTok's rule (hex HMAC-SHA256 of app_key + raw body, keyed with the app secret), not with the code under test.
const signed = (secret: string, text: string) => createHmac("sha256", secret).update(`app-1${text}`).digest("hex");

describe("TikTok Shop ORDER_STATUS_CHANGE webhook", () => {
  it("given a delivery signed with the app secret, when checked, then it matches, also in upper case", () => {
    expect(webhookSignatureMatches(credentials, signed("secret-1", body), body)).toBe(true);
    expect(webhookSignatureMatches(credentials, signed("secret-1", body).toUpperCase(), body)).toBe(true);
  });

  it("given a signature with another secret, over another body, cut short or not hex, when checked, then none matches", () => {
    const good = signed("secret-1", body);
    expect(
      [signed("guessed", body), signed("secret-1", `${body} `), good.slice(0, 32), `${good.slice(0, 63)}z`, ""].map((s) =>
        webhookSignatureMatches(credentials, s, body),
      ),
    ).toEqual([false, false, false, false, false]);
  });

  it("given an ORDER_STATUS_CHANGE, another event type or no order id, when read, then only the first names its order", () => {
    expect(orderIdsInNotification(JSON.parse(body))).toEqual(["576"]);
    expect(orderIdsInNotification({ type: 2, data: { order_id: "576" } })).toBeNull();
    expect(orderIdsInNotification({ type: 1, data: {} })).toBeNull();
  });
});
