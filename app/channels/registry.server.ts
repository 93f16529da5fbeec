import type { Channel, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { openCredentials, sealCredentials } from "~/lib/secrets.server";
import type { Connector, ConnectorConfig, FeedPolling, MarketplaceKind } from "./connector";
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

export type ConnectorFactory = (config: ConnectorConfig, hooks: ConnectorHooks, settings: ChannelSettings) => Connector;

const FACTORIES: Partial<Record<MarketplaceKind, ConnectorFactory>> = {
  amazon: (config, _hooks, settings) => createAmazonConnector(config, { feedPolling: feedPollingOf(settings) }),
  ebay: (config) => createEbayConnector(config),
  walmart: (config, _hooks, settings) => createWalmartConnector(config, { feedPolling: feedPollingOf(settings) }),
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

/**
 * Marketplaces whose connector reads order notifications (Connector.ordersInNotification), so the
 * Channels screen can show where to send them before any connector is built.
 */
const NOTIFYING_KINDS: ReadonlySet<MarketplaceKind> = new Set(["amazon"]);

export function readsOrderNotifications(channel: Pick<Channel, "kind">): boolean {
  const kind = marketplaceKindOf(channel);
  return kind !== null && NOTIFYING_KINDS.has(kind);
}

export function marketplaceKindOf(channel: Pick<Channel, "kind">): MarketplaceKind | null {
  return channel.kind === "SHOPIFY" ? null : (channel.kind.toLowerCase() as MarketplaceKind);
}

export interface ChannelSettings {
  /** Set only for the demo and tests: where the marketplace's API is (a simulator). */
  endpoints?: { api?: string; auth?: string };
  /**
   * Set only for the demo and tests: how often to ask a simulator whether a feed is done. A real
   * marketplace takes minutes and asks to be polled sparingly; each module keeps that default.
   */
  feedPollIntervalMs?: number;
}

function feedPollingOf(settings: ChannelSettings): Partial<FeedPolling> | undefined {
  return settings.feedPollIntervalMs ? { intervalMs: settings.feedPollIntervalMs } : undefined;
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
    settings,
  );
  connectors.set(channel.id, { fingerprint, connector });
  return connector;
}
