-- CreateEnum
CREATE TYPE "AdjustmentState" AS ENUM ('PENDING', 'APPLIED', 'FAILED');

-- CreateTable
CREATE TABLE "InventoryAdjustment" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "expectedQuantity" INTEGER,
    "idempotencyKey" TEXT,
    "state" "AdjustmentState" NOT NULL DEFAULT 'PENDING',
    "quantityAfter" INTEGER,
    "message" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" TIMESTAMP(3),

    CONSTRAINT "InventoryAdjustment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InventoryAdjustment_shopId_sourceKey_key" ON "InventoryAdjustment"("shopId", "sourceKey");

-- AddForeignKey
ALTER TABLE "InventoryAdjustment" ADD CONSTRAINT "InventoryAdjustment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
