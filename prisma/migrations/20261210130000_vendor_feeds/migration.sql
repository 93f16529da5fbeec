-- Vendors and their feeds (issue 24, decision 0026). A vendor is a location of its own, made in
-- Anchorline (its Location row's shopifyId is 'vendor:' and the vendor id, never a Shopify id),
-- whose levels are written by its feeds' imports and counted at the location's vendor share.

ALTER TYPE "AlertKind" ADD VALUE 'VENDOR_FEED';

CREATE TYPE "VendorFeedSource" AS ENUM ('UPLOAD', 'HTTPS', 'SFTP');
CREATE TYPE "VendorFeedSchedule" AS ENUM ('HOURLY', 'DAILY');
CREATE TYPE "VendorFeedRunStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

CREATE TABLE "Vendor" (
  "id" TEXT NOT NULL,
  "shopId" TEXT NOT NULL,
  "locationId" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "email" TEXT,
  "paused" BOOLEAN NOT NULL DEFAULT false,
  "staleAfterHours" INTEGER NOT NULL DEFAULT 48,
  "staleSince" TIMESTAMP(3),
  "lastImportedAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "Vendor_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Vendor_locationId_key" ON "Vendor"("locationId");
CREATE UNIQUE INDEX "Vendor_shopId_name_key" ON "Vendor"("shopId", "name");
ALTER TABLE "Vendor" ADD CONSTRAINT "Vendor_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Vendor" ADD CONSTRAINT "Vendor_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "VendorFeed" (
  "id" TEXT NOT NULL,
  "shopId" TEXT NOT NULL,
  "vendorId" TEXT NOT NULL,
  "source" "VendorFeedSource" NOT NULL,
  "url" TEXT,
  "sftpHost" TEXT,
  "sftpPort" INTEGER,
  "sftpUsername" TEXT,
  "sftpPath" TEXT,
  "credentialsCiphertext" TEXT,
  "delimiter" TEXT NOT NULL DEFAULT ',',
  "mapping" JSONB NOT NULL,
  "schedule" "VendorFeedSchedule" NOT NULL DEFAULT 'DAILY',
  "dailyAt" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "VendorFeed_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "VendorFeed_shopId_idx" ON "VendorFeed"("shopId");
CREATE INDEX "VendorFeed_vendorId_idx" ON "VendorFeed"("vendorId");
ALTER TABLE "VendorFeed" ADD CONSTRAINT "VendorFeed_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "VendorFeed" ADD CONSTRAINT "VendorFeed_vendorId_fkey" FOREIGN KEY ("vendorId") REFERENCES "Vendor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "VendorFeedRun" (
  "id" TEXT NOT NULL,
  "shopId" TEXT NOT NULL,
  "feedId" TEXT NOT NULL,
  "slot" TEXT,
  "status" "VendorFeedRunStatus" NOT NULL DEFAULT 'RUNNING',
  "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "finishedAt" TIMESTAMP(3),
  "rowsRead" INTEGER NOT NULL DEFAULT 0,
  "matched" INTEGER NOT NULL DEFAULT 0,
  "unknownSkus" INTEGER NOT NULL DEFAULT 0,
  "rejected" INTEGER NOT NULL DEFAULT 0,
  "rejectedRows" JSONB NOT NULL DEFAULT '[]',
  "error" TEXT,
  CONSTRAINT "VendorFeedRun_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "VendorFeedRun_feedId_slot_key" ON "VendorFeedRun"("feedId", "slot");
CREATE INDEX "VendorFeedRun_shopId_feedId_startedAt_idx" ON "VendorFeedRun"("shopId", "feedId", "startedAt");
ALTER TABLE "VendorFeedRun" ADD CONSTRAINT "VendorFeedRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "VendorFeedRun" ADD CONSTRAINT "VendorFeedRun_feedId_fkey" FOREIGN KEY ("feedId") REFERENCES "VendorFeed"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "VendorItem" (
  "shopId" TEXT NOT NULL,
  "vendorId" TEXT NOT NULL,
  "inventoryItemId" TEXT NOT NULL,
  "vendorSku" TEXT,
  "costCents" INTEGER,
  "leadTimeDays" INTEGER,
  "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "VendorItem_pkey" PRIMARY KEY ("vendorId", "inventoryItemId")
);
CREATE INDEX "VendorItem_shopId_idx" ON "VendorItem"("shopId");
CREATE INDEX "VendorItem_vendorId_vendorSku_idx" ON "VendorItem"("vendorId", "vendorSku");
ALTER TABLE "VendorItem" ADD CONSTRAINT "VendorItem_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "VendorItem" ADD CONSTRAINT "VendorItem_vendorId_fkey" FOREIGN KEY ("vendorId") REFERENCES "Vendor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "VendorItem" ADD CONSTRAINT "VendorItem_inventoryItemId_fkey" FOREIGN KEY ("inventoryItemId") REFERENCES "InventoryItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;
