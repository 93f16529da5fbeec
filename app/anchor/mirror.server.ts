import type { PrismaClient } from "@prisma/client";
import { sqlFor } from "~/lib/sql.server";

// Writing Shopify's state into the mirror, in batches. The same functions serve the initial
// import, the reconciliation and the webhooks, so there is one definition of "the mirror holds
// this". Batches go through jsonb_to_recordset: one statement per batch whatever its size, sent
// with plain SQL (app/lib/sql.server.ts) because this is the import's hot path.

export interface LocationRecord {
  shopifyId: string;
  name: string;
  isActive: boolean;
}

export interface ProductRecord {
  shopifyId: string;
  title: string;
  handle?: string | null;
  vendor?: string | null;
  productType?: string | null;
  tags: string[];
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  descriptionHtml?: string | null;
  shopifyUpdatedAt?: string | null;
}

export interface VariantRecord {
  shopifyId: string;
  productShopifyId: string;
  title: string;
  sku?: string | null;
  barcode?: string | null;
  option1?: string | null;
  option2?: string | null;
  option3?: string | null;
  priceCents: number;
  compareAtPriceCents?: number | null;
}

export interface InventoryItemRecord {
  shopifyId: string;
  variantShopifyId: string;
  sku?: string | null;
  tracked: boolean;
  costCents?: number | null;
  requiresShipping?: boolean;
}

export interface InventoryLevelRecord {
  itemShopifyId: string;
  locationShopifyId: string;
  available: number;
  onHand?: number | null;
  committed?: number | null;
  /** Shopify's updated_at: an older report never overwrites a newer one. */
  shopifyUpdatedAt?: string | null;
}

export interface LevelChange {
  variantId: string;
  locationId: string;
  before: number | null;
  after: number;
}

const json = (rows: unknown[]) => JSON.stringify(rows);

// The id of a row these batches insert: time-ordered text (microseconds since the epoch in hex,
// then 32 random bits for rows written in the same microsecond), so each primary key, and each index that
// leads with an id of the mirror (InventoryLevel's item and location, InventoryItem's variant),
// grows at its right edge instead of touching a random page per row. Measured here: 1,000,000 rows
// into a table with InventoryLevel's indexes took 25 s with random UUIDs, 10 s with such ids
// (shared_buffers 128 MB; the random pages no longer fit past a few hundred thousand rows).
const NEW_ROW_ID = `lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 14, '0') || lpad(to_hex((random() * 4294967295)::bigint), 8, '0')`;

export async function upsertLocations(prisma: PrismaClient, shopId: string, locations: LocationRecord[]): Promise<void> {
  // Few per shop: plain upserts. A new location is saleable when active, as Shopify sells from it;
  // the merchant's own settings (saleable, drop-ship share) are never overwritten by Shopify's.
  for (const location of locations) {
    await prisma.location.upsert({
      where: { shopId_shopifyId: { shopId, shopifyId: location.shopifyId } },
      create: { shopId, shopifyId: location.shopifyId, name: location.name, isActive: location.isActive, saleable: location.isActive },
      update: { name: location.name, isActive: location.isActive },
    });
  }
}

export async function upsertProducts(shopId: string, products: ProductRecord[]): Promise<void> {
  if (products.length === 0) return;
  await sqlFor().rows(
    `INSERT INTO "Product" (id, "shopId", "shopifyId", title, handle, vendor, "productType", tags, status, "descriptionHtml", "shopifyUpdatedAt", "createdAt", "updatedAt")
    SELECT ${NEW_ROW_ID}, $1, r."shopifyId", r.title, r.handle, r.vendor, r."productType", COALESCE(r.tags, '{}'),
           r.status::"ProductStatus", r."descriptionHtml", r."shopifyUpdatedAt", now(), now()
    FROM jsonb_to_recordset($2::jsonb) AS r("shopifyId" text, title text, handle text, vendor text, "productType" text,
         tags text[], status text, "descriptionHtml" text, "shopifyUpdatedAt" timestamptz)
    ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
      title = EXCLUDED.title, handle = EXCLUDED.handle, vendor = EXCLUDED.vendor, "productType" = EXCLUDED."productType",
      tags = EXCLUDED.tags, status = EXCLUDED.status, "descriptionHtml" = EXCLUDED."descriptionHtml",
      "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "updatedAt" = now()`,
    [shopId, json(products)],
  );
}

// Variants, items and levels go one statement per batch, fed as one array per column (unnest): no
// JSON text to build and parse, and PostgreSQL knows the batch's size when planning. The batch's
// parents are looked up by `= ANY(array)` (index lookups for the few hundred or thousand it names),
// and what the mirror held before is read in the same statement, so the upsert is never joined back
// to its input (that join made PostgreSQL nest loops over both: minutes for a batch of thousands).

