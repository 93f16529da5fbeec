// The stock a marketplace keeps and ships itself (Amazon FBA, Walmart WFS, Fulfilled by TikTok), read from it and stored on the
// listings it fulfils (Listing.marketplaceQuantity, marketplaceQuantityAt) so the merchant sees it
// beside Shopify's pool. Only read, never pushed, and it moves no other listing: those units were
// never Shopify's, so nothing is marked for recompute. Read on the order-import schedule, at most
// every MARKETPLACE_STOCK_EVERY_MS per account.
import type { PrismaClient } from "@prisma/client";
import type { Connector } from "~/channels/connector";
import { connectorForChannel } from "~/channels/registry.server";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";

/** The playbook's "2x daily FBA reconciliation" (shared/seeds/001): every 12 hours. */
export const MARKETPLACE_STOCK_EVERY_MS = 12 * 3600 * 1000;

export interface MarketplaceStockDeps {
  prisma?: PrismaClient;
  connectorFor?: (channel: Parameters<typeof connectorForChannel>[0]) => Connector;
  now?: () => Date;
  /** Read now even if the last read is recent (the merchant asked, or a test). */
  force?: boolean;
}

export interface MarketplaceStockResult {
  /** Whether the marketplace was asked (it has such stock, and a read was due). */
  read: boolean;
  /** Listings whose stored marketplace quantity was written. */
  listings: number;
}

/**
 * Reads the account's marketplace-fulfilled stock if a read is due: some listing it fulfils was
 * never read, or not for MARKETPLACE_STOCK_EVERY_MS. A listing the marketplace does not report
 * has none of its units there (0).
 */
export async function readMarketplaceStock(channelId: string, deps: MarketplaceStockDeps = {}): Promise<MarketplaceStockResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = (deps.now ?? (() => new Date()))();
  const none = { read: false, listings: 0 };
  const channel = await prisma.channel.findUnique({ where: { id: channelId }, include: { shop: { select: { uninstalledAt: true } } } });
  if (!channel || channel.shop.uninstalledAt || channel.status !== "CONNECTED") return none;
  const due = await prisma.listing.count({
    where: {
      channelId,
      fulfilledByMarketplace: true,
      ...(deps.force ? {} : { OR: [{ marketplaceQuantityAt: null }, { marketplaceQuantityAt: { lt: new Date(now.getTime() - MARKETPLACE_STOCK_EVERY_MS) } }] }),
    },
  });
  if (due === 0) return none;
  const connector = (deps.connectorFor ?? connectorForChannel)(channel);
  if (!connector.fetchMarketplaceStock) return none;
  const stock = new Map((await connector.fetchMarketplaceStock()).map((s) => [s.channelSku, s.quantity]));
  const listings = await prisma.listing.findMany({ where: { channelId, fulfilledByMarketplace: true }, select: { id: true, channelSku: true } });
  await prisma.$transaction(
    listings.map((l) =>
      prisma.listing.update({ where: { id: l.id }, data: { marketplaceQuantity: Math.max(0, stock.get(l.channelSku) ?? 0), marketplaceQuantityAt: now } }),
    ),
  );
  logger.info({ channelId, listings: listings.length, reported: stock.size }, "marketplace-fulfilled stock read");
  return { read: true, listings: listings.length };
}
