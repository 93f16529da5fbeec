import { describe, expect, it } from "vitest";
import { explanationText, formatNumber, money, percent, stepKind, storedExplanation, storedStepText, units } from "./explain";

const sampleStep = stepKind("test.sample", ["channel", "units"], (i, effect, result) => `${i.channel} sample: ${units(i.units)} (${effect} → ${result})`);

describe("explanation steps", () => {
  it("given a step recorded with inputs, when read, then its inputs are named and its words built from them", () => {
    const s = sampleStep(-3, 7, "eBay", 3);
    expect(s.inputs).toEqual({ channel: "eBay", units: 3 });
    expect(s.text).toBe("eBay sample: 3 units (-3 → 7)");
  });

  it("given a step, when serialised to JSON, then the stored record carries rule, inputs, effect, result and words", () => {
    const stored = JSON.parse(JSON.stringify(sampleStep(-1, 4, "Amazon", 1)));
    expect(stored).toEqual({ rule: "test.sample", inputs: { channel: "Amazon", units: 1 }, effect: -1, result: 4, text: "Amazon sample: 1 unit (-1 → 4)" });
    expect(storedStepText(stored)).toBe(stored.text);
    expect(storedExplanation([sampleStep(0, 0, "x", 0)])[0].text).toBe("x sample: 0 units (0 → 0)");
  });

  it("given two steps that differ in one input, when keyed, then their keys differ; identical steps key alike", () => {
    expect(sampleStep(0, 1, "eBay", 2).key()).toBe(sampleStep(0, 1, "eBay", 2).key());
    expect(sampleStep(0, 1, "eBay", 2).key()).not.toBe(sampleStep(0, 1, "eBay", 3).key());
  });

  it("given a rule id declared twice, when declared again, then the engine refuses (two wordings for one rule would confuse a screen)", () => {
    expect(() => stepKind("test.sample", [], () => "")).toThrow('Step "test.sample" declared twice');
  });

  it("given a stored step of an unknown rule, when worded, then the error names the rule", () => {
    expect(() => storedStepText({ rule: "nope", inputs: {}, effect: 0, result: 0 })).toThrow('"nope"');
  });

  it("given several steps, when shown as text, then there is one line per step in order", () => {
    expect(explanationText([sampleStep(0, 5, "A", 5), sampleStep(-1, 4, "B", 1)])).toBe("A sample: 5 units (0 → 5)\nB sample: 1 unit (-1 → 4)");
  });
});

describe("number wording", () => {
  it("given cents, when shown as money, then two decimals and a sign for negatives", () => {
    expect(money(1999)).toBe("19.99");
    expect(money(5)).toBe("0.05");
    expect(money(-250)).toBe("-2.50");
  });

  it("given basis points, when shown as a percent, then 1500 bps reads 15% and 1250 reads 12.5%", () => {
    expect(percent(1_500)).toBe("15%");
    expect(percent(1_250)).toBe("12.5%");
  });

  it("given fractions, when formatted, then at most three decimals with no trailing zeros", () => {
    expect(formatNumber(1.5)).toBe("1.5");
    expect(formatNumber(1 / 3)).toBe("0.333");
    expect(units(1)).toBe("1 unit");
    expect(units(2)).toBe("2 units");
  });
});
