-- The sales tax the buyer paid on a marketplace order line (all its units), and whether the
-- marketplace collects and remits it (a US marketplace facilitator), null where the marketplace
-- said nothing. The Shopify order made from the line carries it as a tax line, channelLiable when
-- the marketplace remits it (app/anchor/shopify-orders.server.ts).

-- AlterTable
ALTER TABLE "ChannelOrderLine" ADD COLUMN     "taxCents" INTEGER,
ADD COLUMN     "taxCollectedByMarketplace" BOOLEAN;
