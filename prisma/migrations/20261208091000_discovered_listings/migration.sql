-- Listing discovery: what a read of a marketplace account found, and what was made of it.
CREATE TYPE "DiscoveryOutcome" AS ENUM ('LINKED', 'UNMATCHED', 'CONFLICT');

CREATE TYPE "LinkMethod" AS ENUM ('SKU', 'BARCODE', 'MANUAL', 'EARLIER');

-- When the account's listings were last asked for and read, and why the last read failed.
ALTER TABLE "Channel" ADD COLUMN "listingsRequestedAt" TIMESTAMP(3),
ADD COLUMN "listingsReadAt" TIMESTAMP(3),
ADD COLUMN "listingsReadProblem" TEXT;

CREATE TABLE "DiscoveredListing" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "channelSku" TEXT NOT NULL,
    "sellerSku" TEXT,
    "externalId" TEXT,
    "gtin" TEXT,
    "title" TEXT,
    "quantity" INTEGER,
    "priceCents" INTEGER,
    "currencyCode" TEXT,
    "status" TEXT,
    "outcome" "DiscoveryOutcome" NOT NULL,
    "linkedBy" "LinkMethod",
    "variantId" TEXT,
    "candidateVariantIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "conflict" TEXT,
    "seenAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DiscoveredListing_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "DiscoveredListing_shopId_idx" ON "DiscoveredListing"("shopId");

CREATE INDEX "DiscoveredListing_channelId_outcome_idx" ON "DiscoveredListing"("channelId", "outcome");

CREATE UNIQUE INDEX "DiscoveredListing_channelId_channelSku_key" ON "DiscoveredListing"("channelId", "channelSku");

ALTER TABLE "DiscoveredListing" ADD CONSTRAINT "DiscoveredListing_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "DiscoveredListing" ADD CONSTRAINT "DiscoveredListing_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "DiscoveredListing" ADD CONSTRAINT "DiscoveredListing_variantId_fkey" FOREIGN KEY ("variantId") REFERENCES "Variant"("id") ON DELETE SET NULL ON UPDATE CASCADE;
