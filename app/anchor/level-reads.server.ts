import type { InventoryLevelsOfItemsQuery, InventoryLevelsOfItemsQueryVariables } from "~/types/admin.generated";
import { sqlFor } from "~/lib/sql.server";
import type { AdminClient } from "./admin-client.server";
import { gid, idFromGid } from "./gid";
import { levelKey, levelsSeen, writeLevelsRead, type InventoryLevelRecord, type LevelChange, type LevelRead } from "./mirror.server";

// Reading inventory levels back from Shopify's Admin API into the mirror: when two reports of a
// level in the same second cannot be ordered (mirror.server.ts, upsertInventoryLevels), and for the
// frequent check of recently changed items (recent-levels.server.ts). Shopify's answer is its state
// when read; it is written with a compare-and-set against what the mirror held before the read
// (writeLevelsRead), so a delivery applied meanwhile is never overwritten by an older read.

const LEVELS_OF_ITEMS = `#graphql
query InventoryLevelsOfItems($ids: [ID!]!, $locations: Int!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      id
      inventoryLevels(first: $locations) {
        nodes {
          updatedAt
          location { id }
          quantities(names: ["available", "on_hand", "committed"]) { name quantity }
        }
      }
    }
  }
}`;

/** The most a single query may cost (shopify.dev/docs/api/usage/limits, "Maximum single query cost"). */
const MAX_QUERY_COST = 1000;
/** Ids `nodes` accepts at once (QueryRoot.nodes, 2026-10: "The IDs of the objects to return", at most 250). */
const MAX_NODES = 250;
/** Locations a query asks each item's levels at; a shop with more is read at its first 250. */
const MAX_LOCATIONS = 250;

/**
 * The requested cost of reading `items` items' levels at `locations` locations, by Shopify's rules:
 * each item 1, its levels connection 2 + `locations` × (level 1, location 1, quantities 1).
 */
export function levelsQueryCost(items: number, locations: number): number {
  return items * (3 + 3 * locations);
}

/** How many items one query reads, for a shop with `locations` locations. */
export function itemsPerQuery(locations: number): number {
  return Math.max(1, Math.min(MAX_NODES, Math.floor(MAX_QUERY_COST / levelsQueryCost(1, locations))));
}

/** The number of locations to ask each item's levels at: every one the mirror knows of the shop. */
export async function locationsToRead(shopId: string): Promise<number> {
  const [row] = await sqlFor().rows<{ n: number }>(`SELECT count(*)::int AS n FROM "Location" WHERE "shopId" = $1`, [shopId]);
  return Math.max(1, Math.min(MAX_LOCATIONS, row?.n ?? 1));
}

/** Every active level of these items in Shopify, as level records (no triggered-at: a read has none). */
export async function readLevelsOfItems(client: AdminClient, itemShopifyIds: string[], locations: number): Promise<InventoryLevelRecord[]> {
  const levels: InventoryLevelRecord[] = [];
  const perQuery = itemsPerQuery(locations);
  for (let start = 0; start < itemShopifyIds.length; start += perQuery) {
    const ids = itemShopifyIds.slice(start, start + perQuery).map((id) => gid("InventoryItem", id));
    const data = await client.request<InventoryLevelsOfItemsQuery, InventoryLevelsOfItemsQueryVariables>(LEVELS_OF_ITEMS, { ids, locations });
    for (const node of data.nodes) {
      // Null: deleted in Shopify since (its products/delete archives it in the mirror).
      if (!node || !("inventoryLevels" in node)) continue;
      const itemShopifyId = idFromGid(node.id);
      for (const level of node.inventoryLevels.nodes) {
        const quantity = (name: string) => level.quantities.find((q) => q.name === name)?.quantity ?? null;
        levels.push({
          itemShopifyId,
          locationShopifyId: idFromGid(level.location.id),
          available: quantity("available") ?? 0,
          onHand: quantity("on_hand"),
          committed: quantity("committed"),
          shopifyUpdatedAt: level.updatedAt as string,
        });
      }
    }
  }
  return levels;
}

export interface RefreshOutcome {
  changes: LevelChange[];
  /** Levels read from Shopify. */
  read: number;
  /** Levels a delivery wrote while they were read, the last time they were read. */
  raced: number;
}

/**
 * Reads these items' levels from Shopify and writes into the mirror those it holds wrong. A level
 * a delivery wrote while it was being read is read again, up to `attempts` reads in all.
 */
export async function refreshLevelsFromShopify(
  client: AdminClient,
  shopId: string,
  itemShopifyIds: string[],
  options: { attempts?: number; locations?: number } = {},
): Promise<RefreshOutcome> {
  const locations = options.locations ?? (await locationsToRead(shopId));
  const outcome: RefreshOutcome = { changes: [], read: 0, raced: 0 };
  let items = [...new Set(itemShopifyIds)];
  for (let attempt = 1; items.length > 0 && attempt <= (options.attempts ?? 3); attempt++) {
    const seen = await levelsSeen(shopId, items);
    const levels = await readLevelsOfItems(client, items, locations);
    const reads: LevelRead[] = levels.map((l) => ({ ...l, seen: seen.get(levelKey(l.itemShopifyId, l.locationShopifyId)) ?? null }));
    const { changes, raced } = await writeLevelsRead(shopId, reads);
    outcome.changes.push(...changes);
    outcome.read += levels.length;
    outcome.raced = raced.length;
    items = [...new Set(raced.map((r) => r.itemShopifyId))];
  }
  return outcome;
}
