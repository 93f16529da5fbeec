-- CreateEnum
CREATE TYPE "ReturnsRestock" AS ENUM ('ON_RETURN_RECEIVED', 'ON_REFUND', 'NEVER');

-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "returnsRestock" "ReturnsRestock" NOT NULL DEFAULT 'ON_RETURN_RECEIVED';

-- AlterTable
ALTER TABLE "ChannelOrderLine" ADD COLUMN     "refundedQuantity" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "returnedQuantity" INTEGER NOT NULL DEFAULT 0;
