import { describe, expect, it } from "vitest";
import { BOUNDS, bounded } from "./bounds";

const POSTGRES_INT_MAX = 2_147_483_647;

describe("the bounds of what a merchant can set", () => {
  it("given every bound, when its largest and smallest values are stored (in cents, basis points or units), then they fit PostgreSQL's Int", () => {
    for (const [name, bound] of Object.entries(BOUNDS)) {
      expect(Math.abs(bound.max), name).toBeLessThanOrEqual(POSTGRES_INT_MAX);
      expect(Math.abs(bound.min), name).toBeLessThanOrEqual(POSTGRES_INT_MAX);
    }
  });

  it("given a number outside its bound, when checked, then the message names the field and the range in the merchant's units, before any other complaint", () => {
    const issues = (label: string, name: keyof typeof BOUNDS, value: unknown) => {
      const result = bounded(label, name).safeParse(value);
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(issues("Price differential", "differentialBps", 100_000_000)[0]).toBe("Price differential must be between -90% and 500%");
    expect(issues("MAP", "moneyCents", 1e17)[0]).toBe("MAP must be between 0.00 and 1,000,000.00");
    expect(issues("Risk multiplier", "riskMultiplier", 1e308)[0]).toBe("Risk multiplier must be between 0.01 and 10");
    expect(issues("Priority", "priority", 2.5)).toEqual(["Priority must be a whole number"]);
    expect(issues("Priority", "priority", Number.NaN)).toEqual(["Priority must be a number"]);
    expect(issues("Priority", "priority", 1_000)).toEqual([]);
  });
});
