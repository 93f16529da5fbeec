import type { Channel, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { openCredentials, sealCredentials } from "~/lib/secrets.server";
import type { Connector } from "./connector";
import type { ChannelSettings, ConnectorHooks } from "./module";
import { appCredentialsOf } from "~/lib/app-credentials";
import { moduleOfKind } from "./registry";

// The connector of a channel account: built by its marketplace's module (registry.ts), kept per
// account and process, and given a way to store credentials the marketplace rotated.

export type ConnectableChannel = Pick<Channel, "id" | "kind" | "shopId" | "accountId" | "region" | "credentialsCiphertext" | "settings">;

// Connectors hold their access tokens (an LWA token lives an hour): one per channel account and
// process, rebuilt when the account's credentials or settings change, so a flush job does not
// start with a token exchange.
const connectors = new Map<string, { fingerprint: string; connector: Connector }>();

function fingerprintOf(channel: ConnectableChannel, credentialsCiphertext: string): string {
  return `${credentialsCiphertext}|${channel.region ?? ""}|${JSON.stringify(channel.settings ?? {})}`;
}

export function connectorForChannel(channel: ConnectableChannel, prisma: PrismaClient = defaultPrisma): Connector {
  const channelModule = moduleOfKind(channel.kind);
  const factory = channelModule?.createConnector;
  if (!factory) throw new Error(`No connector for channel kind ${channel.kind}`);
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
      // The app's own credentials (its LWA client, eBay keyset, TikTok app key) from the deployment's
      // settings, under the account's: an account connected with a private app of its own keeps it.
      credentials: { ...appCredentialsOf(channelModule!.kind), ...openCredentials(channel.credentialsCiphertext, channel.shopId) },
      endpoints: settings.endpoints,
    },
    hooks,
    settings,
  );
  connectors.set(channel.id, { fingerprint, connector });
  return connector;
}
