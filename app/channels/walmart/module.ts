import { credentialSchemaOf, feedPollingOf, type ChannelModule } from "../module";
import { WALMART_CONTENT_RULES } from "./content-rules";
import { createWalmartConnector } from "./index";
import { WALMART_LIMITS } from "./limits";
import { WALMART_NOTIFICATION_AUTH } from "./notifications";

// Walmart Marketplace as Anchorline knows it.
const credentialFields = [
  { name: "clientId", label: "Client id" },
  { name: "clientSecret", label: "Client secret" },
];

export const walmartModule: ChannelModule = {
  kind: "walmart",
  label: "Walmart",
  credentialFields,
  credentials: credentialSchemaOf(credentialFields),
  limits: WALMART_LIMITS,
  contentRules: WALMART_CONTENT_RULES,
  // PO_CREATED through the Notifications API, subscribed when the account is connected (notifications.ts).
  readsOrderNotifications: true,
  orderNotificationAuth: WALMART_NOTIFICATION_AUTH,
  // Walmart's Returns API (GET /v3/returns) says when a returned parcel reached the return center
  // and how many units were refunded; getAllOrders shows refunded units as `Refund` (returns.ts).
  reportsReturns: { received: true, refunded: true },
  marketplaceFulfilment: "Walmart Fulfillment Services (WFS)",
  // Default risk multipliers from the playbook (domain.md, "Buffer"): Walmart 1.3.
  defaultRiskMultiplier: 1.3,
  // The playbook's (shared/seeds/001): "Amazon and Walmart actively crawl competitor prices
  // including your own website."
  watchesOtherPrices: true,
  createConnector: (config, _hooks, settings) => createWalmartConnector(config, { feedPolling: feedPollingOf(settings) }),
};
