-- Two reports of one inventory level within the same second: Shopify's updated_at has whole
-- seconds, X-Shopify-Triggered-At has nanoseconds (PostgreSQL keeps microseconds). The delivery's
-- is kept to the microsecond, and the level keeps the one of the delivery it was written from, so
-- a later report wins and an earlier one never overwrites it (app/anchor/mirror.server.ts).
ALTER TABLE "WebhookDelivery" ALTER COLUMN "triggeredAt" TYPE TIMESTAMP(6);
ALTER TABLE "InventoryLevel" ADD COLUMN "triggeredAt" TIMESTAMP(6);

-- The frequent check re-reads from Shopify the levels the mirror wrote recently: it finds them
-- by shop and updatedAt. The index on the shop alone is dropped: this one serves its lookups.
DROP INDEX "InventoryLevel_shopId_idx";
CREATE INDEX "InventoryLevel_shopId_updatedAt_idx" ON "InventoryLevel"("shopId", "updatedAt");
