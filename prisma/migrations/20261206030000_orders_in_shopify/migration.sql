-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "ordersInShopify" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ChannelOrder" ADD COLUMN     "carrier" TEXT,
ADD COLUMN     "marketplaceMessage" TEXT,
ADD COLUMN     "shippedBackAt" TIMESTAMP(3),
ADD COLUMN     "shopifyOrderRequestedAt" TIMESTAMP(3),
ADD COLUMN     "trackingNumber" TEXT;

-- CreateIndex
CREATE INDEX "ChannelOrder_shopId_shopifyOrderId_idx" ON "ChannelOrder"("shopId", "shopifyOrderId");
