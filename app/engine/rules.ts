// Choosing among the merchant's scoped rules: the most specific scope wins (listing > variant >
// product/tag/collection > channel default). Within one scope level a rule written for this
// channel beats one written for every channel. Rules still tied are all returned, and each caller
// keeps the most conservative one, because two rules the merchant wrote at the same level give no
// reason to prefer the riskier.

import type { RuleScope, ScopedRule, VariantFacts } from "./types";

/**
 * What a rule's scope is matched against: the listing and its variant. A listing's context is one,
 * so the hot path matches against the context itself and builds no target object per listing.
 */
export interface ScopeTarget {
  listingId: string;
  variant: VariantFacts;
}

export interface RuleTarget extends ScopeTarget {
  channelId: string;
}

export function ruleApplies(rule: ScopedRule, target: RuleTarget): boolean {
  return rankIfApplies(rule.channelId, rule.scope, rule.scopeValue, target.channelId, target) >= 0;
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

function scopeReaches(scope: RuleScope, scopeValue: string | null, target: ScopeTarget): boolean {
  switch (scope) {
    case "channel":
      return true;
    case "collection":
      return scopeValue !== null && target.variant.collections.includes(scopeValue);
    case "tag":
      return scopeValue !== null && target.variant.tags.includes(scopeValue);
    case "product":
      return scopeValue === target.variant.productId;
    case "variant":
      return scopeValue === target.variant.id;
    case "listing":
      return scopeValue === target.listingId;
  }
}

/**
 * The specificity of a rule (given by its three scoping fields) if it applies to `target` on the
 * channel `channelId`, else -1. With `atLeast`, a rule less specific than that is not looked at
 * further: -1 too.
 *
 * It takes the fields, not the rule, on purpose. Buffer, allocation and price rules are objects of
 * many shapes; a property read inside one function that every kind of rule passes through sees
 * them all and goes megamorphic (a hash lookup per read: a sixth of the engine's time when rules
 * were read here). Each caller reads the three fields in its own loop, where it sees only its
 * own kind of rule, and this function reads none.
 */
export function rankIfApplies(
  ruleChannelId: string | null,
  scope: RuleScope,
  scopeValue: string | null,
  channelId: string,
  target: ScopeTarget,
  atLeast = 0,
): number {
  if (ruleChannelId !== null && ruleChannelId !== channelId) return -1;
  const rank = scopeRank(scope) * 2 + (ruleChannelId === null ? 0 : 1);
  return rank >= atLeast && scopeReaches(scope, scopeValue, target) ? rank : -1;
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
