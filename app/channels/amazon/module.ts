import { credentialSchemaOf, feedPollingOf, type ChannelModule } from "../module";
import { AMAZON_CONTENT_RULES } from "./content-rules";
import { amazonConsent } from "./consent";
import { createAmazonConnector } from "./index";
import { AMAZON_NOTIFICATION_AUTH } from "./notifications";
import { AMAZON_LIMITS } from "./limits";

// Amazon (Selling Partner API) as Anchorline knows it.
const credentialFields = [
  { name: "clientId", label: "LWA client id" },
  { name: "clientSecret", label: "LWA client secret" },
  { name: "refreshToken", label: "Refresh token" },
];

export const amazonModule: ChannelModule = {
  kind: "amazon",
  label: "Amazon",
  credentialFields,
  credentials: credentialSchemaOf(credentialFields),
  // The website authorization workflow (consent.ts): only the seller's refresh token is stored;
  // the LWA client is the app's own (AMAZON_SP_APP_ID, AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET).
  consent: amazonConsent,
  limits: AMAZON_LIMITS,
  contentRules: AMAZON_CONTENT_RULES,
  // ORDER_CHANGE notifications through an EventBridge API destination (notifications.ts).
  readsOrderNotifications: true,
  orderNotificationAuth: AMAZON_NOTIFICATION_AUTH,
  // Seller-fulfilled returns from the returns report (returns.ts): units received back ("Return
  // delivery date") and refunded ("Refunded Amount"); refunds made without a return are not in it.
  reportsReturns: { received: true, refunded: true },
  marketplaceFulfilment: "Fulfilled by Amazon (FBA)",
  // The playbook's (shared/seeds/001): "Amazon (1.5x — highest penalty for oversells)".
  defaultRiskMultiplier: 1.5,
  // The playbook's (shared/seeds/001): "Amazon and Walmart actively crawl competitor prices
  // including your own website."
  watchesOtherPrices: true,
  createConnector: (config, _hooks, settings) =>
    createAmazonConnector(config, { feedPolling: feedPollingOf(settings), returnsReportEveryMs: settings.returnsReportEveryMs }),
};
