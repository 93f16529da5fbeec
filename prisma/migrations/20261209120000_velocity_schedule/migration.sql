-- The velocity schedule: one row per shop and local day it ran (app/sync/velocity-schedule.server.ts).
-- CreateTable
CREATE TABLE "VelocityRun" (
    "shopId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "variants" INTEGER NOT NULL DEFAULT 0,
    "listings" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "VelocityRun_pkey" PRIMARY KEY ("shopId","day")
);

-- AddForeignKey
ALTER TABLE "VelocityRun" ADD CONSTRAINT "VelocityRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The variants a shop sold lately, read once a day per shop.
-- CreateIndex
CREATE INDEX "Sale_shopId_soldAt_idx" ON "Sale"("shopId", "soldAt");
