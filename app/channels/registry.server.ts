import type { Channel } from "@prisma/client";
import { openCredentials } from "~/lib/secrets.server";
import type { Connector, ConnectorConfig, MarketplaceKind } from "./connector";

// The one place that knows which module serves which marketplace. Everything else asks for "the
// connector of this channel".
export type ConnectorFactory = (config: ConnectorConfig) => Connector;

const FACTORIES: Partial<Record<MarketplaceKind, ConnectorFactory>> = {};

export function registerConnector(kind: MarketplaceKind, factory: ConnectorFactory): void {
  FACTORIES[kind] = factory;
}

export function marketplaceKindOf(channel: Pick<Channel, "kind">): MarketplaceKind | null {
  return channel.kind === "SHOPIFY" ? null : (channel.kind.toLowerCase() as MarketplaceKind);
}

interface ChannelSettings {
  /** Set only for the demo and tests: where the marketplace's API is (a simulator). */
  endpoints?: { api?: string; auth?: string };
}

export function connectorForChannel(channel: Pick<Channel, "kind" | "shopId" | "accountId" | "region" | "credentialsCiphertext" | "settings">): Connector {
  const kind = marketplaceKindOf(channel);
  const factory = kind ? FACTORIES[kind] : undefined;
  if (!kind || !factory) throw new Error(`No connector for channel kind ${channel.kind}`);
  if (!channel.credentialsCiphertext) throw new Error("The channel has no credentials yet");
  const settings = (channel.settings ?? {}) as ChannelSettings;
  return factory({
    accountId: channel.accountId,
    region: channel.region,
    credentials: openCredentials(channel.credentialsCiphertext, channel.shopId),
    endpoints: settings.endpoints,
  });
}
