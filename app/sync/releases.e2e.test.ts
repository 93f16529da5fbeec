import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { importVariantHolds } from "~/csv/variant-holds.server";
import prisma from "~/db.server";
import { formatShopDateTime } from "~/lib/zoned-time";
import { queues } from "~/queues.server";
import { shopTimeZone } from "~/rules/variant-holds.server";
import { eventually, MARKETPLACES, type LinkedVariant } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";
import { releaseJobId } from "./releases.server";

// Holds through the real workers and the four marketplace simulators, on a test clock: the
// process's Date is faked (it still runs on from where it is set), so the release moment is
// reached by moving the clock, not by waiting for it. BullMQ reads the same clock for delayed
// jobs, so the release job comes due when the clock passes its moment.
//
// The merchant's CSV holds a pre-order five minutes ahead and discontinues another variant; eBay
// keeps a buffer of 2 units. Held: every marketplace gets 0 and the explanation says why. When
// the clock passes the release, the listings are pushed their real quantities. Discontinued: no
// buffer, so eBay gets the last units too, and 0 once they are sold.

const EBAY_BUFFER = 2;

// The test clock: Date is faked before the rig starts (the hooks run in order) and real again after it stops.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
});
afterAll(() => {
  vi.useRealTimers();
});

const setUp = useWorkersRig({ catalog: { products: 2, variantsPerProduct: 1, locations: 1 } }, async (rig) => {
  await prisma.bufferRule.create({ data: { shopId: rig.shopId, channelId: rig.channels.ebay.id, scope: "CHANNEL", kind: "FIXED", units: EBAY_BUFFER } });
});

const listingOf = (marketplace: string, v: LinkedVariant) =>
  prisma.listing.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, channel: { kind: marketplace.toUpperCase() as "EBAY" }, variant: { sku: v.sku } } });
const explanationText = async (marketplace: string, v: LinkedVariant) =>
  ((await listingOf(marketplace, v)).explanation as { quantity: { text: string }[] }).quantity.map((s) => s.text).join(" / ");
const everywhere = (v: LinkedVariant) => MARKETPLACES.map((m) => setUp.rig.quantityOn(m, v));

describe("holds end to end, on a test clock", () => {
  it("given a pre-order released in five minutes and a discontinued variant set by CSV, when linked, then every marketplace gets 0 for the pre-order until the clock passes its release, then its real quantity; the discontinued one sells its last units everywhere, and 0 once they are gone", async () => {
    const [preorder, discontinued] = setUp.rig.variants;
    // A whole minute five to six minutes ahead, as a merchant types it in the shop's time zone.
    const release = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5 * 60_000);
    const { settings } = await prisma.shop.findUniqueOrThrow({ where: { id: setUp.rig.shopId } });
    const imported = await importVariantHolds(
      setUp.rig.domain,
      `sku,discontinued,release_at\r\n${preorder.sku},no,${formatShopDateTime(release, shopTimeZone(settings))}\r\n${discontinued.sku},yes,\r\n`,
      "merchant:e2e",
    );
    expect(imported).toEqual({ ok: true, created: 0, updated: 2 });

    await setUp.rig.linkAll();
    await eventually(
      async () =>
        everywhere(preorder).every((q) => q === 0) &&
        setUp.rig.quantityOn("ebay", discontinued) === setUp.rig.anchorQuantity(discontinued) &&
        (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, syncState: { not: "IN_SYNC" } } })) === 0,
      60_000,
      "the first push: the pre-order held at 0, the discontinued variant unbuffered",
    );
    expect(setUp.rig.anchorQuantity(preorder)).toBeGreaterThan(EBAY_BUFFER);
    expect(everywhere(preorder)).toEqual([0, 0, 0, 0]);
    expect(await explanationText("ebay", preorder)).toContain(
      `On hold until its release on ${release.toISOString().slice(0, 10)} ${release.toISOString().slice(11, 16)} UTC: listed at 0`,
    );
    expect(await explanationText("ebay", discontinued)).toContain("Discontinued: no buffer, sells down to zero");
    expect(everywhere(discontinued)).toEqual(MARKETPLACES.map(() => setUp.rig.anchorQuantity(discontinued)));

    // One job waits for the release moment; nothing moves before it.
    const job = await queues().recompute.getJob(releaseJobId(setUp.rig.shopId, release));
    expect(job!.timestamp + job!.delay).toBe(release.getTime());
    expect(await job!.getState()).toBe("delayed");
    vi.setSystemTime(release.getTime() - 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await job!.getState()).toBe("delayed");
    expect(everywhere(preorder)).toEqual([0, 0, 0, 0]);

    // The clock passes the release: the job runs once and every marketplace gets the real quantity.
    vi.setSystemTime(release.getTime() + 1_000);
    const pool = setUp.rig.anchorQuantity(preorder);
    await eventually(
      () =>
        setUp.rig.quantityOn("ebay", preorder) === pool - EBAY_BUFFER &&
        ["amazon", "walmart", "tiktok"].every((m) => setUp.rig.quantityOn(m as "amazon", preorder) === pool),
      30_000,
      "the release pushed",
    );
    expect(everywhere(preorder)).toEqual([pool, pool - EBAY_BUFFER, pool, pool]);
    expect(await (await queues().recompute.getJob(releaseJobId(setUp.rig.shopId, release)))!.getState()).toBe("completed");
    expect((await prisma.variant.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, sku: preorder.sku } })).releaseNotedAt).not.toBeNull();
    expect(await explanationText("ebay", preorder)).not.toContain("On hold");

    // Discontinued: its last unit is offered on eBay despite the buffer, then 0 everywhere once sold.
    const location = setUp.rig.shopify.store.shop(setUp.rig.domain).locations[0].id;
    setUp.rig.shopify.store.setAvailable(setUp.rig.domain, discontinued.itemShopifyId, location, 1);
    await eventually(() => everywhere(discontinued).every((q) => q === 1), 30_000, "the last unit offered everywhere");
    setUp.rig.shopify.store.setAvailable(setUp.rig.domain, discontinued.itemShopifyId, location, 0);
    await eventually(() => everywhere(discontinued).every((q) => q === 0), 30_000, "0 pushed once sold out");
    expect(everywhere(discontinued)).toEqual([0, 0, 0, 0]);
  }, 150_000);
});
