import type { PrismaClient } from "@prisma/client";
import { sqlFor } from "~/lib/sql.server";

// Writing Shopify's state into the mirror, in batches. The same functions serve the initial
// import, the reconciliation and the webhooks, so there is one definition of "the mirror holds
// this". Batches go through jsonb_to_recordset: one statement per batch whatever its size, sent
// with plain SQL (app/lib/sql.server.ts) because this is the import's hot path.
//
// A field a record leaves undefined is one its source did not carry (a products/update payload has
// no tracked flag and no cost, and none past its first 100 variants): the mirror keeps what it
// holds for it. Nothing is defaulted. A new inventory item must come with its tracked flag, cost
// and shipping flag (the Admin API has them); one without is not written but handed back
// (`incomplete`) for the caller to read from Shopify.

export interface LocationRecord {
  shopifyId: string;
  name: string;
  isActive: boolean;
}

/** Shopify's ProductStatus values of API 2026-10 (the version the app calls). */
export const SHOPIFY_PRODUCT_STATUSES = ["ACTIVE", "DRAFT", "ARCHIVED", "UNLISTED"] as const;

/**
 * A product's status as the mirror keeps it: Shopify's, or UNKNOWN for a value a later API version
 * added (as 2025-10 added UNLISTED). An UNKNOWN product is mirrored like any other, and its listings
 * are held at 0 until Anchorline knows what the status means (app/engine/README.md).
 */
export type ProductStatus = (typeof SHOPIFY_PRODUCT_STATUSES)[number] | "UNKNOWN";

/** Shopify's status as GraphQL ("UNLISTED") or a webhook ("unlisted") writes it. */
export function productStatusFrom(value: string): ProductStatus {
  const upper = value.toUpperCase();
  return (SHOPIFY_PRODUCT_STATUSES as readonly string[]).includes(upper) ? (upper as ProductStatus) : "UNKNOWN";
}

export interface ProductRecord {
  shopifyId: string;
  title?: string;
  handle?: string | null;
  vendor?: string | null;
  productType?: string | null;
  tags?: string[];
  status?: ProductStatus;
  descriptionHtml?: string | null;
  shopifyUpdatedAt?: string | null;
}

export interface VariantRecord {
  shopifyId: string;
  productShopifyId: string;
  title?: string;
  sku?: string | null;
  barcode?: string | null;
  option1?: string | null;
  option2?: string | null;
  option3?: string | null;
  priceCents?: number;
  compareAtPriceCents?: number | null;
}

export interface InventoryItemRecord {
  shopifyId: string;
  variantShopifyId: string;
  sku?: string | null;
  tracked?: boolean;
  costCents?: number | null;
  requiresShipping?: boolean;
}

export interface InventoryLevelRecord {
  itemShopifyId: string;
  locationShopifyId: string;
  available: number;
  onHand?: number | null;
  committed?: number | null;
  /** Shopify's updated_at (whole seconds): an older report never overwrites a newer one. */
  shopifyUpdatedAt?: string | null;
  /**
   * The X-Shopify-Triggered-At of the delivery that reported it: orders two reports of the same
   * second. Absent for what was read (bulk export, Admin API), which carries no such order.
   */
  triggeredAt?: string | null;
}

export interface LevelChange {
  variantId: string;
  locationId: string;
  before: number | null;
  after: number;
}

const json = (rows: unknown[]) => JSON.stringify(rows);

/**
 * Which of `fields` each row carries (not undefined), one bit per field in their order: the
 * `carried` column of a batch, read by `carriedOr`.
 */
function carriedMasks<T>(rows: T[], fields: readonly (keyof T)[]): number[] {
  return rows.map((row) => fields.reduce((mask, field, bit) => (row[field] === undefined ? mask : mask | (1 << bit)), 0));
}

/** SQL: the batch's value of `field` where the row carries it, else what the mirror holds (`before`). */
function carriedOr<T>(fields: readonly (keyof T)[], field: keyof T & string, before: string): string {
  return `CASE WHEN x.carried & ${1 << fields.indexOf(field)} <> 0 THEN x."${field}" ELSE ${before}."${field}" END`;
}

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

