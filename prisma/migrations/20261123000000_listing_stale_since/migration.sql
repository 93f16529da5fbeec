-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "staleSince" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Listing_shopId_staleSince_idx" ON "Listing"("shopId", "staleSince");
