import { describe, expect, it } from "vitest";
import { isReserveHeld, reserveHeldFromChannel } from "./reserve";
import { aPromotionReserve, NOW } from "./test-fixtures";
import type { PromotionReserve } from "./types";

const HOUR = 3_600_000;

const aPromotion = (overrides: Partial<PromotionReserve> = {}): PromotionReserve =>
  aPromotionReserve({
    promotionId: "p1",
    name: "Flash sale",
    status: "ready",
    startsAt: new Date(NOW.getTime() + 10 * HOUR),
    endsAt: new Date(NOW.getTime() + 34 * HOUR),
    reserveUnits: 12,
    ...overrides,
  });

describe("when a promotion's reserve is held (seed 001: '48-hour advance inventory reserve')", () => {
  it("given a ready promotion starting in exactly 48 hours, when checked now, then its reserve is held", () => {
    expect(isReserveHeld(aPromotion({ startsAt: new Date(NOW.getTime() + 48 * HOUR) }), NOW)).toBe(true);
  });

  it("given one starting a millisecond later than 48 hours, when checked now, then nothing is held yet", () => {
    expect(isReserveHeld(aPromotion({ startsAt: new Date(NOW.getTime() + 48 * HOUR + 1) }), NOW)).toBe(false);
  });

  it("given a merchant-set lead of 4 hours, when the promotion starts in 10, then nothing is held yet", () => {
    expect(isReserveHeld(aPromotion(), NOW, 4)).toBe(false);
    expect(isReserveHeld(aPromotion(), NOW, 10)).toBe(true);
  });

  it("given a promotion whose end is now, when checked, then the reserve is released", () => {
    const ended = aPromotion({ startsAt: new Date(NOW.getTime() - 5 * HOUR), endsAt: NOW, status: "running" });
    expect(isReserveHeld(ended, NOW)).toBe(false);
  });
});

describe("units held back from a channel", () => {
  it("given two exclusive promotions on other channels, when a third channel is computed, then both reserves are subtracted and each is explained", () => {
    const promotions = [aPromotion(), aPromotion({ promotionId: "p2", name: "Prime Day", channelIds: ["ch-amazon"], reserveUnits: 5 })];
    const reserve = reserveHeldFromChannel("ch-ebay", promotions, NOW, 40);
    expect(reserve.units).toBe(17);
    expect(reserve.steps.map((s) => s.result)).toEqual([28, 23]);
    expect(reserve.steps[1].text).toBe('Reserved for promotion "Prime Day" on other channels: -5 units');
  });

  it("given the channel is one of the promotion's own, when computed, then its own reserve is not subtracted", () => {
    expect(reserveHeldFromChannel("ch-tiktok", [aPromotion()], NOW, 40).units).toBe(0);
  });

  it("given a reserve entered as a negative number, when computed, then it holds nothing rather than adding stock", () => {
    const reserve = reserveHeldFromChannel("ch-ebay", [aPromotion({ reserveUnits: -6 })], NOW, 40);
    expect(reserve.units).toBe(0);
    expect(reserve.steps).toHaveLength(0);
  });
});
