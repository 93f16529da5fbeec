import { credentialSchemaOf, type ChannelModule } from "../module";
import { TIKTOK_CONTENT_RULES } from "./content-rules";
import { tiktokConsent } from "./consent";
import { createTikTokConnector } from "./index";
import { TIKTOK_LIMITS } from "./limits";
import { TIKTOK_NOTIFICATION_AUTH } from "./notifications";

// TikTok Shop (Partner API) as Anchorline knows it.
const credentialFields = [
  { name: "appKey", label: "App key" },
  { name: "appSecret", label: "App secret" },
  { name: "accessToken", label: "Access token" },
  { name: "refreshToken", label: "Refresh token" },
  { name: "shopCipher", label: "Shop cipher" },
];

export const tiktokModule: ChannelModule = {
  kind: "tiktok",
  label: "TikTok Shop",
  credentialFields,
  credentials: credentialSchemaOf(credentialFields),
  // The seller authorization page (consent.ts); the fields above are for a seller's own app.
  consent: tiktokConsent,
  limits: TIKTOK_LIMITS,
  contentRules: TIKTOK_CONTENT_RULES,
  // ORDER_STATUS_CHANGE webhooks, set to Anchorline's endpoint at connect (notifications.ts).
  readsOrderNotifications: true,
  orderNotificationAuth: TIKTOK_NOTIFICATION_AUTH,
  // TikTok Shop's Search Returns says when the seller received a return and when it was refunded.
  reportsReturns: { received: true, refunded: true },
  marketplaceFulfilment: "Fulfilled by TikTok (FBT)",
  // The playbook's (shared/seeds/001): "TikTok Shop (1.3x — volatile demand spikes)".
  defaultRiskMultiplier: 1.3,
  // Not among the marketplaces the playbook names as crawling prices (seed 001, domain.md "Parity").
  watchesOtherPrices: false,
  // TikTok Shop rotates the refresh token on every refresh: the old one stops working, so the new
  // pair must be stored before the next connector is built.
  createConnector: (config, hooks) =>
    createTikTokConnector(config, {
      onTokens: (tokens) =>
        hooks.saveCredentials({
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          accessTokenExpiresAt: String(tokens.accessTokenExpiresAt),
        }),
    }),
};
