import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parityViolationKey } from "~/alerts/events.server";
import { applyDefaultParityMatrix, ensureStoreChannel } from "~/channels/store-channel.server";
import prisma from "~/db.server";
import { createPromotion, launchPromotion } from "~/routes/app.promotions/promotions.server";
import { eventually, MARKETPLACES } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";

// A coupon-style promotion through the real workers and the marketplace simulators, on a test
// clock (as promotions.e2e.test.ts): its list price is never pushed, yet while it runs its coupon
// is what eBay's customers pay less, so Amazon, which watches eBay's public price (the playbook's
// matrix), sees eBay cheaper: a live parity violation pages from its start and is resolved at its
// end (decision 0023).

const COUPON_PERCENT = 10;

beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
});
afterAll(() => {
  vi.useRealTimers();
});

// The store as install makes it, and each account's default matrix as its connect gives it.
const setUp = useWorkersRig({ catalog: { products: 1, variantsPerProduct: 1, locations: 1 } }, async (rig) => {
  await ensureStoreChannel(prisma, rig.shopId);
  for (const marketplace of MARKETPLACES) await applyDefaultParityMatrix(prisma, rig.shopId, rig.channels[marketplace].id);
});

const fieldTime = (at: Date) => at.toISOString().slice(0, 16);

describe("a coupon-style promotion counted for parity, end to end", () => {
  it("given a 10 % eBay coupon starting in five minutes and Amazon watching eBay, when the clock passes its start, then eBay keeps its list price and Amazon's violation pages; past its end it is resolved", async () => {
    const { rig } = setUp;
    const [kettle] = rig.variants;
    await rig.linkAll();
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: rig.shopId, sku: kettle.sku } });
    const price = variant.priceCents;
    await eventually(() => MARKETPLACES.every((m) => rig.priceOn(m, kettle) === price), 60_000, "every marketplace at Shopify's price");
    const violationOnEbay = parityViolationKey(variant.id, rig.channels.amazon.id, rig.channels.ebay.id);
    const violation = () => prisma.alert.findUnique({ where: { shopId_dedupeKey: { shopId: rig.shopId, dedupeKey: violationOnEbay } } });
    const ebayPriceWords = async () => {
      const listing = await prisma.listing.findFirstOrThrow({ where: { shopId: rig.shopId, channelId: rig.channels.ebay.id } });
      return ((listing.explanation as { price?: { text: string }[] } | null)?.price ?? []).map((s) => s.text).join(" / ");
    };

    const startsAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5 * 60_000);
    const endsAt = new Date(startsAt.getTime() + 10 * 60_000);
    const created = await createPromotion(
      rig.domain,
      {
        name: "Clip coupon",
        startsAt: fieldTime(startsAt),
        endsAt: fieldTime(endsAt),
        channelIds: [rig.channels.ebay.id],
        skus: kettle.sku,
        discountKind: "couponPercent",
        discountValue: String(COUPON_PERCENT),
      },
      "merchant:e2e",
      prisma,
    );
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    // The checklist sees the coupon break Amazon's parity; the merchant launches it anyway.
    const launched = await launchPromotion(
      rig.domain,
      { promotionId: created.promotionId, override: "on", overrideReason: "Amazon's price follows next week" },
      "merchant:e2e",
      prisma,
    );
    expect(launched.status).toBe("READY");
    await eventually(
      async () => (await prisma.listing.count({ where: { shopId: rig.shopId, OR: [{ staleSince: { not: null } }, { syncState: "PENDING" }] } })) === 0,
      60_000,
      "the launch's recompute settled",
    );
    expect(await violation()).toBeNull();

    // The clock passes the start: nothing new is pushed to eBay, but its checkout is 10 % lower.
    vi.setSystemTime(startsAt.getTime() + 1_000);
    await eventually(async () => (await violation())?.state === "OPEN", 60_000, "Amazon's violation paged");
    const coupon = Math.round((price * COUPON_PERCENT) / 100);
    const amount = (cents: number) => (cents / 100).toFixed(2);
    expect((await violation())!.title).toBe(`${kettle.sku} is cheaper on eBay US ($${amount(price - coupon)}) than on Amazon US ($${amount(price)})`);
    expect(rig.priceOn("ebay", kettle)).toBe(price);
    expect(rig.priceOn("amazon", kettle)).toBe(price);
    expect((await prisma.promotion.findUniqueOrThrow({ where: { id: created.promotionId } })).status).toBe("RUNNING");
    // "Why?" on eBay's listing says so, though its price did not move.
    expect(await ebayPriceWords()).toContain(`Clip coupon: a 10% coupon at checkout until`);

    // Past its end the coupon is gone: the violation no longer stands.
    // (A resolved alert gives its key up for the next one: followed by its id from here.)
    const paged = (await violation())!;
    vi.setSystemTime(endsAt.getTime() + 1_000);
    await eventually(async () => (await prisma.alert.findUniqueOrThrow({ where: { id: paged.id } })).state === "RESOLVED", 60_000, "the violation resolved");
    expect((await prisma.promotion.findUniqueOrThrow({ where: { id: created.promotionId } })).status).toBe("ENDED");
    expect(rig.priceOn("ebay", kettle)).toBe(price);
    await eventually(async () => !(await ebayPriceWords()).includes("Clip coupon"), 30_000, "the coupon gone from eBay's explanation");
  }, 240_000);
});