/** One array per field of `rows`, in the order of `fields`: the parameters of an unnest() batch. */
function columns<T, K extends keyof T>(rows: T[], fields: K[]): unknown[][] {
  const out = fields.map(() => new Array<unknown>(rows.length));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let f = 0; f < fields.length; f++) out[f][i] = row[fields[f]] ?? null;
  }
  return out;
}

/**
 * Returns the ids of variants whose price changed (their listings need new prices) and the
 * Shopify ids whose product is not mirrored yet (the caller retries them later).
 */
export async function upsertVariants(
  shopId: string,
  variants: VariantRecord[],
): Promise<{ repriced: string[]; unresolved: string[] }> {
  if (variants.length === 0) return { repriced: [], unresolved: [] };
  const rows = await sqlFor().rows<{ shopifyId: string; productId: string | null; variantId: string | null }>(
    `WITH
     products AS (SELECT id, "shopifyId" FROM "Product" WHERE "shopId" = $1 AND "shopifyId" = ANY($3::text[])),
     existing AS (SELECT id, "shopifyId", "priceCents" FROM "Variant" WHERE "shopId" = $1 AND "shopifyId" = ANY($2::text[])),
     input AS (
       SELECT x.*, p.id AS "productId", v.id AS "variantId", v."priceCents" AS "beforePriceCents"
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[])
            AS x("shopifyId", "productShopifyId", title, sku, barcode, option1, option2, option3, "priceCents", "compareAtPriceCents")
       LEFT JOIN products p ON p."shopifyId" = x."productShopifyId"
       LEFT JOIN existing v ON v."shopifyId" = x."shopifyId"
     ), written AS (
       INSERT INTO "Variant" (id, "shopId", "productId", "shopifyId", title, sku, barcode, option1, option2, option3, "priceCents", "compareAtPriceCents", "createdAt", "updatedAt")
       SELECT ${NEW_ROW_ID}, $1, "productId", "shopifyId", title, sku, barcode, option1, option2, option3, "priceCents", "compareAtPriceCents", now(), now()
       FROM input WHERE "productId" IS NOT NULL
       ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
         "productId" = EXCLUDED."productId", title = EXCLUDED.title, sku = EXCLUDED.sku, barcode = EXCLUDED.barcode,
         option1 = EXCLUDED.option1, option2 = EXCLUDED.option2, option3 = EXCLUDED.option3,
         "priceCents" = EXCLUDED."priceCents", "compareAtPriceCents" = EXCLUDED."compareAtPriceCents", "updatedAt" = now()
     )
     -- Unresolved rows, and mirrored variants whose price moved.
     SELECT "shopifyId", "productId", "variantId" FROM input
     WHERE "productId" IS NULL OR ("variantId" IS NOT NULL AND "beforePriceCents" IS DISTINCT FROM "priceCents")`,
    [
      shopId,
      ...columns(variants, ["shopifyId", "productShopifyId", "title", "sku", "barcode", "option1", "option2", "option3", "priceCents", "compareAtPriceCents"]),
    ],
  );
  const repriced: string[] = [];
  const unresolved: string[] = [];
  for (const row of rows) {
    if (row.productId === null) unresolved.push(row.shopifyId);
    else repriced.push(row.variantId!);
  }
  return { repriced, unresolved };
}

export async function upsertInventoryItems(
  shopId: string,
  items: InventoryItemRecord[],
): Promise<{ changedVariantIds: string[]; unresolved: string[] }> {
  if (items.length === 0) return { changedVariantIds: [], unresolved: [] };
  const rows = await sqlFor().rows<{ shopifyId: string; variantId: string | null }>(
    `WITH
     variants AS (SELECT id, "shopifyId" FROM "Variant" WHERE "shopId" = $1 AND "shopifyId" = ANY($3::text[])),
     existing AS (SELECT "shopifyId", tracked FROM "InventoryItem" WHERE "shopId" = $1 AND "shopifyId" = ANY($2::text[])),
     input AS (
       SELECT x.*, v.id AS "variantId", ii."shopifyId" IS NOT NULL AS "mirrored", ii.tracked AS "trackedBefore"
       FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::int[], $7::boolean[])
            AS x("shopifyId", "variantShopifyId", sku, tracked, "costCents", "requiresShipping")
       LEFT JOIN variants v ON v."shopifyId" = x."variantShopifyId"
       LEFT JOIN existing ii ON ii."shopifyId" = x."shopifyId"
     ), written AS (
       INSERT INTO "InventoryItem" (id, "shopId", "shopifyId", "variantId", sku, tracked, "costCents", "requiresShipping", "createdAt", "updatedAt")
       SELECT ${NEW_ROW_ID}, $1, "shopifyId", "variantId", sku, COALESCE(tracked, true), "costCents", COALESCE("requiresShipping", true), now(), now()
       FROM input WHERE "variantId" IS NOT NULL
       ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
         "variantId" = EXCLUDED."variantId", sku = EXCLUDED.sku, tracked = EXCLUDED.tracked, "costCents" = EXCLUDED."costCents",
         "requiresShipping" = EXCLUDED."requiresShipping", "updatedAt" = now()
     )
     -- Unresolved rows, and mirrored items whose tracking was switched on or off: that changes what
     -- the channels get (untracked items get a fixed quantity).
     SELECT "shopifyId", "variantId" FROM input
     WHERE "variantId" IS NULL OR ("mirrored" AND "trackedBefore" IS DISTINCT FROM COALESCE(tracked, true))`,
    [shopId, ...columns(items, ["shopifyId", "variantShopifyId", "sku", "tracked", "costCents", "requiresShipping"])],
  );
  const changedVariantIds: string[] = [];
  const unresolved: string[] = [];
  for (const row of rows) {
    if (row.variantId === null) unresolved.push(row.shopifyId);
    else changedVariantIds.push(row.variantId);
  }
  return { changedVariantIds, unresolved };
}

