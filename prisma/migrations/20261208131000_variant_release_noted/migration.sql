-- When the pipeline was told a variant's release date had passed (null while the release waits).
ALTER TABLE "Variant" ADD COLUMN "releaseNotedAt" TIMESTAMP(3);

-- The sweep of releases due.
CREATE INDEX "Variant_releaseAt_idx" ON "Variant"("releaseAt");
