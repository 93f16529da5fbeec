import type { Channel, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { openCredentials, sealCredentials } from "~/lib/secrets.server";
import type { Connector, ConnectorConfig, MarketplaceKind } from "./connector";
import { createAmazonConnector } from "./amazon";
import { createEbayConnector } from "./ebay";
import { createTikTokConnector } from "./tiktok";
import { createWalmartConnector } from "./walmart";

// The one place that knows which module serves which marketplace. Everything else asks for "the
// connector of this channel".

/** What a connector may ask of the app: today, keeping credentials a marketplace rotated. */
export interface ConnectorHooks {
  /** Merges rotated credentials (a refreshed token) into the channel's sealed credentials. */
  saveCredentials(changed: Record<string, string>): Promise<void>;
}

export type ConnectorFactory = (config: ConnectorConfig, hooks: ConnectorHooks) => Connector;

const FACTORIES: Partial<Record<MarketplaceKind, ConnectorFactory>> = {
  amazon: (config) => createAmazonConnector(config),
  ebay: (config) => createEbayConnector(config),
  walmart: (config) => createWalmartConnector(config),
  // TikTok Shop rotates the refresh token on every refresh: the old one stops working, so the new
  // pair must be stored before the next connector is built.
  tiktok: (config, hooks) =>
    createTikTokConnector(config, {
      onTokens: (tokens) =>
        hooks.saveCredentials({
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          accessTokenExpiresAt: String(tokens.accessTokenExpiresAt),
        }),
    }),
};

export function marketplaceKindOf(channel: Pick<Channel, "kind">): MarketplaceKind | null {
  return channel.kind === "SHOPIFY" ? null : (channel.kind.toLowerCase() as MarketplaceKind);
}

interface ChannelSettings {
  /** Set only for the demo and tests: where the marketplace's API is (a simulator). */
  endpoints?: { api?: string; auth?: string };
}

export type ConnectableChannel = Pick<Channel, "id" | "kind" | "shopId" | "accountId" | "region" | "credentialsCiphertext" | "settings">;

// Connectors hold their access tokens (an LWA token lives an hour): one per channel account and
// process, rebuilt when the account's credentials or settings change, so a flush job does not
// start with a token exchange.
const connectors = new Map<string, { fingerprint: string; connector: Connector }>();

function fingerprintOf(channel: ConnectableChannel, credentialsCiphertext: string): string {
  return `${credentialsCiphertext}|${channel.region ?? ""}|${JSON.stringify(channel.settings ?? {})}`;
}

export function connectorForChannel(channel: ConnectableChannel, prisma: PrismaClient = defaultPrisma): Connector {
  const kind = marketplaceKindOf(channel);
  const factory = kind ? FACTORIES[kind] : undefined;
  if (!kind || !factory) throw new Error(`No connector for channel kind ${channel.kind}`);
  if (!channel.credentialsCiphertext) throw new Error("The channel has no credentials yet");
  const fingerprint = fingerprintOf(channel, channel.credentialsCiphertext);
  const cached = connectors.get(channel.id);
  if (cached?.fingerprint === fingerprint) return cached.connector;

  const settings = (channel.settings ?? {}) as ChannelSettings;
  const hooks: ConnectorHooks = {
    async saveCredentials(changed) {
      // Read-merge-write in one transaction so two workers rotating at once keep a whole set.
      const sealed = await prisma.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<{ credentialsCiphertext: string | null }[]>`
          SELECT "credentialsCiphertext" FROM "Channel" WHERE id = ${channel.id} AND "shopId" = ${channel.shopId} FOR UPDATE`;
        if (!row?.credentialsCiphertext) return null;
        const merged = { ...openCredentials(row.credentialsCiphertext, channel.shopId), ...changed };
        const ciphertext = sealCredentials(merged, channel.shopId);
        await tx.channel.update({ where: { id: channel.id }, data: { credentialsCiphertext: ciphertext } });
        return ciphertext;
      });
      // The live connector already holds the rotated tokens: keep it for the stored version.
      const live = connectors.get(channel.id);
      if (sealed && live) live.fingerprint = fingerprintOf(channel, sealed);
    },
  };
  const connector = factory(
    {
      accountId: channel.accountId,
      region: channel.region,
      credentials: openCredentials(channel.credentialsCiphertext, channel.shopId),
      endpoints: settings.endpoints,
    },
    hooks,
  );
  connectors.set(channel.id, { fingerprint, connector });
  return connector;
}
