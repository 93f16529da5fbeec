import { describe, expect, it } from "vitest";
import { ceilBps, ceilTolerant, floorBps } from "./arithmetic";
import { mostSpecificRules, ruleApplies, type RuleTarget } from "./rules";
import { aVariant } from "./test-fixtures";
import type { RuleScope, ScopedRule } from "./types";

const target: RuleTarget = {
  listingId: "lst-1",
  channelId: "ch-amazon",
  variant: aVariant({ id: "var-1", productId: "prod-1", tags: ["fragile"], collections: ["summer"] }),
};
const rule = (id: string, scope: RuleScope, scopeValue: string | null, channelId: string | null = null): ScopedRule => ({
  id,
  channelId,
  scope,
  scopeValue,
});

describe("which scoped rule wins (domain.md: listing > variant > product/tag/collection > channel default)", () => {
  it("given a rule at every level, when choosing, then the listing's own rule wins", () => {
    const rules = [rule("c", "channel", null), rule("t", "tag", "fragile"), rule("v", "variant", "var-1"), rule("l", "listing", "lst-1")];
    expect(mostSpecificRules(rules, target).map((r) => r.id)).toEqual(["l"]);
  });

  it("given product, tag and collection rules, when choosing, then they tie at one level above the channel default", () => {
    const rules = [rule("c", "channel", null), rule("p", "product", "prod-1"), rule("t", "tag", "fragile"), rule("k", "collection", "summer")];
    expect(mostSpecificRules(rules, target).map((r) => r.id)).toEqual(["p", "t", "k"]);
  });

  it("given two variant rules, one for this channel and one for every channel, when choosing, then the channel's own wins", () => {
    const rules = [rule("all", "variant", "var-1"), rule("amazon", "variant", "var-1", "ch-amazon")];
    expect(mostSpecificRules(rules, target).map((r) => r.id)).toEqual(["amazon"]);
  });

  it("given rules for another channel, variant, tag or listing, when choosing, then none applies", () => {
    const rules = [rule("e", "channel", null, "ch-ebay"), rule("v", "variant", "var-2"), rule("t", "tag", "gift"), rule("l", "listing", "lst-9")];
    expect(mostSpecificRules(rules, target)).toEqual([]);
    expect(rules.some((r) => ruleApplies(r, target))).toBe(false);
  });
});

describe("integer arithmetic", () => {
  it("given (0.1 × 3 + 0.3) × 10, which doubles make 6.000000000000001, when rounded up, then 6, not 7", () => {
    expect(ceilTolerant((0.1 * 3 + 0.3) * 10)).toBe(6);
    expect(ceilTolerant(6.2)).toBe(7);
  });

  it("given 45 units and 30%, when a share is taken, then down gives 13 and up gives 14", () => {
    expect(floorBps(45, 3_000)).toBe(13);
    expect(ceilBps(45, 3_000)).toBe(14);
  });
});
