-- A bundle Shopify defines (its variant requiresComponents): components mirrored, read-only in the app.
ALTER TABLE "Variant" ADD COLUMN "shopifyBundle" BOOLEAN NOT NULL DEFAULT false;

-- A kit needs at least one unit of each component (Shopify's INVALID_QUANTITY: greater than 0).
ALTER TABLE "BundleComponent" ADD CONSTRAINT "BundleComponent_unitsPerBundle_positive" CHECK ("unitsPerBundle" >= 1);
