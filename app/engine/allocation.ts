// Artificial counts: the merchant decides what a channel is shown instead of (or on top of) the
// computed figure. Caps, pool shares and vendor shares only ever lower the figure; a fixed count
// replaces it (buffer included) but still never exceeds the units not reserved for promotions, so
// no artificial count can list stock that does not exist. As with buffers, the most specific rule
// wins; rules tied at that level: the smallest count, the safer of the merchant's two answers.

import { floorBps } from "./arithmetic";
import { type ExplanationStep, formatNumber, percent, stepKind, units } from "./explain";
import { rankIfApplies, type RuleTarget } from "./rules";
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
const tieStep = stepKind(
  "allocation.tie",
  ["rules"],
  (i) => `${formatNumber(i.rules)} artificial counts at the same level: the smallest applies`,
);

function vendorLevel(levels: readonly StockLevel[], locationId: string): StockLevel | null {
  for (let i = 0; i < levels.length; i++) if (levels[i].location.id === locationId) return levels[i];
  return null;
}

/** What one artificial count lists. */
export function allocatedQuantity(rule: AllocationRule, input: AllocationInput): number {
  const { computed } = input;
  switch (rule.kind) {
    case "cap":
      return Math.min(computed, Math.max(0, rule.units));
    case "poolShare":
      return Math.min(computed, floorBps(Math.max(0, input.pool), rule.percentBps));
    case "vendorShare": {
      const level = vendorLevel(input.levels, rule.locationId);
      return Math.min(computed, floorBps(Math.max(0, level?.available ?? 0), rule.percentBps));
    }
    case "fixed":
      return Math.min(Math.max(0, rule.units), Math.max(0, input.afterReserve));
  }
}

function allocationStep(rule: AllocationRule, quantity: number, input: AllocationInput): ExplanationStep {
  const effect = quantity - input.computed;
  switch (rule.kind) {
    case "cap":
      return capStep(effect, quantity, rule.id, rule.units);
    case "poolShare":
      return poolShareStep(effect, quantity, rule.id, rule.percentBps, input.pool, floorBps(Math.max(0, input.pool), rule.percentBps));
    case "vendorShare": {
      const level = vendorLevel(input.levels, rule.locationId);
      const reported = Math.max(0, level?.available ?? 0);
      const name = level?.location.name ?? "an unknown location";
      return vendorShareStep(effect, quantity, rule.id, rule.percentBps, name, reported, floorBps(reported, rule.percentBps));
    }
    case "fixed":
      return fixedStep(effect, quantity, rule.id, rule.units, input.afterReserve);
  }
}

export function allocationFor(input: AllocationInput): Allocation {
  const steps: ExplanationStep[] = [];
  return { quantity: allocationInto(steps, input), steps };
}

/** `allocationFor` for the hot path: appends its steps to `steps` and returns the quantity. */
export function allocationInto(steps: ExplanationStep[], input: AllocationInput): number {
  const { rules, target } = input;
  if (rules.length === 0) return input.computed;
  // One pass: a rule more specific than the best so far replaces it, one as specific competes.
  let best = -1;
  let chosen: AllocationRule | null = null;
  let quantity = 0;
  let tied = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const rank = rankIfApplies(rule.channelId, rule.scope, rule.scopeValue, target, best);
    if (rank < 0) continue;
    const candidate = allocatedQuantity(rule, input);
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
  if (chosen === null) return input.computed;
  steps.push(allocationStep(chosen, quantity, input));
  if (tied > 1) steps.push(tieStep(0, quantity, tied));
  return quantity;
}
