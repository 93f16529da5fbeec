-- A newly connected account waits for the merchant's go-live, and accounts connected before were live.
ALTER TABLE "Channel" ADD COLUMN "liveAt" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP;

-- The price a marketplace showed for a listing when last read (discovery, drift checks).
ALTER TABLE "Listing" ADD COLUMN "observedPriceCents" INTEGER;

-- A merchant's visit to a marketplace's consent page, named by the signed state.
CREATE TABLE "ConsentAttempt" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "kind" "ChannelKind" NOT NULL,
    "name" TEXT NOT NULL,
    "region" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "ConsentAttempt_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ConsentAttempt_shopId_idx" ON "ConsentAttempt"("shopId");
ALTER TABLE "ConsentAttempt" ADD CONSTRAINT "ConsentAttempt_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
