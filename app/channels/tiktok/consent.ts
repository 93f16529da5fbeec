// TikTok Shop's seller authorization as Anchorline's consent flow (ChannelModule.consent).
// "Authorization overview" (partner.tiktokshop.com/docv2/page/authorization-overview): the seller
// opens the app's authorization link, `/open/authorize?service_id=<the app's service id>` on
// services.us.tiktokshop.com for US sellers and services.tiktokshop.com for the rest of the world,
// with Anchorline's `state`; TikTok sends the browser back to the redirect URL registered for the
// app in Partner Center (the link carries none) with `code` and `state`. The code is exchanged once
// at GET /api/v2/token/get (authorize.ts) for a token pair that reaches every shop the seller
// holds; Get Authorized Shops then names them, and the account is the shop: its id, with the
// `cipher` every shop call carries.
import { z } from "zod";
import { ChannelError } from "../connector";
import { ConsentRefused, type ConsentAnswer, type ConsentFlow } from "../module";
import { exchangeTikTokAuthCode } from "./authorize";
import { TikTokClient } from "./client";
import { PATHS, TIKTOK_API, TIKTOK_AUTH } from "./limits";

/** The authorization page's hosts ("Authorization overview"): US sellers, and the rest of the world. */
export const TIKTOK_AUTHORIZE_HOSTS = { us: "https://services.us.tiktokshop.com", global: "https://services.tiktokshop.com" } as const;

/** Token Get's answer for an authorization code it does not take (sellers' and SDKs' reports of TikTok's answers). */
const INVALID_AUTH_CODE = 36004004;

/** The account's region as the Channels screen takes it: empty means a US seller, Anchorline's merchants' usual case. */
const isUs = (region: string | null) => !region || region.trim().toUpperCase() === "US";

/** A shop as Get Authorized Shops (202309) lists it: the fields Anchorline reads. */
const AuthorizedShop = z.object({ id: z.string().min(1), name: z.string().optional(), region: z.string().optional(), cipher: z.string().min(1) });
type AuthorizedShop = z.infer<typeof AuthorizedShop>;
const AuthorizedShops = z.object({ shops: z.array(AuthorizedShop).default([]) });

/**
 * The shop the merchant is connecting, among those the seller authorized. One account here is one
 * shop; a seller who holds several (one per region, for cross-border sellers) authorizes them all
 * at once. The only one is taken; among several, the one in the region the merchant gave; else
 * nothing is guessed: connecting the wrong shop would push this store's stock to it, so the
 * merchant is asked to name the region and authorize again.
 */
export function chooseAuthorizedShop(shops: AuthorizedShop[], region: string | null): AuthorizedShop {
  if (shops.length === 1) return shops[0];
  if (shops.length === 0) throw new ConsentRefused("TikTok Shop authorized no shop for this seller account: sign in with the account that holds the shop.");
  const inRegion = region ? shops.filter((s) => (s.region ?? "").toUpperCase() === region.trim().toUpperCase()) : [];
  if (inRegion.length === 1) return inRegion[0];
  const listed = shops.map((s) => `${s.name ?? s.id} (${s.region ?? "no region"})`).join(", ");
  throw new ConsentRefused(
    `This TikTok Shop seller account holds ${shops.length} shops: ${listed}. Connect again with the region of the shop to connect, so the right one is chosen.`,
  );
}

/** What TikTok's redirect carries: the code, or the seller's refusal. */
export function readTikTokAnswer(query: URLSearchParams): ConsentAnswer {
  const code = query.get("code");
  if (code) return { ok: true, code };
  const error = query.get("error");
  if (error === "access_denied") return { ok: false, reason: "you chose Cancel on TikTok Shop's authorization page, so Anchorline was given no access." };
  if (error) return { ok: false, reason: `TikTok Shop said ${query.get("error_description") || error}.` };
  return { ok: false, reason: "TikTok Shop sent no authorization code back." };
}

export const tiktokConsent: ConsentFlow = {
  consentUrl({ app, state, region, endpoints }) {
    const host = endpoints?.auth ?? (isUs(region) ? TIKTOK_AUTHORIZE_HOSTS.us : TIKTOK_AUTHORIZE_HOSTS.global);
    return `${host.replace(/\/$/, "")}/open/authorize?${new URLSearchParams({ service_id: app.serviceId, state }).toString()}`;
  },

  readAnswer: readTikTokAnswer,

  async exchangeCode({ app, code, region, endpoints }) {
    const tokens = await exchangeTikTokAuthCode({ appKey: app.appKey, appSecret: app.appSecret, authCode: code, authBase: endpoints?.auth }).catch(
      (error: unknown) => {
        // 36004004 "invalid auth code": TikTok's one answer for a code unknown, used or expired.
        if (error instanceof ChannelError && error.details.code === String(INVALID_AUTH_CODE))
          throw new ConsentRefused("TikTok Shop did not take the authorization: it had expired or was already used. Connect TikTok Shop again.");
        throw error;
      },
    );
    // Get Authorized Shops is app-level (no shop_cipher), signed with the app's secret. Should the
    // client renew the pair on the way (TikTok rotates the refresh token), the new pair is the one kept.
    let current = tokens;
    const client = new TikTokClient(
      endpoints?.api ?? TIKTOK_API,
      endpoints?.auth ?? TIKTOK_AUTH,
      { appKey: app.appKey, appSecret: app.appSecret, shopCipher: "", ...tokens },
      (renewed) => {
        current = renewed;
      },
    );
    const answer = AuthorizedShops.safeParse(await client.request<unknown>({ method: "GET", path: PATHS.shops, shopScoped: false }));
    if (!answer.success)
      throw new ChannelError(`TikTok Shop's Get Authorized Shops answer is not as documented: ${answer.error.message}`, { retryable: false });
    const shop = chooseAuthorizedShop(answer.data.shops, region);
    // Only the seller's own tokens and shop are stored (sealed, per shop); the app key and secret
    // come from the deployment's settings, merged under these by the connector registry.
    return {
      accountId: shop.id,
      credentials: {
        accessToken: current.accessToken,
        refreshToken: current.refreshToken,
        accessTokenExpiresAt: String(current.accessTokenExpiresAt),
        shopCipher: shop.cipher,
      },
    };
  },
};
