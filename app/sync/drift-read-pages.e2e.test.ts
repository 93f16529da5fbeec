import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { editByHand } from "../../test/hand-edits";
import { MARKETPLACES, type Marketplace } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";
import { runDriftRead } from "./drift-read.server";
import { DRIFT_GRACE_MS } from "./drift";

// A read cycle over more listings than one page of each marketplace's bulk read (issue 21): 110
// listings, more than TikTok's search page of 100 and Walmart's items and inventories pages of 50.
// Every listing is read, with the calls each bulk read costs: Amazon a searchListingsItems per 20,
// eBay a getInventoryItems page of 200 and a getOffers per SKU (offers are read by SKU only),
// Walmart an items page and an inventories page per 50, TikTok a product search per 100. A hand
// edit on one of them is found wherever its page falls.

const LISTINGS = 110;
const setUp = useWorkersRig(
  { catalog: { products: LISTINGS, variantsPerProduct: 1, locations: 1 }, initialFromAnchor: true, content: false, startTimeoutMs: 120_000 },
  async (rig) => {
    await rig.linkAll();
    // A store in sync: every listing acknowledged an hour ago at what the marketplace shows.
    await prisma.$executeRaw`
      UPDATE "Listing" SET "syncState" = 'IN_SYNC', "staleSince" = NULL, "contentStaleSince" = NULL,
        "pushedQuantity" = "observedQuantity", "pushedAt" = now() - interval '1 hour'
      WHERE "shopId" = ${rig.shopId}`;
  },
);

const pastTheGrace = () => new Date(Date.now() + DRIFT_GRACE_MS + 60_000);

const EXPECTED_CALLS: Record<Marketplace, number> = {
  amazon: Math.ceil(LISTINGS / 20),
  ebay: 1 + LISTINGS,
  walmart: 2 * Math.ceil(LISTINGS / 50),
  tiktok: Math.ceil(LISTINGS / 100),
};

describe("a drift read cycle over more listings than one page", () => {
  it.each(MARKETPLACES)(
    "given %s holding 110 of Anchorline's listings and one edited by hand, when one cycle runs, then all 110 are read with the bulk read's calls and the edit is found",
    async (marketplace) => {
      const { rig } = setUp;
      const edited = rig.variants[LISTINGS - 1];
      const listing = await prisma.listing.findFirstOrThrow({
        where: { shopId: rig.shopId, channelId: rig.channels[marketplace].id, channelSku: edited.channelSku[marketplace] },
      });
      // Anchorline's push acknowledged at what the marketplace shows; the seller types 20 more.
      const shown = rig.quantityOn(marketplace, edited)!;
      await prisma.listing.update({ where: { id: listing.id }, data: { pushedQuantity: shown } });
      const handTyped = shown + 20;
      await editByHand(rig, marketplace, edited, handTyped);

      const read = await runDriftRead(rig.channels[marketplace].id, { now: pastTheGrace });
      expect(read).toMatchObject({ status: "read", listingsRead: LISTINGS, calls: EXPECTED_CALLS[marketplace], drifting: 1 });
      expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).observedQuantity).toBe(handTyped);
      expect(await prisma.listing.count({ where: { shopId: rig.shopId, channelId: rig.channels[marketplace].id, observedAt: null } })).toBe(0);
    },
    120_000,
  );
});
