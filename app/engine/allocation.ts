// Artificial counts: the merchant decides what a channel is shown instead of (or on top of) the
// computed figure. Caps, pool shares and vendor shares only ever lower the figure; a fixed count
// replaces it (buffer included) but still never exceeds the units not reserved for promotions, so
// no artificial count can list stock that does not exist. As with buffers, the most specific rule
// wins; rules tied at that level: the smallest count, the safer of the merchant's two answers.

import { floorBps } from "./arithmetic";
import { type ExplanationStep, formatNumber, percent, stepKind, units } from "./explain";
import { rankIfApplies, type RuleTarget, type ScopeTarget } from "./rules";
import type { AllocationRule, StockLevel } from "./types";

export interface AllocationInput {
  rules: readonly AllocationRule[];
  target: RuleTarget;
  pool: number;
  /** Pool minus promotion reserves, before the buffer. */
  afterReserve: number;
  /** The computed figure: max(0, pool − reserve − buffer). */
  computed: number;
  levels: readonly StockLevel[];
}

export interface Allocation {
  quantity: number;
  steps: ExplanationStep[];
}

const capStep = stepKind("allocation.cap", ["rule", "units"], (i) => `Listed at most ${units(i.units)} (cap)`);
const poolShareStep = stepKind(
  "allocation.poolShare",
  ["rule", "percentBps", "pool", "limit"],
  (i) => `Share of pool: ${percent(i.percentBps)} of ${units(i.pool)}, rounded down = at most ${units(i.limit)}`,
);
const vendorShareStep = stepKind(
  "allocation.vendorShare",
  ["rule", "percentBps", "location", "reported", "limit"],
  (i) => `Share of ${i.location}: ${percent(i.percentBps)} of ${units(i.reported)}, rounded down = at most ${units(i.limit)}`,
);
const fixedStep = stepKind("allocation.fixed", ["rule", "units", "afterReserve"], (i, _effect, result) => {
  const limited = result < Number(i.units) ? `, limited to the ${units(result)} not reserved` : "";
  return `Fixed count of ${units(i.units)} replaces the computed figure (buffer not applied)${limited}`;
});
const tieStep = stepKind("allocation.tie", ["rules"], (i) => `${formatNumber(i.rules)} artificial counts at the same level: the smallest applies`);

function vendorLevel(levels: readonly StockLevel[], locationId: string): StockLevel | null {
  for (let i = 0; i < levels.length; i++) if (levels[i].location.id === locationId) return levels[i];
  return null;
}

/**
 * What one artificial count lists, from the figures of `AllocationInput` (passed one by one so the
 * hot path builds no input object per listing).
 */
export function allocatedQuantity(rule: AllocationRule, pool: number, afterReserve: number, computed: number, levels: readonly StockLevel[]): number {
  switch (rule.kind) {
    case "cap":
      return Math.min(computed, Math.max(0, rule.units));
    case "poolShare":
      return Math.min(computed, floorBps(Math.max(0, pool), rule.percentBps));
    case "vendorShare": {
      const level = vendorLevel(levels, rule.locationId);
      return Math.min(computed, floorBps(Math.max(0, level?.available ?? 0), rule.percentBps));
    }
    case "fixed":
      return Math.min(Math.max(0, rule.units), Math.max(0, afterReserve));
  }
}

function allocationStep(
  rule: AllocationRule,
  quantity: number,
  pool: number,
  afterReserve: number,
  computed: number,
  levels: readonly StockLevel[],
): ExplanationStep {
  const effect = quantity - computed;
  switch (rule.kind) {
    case "cap":
      return capStep(effect, quantity, rule.id, rule.units);
    case "poolShare":
      return poolShareStep(effect, quantity, rule.id, rule.percentBps, pool, floorBps(Math.max(0, pool), rule.percentBps));
    case "vendorShare": {
      const level = vendorLevel(levels, rule.locationId);
      const reported = Math.max(0, level?.available ?? 0);
      const name = level?.location.name ?? "an unknown location";
      return vendorShareStep(effect, quantity, rule.id, rule.percentBps, name, reported, floorBps(reported, rule.percentBps));
    }
    case "fixed":
      return fixedStep(effect, quantity, rule.id, rule.units, afterReserve);
  }
}

export function allocationFor(input: AllocationInput): Allocation {
  const steps: ExplanationStep[] = [];
  const { target } = input;
  const quantity = allocationInto(steps, input.rules, target.channelId, target, input.pool, input.afterReserve, input.computed, input.levels);
  return { quantity, steps };
}

/** `allocationFor` for the hot path: appends its steps to `steps` and returns the quantity. */
export function allocationInto(
  steps: ExplanationStep[],
  rules: readonly AllocationRule[],
  channelId: string,
  target: ScopeTarget,
  pool: number,
  afterReserve: number,
  computed: number,
  levels: readonly StockLevel[],
): number {
  if (rules.length === 0) return computed;
  // One pass: a rule more specific than the best so far replaces it, one as specific competes.
  let best = -1;
  let chosen: AllocationRule | null = null;
  let quantity = 0;
  let tied = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const rank = rankIfApplies(rule.channelId, rule.scope, rule.scopeValue, channelId, target, best);
    if (rank < 0) continue;
    const candidate = allocatedQuantity(rule, pool, afterReserve, computed, levels);
    if (rank > best) {
      best = rank;
      chosen = rule;
      quantity = candidate;
      tied = 1;
    } else {
      tied++;
      if (candidate < quantity) {
        chosen = rule;
        quantity = candidate;
      }
    }
  }
  if (chosen === null) return computed;
  steps.push(allocationStep(chosen, quantity, pool, afterReserve, computed, levels));
  if (tied > 1) steps.push(tieStep(0, quantity, tied));
  return quantity;
}
