import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import { sqlFor } from "~/lib/sql.server";
import { RECENT_CHECK_EVERY_MS, type Queues } from "~/queues.server";
import { noteChange } from "~/recompute/index.server";
import type { AdminClient } from "./admin-client.server";
import { itemsPerQuery, levelsQueryCost, locationsToRead, refreshLevelsFromShopify, type RefreshOutcome } from "./level-reads.server";
import { applyParkedInventory, forgetStaleParkedInventory } from "./parked.server";

// The frequent, cheap check of the mirror against Shopify: every RECENT_CHECK_EVERY_MS, the levels
// of the items whose stock moved recently are read from the Admin API and corrected where the
// mirror differs. Webhooks can be lost (Shopify gives up on a delivery after 8 tries over 4 hours:
// shopify.dev changelog "Updates to webhook retry mechanism", 2024-09-10) and arrive in any order;
// the full reconciliation (bulk-import.server.ts) runs every 6 hours. An item that just moved is the
// one most likely to move again, so the change whose delivery went missing is most often on an
// item the mirror saw move minutes before: reading those few items again bounds how long such a
// mirror stays wrong to a few minutes, at a fraction of the shop's Admin API budget.

/**
 * How far back "recently" reaches: five checks' worth. A lost change is found by any check that
 * runs while the item's last known change is this recent, so a change lost up to eight minutes
 * after the item last moved is still found, within one check of happening.
 */
export const RECENTLY_CHANGED_MS = 5 * RECENT_CHECK_EVERY_MS;

/**
 * The share of the shop's Admin API budget one check may spend: a tenth of what its bucket
 * restores between two checks, so write-backs and order creation keep the rest. Shopify restores
 * 100 points/s on Standard plans, 200 on Advanced, 1,000 on Plus (shopify.dev/docs/api/usage/limits);
 * before the first answer tells the shop's rate, Standard's is assumed.
 */
const BUDGET_SHARE = 0.1;
const STANDARD_RESTORE_RATE = 100;

export interface RecentCheckSummary {
  /** Items whose levels the mirror wrote within RECENTLY_CHANGED_MS. */
  changedItems: number;
  /** Those read from Shopify this time (the most recently changed first, as many as the budget allows). */
  itemsRead: number;
  levelsRead: number;
  /** Levels the mirror held wrong, now corrected. */
  corrected: number;
  /** Levels a delivery wrote while they were being read (left to that delivery and the next check). */
  raced: number;
  /** Parked reports applied (their item arrived by a path that did not apply them) and forgotten (too old). */
  parkedApplied: number;
  parkedForgotten: number;
  seconds: number;
}

interface Deps {
  prisma?: PrismaClient;
  queues?: Queues;
}

/** The shop's items whose levels the mirror wrote within `withinMs`, most recently written first. */
async function recentlyChangedItems(shopId: string, withinMs: number): Promise<string[]> {
  const rows = await sqlFor().rows<{ item: string }>(
    `SELECT ii."shopifyId" AS item
     FROM "InventoryLevel" il JOIN "InventoryItem" ii ON ii.id = il."inventoryItemId"
     WHERE il."shopId" = $1 AND il."updatedAt" > now() - $2 * interval '1 millisecond'
     GROUP BY ii."shopifyId"
     ORDER BY max(il."updatedAt") DESC`,
    [shopId, withinMs],
  );
  return rows.map((r) => r.item);
}

/**
 * The shop-maintenance queue's "recent-check": reads from Shopify the levels of the items that
 * moved recently, corrects the mirror where it differs, notes those changes for the recompute,
 * records them (audit event "mirror.drift_repaired", check "recent") and logs what it did.
 */
export async function checkRecentLevels(shopDomain: string, client: AdminClient, deps: Deps = {}): Promise<RecentCheckSummary> {
  const prisma = deps.prisma ?? defaultPrisma;
  const started = performance.now();
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const shopId = shop.id;

  // What waited for its item and was not applied when the item came (or never will be).
  const parked = await applyParkedInventory(shopId, { prisma, queues: deps.queues, adminClient: async () => client });
  const parkedForgotten = await forgetStaleParkedInventory(shopId);

  const changed = await recentlyChangedItems(shopId, RECENTLY_CHANGED_MS);
  const locations = await locationsToRead(shopId);
  // Items this run may read: its budget over what one item's levels cost, by the shop's restore
  // rate once Shopify's first answer has told it.
  const affordable = () => {
    const budget = BUDGET_SHARE * (client.throttle?.restoreRate ?? STANDARD_RESTORE_RATE) * (RECENT_CHECK_EVERY_MS / 1000);
    return Math.max(1, Math.floor(budget / levelsQueryCost(1, locations)));
  };
  const refreshed: RefreshOutcome = { changes: [], read: 0, raced: 0 };
  let itemsRead = 0;
  while (itemsRead < Math.min(changed.length, affordable())) {
    const chunk = changed.slice(itemsRead, Math.min(itemsRead + itemsPerQuery(locations), affordable()));
    const outcome = await refreshLevelsFromShopify(client, shopId, chunk, { locations, attempts: 1 });
    refreshed.changes.push(...outcome.changes);
    refreshed.read += outcome.read;
    refreshed.raced += outcome.raced;
    itemsRead += chunk.length;
  }

  if (refreshed.changes.length > 0) {
    await noteChange(shopId, { kind: "stock", at: refreshed.changes }, { prisma, queues: deps.queues });
    await prisma.auditEvent.create({
      data: {
        shopId,
        actor: "worker",
        action: "mirror.drift_repaired",
        details: { check: "recent", levels: refreshed.changes.length, sample: refreshed.changes.slice(0, 20).map((d) => ({ ...d })) },
      },
    });
  }
  const summary: RecentCheckSummary = {
    changedItems: changed.length,
    itemsRead,
    levelsRead: refreshed.read,
    corrected: refreshed.changes.length,
    raced: refreshed.raced,
    parkedApplied: parked.levels + parked.items,
    parkedForgotten,
    seconds: (performance.now() - started) / 1000,
  };
  const log = logger.child({ shop: shopDomain, ...summary });
  if (summary.corrected > 0) log.warn("recent check corrected the mirror: levels Shopify changed without a delivery that reached it");
  else log.info("recent check: mirror equals Shopify");
  if (itemsRead < changed.length) log.info({ unread: changed.length - itemsRead }, "recent check: more changed items than its budget reads");
  return summary;
}
