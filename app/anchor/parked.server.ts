import type { PrismaClient } from "@prisma/client";
import { logger } from "~/lib/logger.server";
import { sqlFor } from "~/lib/sql.server";
import type { Queues } from "~/queues.server";
import { noteChange } from "~/recompute/index.server";
import type { AdminClient } from "./admin-client.server";
import { refreshLevelsFromShopify } from "./level-reads.server";
import { upsertInventoryItems, upsertInventoryLevels, upsertVariants, type InventoryLevelRecord } from "./mirror.server";
import { productVariantsFromShopify } from "./product-variants.server";

// Inventory reports that came before what they are about. Shopify does not order its deliveries:
// an inventory_levels/update can come before the products/create of its item (or the
// locations/create of its location), an inventory_items/update before its product. Retrying the
// delivery only helps while its retries last; here it is kept in PostgreSQL instead, and applied
// when whatever mirrors the item (a product webhook, a location webhook, the bulk import) has
// done so. Levels are applied newest first per item and location, by the same order as any
// report (mirror.server.ts); an item is read from Shopify then, as its update may be older than
// what the product's own read found.

interface Deps {
  prisma: PrismaClient;
  queues?: Queues;
  /** The shop's Admin API client, asked for only when something parked needs Shopify. */
  adminClient: () => Promise<AdminClient>;
}

/**
 * How long a parked report waits for its item: two full reconciliations (RECONCILE_EVERY_MS), each
 * of which mirrors every item and location Shopify still has. One older than that is about
 * something Shopify no longer has.
 */
export const PARKED_FOR_AT_MOST_MS = 12 * 3600 * 1000;

/** Parks one delivery's report (once per delivery, however often it is retried). */
export async function parkInventoryUpdate(
  shopId: string,
  webhookId: string,
  report: { itemShopifyId: string; level?: Pick<InventoryLevelRecord, "locationShopifyId" | "available" | "shopifyUpdatedAt" | "triggeredAt"> },
): Promise<void> {
  await sqlFor().rows(
    `INSERT INTO "ParkedInventoryUpdate" (id, "shopId", "webhookId", "itemShopifyId", "locationShopifyId", available, "shopifyUpdatedAt", "triggeredAt")
     VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6::timestamptz AT TIME ZONE 'UTC', $7::timestamptz AT TIME ZONE 'UTC')
     ON CONFLICT ("webhookId") DO NOTHING`,
    [
      shopId,
      webhookId,
      report.itemShopifyId,
      report.level?.locationShopifyId ?? null,
      report.level?.available ?? null,
      report.level?.shopifyUpdatedAt ?? null,
      report.level?.triggeredAt ?? null,
    ],
  );
}

interface ParkedRow {
  id: string;
  itemShopifyId: string;
  locationShopifyId: string | null;
  available: number | null;
  shopifyUpdatedAt: string | null;
  triggeredAt: string | null;
  productShopifyId: string;
}

/** The later of two parked levels of one item and location: Shopify's updated_at, then the triggered-at. */
function later(a: ParkedRow, b: ParkedRow): ParkedRow {
  const key = (r: ParkedRow) => [r.shopifyUpdatedAt ?? "", r.triggeredAt ?? ""].join("|");
  return key(b) > key(a) ? b : a;
}

/**
 * Applies the shop's parked reports whose item (and location) the mirror now holds, notes what
 * moved for the recompute, and forgets them. Cheap when nothing is parked (one indexed query):
 * called after every product or location webhook and every bulk import.
 */
export async function applyParkedInventory(shopId: string, deps: Deps): Promise<{ levels: number; items: number }> {
  const rows = await sqlFor().rows<ParkedRow>(
    `SELECT p.id, p."itemShopifyId", p."locationShopifyId", p.available,
            to_char(p."shopifyUpdatedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "shopifyUpdatedAt",
            to_char(p."triggeredAt", 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "triggeredAt",
            pr."shopifyId" AS "productShopifyId"
     FROM "ParkedInventoryUpdate" p
     JOIN "InventoryItem" ii ON ii."shopId" = p."shopId" AND ii."shopifyId" = p."itemShopifyId"
     JOIN "Variant" v ON v.id = ii."variantId"
     JOIN "Product" pr ON pr.id = v."productId"
     LEFT JOIN "Location" l ON l."shopId" = p."shopId" AND l."shopifyId" = p."locationShopifyId"
     WHERE p."shopId" = $1 AND (p."locationShopifyId" IS NULL OR l.id IS NOT NULL)`,
    [shopId],
  );
  if (rows.length === 0) return { levels: 0, items: 0 };

  const newest = new Map<string, ParkedRow>();
  for (const row of rows) {
    if (row.locationShopifyId === null) continue;
    const key = `${row.itemShopifyId}@${row.locationShopifyId}`;
    const held = newest.get(key);
    newest.set(key, held ? later(held, row) : row);
  }
  const levels: InventoryLevelRecord[] = [...newest.values()].map((r) => ({
    itemShopifyId: r.itemShopifyId,
    locationShopifyId: r.locationShopifyId!,
    available: r.available ?? 0,
    shopifyUpdatedAt: r.shopifyUpdatedAt,
    triggeredAt: r.triggeredAt,
  }));
  const { changes, undecided } = await upsertInventoryLevels(shopId, levels);
  if (undecided.length > 0) {
    const refreshed = await refreshLevelsFromShopify(await deps.adminClient(), shopId, [...new Set(undecided.map((l) => l.itemShopifyId))]);
    changes.push(...refreshed.changes);
  }

  // Parked item updates: their products' variants and items as Shopify holds them now.
  const products = [...new Set(rows.filter((r) => r.locationShopifyId === null).map((r) => r.productShopifyId))];
  const changedVariantIds: string[] = [];
  for (const productShopifyId of products) {
    const fromShopify = await productVariantsFromShopify(await deps.adminClient(), productShopifyId);
    // Null: deleted in Shopify since; its products/delete archives it.
    if (!fromShopify) continue;
    changedVariantIds.push(...(await upsertVariants(shopId, fromShopify.variants)).repriced);
    changedVariantIds.push(...(await upsertInventoryItems(shopId, fromShopify.items)).changedVariantIds);
  }

  await sqlFor().rows(`DELETE FROM "ParkedInventoryUpdate" WHERE id = ANY($1::text[])`, [rows.map((r) => r.id)]);
  await noteChange(shopId, { kind: "stock", at: changes }, deps);
  await noteChange(shopId, { kind: "catalog", variantIds: [...new Set(changedVariantIds)] }, deps);
  const items = rows.length - rows.filter((r) => r.locationShopifyId !== null).length;
  logger.info({ shopId, parked: rows.length, levels: levels.length, levelsMoved: changes.length, items }, "parked inventory reports applied");
  return { levels: levels.length, items };
}

/** Forgets parked reports older than PARKED_FOR_AT_MOST_MS (their item is gone from Shopify); returns how many. */
export async function forgetStaleParkedInventory(shopId: string): Promise<number> {
  return sqlFor().execute(`DELETE FROM "ParkedInventoryUpdate" WHERE "shopId" = $1 AND "parkedAt" < now() - $2 * interval '1 millisecond'`, [
    shopId,
    PARKED_FOR_AT_MOST_MS,
  ]);
}
