import type { PrismaClient } from "@prisma/client";
import { defaultParityMatrix } from "~/engine/parity";
import { engineKindOf, watchesOtherPricesOf } from "./registry";

// The merchant's own Shopify store as a channel of the shop (domain.md "Channel"): the anchor. It
// is never pushed to (it has no listings and no credentials; sync/flush.server.ts pushes only to a
// marketplace), but it is a channel of the parity matrix, so Amazon and Walmart watch its price,
// which is the Shopify variant price. Every shop has exactly one: made at install and at the
// connect of a marketplace account (for a shop installed before it existed, by the migration
// 20261209110000_store_channel_parity), by its unique (shop, kind, account) key.

/** Its name on every screen. */
export const STORE_CHANNEL_NAME = "Shopify store";
/**
 * After every marketplace: the low-stock order (engine/throttle.ts) ranks marketplaces among
 * themselves, and the store, which is Shopify's own stock, must neither raise their thresholds nor
 * take the first place a discontinued variant's last units go to.
 */
export const STORE_CHANNEL_PRIORITY = 1000;

/** The shop's store channel, made if missing (idempotent: the unique key makes a second call a read). */
export async function ensureStoreChannel(prisma: PrismaClient, shopId: string): Promise<{ id: string; created: boolean }> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
  const existing = await prisma.channel.findFirst({ where: { shopId, kind: "SHOPIFY" }, select: { id: true } });
  if (existing) return { id: existing.id, created: false };
  const made = await prisma.channel.upsert({
    where: { shopId_kind_accountId: { shopId, kind: "SHOPIFY", accountId: shop.domain } },
    create: { shopId, kind: "SHOPIFY", accountId: shop.domain, name: STORE_CHANNEL_NAME, priority: STORE_CHANNEL_PRIORITY, status: "CONNECTED" },
    update: {},
    select: { id: true },
  });
  await applyDefaultParityMatrix(prisma, shopId, made.id);
  return { id: made.id, created: true };
}

/**
 * The playbook's matrix (engine/parity.ts defaultParityMatrix) on the edges that touch a channel
 * the shop just got: a watcher watches it, or it watches the others. Only pairs the merchant has no
 * edge on are added (skipDuplicates on the unique pair), so an edge they set stays as they set it,
 * and a pair they removed between two other channels is not brought back. Returns how many were added.
 */
export async function applyDefaultParityMatrix(prisma: PrismaClient, shopId: string, newChannelId: string): Promise<number> {
  const channels = await prisma.channel.findMany({ where: { shopId, status: { not: "DISCONNECTED" } }, select: { id: true, kind: true } });
  const matrix = defaultParityMatrix(channels.map((c) => ({ id: c.id, watchesOtherPrices: watchesOtherPricesOf(engineKindOf(c.kind)) })));
  const touching = matrix.filter((e) => e.watcherId === newChannelId || e.watchedId === newChannelId);
  if (touching.length === 0) return 0;
  const { count } = await prisma.parityEdge.createMany({ data: touching.map((edge) => ({ shopId, ...edge })), skipDuplicates: true });
  return count;
}