/**
 * Writes levels and returns what moved (for drift records and for marking listings stale), plus
 * the levels whose item or location is not mirrored yet. The rows that moved are found from what
 * the mirror held before and the rule the upsert applies (an older report never overwrites a newer
 * one).
 */
export async function upsertInventoryLevels(
  shopId: string,
  levels: InventoryLevelRecord[],
): Promise<{ changes: LevelChange[]; unresolved: InventoryLevelRecord[] }> {
  if (levels.length === 0) return { changes: [], unresolved: [] };
  const rows = await sqlFor().rows<{ i: number; variantId: string | null; locationId: string | null; before: number | null }>(
    `WITH
     -- The batch's items and locations by index lookups, not by hashing every item of the shop
     -- for each batch.
     items AS (SELECT id, "variantId", "shopifyId" FROM "InventoryItem" WHERE "shopId" = $1 AND "shopifyId" = ANY($8::text[])),
     locations AS (SELECT id, "shopifyId" FROM "Location" WHERE "shopId" = $1 AND "shopifyId" = ANY($9::text[])),
     input AS (
       SELECT x.*, ii.id AS "itemId", ii."variantId", l.id AS "locationId", il.available AS before, il."shopifyUpdatedAt" AS "beforeUpdatedAt",
              il.id IS NOT NULL AS existing
       FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::timestamptz[]) WITH ORDINALITY
            AS x(item, location, available, "onHand", committed, "shopifyUpdatedAt", i)
       LEFT JOIN items ii ON ii."shopifyId" = x.item
       LEFT JOIN locations l ON l."shopifyId" = x.location
       LEFT JOIN "InventoryLevel" il ON il."inventoryItemId" = ii.id AND il."locationId" = l.id
     ), written AS (
       INSERT INTO "InventoryLevel" (id, "shopId", "inventoryItemId", "locationId", available, "onHand", committed, "shopifyUpdatedAt", "updatedAt")
       SELECT ${NEW_ROW_ID}, $1, "itemId", "locationId", available, COALESCE("onHand", available), COALESCE(committed, 0), "shopifyUpdatedAt", now()
       FROM input WHERE "itemId" IS NOT NULL AND "locationId" IS NOT NULL
       ON CONFLICT ("inventoryItemId", "locationId") DO UPDATE SET
         available = EXCLUDED.available, "onHand" = EXCLUDED."onHand", committed = EXCLUDED.committed,
         "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "updatedAt" = now()
       WHERE "InventoryLevel"."shopifyUpdatedAt" IS NULL OR EXCLUDED."shopifyUpdatedAt" IS NULL
          OR EXCLUDED."shopifyUpdatedAt" >= "InventoryLevel"."shopifyUpdatedAt"
     )
     -- Unresolved rows, and rows the upsert above applies (same rule as its WHERE) whose quantity moved.
     SELECT (i - 1)::int AS i, "variantId", "locationId", before FROM input
     WHERE "itemId" IS NULL OR "locationId" IS NULL
        OR ((NOT existing OR "beforeUpdatedAt" IS NULL OR "shopifyUpdatedAt" IS NULL OR "shopifyUpdatedAt" >= "beforeUpdatedAt")
            AND before IS DISTINCT FROM available)`,
    [
      shopId,
      ...columns(levels, ["itemShopifyId", "locationShopifyId", "available", "onHand", "committed", "shopifyUpdatedAt"]),
      // Each id once: a batch names each item about once per location, and a long list of repeats
      // makes PostgreSQL scan the shop's whole item index instead of looking each one up.
      [...new Set(levels.map((l) => l.itemShopifyId))],
      [...new Set(levels.map((l) => l.locationShopifyId))],
    ],
  );
  const changes: LevelChange[] = [];
  const unresolved: InventoryLevelRecord[] = [];
  for (const row of rows) {
    if (row.variantId === null || row.locationId === null) unresolved.push(levels[row.i]);
    else changes.push({ variantId: row.variantId, locationId: row.locationId, before: row.before, after: levels[row.i].available });
  }
  return { changes, unresolved };
}
