// Choosing among the merchant's scoped rules: the most specific scope wins (listing > variant >
// product/tag/collection > channel default). Within one scope level a rule written for this
// channel beats one written for every channel. Rules still tied are all returned, and each caller
// keeps the most conservative one, because two rules the merchant wrote at the same level give no
// reason to prefer the riskier.

import type { RuleScope, ScopedRule, VariantFacts } from "./types";

export interface RuleTarget {
  listingId: string;
  channelId: string;
  variant: VariantFacts;
}

export function ruleApplies(rule: ScopedRule, target: RuleTarget): boolean {
  if (rule.channelId !== null && rule.channelId !== target.channelId) return false;
  switch (rule.scope) {
    case "channel":
      return true;
    case "collection":
      return rule.scopeValue !== null && target.variant.collections.includes(rule.scopeValue);
    case "tag":
      return rule.scopeValue !== null && target.variant.tags.includes(rule.scopeValue);
    case "product":
      return rule.scopeValue === target.variant.productId;
    case "variant":
      return rule.scopeValue === target.variant.id;
    case "listing":
      return rule.scopeValue === target.listingId;
  }
}

export function specificity(rule: ScopedRule): number {
  return scopeRank(rule.scope) * 2 + (rule.channelId === null ? 0 : 1);
}

// A switch rather than a lookup table: this runs for every rule of every listing, and
// comparing interned strings is cheaper than a keyed property load.
function scopeRank(scope: RuleScope): number {
  switch (scope) {
    case "channel":
      return 0;
    case "collection":
    case "tag":
    case "product":
      return 1;
    case "variant":
      return 2;
    case "listing":
      return 3;
  }
}

/**
 * The specificity of the most specific rule that applies, or -1 when none does. With
 * `appliesAt` it lets the hot path walk the winners without building an array per listing.
 */
export function bestSpecificity(rules: readonly ScopedRule[], target: RuleTarget): number {
  let best = -1;
  const channelId = target.channelId;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const ruleChannel = rule.channelId;
    if (ruleChannel !== null && ruleChannel !== channelId) continue;
    const rank = scopeRank(rule.scope) * 2 + (ruleChannel === null ? 0 : 1);
    if (rank > best && ruleApplies(rule, target)) best = rank;
  }
  return best;
}

/** Whether `rule` is one of the winners at specificity `rank` (see `bestSpecificity`). */
export function appliesAt(rule: ScopedRule, target: RuleTarget, rank: number): boolean {
  return specificity(rule) === rank && ruleApplies(rule, target);
}

/** The applicable rules of the highest specificity (several when the merchant wrote ties). */
export function mostSpecificRules<R extends ScopedRule>(rules: readonly R[], target: RuleTarget): R[] {
  let best = -1;
  let winners: R[] = [];
  for (const rule of rules) {
    if (!ruleApplies(rule, target)) continue;
    const rank = specificity(rule);
    if (rank > best) {
      best = rank;
      winners = [rule];
    } else if (rank === best) {
      winners.push(rule);
    }
  }
  return winners;
}
