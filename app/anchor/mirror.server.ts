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
    SELECT gen_random_uuid()::text, $1, r."shopifyId", r.title, r.handle, r.vendor, r."productType", COALESCE(r.tags, '{}'),
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

// Each batch is two statements: one resolves the batch's references (and reads what the mirror
// holds now) through index lookups, one upserts. Joining the CTE of an upsert back to its input
// makes PostgreSQL nest loops over both (it cannot estimate jsonb_to_recordset's size): tens of
// minutes for a batch of thousands, so the comparison of before and after is done here instead.

/**
 * Returns the ids of variants whose price changed (their listings need new prices) and the
 * Shopify ids whose product is not mirrored yet (the caller retries them later).
 */
export async function upsertVariants(
  shopId: string,
  variants: VariantRecord[],
): Promise<{ repriced: string[]; unresolved: string[] }> {
  if (variants.length === 0) return { repriced: [], unresolved: [] };
  const refs = await sqlFor().rows<{ shopifyId: string; productId: string | null; variantId: string | null; priceCents: number | null }>(
    `SELECT r."shopifyId", p.id AS "productId", v.id AS "variantId", v."priceCents"
     FROM jsonb_to_recordset($2::jsonb) AS r("shopifyId" text, "productShopifyId" text)
     LEFT JOIN "Product" p ON p."shopId" = $1 AND p."shopifyId" = r."productShopifyId"
     LEFT JOIN "Variant" v ON v."shopId" = $1 AND v."shopifyId" = r."shopifyId"`,
    [shopId, json(variants.map((v) => ({ shopifyId: v.shopifyId, productShopifyId: v.productShopifyId })))],
  );
  const byShopifyId = new Map(refs.map((r) => [r.shopifyId, r]));
  const resolved = variants.filter((v) => byShopifyId.get(v.shopifyId)?.productId);
  if (resolved.length) {
    const rows = resolved.map((v) => ({ ...v, productId: byShopifyId.get(v.shopifyId)!.productId }));
    await sqlFor().rows(
      `INSERT INTO "Variant" (id, "shopId", "productId", "shopifyId", title, sku, barcode, option1, option2, option3, "priceCents", "compareAtPriceCents", "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, $1, r."productId", r."shopifyId", r.title, r.sku, r.barcode, r.option1, r.option2, r.option3, r."priceCents", r."compareAtPriceCents", now(), now()
      FROM jsonb_to_recordset($2::jsonb) AS r("shopifyId" text, "productId" text, title text, sku text, barcode text,
           option1 text, option2 text, option3 text, "priceCents" int, "compareAtPriceCents" int)
      ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
        "productId" = EXCLUDED."productId", title = EXCLUDED.title, sku = EXCLUDED.sku, barcode = EXCLUDED.barcode,
        option1 = EXCLUDED.option1, option2 = EXCLUDED.option2, option3 = EXCLUDED.option3,
        "priceCents" = EXCLUDED."priceCents", "compareAtPriceCents" = EXCLUDED."compareAtPriceCents", "updatedAt" = now()`,
      [shopId, json(rows)],
    );
  }
  return {
    repriced: resolved
      .filter((v) => {
        const before = byShopifyId.get(v.shopifyId)!;
        return before.variantId !== null && before.priceCents !== v.priceCents;
      })
      .map((v) => byShopifyId.get(v.shopifyId)!.variantId!),
    unresolved: variants.filter((v) => !byShopifyId.get(v.shopifyId)?.productId).map((v) => v.shopifyId),
  };
}

