// The one loader of the engine's inputs: the recompute job (recompute.server.ts) and every screen
// that previews what the engine would do (a buffer rule's preview) read through here, so a preview
// can never disagree with what is pushed. Plain SQL, one query per table for a whole batch, never
// per listing, every query scoped by shop.
import type { Sql } from "~/lib/sql.server";
import {
  type AllocationRuleRow,
  type BufferRuleRow,
  type BundleComponentRow,
  channelFromRow,
  type ChannelRow,
  type LevelRow,
  type LocationExclusionRow,
  locationsFromRows,
  type LocationRow,
  parityEdgeFromRow,
  type ParityEdgeRow,
  type PriceRuleRow,
  type PromotionRow,
  type SalesRow,
  type SuspensionRow,
  type ShopInputs,
  type VariantRow,
  priceGuardrailBps,
  velocityWindowDays,
  visibleExtrasFromRows,
} from "./inputs";

/** What the engine needs about a shop as a whole: channels, locations, parity edges, velocity window, price guardrail. */
export async function loadShopInputs(sql: Sql, shopId: string): Promise<ShopInputs | null> {
  const [shop] = await sql.rows<{ settings: unknown }>(`SELECT settings FROM "Shop" WHERE id = $1`, [shopId]);
  if (!shop) return null;
  const [channelRows, locationRows, exclusions, edgeRows] = await Promise.all([
    sql.rows<ChannelRow>(
      `SELECT id, kind::text AS kind, name, priority, settings, "visibleShippingCents", "visibleCouponCents" FROM "Channel" WHERE "shopId" = $1`,
      [shopId],
    ),
    // A vendor made in Anchorline (decision 0026) counts nothing while paused or while its feed is stale.
    sql.rows<LocationRow>(
      `SELECT l.id, l.name, l.saleable, l."isActive", l."isDropShip", l."vendorShareBps",
              CASE WHEN v.paused THEN 'paused by the merchant'
                   WHEN v."staleSince" IS NOT NULL THEN 'its feed is stale (no import for ' || v."staleAfterHours" || ' hours)' END AS "notCountedBecause"
       FROM "Location" l LEFT JOIN "Vendor" v ON v."locationId" = l.id AND v."shopId" = l."shopId"
       WHERE l."shopId" = $1 ORDER BY l.id`,
      [shopId],
    ),
    sql.rows<LocationExclusionRow>(`SELECT "locationId", "channelId" FROM "LocationChannel" WHERE "shopId" = $1 AND NOT eligible`, [shopId]),
    // In the order they were made, so a held push's group names the same pair every time.
    sql.rows<ParityEdgeRow>(
      `SELECT "watcherId", "watchedId", "toleranceBps", "toleranceCents", "includeShipping", "includeCoupons", "allowViolations"
       FROM "ParityEdge" WHERE "shopId" = $1 ORDER BY "createdAt", id`,
      [shopId],
    ),
  ]);
  const channels = new Map(channelRows.map((row) => [row.id, channelFromRow(row)]));
  return {
    channels,
    locations: locationsFromRows(locationRows, exclusions, [...channels.keys()]),
    parityEdges: edgeRows.map(parityEdgeFromRow),
    velocityWindowDays: velocityWindowDays(shop.settings),
    priceGuardrailBps: priceGuardrailBps(shop.settings),
    visibleExtras: visibleExtrasFromRows(channelRows),
  };
}

/** The rows a batch of listings needs: their variants (and kits' components), levels, rules, promotions and sales. */
export interface EngineRows {
  variants: VariantRow[];
  levels: LevelRow[];
  components: BundleComponentRow[];
  bufferRules: BufferRuleRow[];
  allocationRules: AllocationRuleRow[];
  priceRules: PriceRuleRow[];
  promotions: PromotionRow[];
  sales: SalesRow[];
  suspensions: SuspensionRow[];
}

