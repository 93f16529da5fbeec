-- Inventory reports that came before their item or location (Shopify does not order deliveries),
-- kept until it is mirrored instead of failing for good (app/anchor/parked.server.ts).
CREATE TABLE "ParkedInventoryUpdate" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "itemShopifyId" TEXT NOT NULL,
    "locationShopifyId" TEXT,
    "available" INTEGER,
    "shopifyUpdatedAt" TIMESTAMP(3),
    "triggeredAt" TIMESTAMP(6),
    "parkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ParkedInventoryUpdate_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "ParkedInventoryUpdate_webhookId_key" ON "ParkedInventoryUpdate"("webhookId");
CREATE INDEX "ParkedInventoryUpdate_shopId_itemShopifyId_idx" ON "ParkedInventoryUpdate"("shopId", "itemShopifyId");

ALTER TABLE "ParkedInventoryUpdate" ADD CONSTRAINT "ParkedInventoryUpdate_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
