// The one-time exchange when a seller authorizes the app: TikTok redirects with a code, and
// GET /api/v2/token/get on the auth host turns it into the first tokens ("Authorization
// overview", Partner Center). The consent flow (consent.ts) calls this; the connector then keeps
// them fresh. The answer is parsed, not trusted: a token pair without its expiry is refused.
import { z } from "zod";
import { ChannelError } from "../connector";
import { errorFromEnvelope, type TikTokTokens } from "./client";
import { TIKTOK_AUTH, TIKTOK_CODES } from "./limits";

/** Token Get's `data`: both tokens and their expiries, Unix seconds (`access_token_expire_in`). */
const TokenGetData = z.object({
  access_token: z.string().min(1),
  access_token_expire_in: z.number().int().positive(),
  refresh_token: z.string().min(1),
  refresh_token_expire_in: z.number().int().positive(),
});
const TokenGetEnvelope = z.object({ code: z.number(), message: z.string().optional(), request_id: z.string().optional(), data: z.unknown().optional() });

export async function exchangeTikTokAuthCode(input: { appKey: string; appSecret: string; authCode: string; authBase?: string }): Promise<TikTokTokens> {
  const query = new URLSearchParams({ app_key: input.appKey, app_secret: input.appSecret, auth_code: input.authCode, grant_type: "authorized_code" });
  const response = await fetch(`${input.authBase ?? TIKTOK_AUTH}/api/v2/token/get?${query.toString()}`);
  const envelope = TokenGetEnvelope.safeParse(await response.json().catch(() => null));
  if (!envelope.success)
    throw new ChannelError(`TikTok Shop answered Token Get with HTTP ${response.status} and no envelope`, {
      status: response.status,
      retryable: response.status >= 500,
    });
  if (envelope.data.code !== TIKTOK_CODES.success) throw errorFromEnvelope(response.status, envelope.data);
  const data = TokenGetData.safeParse(envelope.data.data);
  if (!data.success)
    throw new ChannelError(`TikTok Shop's Token Get answer lacks ${data.error.issues.map((i) => i.path.join(".")).join(", ")}`, { retryable: false });
  return {
    accessToken: data.data.access_token,
    refreshToken: data.data.refresh_token,
    accessTokenExpiresAt: data.data.access_token_expire_in,
    refreshTokenExpiresAt: data.data.refresh_token_expire_in,
  };
}
