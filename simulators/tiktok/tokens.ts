// TikTok's auth host: GET /api/v2/token/get (authorization code → tokens) and
// GET /api/v2/token/refresh (refresh token → new tokens; TikTok rotates both). These calls are
// authenticated by app_key + app_secret in the query, not signed. One authorization covers every
// shop of the seller who gave it, so the shops it reached share one token pair.
import type { SimResponse } from "../common/http";
import type { TikTokAuthorization } from "./authorization";
import { CODES, fail, ok } from "./envelope";
import { reasons, tokenGetQuery, tokenRefreshQuery } from "./schemas";
import type { TikTokShop } from "./state";

function appShops(shops: Map<string, TikTokShop>, appKey: string, appSecret: string): TikTokShop[] | null {
  const mine = [...shops.values()].filter((s) => s.spec.appKey === appKey);
  return mine.length && mine.every((s) => s.spec.appSecret === appSecret) ? mine : null;
}

/** New tokens for the first shop, the same pair for the others the authorization reached. */
function rotateTogether(reached: TikTokShop[]): SimResponse {
  const [first, ...others] = reached;
  const answer = first.rotateTokens();
  for (const shop of others) {
    shop.accessToken = first.accessToken;
    shop.refreshToken = first.refreshToken;
    shop.accessTokenExpiresAt = first.accessTokenExpiresAt;
  }
  return ok(answer);
}

export function refreshTokens(shops: Map<string, TikTokShop>, query: URLSearchParams): SimResponse {
  const parsed = tokenRefreshQuery.safeParse(Object.fromEntries(query));
  if (!parsed.success) return fail(400, CODES.invalidParams, `Invalid params: ${reasons(parsed.error)}`);
  const mine = appShops(shops, parsed.data.app_key, parsed.data.app_secret);
  if (!mine) return fail(401, CODES.invalidParams, "Invalid credentials. Invalid `app_key` or `app_secret`.");
  const reached = mine.filter((s) => s.refreshToken === parsed.data.refresh_token && !s.revoked);
  if (!reached.length) return fail(401, CODES.refreshTokenInvalid, "Invalid refresh_token: it is unknown, used or revoked.");
  return rotateTogether(reached);
}

export function exchangeAuthCode(shops: Map<string, TikTokShop>, authorization: TikTokAuthorization, query: URLSearchParams): SimResponse {
  const parsed = tokenGetQuery.safeParse(Object.fromEntries(query));
  if (!parsed.success) return fail(400, CODES.invalidParams, `Invalid params: ${reasons(parsed.error)}`);
  if (!appShops(shops, parsed.data.app_key, parsed.data.app_secret))
    return fail(401, CODES.invalidParams, "Invalid credentials. Invalid `app_key` or `app_secret`.");
  // "invalid auth code" (36004004) is what TikTok answers for a code it does not take: unknown,
  // already exchanged or expired alike.
  const taken = authorization.takeCode(parsed.data.app_key, parsed.data.auth_code);
  if (!taken) return fail(401, CODES.refreshTokenInvalid, "invalid auth code");
  for (const shop of taken.shops) shop.revoked = false;
  return rotateTogether(taken.shops);
}
