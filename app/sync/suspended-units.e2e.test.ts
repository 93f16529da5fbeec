import { beforeAll, describe, expect, it } from "vitest";
import { storedStepText } from "~/engine/explain";
import prisma from "~/db.server";
import { action as channelsAction } from "~/routes/app.channels/route";
import { adminRequest } from "../../test/admin-request";
import { eventually, MARKETPLACES } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";
import { runDriftRead } from "./drift-read.server";
import { DRIFT_GRACE_MS } from "./drift";

// A suspended listing's units offered to the other channels (issue 21, decision 0025), end to end:
// a discontinued variant with 10 left, Amazon ranked first with a low-stock threshold of 12: Amazon
// sells the last units and every other channel gives way to it (0). The merchant chooses on the
// Channels screen to offer a suspended Amazon listing's units to the others; Amazon suppresses the
// listing, the drift read sees it, and the real workers recompute and push: Amazon 0 with the
// reason in its explanation, the others 10, their explanation naming Amazon's suspension. Once
// Amazon lifts it, everything is as before. Real PostgreSQL, Redis
// and workers; the simulators are the only stand-ins.

const setUp = useWorkersRig({ catalog: { products: 1, variantsPerProduct: 1, locations: 1 } }, async (rig) => {
  // The merchant's low-stock threshold for Amazon (Channel.settings), and the variant marked discontinued.
  await prisma.$executeRaw`UPDATE "Channel" SET settings = settings || '{"lowStockThreshold": 12}'::jsonb WHERE id = ${rig.channels.amazon.id}`;
  await prisma.variant.updateMany({ where: { shopId: rig.shopId }, data: { discontinued: true } });
});

const pastTheGrace = () => new Date(Date.now() + DRIFT_GRACE_MS + 60_000);
const OTHERS = MARKETPLACES.filter((m) => m !== "amazon");
const REASON = "Missing required attribute: brand";

beforeAll(async () => {
  const { rig } = setUp;
  const location = rig.shopify.store.shop(rig.domain).locations[0];
  rig.shopify.store.setAvailable(rig.domain, rig.variants[0].itemShopifyId, location.id, 10);
  await rig.linkAll();
  await settledAt({ amazon: 10, ebay: 0, walmart: 0, tiktok: 0 }, "every channel giving way to Amazon");
}, 120_000);

/** Waits until each marketplace shows its number and nothing is left to push or recompute. */
async function settledAt(expected: Record<(typeof MARKETPLACES)[number], number>, what: string): Promise<void> {
  const variant = setUp.rig.variants[0];
  await eventually(
    async () =>
      MARKETPLACES.every((m) => setUp.rig.quantityOn(m, variant) === expected[m]) &&
      (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }] } })) === 0,
    30_000,
    what,
  );
}

/** The words of a listing's quantity explanation, as the merchant reads them. */
async function explanationOn(marketplace: (typeof MARKETPLACES)[number]): Promise<string[]> {
  const listing = await prisma.listing.findFirstOrThrow({
    where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels[marketplace].id, channelSku: setUp.rig.variants[0].channelSku[marketplace] },
  });
  const steps = (listing.explanation as { quantity?: Parameters<typeof storedStepText>[0][] } | null)?.quantity ?? [];
  return steps.map(storedStepText);
}

describe("a suspended listing's units offered to the other channels", () => {
  it("given the merchant offers a suspended Amazon listing's units, when Amazon suppresses it and the read sees it, then Amazon lists 0 with the reason and the others list the 10; lifted, Amazon sells the last units again", async () => {
    const request = await adminRequest(setUp.rig.domain, "/app/channels", {
      form: { intent: "suspendedUnits", channelId: setUp.rig.channels.amazon.id, offerSuspendedUnits: "offer" },
    });
    expect(((await channelsAction({ request, params: {}, context: {} })) as unknown as { data: { ok: boolean } }).data.ok).toBe(true);
    await settledAt({ amazon: 10, ebay: 0, walmart: 0, tiktok: 0 }, "nothing suspended yet: no change");

    setUp.rig.amazon.state.suppressListing(setUp.rig.variants[0].channelSku.amazon, REASON);
    expect(await runDriftRead(setUp.rig.channels.amazon.id, { now: pastTheGrace })).toMatchObject({ status: "read", suspended: 1 });
    await settledAt({ amazon: 0, ebay: 10, walmart: 10, tiktok: 10 }, "the other channels listing Amazon's units");
    expect(await explanationOn("amazon")).toContain(
      `Amazon US suspended this listing (LISTING_SUPPRESSED: ${REASON}): listed at 0, its units offered to the other channels`,
    );
    for (const marketplace of OTHERS) {
      expect(await explanationOn(marketplace)).toContain(
        "Amazon US suspended its listing: its units are offered here, and it no longer ranks ahead in low-stock throttling",
      );
    }

    setUp.rig.amazon.state.suppressListing(setUp.rig.variants[0].channelSku.amazon, null);
    expect(await runDriftRead(setUp.rig.channels.amazon.id, { now: pastTheGrace })).toMatchObject({ status: "read", resolved: 1 });
    await settledAt({ amazon: 10, ebay: 0, walmart: 0, tiktok: 0 }, "every channel giving way to Amazon again");
  }, 90_000);

  it("given nothing in stock (every channel at 0), when Amazon suspends the listing, then the numbers stay but every explanation says so; lifted, they no longer do", async () => {
    const { rig } = setUp;
    const location = rig.shopify.store.shop(rig.domain).locations[0];
    rig.shopify.store.setAvailable(rig.domain, rig.variants[0].itemShopifyId, location.id, 0);
    await settledAt({ amazon: 0, ebay: 0, walmart: 0, tiktok: 0 }, "nothing in stock");

    rig.amazon.state.suppressListing(rig.variants[0].channelSku.amazon, REASON);
    expect(await runDriftRead(rig.channels.amazon.id, { now: pastTheGrace })).toMatchObject({ status: "read", suspended: 1 });
    await eventually(
      async () => (await explanationOn("amazon")).some((text) => text.includes("Amazon US suspended this listing")),
      30_000,
      "Amazon's explanation",
    );
    for (const marketplace of OTHERS) {
      await eventually(
        async () => (await explanationOn(marketplace)).some((text) => text.includes("its units are offered here")),
        30_000,
        `${marketplace}'s explanation`,
      );
    }
    await settledAt({ amazon: 0, ebay: 0, walmart: 0, tiktok: 0 }, "still nothing to list");

    rig.amazon.state.suppressListing(rig.variants[0].channelSku.amazon, null);
    expect(await runDriftRead(rig.channels.amazon.id, { now: pastTheGrace })).toMatchObject({ status: "read", resolved: 1 });
    await eventually(async () => !(await explanationOn("amazon")).some((text) => text.includes("suspended")), 30_000, "Amazon's explanation without it");
  }, 90_000);
});
