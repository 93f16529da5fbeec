-- A listing's margin at its desired price, written by the recompute (app/recompute/margins.ts).
CREATE TABLE "ListingMargin" (
    "listingId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "priceCents" INTEGER NOT NULL,
    "feeCents" INTEGER NOT NULL,
    "shippingCents" INTEGER NOT NULL,
    "costCents" INTEGER,
    "marginCents" INTEGER,
    "marginBps" INTEGER,
    "floorCents" INTEGER,
    "unprofitable" BOOLEAN NOT NULL,
    "cause" TEXT,
    "alerted" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ListingMargin_pkey" PRIMARY KEY ("listingId")
);

CREATE INDEX "ListingMargin_shopId_channelId_unprofitable_idx" ON "ListingMargin"("shopId", "channelId", "unprofitable");

-- The alert step reads only rows whose alert is due (raised or resolved), so a shop of many
-- listings costs it nothing when nothing turned.
CREATE INDEX "ListingMargin_alert_due_idx" ON "ListingMargin"("shopId") WHERE "unprofitable" <> "alerted";

ALTER TABLE "ListingMargin" ADD CONSTRAINT "ListingMargin_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An alert when a change makes a listing unprofitable (app/alerts/unprofitable.server.ts).
ALTER TYPE "AlertKind" ADD VALUE 'UNPROFITABLE';

-- Every listing computed once more, so the Margins screen holds every listing rather than only
-- those a change has touched since: the workers' due work queues a recompute for each shop with
-- stale listings when they start. Unchanged desired states are not pushed again.
UPDATE "Listing" SET "staleSince" = now() AT TIME ZONE 'UTC' WHERE "staleSince" IS NULL;
