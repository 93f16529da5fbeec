// TikTok's auth host: GET /api/v2/token/get (authorization code → tokens) and
// GET /api/v2/token/refresh (refresh token → new tokens; TikTok rotates both). These calls are
// authenticated by app_key + app_secret in the query, not signed.
import type { SimResponse } from "../common/http";
import { CODES, fail, ok } from "./envelope";
import { reasons, tokenGetQuery, tokenRefreshQuery } from "./schemas";
import type { TikTokShop } from "./state";

function appShops(shops: Map<string, TikTokShop>, appKey: string, appSecret: string): TikTokShop[] | null {
  const mine = [...shops.values()].filter((s) => s.spec.appKey === appKey);
  return mine.length && mine.every((s) => s.spec.appSecret === appSecret) ? mine : null;
}

export function refreshTokens(shops: Map<string, TikTokShop>, query: URLSearchParams): SimResponse {
  const parsed = tokenRefreshQuery.safeParse(Object.fromEntries(query));
  if (!parsed.success) return fail(400, CODES.invalidParams, `Invalid params: ${reasons(parsed.error)}`);
  const mine = appShops(shops, parsed.data.app_key, parsed.data.app_secret);
  if (!mine) return fail(401, CODES.invalidParams, "Invalid credentials. Invalid `app_key` or `app_secret`.");
  const shop = mine.find((s) => s.refreshToken === parsed.data.refresh_token && !s.revoked);
  if (!shop) return fail(401, CODES.refreshTokenInvalid, "Invalid refresh_token: it is unknown, used or revoked.");
  return ok(shop.rotateTokens());
}

export function exchangeAuthCode(shops: Map<string, TikTokShop>, query: URLSearchParams): SimResponse {
  const parsed = tokenGetQuery.safeParse(Object.fromEntries(query));
  if (!parsed.success) return fail(400, CODES.invalidParams, `Invalid params: ${reasons(parsed.error)}`);
  const mine = appShops(shops, parsed.data.app_key, parsed.data.app_secret);
  const shop = mine?.find((s) => s.authCodes.has(parsed.data.auth_code));
  if (!shop) return fail(401, CODES.refreshTokenInvalid, "Invalid auth_code: it is unknown, used or expired.");
  shop.authCodes.delete(parsed.data.auth_code);
  shop.revoked = false;
  return ok(shop.rotateTokens());
}
