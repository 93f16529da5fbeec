// The one-time exchange when a seller authorizes the app: TikTok redirects with an auth_code, and
// GET /api/v2/token/get on the auth host turns it into the first tokens ("Authorization
// overview", Partner Center). The connect screen calls this; the connector then keeps them fresh.
import { TIKTOK_AUTH, TIKTOK_CODES } from "./limits";
import { errorFromEnvelope, type TikTokEnvelope, type TikTokTokens } from "./client";

export async function exchangeTikTokAuthCode(input: { appKey: string; appSecret: string; authCode: string; authBase?: string }): Promise<TikTokTokens> {
  const query = new URLSearchParams({ app_key: input.appKey, app_secret: input.appSecret, auth_code: input.authCode, grant_type: "authorized_code" });
  const response = await fetch(`${input.authBase ?? TIKTOK_AUTH}/api/v2/token/get?${query.toString()}`);
  const envelope = (await response.json()) as TikTokEnvelope<{
    access_token: string;
    access_token_expire_in: number;
    refresh_token: string;
    refresh_token_expire_in: number;
  }>;
  if (envelope.code !== TIKTOK_CODES.success || !envelope.data) throw errorFromEnvelope(response.status, envelope);
  const d = envelope.data;
  return {
    accessToken: d.access_token,
    refreshToken: d.refresh_token,
    accessTokenExpiresAt: d.access_token_expire_in,
    refreshTokenExpiresAt: d.refresh_token_expire_in,
  };
}