export async function loadEngineRows(
  sql: Sql,
  shopId: string,
  listings: readonly { id: string; variantId: string }[],
  shop: ShopInputs,
  now: Date,
): Promise<EngineRows> {
  const listedVariantIds = [...new Set(listings.map((l) => l.variantId))];
  const components = await sql.rows<BundleComponentRow>(
    `SELECT "bundleId", "componentId", "unitsPerBundle" FROM "BundleComponent" WHERE "shopId" = $1 AND "bundleId" = ANY($2::text[])`,
    [shopId, listedVariantIds],
  );
  const variantIds = [...new Set([...listedVariantIds, ...components.map((c) => c.componentId)])];
  const nowText = now.toISOString();

  const [variants, levels, promotions, sales, suspensions] = await Promise.all([
    // Product.tags is a nullable column (the init migration): a product created without tags holds
    // NULL, which Prisma reads as [] but this plain SQL would not; the engine reads a list.
    sql.rows<VariantRow>(
      `SELECT v.id, v."productId", COALESCE(v.sku, p.title || ' ' || v.title) AS name, v."priceCents", v."mapCents", v.discontinued,
              v."releaseAt" AT TIME ZONE 'UTC' AS "releaseAt", v."isBundle", COALESCE(p.tags, '{}') AS tags, p.status::text AS "productStatus", i.tracked, i."costCents",
              ARRAY(SELECT c.handle FROM "CollectionProduct" cp JOIN "Collection" c ON c.id = cp."collectionId"
                    WHERE cp."shopId" = $1 AND cp."productId" = p.id ORDER BY c.handle) AS collections
       FROM "Variant" v JOIN "Product" p ON p.id = v."productId"
       LEFT JOIN "InventoryItem" i ON i."variantId" = v.id
       WHERE v."shopId" = $1 AND v.id = ANY($2::text[])`,
      [shopId, variantIds],
    ),
    sql.rows<LevelRow>(
      `SELECT i."variantId", l."locationId", l.available
       FROM "InventoryLevel" l JOIN "InventoryItem" i ON i.id = l."inventoryItemId"
       WHERE l."shopId" = $1 AND i."shopId" = $1 AND i."variantId" = ANY($2::text[])
       -- A fixed order (locations as created), so an explanation lists them the same way every
       -- time: unordered, an updated level moved to the end of the table and its step with it.
       ORDER BY i."variantId", l."locationId"`,
      [shopId, variantIds],
    ),
    // Only promotions that can hold units now or later; what each already sold of the variant on
    // its own channels (Shopify-store sales count for its Shopify channels) is no longer held.
    sql.rows<PromotionRow>(
      `SELECT p.id AS "promotionId", pv."variantId", p.name, p.status::text AS status,
              p."startsAt" AT TIME ZONE 'UTC' AS "startsAt", p."endsAt" AT TIME ZONE 'UTC' AS "endsAt",
              p."exclusiveReserve" AS exclusive, COALESCE(pv."reserveUnits", p."reserveUnits") AS "reserveUnits",
              p."discountKind"::text AS "discountKind", p."discountValue", p."autoPause",
              COALESCE(pc.ids, '{}') AS "channelIds",
              COALESCE((SELECT SUM(s.quantity) FROM "Sale" s
                        WHERE s."shopId" = $1 AND s."variantId" = pv."variantId"
                          AND s."soldAt" >= p."startsAt" AND s."soldAt" < p."endsAt"
                          AND (s."channelId" = ANY(pc.ids) OR (s."channelId" IS NULL AND pc.shopify))), 0)::int AS "soldUnits"
       FROM "PromotionVariant" pv
       JOIN "Promotion" p ON p.id = pv."promotionId" AND p."shopId" = $1
       LEFT JOIN LATERAL (
         SELECT array_agg(x."channelId") AS ids, bool_or(c.kind = 'SHOPIFY') AS shopify
         FROM "PromotionChannel" x JOIN "Channel" c ON c.id = x."channelId"
         WHERE x."promotionId" = p.id AND x."shopId" = $1
       ) pc ON true
       WHERE pv."shopId" = $1 AND pv."variantId" = ANY($2::text[])
         AND p.status IN ('READY', 'RUNNING', 'PAUSED') AND p."endsAt" > ($3::timestamptz AT TIME ZONE 'UTC')`,
      [shopId, variantIds, nowText],
    ),
    sql.rows<SalesRow>(
      `SELECT "variantId", "channelId",
              FLOOR(EXTRACT(EPOCH FROM ($3::timestamptz - ("soldAt" AT TIME ZONE 'UTC'))) / 86400)::int AS "ageDays",
              SUM(quantity)::int AS units
       FROM "Sale"
       WHERE "shopId" = $1 AND "variantId" = ANY($2::text[])
         AND "soldAt" <= ($3::timestamptz AT TIME ZONE 'UTC')
         AND "soldAt" > ($3::timestamptz AT TIME ZONE 'UTC') - make_interval(days => $4::int)
       GROUP BY 1, 2, 3`,
      [shopId, variantIds, nowText, shop.velocityWindowDays],
    ),
    // Listings the marketplace suspended (the drift read's observedSuspension), where the merchant
    // offers their units to the other channels; a disconnected channel's last read no longer counts.
    sql.rows<SuspensionRow>(
      `SELECT l."variantId", l."channelId", l."observedSuspension" AS reason
       FROM "Listing" l JOIN "Channel" c ON c.id = l."channelId" AND c."shopId" = $1
       WHERE l."shopId" = $1 AND l."variantId" = ANY($2::text[]) AND l."observedSuspension" IS NOT NULL
         AND c."offerSuspendedUnits" AND c.status <> 'DISCONNECTED'`,
      [shopId, variantIds],
    ),
  ]);

  // Rules: every channel/tag/collection-wide rule, and the product, variant and listing rules of
  // this batch only.
  const productIds = [...new Set(variants.map((v) => v.productId))];
  const scopeValues = [...variantIds, ...productIds, ...listings.map((l) => l.id)];
  const ruleFilter = `"shopId" = $1 AND (scope IN ('CHANNEL', 'TAG', 'COLLECTION') OR "scopeValue" = ANY($2::text[]))`;
  const [bufferRules, allocationRules, priceRules] = await Promise.all([
    sql.rows<BufferRuleRow>(
      `SELECT id, "channelId", scope::text AS scope, "scopeValue", kind::text AS kind, units, "percentBps",
              "leadTimeDays"::text AS "leadTimeDays", "safetyStock", "riskMultiplier"::text AS "riskMultiplier", "lowStockThreshold"
       FROM "BufferRule" WHERE ${ruleFilter}`,
      [shopId, scopeValues],
    ),
    sql.rows<AllocationRuleRow>(
      `SELECT id, "channelId", scope::text AS scope, "scopeValue", kind::text AS kind, units, "percentBps", "locationId"
       FROM "AllocationRule" WHERE ${ruleFilter}`,
      [shopId, scopeValues],
    ),
    sql.rows<PriceRuleRow>(
      `SELECT id, "channelId", scope::text AS scope, "scopeValue", "differentialBps", "differentialCents", rounding::text AS rounding,
              "mapIsAnchor", "feeBps", "fixedFeeCents", "shippingCents", "minMarginBps"
       FROM "PriceRule" WHERE ${ruleFilter}`,
      [shopId, scopeValues],
    ),
  ]);

  return { variants, levels, components, bufferRules, allocationRules, priceRules, promotions, sales, suspensions };
}