export async function upsertInventoryItems(
  shopId: string,
  items: InventoryItemRecord[],
): Promise<{ changedVariantIds: string[]; unresolved: string[] }> {
  if (items.length === 0) return { changedVariantIds: [], unresolved: [] };
  const refs = await sqlFor().rows<{ shopifyId: string; variantId: string | null; existing: boolean; tracked: boolean | null }>(
    `SELECT r."shopifyId", v.id AS "variantId", ii.id IS NOT NULL AS existing, ii.tracked
     FROM jsonb_to_recordset($2::jsonb) AS r("shopifyId" text, "variantShopifyId" text)
     LEFT JOIN "Variant" v ON v."shopId" = $1 AND v."shopifyId" = r."variantShopifyId"
     LEFT JOIN "InventoryItem" ii ON ii."shopId" = $1 AND ii."shopifyId" = r."shopifyId"`,
    [shopId, json(items.map((i) => ({ shopifyId: i.shopifyId, variantShopifyId: i.variantShopifyId })))],
  );
  const byShopifyId = new Map(refs.map((r) => [r.shopifyId, r]));
  const resolved = items.filter((i) => byShopifyId.get(i.shopifyId)?.variantId);
  if (resolved.length) {
    const rows = resolved.map((i) => ({ ...i, variantId: byShopifyId.get(i.shopifyId)!.variantId }));
    await sqlFor().rows(
      `INSERT INTO "InventoryItem" (id, "shopId", "shopifyId", "variantId", sku, tracked, "costCents", "requiresShipping", "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, $1, r."shopifyId", r."variantId", r.sku, COALESCE(r.tracked, true), r."costCents", COALESCE(r."requiresShipping", true), now(), now()
      FROM jsonb_to_recordset($2::jsonb) AS r("shopifyId" text, "variantId" text, sku text, tracked boolean, "costCents" int, "requiresShipping" boolean)
      ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
        "variantId" = EXCLUDED."variantId", sku = EXCLUDED.sku, tracked = EXCLUDED.tracked, "costCents" = EXCLUDED."costCents",
        "requiresShipping" = EXCLUDED."requiresShipping", "updatedAt" = now()`,
      [shopId, json(rows)],
    );
  }
  return {
    // Tracking switched on or off changes what the channels get (untracked items get a fixed quantity).
    changedVariantIds: resolved.filter((i) => byShopifyId.get(i.shopifyId)!.existing && byShopifyId.get(i.shopifyId)!.tracked !== i.tracked).map((i) => byShopifyId.get(i.shopifyId)!.variantId!),
    unresolved: items.filter((i) => !byShopifyId.get(i.shopifyId)?.variantId).map((i) => i.shopifyId),
  };
}

/**
 * Writes levels and returns what moved (for drift records and for marking listings stale), plus
 * the levels whose item or location is not mirrored yet.
 *
 * One statement per batch, fed as one array per column (unnest): no JSON text to build or parse,
 * and PostgreSQL knows the batch's size when planning, so the lookups are hash or index joins. The
 * rows that moved are found from what the mirror held before (read in the same statement) and the
 * rule the upsert applies (an older report never overwrites a newer one), so the upsert is never
 * joined back to its input.
 */
export async function upsertInventoryLevels(
  shopId: string,
  levels: InventoryLevelRecord[],
): Promise<{ changes: LevelChange[]; unresolved: InventoryLevelRecord[] }> {
  if (levels.length === 0) return { changes: [], unresolved: [] };
  const n = levels.length;
  const items = new Array<string>(n);
  const locations = new Array<string>(n);
  const available = new Array<number>(n);
  const onHand = new Array<number | null>(n);
  const committed = new Array<number | null>(n);
  const updatedAt = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const level = levels[i];
    items[i] = level.itemShopifyId;
    locations[i] = level.locationShopifyId;
    available[i] = level.available;
    onHand[i] = level.onHand ?? null;
    committed[i] = level.committed ?? null;
    updatedAt[i] = level.shopifyUpdatedAt ?? null;
  }
  const rows = await sqlFor().rows<{ i: number; variantId: string | null; locationId: string | null; before: number | null }>(
    `WITH
     -- The batch's items and locations by index lookups (a batch names a few hundred items: the
     -- levels of one item come together), not by hashing every item of the shop for each batch.
     items AS (SELECT id, "variantId", "shopifyId" FROM "InventoryItem" WHERE "shopId" = $1 AND "shopifyId" = ANY($2::text[])),
     locations AS (SELECT id, "shopifyId" FROM "Location" WHERE "shopId" = $1 AND "shopifyId" = ANY($3::text[])),
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
       SELECT gen_random_uuid()::text, $1, "itemId", "locationId", available, COALESCE("onHand", available), COALESCE(committed, 0), "shopifyUpdatedAt", now()
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
    [shopId, items, locations, available, onHand, committed, updatedAt],
  );
  const changes: LevelChange[] = [];
  const unresolved: InventoryLevelRecord[] = [];
  for (const row of rows) {
    if (row.variantId === null || row.locationId === null) unresolved.push(levels[row.i]);
    else changes.push({ variantId: row.variantId, locationId: row.locationId, before: row.before, after: levels[row.i].available });
  }
  return { changes, unresolved };
}
