import type { PrismaClient, SyncState } from "@prisma/client";
import defaultPrisma from "~/db.server";

export type ListingCounts = Record<SyncState, number>;

/** Per channel, how many listings are in sync, pending, held or failed; and the last import. */
export async function shopOverview(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return { channels: [], lastImport: null };
  const [channels, counts, lastImport] = await Promise.all([
    prisma.channel.findMany({ where: { shopId: shop.id }, orderBy: { priority: "asc" }, select: { id: true, name: true, kind: true, status: true } }),
    prisma.listing.groupBy({ by: ["channelId", "syncState"], where: { shopId: shop.id }, _count: { _all: true } }),
    prisma.importRun.findFirst({ where: { shopId: shop.id }, orderBy: { startedAt: "desc" }, select: { state: true, total: true, done: true } }),
  ]);
  return {
    channels: channels.map((channel) => {
      const listings: ListingCounts = { IN_SYNC: 0, PENDING: 0, HELD: 0, FAILED: 0 };
      for (const row of counts) if (row.channelId === channel.id) listings[row.syncState] = row._count._all;
      return { ...channel, listings };
    }),
    lastImport,
  };
}
