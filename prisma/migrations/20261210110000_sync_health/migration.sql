-- Sync health (issue 21, Report): every push outcome of a listing, kept for the Overview's 30-day
-- charts and the weekly report, and the weekly report of each shop, claimed once per week
CREATE TABLE "ListingPush" (
    "id" BIGSERIAL NOT NULL,
    "shopId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "outcome" TEXT NOT NULL,
    "latencyMs" INTEGER,

    CONSTRAINT "ListingPush_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ListingPush_outcome_check" CHECK ("outcome" IN ('ACKNOWLEDGED', 'REJECTED', 'RETRY'))
);

CREATE INDEX "ListingPush_shopId_at_idx" ON "ListingPush"("shopId", "at");
CREATE INDEX "ListingPush_channelId_at_idx" ON "ListingPush"("channelId", "at");

ALTER TABLE "ListingPush" ADD CONSTRAINT "ListingPush_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ListingPush" ADD CONSTRAINT "ListingPush_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "HealthReport" (
    "shopId" TEXT NOT NULL,
    "week" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "recipients" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "HealthReport_pkey" PRIMARY KEY ("shopId", "week")
);

ALTER TABLE "HealthReport" ADD CONSTRAINT "HealthReport_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
