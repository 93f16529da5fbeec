-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "fulfilledByMarketplace" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "marketplaceQuantity" INTEGER,
ADD COLUMN     "marketplaceQuantityAt" TIMESTAMP(3);