const PRODUCT_FIELDS = [
  "title",
  "handle",
  "vendor",
  "productType",
  "tags",
  "status",
  "descriptionHtml",
  "shopifyUpdatedAt",
] as const satisfies readonly (keyof ProductRecord)[];

export async function upsertProducts(shopId: string, products: ProductRecord[]): Promise<void> {
  if (products.length === 0) return;
  const masks = carriedMasks(products, PRODUCT_FIELDS);
  const field = (name: (typeof PRODUCT_FIELDS)[number]) => carriedOr(PRODUCT_FIELDS, name, "p");
  await sqlFor().rows(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS r("shopifyId" text, title text, handle text, vendor text, "productType" text,
            tags text[], status text, "descriptionHtml" text, "shopifyUpdatedAt" timestamptz, carried int)
     ), before AS (SELECT * FROM "Product" WHERE "shopId" = $1 AND "shopifyId" IN (SELECT "shopifyId" FROM x))
    INSERT INTO "Product" (id, "shopId", "shopifyId", title, handle, vendor, "productType", tags, status, "descriptionHtml", "shopifyUpdatedAt", "createdAt", "updatedAt")
    SELECT ${NEW_ROW_ID}, $1, x."shopifyId", ${field("title")}, ${field("handle")}, ${field("vendor")}, ${field("productType")},
           COALESCE(${field("tags")}, '{}'), (CASE WHEN x.carried & ${1 << PRODUCT_FIELDS.indexOf("status")} <> 0 THEN x.status::"ProductStatus" ELSE p.status END),
           ${field("descriptionHtml")}, ${field("shopifyUpdatedAt")}, now(), now()
    FROM x LEFT JOIN before p ON p."shopifyId" = x."shopifyId"
    ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
      title = EXCLUDED.title, handle = EXCLUDED.handle, vendor = EXCLUDED.vendor, "productType" = EXCLUDED."productType",
      tags = EXCLUDED.tags, status = EXCLUDED.status, "descriptionHtml" = EXCLUDED."descriptionHtml",
      "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "updatedAt" = now()`,
    [shopId, json(products.map((product, i) => ({ ...product, carried: masks[i] })))],
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

const VARIANT_FIELDS = [
  "title",
  "sku",
  "barcode",
  "option1",
  "option2",
  "option3",
  "priceCents",
  "compareAtPriceCents",
] as const satisfies readonly (keyof VariantRecord)[];

/**
 * Returns the ids of variants whose price changed (their listings need new prices) and the
 * Shopify ids whose product is not mirrored yet (the caller retries them later).
 */
export async function upsertVariants(shopId: string, variants: VariantRecord[]): Promise<{ repriced: string[]; unresolved: string[] }> {
  if (variants.length === 0) return { repriced: [], unresolved: [] };
  const field = (name: (typeof VARIANT_FIELDS)[number]) => `${carriedOr(VARIANT_FIELDS, name, "v")} AS "${name}"`;
  const rows = await sqlFor().rows<{ shopifyId: string; productId: string | null; variantId: string | null }>(
    `WITH
     products AS (SELECT id, "shopifyId" FROM "Product" WHERE "shopId" = $1 AND "shopifyId" = ANY($3::text[])),
     existing AS (
       SELECT id, "shopifyId", title, sku, barcode, option1, option2, option3, "priceCents", "compareAtPriceCents"
       FROM "Variant" WHERE "shopId" = $1 AND "shopifyId" = ANY($2::text[])
     ),
     input AS (
       SELECT x."shopifyId", p.id AS "productId", v.id AS "variantId", v."priceCents" AS "beforePriceCents",
              ${VARIANT_FIELDS.map(field).join(", ")}
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[], $12::int[])
            AS x("shopifyId", "productShopifyId", title, sku, barcode, option1, option2, option3, "priceCents", "compareAtPriceCents", carried)
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
    [shopId, ...columns(variants, ["shopifyId", "productShopifyId", ...VARIANT_FIELDS]), carriedMasks(variants, VARIANT_FIELDS)],
  );
  const repriced: string[] = [];
  const unresolved: string[] = [];
  for (const row of rows) {
    if (row.productId === null) unresolved.push(row.shopifyId);
    else repriced.push(row.variantId!);
  }
  return { repriced, unresolved };
}

const ITEM_FIELDS = ["sku", "tracked", "costCents", "requiresShipping"] as const satisfies readonly (keyof InventoryItemRecord)[];
/** What a new item must carry: the facts ATS and margin floors read, which only Shopify knows. */
const NEW_ITEM_FACTS = (1 << ITEM_FIELDS.indexOf("tracked")) | (1 << ITEM_FIELDS.indexOf("costCents")) | (1 << ITEM_FIELDS.indexOf("requiresShipping"));

/**
 * Returns the variants whose item changed tracking (their listings get another quantity) or unit
 * cost (their fee-inclusive floors move: a listing may turn unprofitable at the same price), the
 * Shopify ids whose variant is not mirrored yet, and the items the mirror does not hold whose
 * record lacks their tracked flag, cost or shipping flag (not written: read them from Shopify).
 */
export async function upsertInventoryItems(
  shopId: string,
  items: InventoryItemRecord[],
): Promise<{ changedVariantIds: string[]; unresolved: string[]; incomplete: string[] }> {
  if (items.length === 0) return { changedVariantIds: [], unresolved: [], incomplete: [] };
  const field = (name: (typeof ITEM_FIELDS)[number]) => `${carriedOr(ITEM_FIELDS, name, "ii")} AS "${name}"`;
  const rows = await sqlFor().rows<{ shopifyId: string; variantId: string | null; complete: boolean }>(
    `WITH
     variants AS (SELECT id, "shopifyId" FROM "Variant" WHERE "shopId" = $1 AND "shopifyId" = ANY($3::text[])),
     existing AS (SELECT "shopifyId", sku, tracked, "costCents", "requiresShipping" FROM "InventoryItem" WHERE "shopId" = $1 AND "shopifyId" = ANY($2::text[])),
     input AS (
       SELECT x."shopifyId", v.id AS "variantId", ii.tracked AS "trackedBefore", ii."costCents" AS "costBefore",
              ii."shopifyId" IS NOT NULL OR x.carried & ${NEW_ITEM_FACTS} = ${NEW_ITEM_FACTS} AS complete,
              ${ITEM_FIELDS.map(field).join(", ")}
       FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::int[], $7::boolean[], $8::int[])
            AS x("shopifyId", "variantShopifyId", sku, tracked, "costCents", "requiresShipping", carried)
       LEFT JOIN variants v ON v."shopifyId" = x."variantShopifyId"
       LEFT JOIN existing ii ON ii."shopifyId" = x."shopifyId"
     ), written AS (
       INSERT INTO "InventoryItem" (id, "shopId", "shopifyId", "variantId", sku, tracked, "costCents", "requiresShipping", "createdAt", "updatedAt")
       SELECT ${NEW_ROW_ID}, $1, "shopifyId", "variantId", sku, tracked, "costCents", "requiresShipping", now(), now()
       FROM input WHERE "variantId" IS NOT NULL AND complete
       ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
         "variantId" = EXCLUDED."variantId", sku = EXCLUDED.sku, tracked = EXCLUDED.tracked, "costCents" = EXCLUDED."costCents",
         "requiresShipping" = EXCLUDED."requiresShipping", "updatedAt" = now()
     )
     -- Unresolved and incomplete rows, and mirrored items whose tracking was switched on or off
     -- (untracked items get a fixed quantity) or whose cost changed (the margin floors move).
     SELECT "shopifyId", "variantId", complete FROM input
     WHERE "variantId" IS NULL OR NOT complete
        OR ("trackedBefore" IS NOT NULL AND ("trackedBefore" IS DISTINCT FROM tracked OR "costBefore" IS DISTINCT FROM "costCents"))`,
    [shopId, ...columns(items, ["shopifyId", "variantShopifyId", ...ITEM_FIELDS]), carriedMasks(items, ITEM_FIELDS)],
  );
  const changedVariantIds: string[] = [];
  const unresolved: string[] = [];
  const incomplete: string[] = [];
  for (const row of rows) {
    if (row.variantId === null) unresolved.push(row.shopifyId);
    else if (!row.complete) incomplete.push(row.shopifyId);
    else changedVariantIds.push(row.variantId);
  }
  return { changedVariantIds, unresolved, incomplete };
}

// Which of two reports of one level is the later: Shopify's updated_at, and within its second the
// delivery's X-Shopify-Triggered-At. Shopify's updated_at has whole seconds, and the webhooks
// worker applies many deliveries at once, so two changes in one second arrive in any order; the
// triggered-at of each (nanoseconds, kept to the microsecond) still says which came last. A report
// without a time is written as it comes (nothing says it is older).
const LATER_REPORT = `"InventoryLevel"."shopifyUpdatedAt" IS NULL OR EXCLUDED."shopifyUpdatedAt" IS NULL
  OR EXCLUDED."shopifyUpdatedAt" > "InventoryLevel"."shopifyUpdatedAt"
  OR (EXCLUDED."shopifyUpdatedAt" = "InventoryLevel"."shopifyUpdatedAt" AND EXCLUDED."triggeredAt" > "InventoryLevel"."triggeredAt")`;

/**
 * Writes levels and returns what moved (for drift records and for marking listings stale), the
 * levels whose item or location is not mirrored yet, and the undecided ones: a report of the same
 * second as the mirror's with another quantity, where nothing orders the two (one came from a read,
 * which has no triggered-at, or both have the same). The mirror keeps what it holds for those; the
 * caller reads them from Shopify (level-reads.server.ts).
 */
export async function upsertInventoryLevels(
  shopId: string,
  levels: InventoryLevelRecord[],
): Promise<{ changes: LevelChange[]; unresolved: InventoryLevelRecord[]; undecided: InventoryLevelRecord[] }> {
  if (levels.length === 0) return { changes: [], unresolved: [], undecided: [] };
  const rows = await sqlFor().rows<{ i: number; variantId: string | null; locationId: string | null; before: number | null; applied: boolean }>(
    `WITH
     -- The batch's items and locations by index lookups, not by hashing every item of the shop
     -- for each batch.
     items AS (SELECT id, "variantId", "shopifyId" FROM "InventoryItem" WHERE "shopId" = $1 AND "shopifyId" = ANY($9::text[])),
     locations AS (SELECT id, "shopifyId" FROM "Location" WHERE "shopId" = $1 AND "shopifyId" = ANY($10::text[])),
     input AS (
       SELECT x.*, ii.id AS "itemId", ii."variantId", l.id AS "locationId", il.available AS before,
              il."shopifyUpdatedAt" AS "beforeUpdatedAt", il."triggeredAt" AS "beforeTriggeredAt"
       FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::timestamptz[], $8::timestamptz[]) WITH ORDINALITY
            AS x(item, location, available, "onHand", committed, "shopifyUpdatedAt", "triggeredAt", i)
       LEFT JOIN items ii ON ii."shopifyId" = x.item
       LEFT JOIN locations l ON l."shopifyId" = x.location
       LEFT JOIN "InventoryLevel" il ON il."inventoryItemId" = ii.id AND il."locationId" = l.id
     ), written AS (
       INSERT INTO "InventoryLevel" (id, "shopId", "inventoryItemId", "locationId", available, "onHand", committed, "shopifyUpdatedAt", "triggeredAt", "updatedAt")
       SELECT ${NEW_ROW_ID}, $1, "itemId", "locationId", available, COALESCE("onHand", available), COALESCE(committed, 0), "shopifyUpdatedAt",
              "triggeredAt" AT TIME ZONE 'UTC', now()
       FROM input WHERE "itemId" IS NOT NULL AND "locationId" IS NOT NULL
       ON CONFLICT ("inventoryItemId", "locationId") DO UPDATE SET
         available = EXCLUDED.available, "onHand" = EXCLUDED."onHand", committed = EXCLUDED.committed,
         "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "triggeredAt" = EXCLUDED."triggeredAt", "updatedAt" = now()
       WHERE ${LATER_REPORT}
       RETURNING "inventoryItemId", "locationId"
     ), outcome AS (
       SELECT input.*, w."inventoryItemId" IS NOT NULL AS applied,
              -- Older by what the mirror held when the statement began (the write above decides
              -- on the row as it is then; a row another delivery wrote meanwhile reads undecided).
              COALESCE("shopifyUpdatedAt" < "beforeUpdatedAt"
                OR ("shopifyUpdatedAt" = "beforeUpdatedAt" AND "triggeredAt" AT TIME ZONE 'UTC' < "beforeTriggeredAt"), false) AS older
       FROM input LEFT JOIN written w ON w."inventoryItemId" = input."itemId" AND w."locationId" = input."locationId"
     )
     -- Unresolved rows; written rows whose quantity moved; and rows not written, not older, that
     -- say another quantity (undecided).
     SELECT (i - 1)::int AS i, "variantId", "locationId", before, applied FROM outcome
     WHERE "itemId" IS NULL OR "locationId" IS NULL OR (before IS DISTINCT FROM available AND (applied OR NOT older))`,
    [
      shopId,
      ...columns(levels, ["itemShopifyId", "locationShopifyId", "available", "onHand", "committed", "shopifyUpdatedAt", "triggeredAt"]),
      // Each id once: a batch names each item about once per location, and a long list of repeats
      // makes PostgreSQL scan the shop's whole item index instead of looking each one up.
      [...new Set(levels.map((l) => l.itemShopifyId))],
      [...new Set(levels.map((l) => l.locationShopifyId))],
    ],
  );
  const changes: LevelChange[] = [];
  const unresolved: InventoryLevelRecord[] = [];
  const undecided: InventoryLevelRecord[] = [];
  for (const row of rows) {
    if (row.variantId === null || row.locationId === null) unresolved.push(levels[row.i]);
    else if (row.applied) changes.push({ variantId: row.variantId, locationId: row.locationId, before: row.before, after: levels[row.i].available });
    else undecided.push(levels[row.i]);
  }
  return { changes, unresolved, undecided };
}

/** What the mirror held for a level when it was looked at, before reading Shopify: its compare-and-set token. */
export interface LevelSeen {
  available: number;
  /** The row's updatedAt (when the mirror wrote it), exact. */
  writtenAt: string;
}

/** A level as read from Shopify, with what the mirror held for it just before the read (null: nothing). */
export interface LevelRead extends InventoryLevelRecord {
  seen: LevelSeen | null;
}

export const levelKey = (itemShopifyId: string, locationShopifyId: string) => `${itemShopifyId}@${locationShopifyId}`;

/** The mirror's levels of these items, by levelKey, as LevelSeen: taken before reading them from Shopify. */
export async function levelsSeen(shopId: string, itemShopifyIds: string[]): Promise<Map<string, LevelSeen>> {
  if (itemShopifyIds.length === 0) return new Map();
  const rows = await sqlFor().rows<{ item: string; location: string; available: number; writtenAt: string }>(
    `SELECT ii."shopifyId" AS item, l."shopifyId" AS location, il.available,
            to_char(il."updatedAt", 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "writtenAt"
     FROM "InventoryItem" ii
     JOIN "InventoryLevel" il ON il."inventoryItemId" = ii.id
     JOIN "Location" l ON l.id = il."locationId"
     WHERE ii."shopId" = $1 AND ii."shopifyId" = ANY($2::text[])`,
    [shopId, itemShopifyIds],
  );
  return new Map(rows.map((r) => [levelKey(r.item, r.location), { available: r.available, writtenAt: r.writtenAt }]));
}

/**
 * Writes levels read from Shopify's Admin API where the mirror's available differs, and returns
 * what moved and what raced. A read is Shopify's state when it was made, but says nothing of the
 * order within its updated_at's second, so it is written where Shopify's updated_at is later than
 * the mirror's, or is the same and the mirror's row is still the one seen before the read (a
 * compare-and-set on when it was written: a delivery written meanwhile may be newer). A read that
 * lost that race is handed back (`raced`) to be read again. What is written has no triggered-at:
 * a report of the same second with another quantity is then undecided (upsertInventoryLevels).
 */
export async function writeLevelsRead(shopId: string, reads: LevelRead[]): Promise<{ changes: LevelChange[]; raced: LevelRead[] }> {
  if (reads.length === 0) return { changes: [], raced: [] };
  const rows = await sqlFor().rows<{ i: number; variantId: string; locationId: string; before: number | null; applied: boolean }>(
    `WITH
     items AS (SELECT id, "variantId", "shopifyId" FROM "InventoryItem" WHERE "shopId" = $1 AND "shopifyId" = ANY($10::text[])),
     locations AS (SELECT id, "shopifyId" FROM "Location" WHERE "shopId" = $1 AND "shopifyId" = ANY($11::text[])),
     input AS (
       SELECT x.*, ii.id AS "itemId", ii."variantId", l.id AS "locationId"
       FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::timestamptz[], $8::int[], $9::timestamp[]) WITH ORDINALITY
            AS x(item, location, available, "onHand", committed, "shopifyUpdatedAt", "seenAvailable", "seenWrittenAt", i)
       JOIN items ii ON ii."shopifyId" = x.item
       JOIN locations l ON l."shopifyId" = x.location
     ), updated AS (
       -- UPDATE re-checks its WHERE on the row as another transaction left it: the compare-and-set.
       UPDATE "InventoryLevel" il
       SET available = x.available, "onHand" = COALESCE(x."onHand", x.available), committed = COALESCE(x.committed, 0),
           "shopifyUpdatedAt" = x."shopifyUpdatedAt", "triggeredAt" = NULL, "updatedAt" = now()
       FROM input x
       WHERE il."inventoryItemId" = x."itemId" AND il."locationId" = x."locationId" AND il.available <> x.available
         AND (il."shopifyUpdatedAt" IS NULL OR x."shopifyUpdatedAt" > il."shopifyUpdatedAt"
              OR (x."shopifyUpdatedAt" = il."shopifyUpdatedAt" AND il."updatedAt" = x."seenWrittenAt"))
       RETURNING x.i
     ), inserted AS (
       -- A level the mirror did not hold when it looked (stocked at a location since).
       INSERT INTO "InventoryLevel" (id, "shopId", "inventoryItemId", "locationId", available, "onHand", committed, "shopifyUpdatedAt", "updatedAt")
       SELECT ${NEW_ROW_ID}, $1, "itemId", "locationId", available, COALESCE("onHand", available), COALESCE(committed, 0), "shopifyUpdatedAt", now()
       FROM input WHERE "seenWrittenAt" IS NULL
       ON CONFLICT ("inventoryItemId", "locationId") DO NOTHING
       RETURNING "inventoryItemId", "locationId"
     )
     -- cur: the row as this statement found it, before its own write.
     SELECT (x.i - 1)::int AS i, x."variantId", x."locationId", cur.available AS before,
            (u.i IS NOT NULL OR n."inventoryItemId" IS NOT NULL) AS applied
     FROM input x
     LEFT JOIN updated u ON u.i = x.i
     LEFT JOIN inserted n ON n."inventoryItemId" = x."itemId" AND n."locationId" = x."locationId"
     LEFT JOIN "InventoryLevel" cur ON cur."inventoryItemId" = x."itemId" AND cur."locationId" = x."locationId"
     -- Written; or not written while the mirror holds another quantity, not of a later second
     -- (as this statement found it): written meanwhile by a delivery, read again to know.
     WHERE u.i IS NOT NULL OR n."inventoryItemId" IS NOT NULL
        OR (cur.available IS DISTINCT FROM x.available AND NOT COALESCE(cur."shopifyUpdatedAt" > x."shopifyUpdatedAt", false))`,
    [
      shopId,
      ...columns(reads, ["itemShopifyId", "locationShopifyId", "available", "onHand", "committed", "shopifyUpdatedAt"]),
      reads.map((r) => r.seen?.available ?? null),
      reads.map((r) => r.seen?.writtenAt ?? null),
      [...new Set(reads.map((r) => r.itemShopifyId))],
      [...new Set(reads.map((r) => r.locationShopifyId))],
    ],
  );
  const changes: LevelChange[] = [];
  const raced: LevelRead[] = [];
  for (const row of rows) {
    const read = reads[row.i];
    if (row.applied) changes.push({ variantId: row.variantId, locationId: row.locationId, before: row.before, after: read.available });
    else raced.push(read);
  }
  return { changes, raced };
}
