import { describe, expect, it } from "vitest";
import type { ParityEdge, VisiblePrice } from "./parity";
import {
  reserveAlertsCrossed,
  type PromotionChecklistInput,
  type PromotionPlan,
  promotionalPrice,
  promotionChecklist,
  promotionLaunchDecision,
  suggestedFix,
  type VariantOnChannel,
} from "./promotion";
import { aChannel, NOW } from "./test-fixtures";

const DAY = 86_400_000;
const amazon = aChannel("amazon");
const tiktok = aChannel("tiktok");
const shopify = aChannel("shopify");

const visible = (channelId: string, channelName: string, priceCents = 2_000): VisiblePrice => ({
  channelId,
  channelName,
  priceCents,
  shippingCents: 0,
  couponCents: 0,
});

const onChannel = (channelId: string, name: string, overrides: Partial<VariantOnChannel> = {}): VariantOnChannel => ({
  channelId,
  velocityPerDay: 1,
  availableToSell: 50,
  visiblePrice: visible(channelId, name),
  ...overrides,
});

function aPlan(overrides: Partial<PromotionPlan> = {}): PromotionPlan {
  return {
    promotionId: "promo",
    name: "Flash sale",
    startsAt: new Date(NOW.getTime() + 3 * DAY),
    endsAt: new Date(NOW.getTime() + 10 * DAY),
    channelIds: [tiktok.id],
    discount: { kind: "couponPercent", value: 1_000 },
    upliftBps: 20_000,
    reserveUnits: 10,
    exclusiveReserve: true,
    variants: [
      {
        variantId: "var-1",
        name: "Serum 30ml",
        mapCents: null,
        reserveUnits: null,
        onChannels: [onChannel(amazon.id, "Amazon"), onChannel(tiktok.id, "TikTok Shop", { velocityPerDay: 2 }), onChannel(shopify.id, "Shopify")],
      },
    ],
    ...overrides,
  };
}

function checklistFor(plan: PromotionPlan, parityEdges: ParityEdge[] = [], channels = [amazon, tiktok, shopify]) {
  const input: PromotionChecklistInput = { plan, channels, parityEdges, now: NOW };
  return promotionChecklist(input);
}

const amazonWatchesTiktok: ParityEdge = {
  watcherId: amazon.id,
  watchedId: tiktok.id,
  toleranceBps: 0,
  toleranceCents: 0,
  includeShipping: true,
  includeCoupons: true,
  allowViolations: false,
};

describe("the promotion checklist", () => {
  it("passes when projected demand fits the stock and no parity edge is crossed", () => {
    const checklist = checklistFor(aPlan());
    expect(checklist.verdict).toBe("pass");
    // 2/day × 2 uplift × 7 days = 28 units.
    expect(checklist.projectedDemand).toEqual([{ variantId: "var-1", channelId: tiktok.id, units: 28 }]);
  });

  it("fails when projected demand exceeds what the promotion's channels can sell, saying by how much", () => {
    const plan = aPlan({ upliftBps: 40_000 });
    const checklist = checklistFor(plan);
    expect(checklist.verdict).toBe("fail");
    expect(checklist.reasons).toEqual(["Serum 30ml: projected demand 56 units (velocity × 4 uplift × 7 days) against 50 units available: not enough stock"]);
  });

  it("fails on a parity violation the promotional price would cause on a watched channel", () => {
    const checklist = checklistFor(aPlan(), [amazonWatchesTiktok]);
    expect(checklist.verdict).toBe("fail");
    expect(checklist.parityViolations).toHaveLength(1);
    expect(checklist.parityViolations[0]).toMatchObject({ watcherId: amazon.id, watchedId: tiktok.id, differenceCents: 200 });
  });

  it("given 60 % off a 20.00 variant under the shop's ±50 % guardrail, when checked, then it passes with a warning naming the price the guardrail will hold and its fix; 40 % off or a 60 % coupon (the list price stays) does not warn", () => {
    const withShopifyPrice = (plan: PromotionPlan) => ({ ...plan, variants: plan.variants.map((v) => ({ ...v, shopifyPriceCents: 2_000 })) });
    const sixtyOff = checklistFor(withShopifyPrice(aPlan({ discount: { kind: "percent", value: 6_000 } })));
    expect(sixtyOff.verdict).toBe("pass");
    const warned = sixtyOff.items.filter((i) => i.check === "guardrail");
    expect(warned).toEqual([
      {
        check: "guardrail",
        status: "warn",
        variantId: "var-1",
        channelId: tiktok.id,
        text: "Serum 30ml on TikTok Shop: Price 8.00 is 60% below the Shopify price 20.00: beyond the ±50% price guardrail (at least 10.00) by 2.00; at the start its push is held until you approve it",
      },
    ]);
    expect(suggestedFix(warned[0]!)).toBe(
      "Lower the discount to within the guardrail, widen the price guardrail (Pricing) before the start, or approve the held price under Held pushes (Pricing) when it starts",
    );
    // A shop that widened its guardrail to ±70 % is not warned.
    const wide = promotionChecklist({
      plan: withShopifyPrice(aPlan({ discount: { kind: "percent", value: 6_000 } })),
      channels: [amazon, tiktok, shopify],
      parityEdges: [],
      now: NOW,
      priceGuardrailBps: 7_000,
    });
    expect(wide.items.some((i) => i.check === "guardrail")).toBe(false);
    for (const discount of [
      { kind: "percent", value: 4_000 },
      { kind: "couponPercent", value: 6_000 },
    ] as const) {
      expect(
        checklistFor(withShopifyPrice(aPlan({ discount }))).items.some((i) => i.check === "guardrail"),
        discount.kind,
      ).toBe(false);
    }
  });

  it("only warns about a violation the merchant allows on that edge", () => {
    const checklist = checklistFor(aPlan(), [{ ...amazonWatchesTiktok, allowViolations: true }]);
    expect(checklist.verdict).toBe("pass");
    expect(checklist.items.find((i) => i.check === "parity")?.status).toBe("warn");
  });

  it("lists the units its exclusive reserve takes from each other channel", () => {
    const plan = aPlan();
    plan.variants[0].onChannels = [
      onChannel(amazon.id, "Amazon", { availableToSell: 6 }),
      onChannel(tiktok.id, "TikTok Shop"),
      onChannel(shopify.id, "Shopify"),
    ];
    const checklist = checklistFor(plan);
    expect(checklist.reservesTaken).toEqual([
      { variantId: "var-1", channelId: amazon.id, units: 6 },
      { variantId: "var-1", channelId: shopify.id, units: 10 },
    ]);
    expect(checklist.items.find((i) => i.channelId === amazon.id)?.text).toBe("Serum 30ml: the reserve takes 6 units from Amazon, leaving it none");
  });

  it("takes nothing from other channels with a non-exclusive reserve", () => {
    expect(checklistFor(aPlan({ exclusiveReserve: false })).reservesTaken).toEqual([]);
  });

  it("fails when a channel needing advance notice would get too little", () => {
    const noticeful = aChannel("tiktok", { promotionNoticeHours: 96 });
    const checklist = checklistFor(aPlan(), [], [amazon, noticeful, shopify]);
    expect(checklist.verdict).toBe("fail");
    expect(checklist.reasons).toEqual(["TikTok Shop needs 96 hours' notice; the promotion starts in 72 hours"]);
  });
});

