import { credentialSchemaOf, type ChannelModule } from "../module";
import { createEbayConnector, EBAY_LIMITS } from "./connector";
import { ebayConsent } from "./consent";
import { EBAY_CONTENT_RULES } from "./content-rules";
import { EBAY_NOTIFICATION_AUTH } from "./notifications";
import { closeSharedRevisionRedis } from "./revisions.server";

// eBay (Sell Inventory and Fulfillment APIs, and the Post-Order API) as Anchorline knows it.
const credentialFields = [
  { name: "appId", label: "App id (client id)" },
  { name: "certId", label: "Cert id (client secret)" },
  { name: "refreshToken", label: "User refresh token" },
];

export const ebayModule: ChannelModule = {
  kind: "ebay",
  label: "eBay",
  credentialFields,
  credentials: credentialSchemaOf(credentialFields),
  // The seller consents on eBay's page (consent.ts); the fields above are for a seller's own developer keyset.
  consent: ebayConsent,
  limits: EBAY_LIMITS,
  contentRules: EBAY_CONTENT_RULES,
  // ORDER_CONFIRMATION through the Notification API, subscribed at connect (notifications.ts).
  readsOrderNotifications: true,
  orderNotificationAuth: EBAY_NOTIFICATION_AUTH,
  // Refunds from the Fulfillment API (lineItems[].refunds) and returns' refunds; returns received from the Post-Order API (returns.ts).
  reportsReturns: { received: true, refunded: true },
  // eBay ships nothing from a warehouse of its own for sellers (Global Shipping and Authenticity Guarantee parcels are still the seller's).
  marketplaceFulfilment: null,
  // Default risk multipliers from the playbook (domain.md, "Buffer"): eBay 1.2.
  defaultRiskMultiplier: 1.2,
  // Not among the marketplaces the playbook names as crawling prices (seed 001, domain.md "Parity").
  watchesOtherPrices: false,
  createConnector: (config, _hooks, settings) => createEbayConnector(config, { returnsReadEveryMs: settings.returnsReportEveryMs }),
  // The revision counter (250 revisions per listing a day) is one Redis connection per process.
  close: closeSharedRevisionRedis,
};
