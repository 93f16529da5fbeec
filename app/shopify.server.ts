import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import prisma from "./db.server";
import { env } from "./lib/env.server";
import { onShopInstalled } from "./anchor/ingest/install.server";
import { SealedPrismaSessionStorage } from "./sessions.server";

const config = env();

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  // Newest stable Admin API version at the time of writing (2026-10).
  apiVersion: ApiVersion.October26,
  scopes: config.SCOPES.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  // Sessions in PostgreSQL, their access and refresh tokens sealed (sessions.server.ts).
  sessionStorage: new SealedPrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  logger: { level: config.NODE_ENV === "test" ? LogSeverity.Error : LogSeverity.Info },
  future: {
    // Token exchange instead of OAuth redirects: installs are managed by Shopify from the
    // scopes in shopify.app.toml.
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    // Runs after every successful authentication: create or revive the shop and schedule its
    // work (initial import, reconciliation).
    afterAuth: async ({ session }) => {
      await onShopInstalled(session.shop);
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = ApiVersion.October26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
