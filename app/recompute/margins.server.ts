import type { Sql } from "~/lib/sql.server";
import type { ComputedListing, Decision } from "./desired";
import { type StoredMargin, unprofitableCause } from "./margins";
import type { ExplanationRefresh } from "./write-outbox.server";

// Writes each computed listing's margin (margins.ts) to ListingMargin, for the Margins screen and
// the unprofitable alert (app/alerts/unprofitable.server.ts). Called for every listing of a batch,
// before its desired state is written: a listing whose price did not move (its cost rose in
// Shopify) writes no desired state, yet its margin changed. Written first, so a crash between the
// two leaves the listing stale and both are written again; the alert step reads `alerted`, never
// this write's outcome, so it cannot miss a turn either (decision 0020).

/**
 * Writes the batch's margins; rows whose figures did not change are left as they are. Returns the
 * listings whose floor, cost or profitability moved since their last margin.
 */
export async function writeMargins(sql: Sql, shopId: string, computed: Iterable<ComputedListing>): Promise<Set<string>> {
  const listings = [...computed];
  const moved = new Set<string>();
  if (listings.length === 0) return moved;
  const before = await sql.rows<StoredMargin & { listingId: string }>(
    `SELECT "listingId", "priceCents", "feeCents", "shippingCents", "costCents", "floorCents", unprofitable, cause
     FROM "ListingMargin" WHERE "shopId" = $1 AND "listingId" = ANY($2::text[])`,
    [shopId, listings.map((l) => l.listingId)],
  );
  const stored = new Map(before.map((row) => [row.listingId, row]));
  // Only rows that differ are sent: most recomputes move a quantity, not a margin, and an upsert
  // of 1,000 unchanged rows cost 70–95 ms a batch where the read alone costs a few.
  const rows = [];
  for (const { listingId, channelId, margin } of listings) {
    const was = stored.get(listingId) ?? null;
    const cause = unprofitableCause(was, margin);
    if (was && (was.floorCents !== margin.floorCents || was.costCents !== margin.costCents || was.unprofitable !== margin.unprofitable)) moved.add(listingId);
    // The margin (cents and bps) follows from price, fees, shipping and cost, so those decide.
    const same =
      was !== null &&
      was.priceCents === margin.priceCents &&
      was.feeCents === margin.feeCents &&
      was.shippingCents === margin.shippingCents &&
      was.costCents === margin.costCents &&
      was.floorCents === margin.floorCents &&
      was.unprofitable === margin.unprofitable &&
      was.cause === cause;
    if (!same) rows.push({ ...margin, listingId, channelId, cause });
  }
  if (rows.length === 0) return moved;
  const payload = JSON.stringify(rows);
  await sql.execute(
    `INSERT INTO "ListingMargin" AS m ("listingId", "shopId", "channelId", "priceCents", "feeCents", "shippingCents", "costCents", "marginCents", "marginBps",
                                       "floorCents", unprofitable, cause, "updatedAt")
     SELECT v."listingId", $1, v."channelId", v."priceCents", v."feeCents", v."shippingCents", v."costCents", v."marginCents", v."marginBps",
            v."floorCents", v.unprofitable, v.cause, now() AT TIME ZONE 'UTC'
     FROM jsonb_to_recordset($2::jsonb) AS v("listingId" text, "channelId" text, "priceCents" int, "feeCents" int, "shippingCents" int, "costCents" int,
                                            "marginCents" int, "marginBps" int, "floorCents" int, unprofitable bool, cause text)
     JOIN "Listing" l ON l.id = v."listingId" AND l."shopId" = $1
     ON CONFLICT ("listingId") DO UPDATE SET
       "priceCents" = EXCLUDED."priceCents", "feeCents" = EXCLUDED."feeCents", "shippingCents" = EXCLUDED."shippingCents",
       "costCents" = EXCLUDED."costCents", "marginCents" = EXCLUDED."marginCents", "marginBps" = EXCLUDED."marginBps",
       "floorCents" = EXCLUDED."floorCents", unprofitable = EXCLUDED.unprofitable, cause = EXCLUDED.cause, "updatedAt" = EXCLUDED."updatedAt"
     WHERE (m."priceCents", m."feeCents", m."shippingCents", m."costCents", m."marginCents", m."marginBps", m."floorCents", m.unprofitable, m.cause)
       IS DISTINCT FROM (EXCLUDED."priceCents", EXCLUDED."feeCents", EXCLUDED."shippingCents", EXCLUDED."costCents", EXCLUDED."marginCents",
                         EXCLUDED."marginBps", EXCLUDED."floorCents", EXCLUDED.unprofitable, EXCLUDED.cause)`,
    [shopId, payload],
  );
  return moved;
}

/**
 * The listings of a batch whose floor moved but whose desired state did not (their decision only
 * clears the mark): their stored explanation still shows the old floor, so "Why?" on Inventory
 * would contradict Margins. Written by the outbox writer (writeExplanations). `moved` also holds
 * those whose promotion coupon started or ended with their price unchanged (parity.ts couponStepMoved).
 */
export function explanationsToRefresh(
  decisions: readonly Decision[],
  computed: ReadonlyMap<string, ComputedListing>,
  moved: ReadonlySet<string>,
): ExplanationRefresh[] {
  const refreshes: ExplanationRefresh[] = [];
  for (const decision of decisions) {
    if (decision.kind !== "clear" || !moved.has(decision.listing.id)) continue;
    const result = computed.get(decision.listing.id);
    if (!result) continue;
    const { quantity, price, priceNotices } = result.explanation;
    refreshes.push({ id: decision.listing.id, version: decision.listing.desiredVersion, explanation: { quantity, price, priceNotices } });
  }
  return refreshes;
}
