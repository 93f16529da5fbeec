// What end-to-end tests of quantities do again and again over a marketplace rig: set Shopify's
// stock of a variant at the store's first location (a webhook tells the app), and wait until every
// marketplace shows what a test expects with nothing left to push.
import prisma from "~/db.server";
import { eventually, MARKETPLACES, type LinkedVariant, type MarketplaceRig } from "./marketplaces";

/** Shopify's stock of the variant at the store's first location. */
export function setShopifyStock(rig: MarketplaceRig, variant: LinkedVariant, available: number): void {
  const location = rig.shopify.store.shop(rig.domain).locations[0];
  rig.shopify.store.setAvailable(rig.domain, variant.itemShopifyId, location.id, available);
}

/** Waits until every marketplace shows `expected(variant)` for each variant, and no listing is stale or unsynced. */
export async function everyMarketplaceShowing(rig: MarketplaceRig, expected: (variant: LinkedVariant) => number, what: string): Promise<void> {
  await eventually(
    async () =>
      MARKETPLACES.every((m) => rig.variants.every((v) => rig.quantityOn(m, v) === expected(v))) &&
      (await prisma.listing.count({ where: { shopId: rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }] } })) === 0,
    30_000,
    what,
  );
}
