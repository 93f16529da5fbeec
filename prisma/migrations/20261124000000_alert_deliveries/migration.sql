-- AlterTable
ALTER TABLE "AlertRoute" ADD COLUMN     "lastDigestAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "alertId" TEXT NOT NULL,
    "routeId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "digest" BOOLEAN NOT NULL DEFAULT false,
    "deliveredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("alertId","routeId")
);

-- CreateIndex
CREATE INDEX "AlertDelivery_shopId_idx" ON "AlertDelivery"("shopId");

-- CreateIndex
CREATE INDEX "AlertDelivery_routeId_idx" ON "AlertDelivery"("routeId");

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_routeId_fkey" FOREIGN KEY ("routeId") REFERENCES "AlertRoute"("id") ON DELETE CASCADE ON UPDATE CASCADE;
