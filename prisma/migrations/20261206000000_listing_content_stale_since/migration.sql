-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "contentStaleSince" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Listing_shopId_contentStaleSince_idx" ON "Listing"("shopId", "contentStaleSince");