describe("launching a promotion", () => {
  it("is blocked while the checklist fails, and allowed once overridden", () => {
    const failing = checklistFor(aPlan({ upliftBps: 40_000 }));
    expect(promotionLaunchDecision(failing, null).allowed).toBe(false);
    const overridden = promotionLaunchDecision(failing, { by: "owner@shop.test", at: NOW });
    expect(overridden).toEqual({ allowed: true, reason: "Checklist failed (1 issue), overridden by owner@shop.test" });
  });

  it("is allowed when the checklist passes", () => {
    expect(promotionLaunchDecision(checklistFor(aPlan()), null).allowed).toBe(true);
  });
});

describe("promotional prices", () => {
  const base = visible("ch-tiktok", "TikTok Shop", 2_000);

  it("lowers the list price for list discounts and adds a coupon for coupon discounts", () => {
    expect(promotionalPrice(base, { kind: "percent", value: 2_500 }, null).visible.priceCents).toBe(1_500);
    expect(promotionalPrice(base, { kind: "amount", value: 300 }, null).visible.priceCents).toBe(1_700);
    expect(promotionalPrice(base, { kind: "fixedPrice", value: 1_299 }, null).visible.priceCents).toBe(1_299);
    const coupon = promotionalPrice(base, { kind: "couponAmount", value: 300 }, null).visible;
    expect([coupon.priceCents, coupon.couponCents]).toEqual([2_000, 300]);
  });

  it("holds a discounted list price at MAP, and notes a coupon that goes under it", () => {
    const listed = promotionalPrice(base, { kind: "percent", value: 5_000 }, 1_800);
    expect(listed.visible.priceCents).toBe(1_800);
    expect(listed.mapNotice).toBe("Promotional price 10.00 on TikTok Shop is under MAP: held at 18.00");
    const coupon = promotionalPrice(base, { kind: "couponPercent", value: 5_000 }, 1_800);
    expect(coupon.visible.priceCents).toBe(2_000);
    expect(coupon.mapNotice).toContain("under MAP 18.00");
  });
});

describe("alerts while a promotion runs (domain.md: at 25%, 10% and 5% of the reserve left)", () => {
  it("given a reserve of 100, when the units left fall from 30 to 25, then the 25% alert fires alone", () => {
    expect(reserveAlertsCrossed(100, 30, 25)).toEqual([25]);
  });

  it("given a reserve of 100, when one order takes it from 26 to 4, then all three alerts fire together", () => {
    expect(reserveAlertsCrossed(100, 26, 4)).toEqual([25, 10, 5]);
  });

  it("given a reserve of 10, when 3 are left after a sale from 4, then no alert fires because 25% of 10 is 2.5", () => {
    expect(reserveAlertsCrossed(10, 4, 3)).toEqual([]);
    expect(reserveAlertsCrossed(10, 3, 2)).toEqual([25]);
  });

  it("given units already under a level, when more sell or a return refills them, then that level does not fire again", () => {
    expect(reserveAlertsCrossed(100, 20, 15)).toEqual([]);
    expect(reserveAlertsCrossed(100, 4, 30)).toEqual([]);
  });
});
