// The simulator's own check of TikTok's request signature, written from TikTok's "Sign your API
// request" page and deliberately not shared with the connector's signer: if both came from one
// function, a mistake in it would pass unnoticed.
import { createHmac, timingSafeEqual } from "node:crypto";

export function expectedSignature(appSecret: string, path: string, query: URLSearchParams, rawBody: string): string {
  const pairs = [...query.entries()].filter(([name]) => name !== "sign" && name !== "access_token");
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const base = appSecret + path + pairs.map(([name, value]) => name + value).join("") + rawBody + appSecret;
  return createHmac("sha256", appSecret).update(base, "utf8").digest("hex");
}

export function signatureMatches(appSecret: string, path: string, query: URLSearchParams, rawBody: string): boolean {
  const given = Buffer.from(query.get("sign") ?? "");
  const expected = Buffer.from(expectedSignature(appSecret, path, query, rawBody));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
