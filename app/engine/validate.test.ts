import { describe, expect, it } from "vitest";
import {
  validateAllocationRule,
  validateBufferRule,
  validateChannel,
  validateLocation,
  validateParityEdge,
  validatePriceRule,
  validatePromotion,
  validateVelocitySettings,
  type FieldError,
  type Validation,
} from "./validate";

function errorsOf(result: Validation<unknown>): FieldError[] {
  return result.ok ? [] : result.errors;
}

const channelScope = { scope: "channel", channelId: "ch-amazon" };

describe("saving a buffer rule", () => {
  it("accepts a valid rule and fills the defaults", () => {
    const result = validateBufferRule({ ...channelScope, kind: "velocity", leadTimeDays: 2, safetyStock: 4 });
    expect(result).toEqual({
      ok: true,
      value: { id: "", channelId: "ch-amazon", scope: "channel", scopeValue: null, kind: "velocity", leadTimeDays: 2, safetyStock: 4, riskMultiplier: null },
    });
  });

  it("refuses a negative buffer, naming the field", () => {
    expect(validateBufferRule({ ...channelScope, kind: "fixed", units: -3 })).toEqual({
      ok: false,
      errors: [{ field: "units", message: "Buffer units must be between 0 and 1,000,000" }],
    });
  });

  it("refuses a percent buffer above 100%", () => {
    const result = validateBufferRule({ ...channelScope, kind: "percent", percentBps: 12_000 });
    expect(errorsOf(result)).toEqual([{ field: "percentBps", message: "Buffer percent must be between 0% and 100%" }]);
  });

  it("refuses an unknown buffer type and a zero risk multiplier", () => {
    const unknown = validateBufferRule({ ...channelScope, kind: "guess" });
    expect(errorsOf(unknown)[0]?.field).toBe("kind");
    const zero = validateBufferRule({ ...channelScope, kind: "velocity", leadTimeDays: 1, safetyStock: 0, riskMultiplier: 0 });
    expect(errorsOf(zero)).toEqual([{ field: "riskMultiplier", message: "Risk multiplier must be between 0.01 and 10" }]);
  });

  it("refuses a scoped rule that does not say what it applies to", () => {
    const result = validateBufferRule({ scope: "tag", channelId: null, kind: "fixed", units: 2 });
    expect(errorsOf(result)).toEqual([{ field: "scopeValue", message: "Choose which tag the rule applies to" }]);
  });
});

describe("saving an artificial count", () => {
  it("refuses a share of the pool above 100%", () => {
    const result = validateAllocationRule({ ...channelScope, kind: "poolShare", percentBps: 10_001 });
    expect(errorsOf(result)).toEqual([{ field: "percentBps", message: "Share of pool must be between 0% and 100%" }]);
  });

  it("refuses a vendor share without a vendor location", () => {
    const result = validateAllocationRule({ ...channelScope, kind: "vendorShare", percentBps: 5_000 });
    expect(errorsOf(result).map((e) => e.field)).toEqual(["locationId"]);
  });

  it("refuses a fractional cap", () => {
    const result = validateAllocationRule({ ...channelScope, kind: "cap", units: 2.5 });
    expect(errorsOf(result)).toEqual([{ field: "units", message: "Cap must be a whole number" }]);
  });
});

describe("saving a price rule", () => {
  it("refuses an unknown rounding", () => {
    const result = validatePriceRule({ ...channelScope, rounding: "cents49" });
    expect(errorsOf(result)).toEqual([{ field: "rounding", message: "Rounding must be none, .99, .95 or whole" }]);
  });

  it("refuses a price cap under the variant's MAP", () => {
    const result = validatePriceRule({ ...channelScope, maxPriceCents: 1_500 }, { mapCents: 1_800 });
    expect(errorsOf(result)).toEqual([{ field: "maxPriceCents", message: "Price cap is below the minimum advertised price (MAP)" }]);
    expect(validatePriceRule({ ...channelScope, maxPriceCents: 2_000 }, { mapCents: 1_800 }).ok).toBe(true);
  });

  it("refuses fees and margin that leave nothing of the price", () => {
    const result = validatePriceRule({ ...channelScope, feeBps: 6_000, minMarginBps: 4_000 });
    expect(errorsOf(result).map((e) => e.field)).toEqual(["minMarginBps"]);
  });

  it("refuses a discount of 100% or more as a differential", () => {
    const result = validatePriceRule({ ...channelScope, differentialBps: -10_000 });
    expect(errorsOf(result).map((e) => e.field)).toEqual(["differentialBps"]);
  });
});

describe("saving channels, locations, parity edges and promotions", () => {
  it("refuses a negative low-stock threshold and an unknown marketplace", () => {
    const result = validateChannel({ id: "c", name: "Shop", kind: "etsy", priority: 1, lowStockThreshold: -1 });
    expect(
      errorsOf(result)
        .map((e) => e.field)
        .sort(),
    ).toEqual(["kind", "lowStockThreshold"]);
  });

  it("refuses a vendor share above 100%", () => {
    const result = validateLocation({ id: "l", name: "Vendor", vendorShareBps: 15_000 });
    expect(errorsOf(result)).toEqual([{ field: "vendorShareBps", message: "Vendor share must be between 0% and 100%" }]);
  });

  it("refuses a channel watching itself", () => {
    const result = validateParityEdge({ watcherId: "a", watchedId: "a" });
    expect(errorsOf(result)).toEqual([{ field: "watchedId", message: "A channel cannot watch itself" }]);
  });

  it("refuses a promotion ending before it starts or discounting more than 100%", () => {
    const result = validatePromotion({
      name: "Sale",
      startsAt: new Date("2025-06-10"),
      endsAt: new Date("2025-06-01"),
      channelIds: ["ch-tiktok"],
      discountKind: "percent",
      discountValue: 12_000,
    });
    expect(errorsOf(result).map((e) => e.field)).toEqual(["endsAt", "discountValue"]);
  });
});

describe("saving the sales-velocity window", () => {
  it("given a 28-day window, when saved, then it is accepted as typed", () => {
    expect(validateVelocitySettings({ windowDays: 28 })).toEqual({ ok: true, value: { windowDays: 28 } });
  });

  it("given a window of 0 days or of two years, when saved, then it is refused naming the window", () => {
    expect(errorsOf(validateVelocitySettings({ windowDays: 0 }))).toEqual([
      { field: "windowDays", message: "Velocity window (days) must be between 1 and 365" },
    ]);
    expect(errorsOf(validateVelocitySettings({ windowDays: 730 }))).toEqual([
      { field: "windowDays", message: "Velocity window (days) must be between 1 and 365" },
    ]);
  });

  it("given a half-life longer than the window, when saved, then it is refused naming the half-life", () => {
    expect(errorsOf(validateVelocitySettings({ windowDays: 7, halfLifeDays: 10 }))).toEqual([
      { field: "halfLifeDays", message: "Half-life cannot be longer than the velocity window" },
    ]);
  });
});
