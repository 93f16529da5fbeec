-- Drift read-back (issue 21): the channel's repair setting and read cycle, and per listing the status and reason the marketplace shows
ALTER TABLE "Channel" ADD COLUMN "repairQuantityDrift" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN "driftReadAt" TIMESTAMP(3),
ADD COLUMN "driftReadCursor" TEXT,
ADD COLUMN "driftReadProblem" TEXT;

ALTER TABLE "Listing" ADD COLUMN "observedStatus" TEXT,
ADD COLUMN "observedSuspension" TEXT;
