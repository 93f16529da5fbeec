-- AlterEnum
ALTER TYPE "AlertKind" ADD VALUE 'WRITEBACK_FAILED';

-- AlterTable
ALTER TABLE "ChannelOrder" ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "fulfilledByMarketplace" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "marketplaceUpdatedAt" TIMESTAMP(3),
ADD COLUMN     "writebackAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "writebackMessage" TEXT;

-- AlterTable
ALTER TABLE "ChannelOrderLine" ADD COLUMN     "cancelledQuantity" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "takenQuantity" INTEGER NOT NULL DEFAULT 0;

-- What earlier write-backs took, from the adjustments they applied (one per line, keyed by it).
UPDATE "ChannelOrderLine" AS l SET "takenQuantity" = -a.delta
FROM "InventoryAdjustment" AS a
WHERE a."shopId" = l."shopId" AND a."sourceKey" = 'channel-order-line:' || l.id AND a.state = 'APPLIED' AND a.delta < 0;
