// Artificial counts: the merchant decides what a channel is shown instead of (or on top of) the
// computed figure. Caps, pool shares and vendor shares only ever lower the figure; a fixed count
// replaces it (buffer included) but still never exceeds the units not reserved for promotions, so
// no artificial count can list stock that does not exist.

import { floorBps } from "./arithmetic";
import { type ExplanationStep, percent, step, units } from "./explain";
import { mostSpecificRules, type RuleTarget } from "./rules";
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

interface Outcome {
  quantity: number;
  step: ExplanationStep;
}

function outcome(rule: AllocationRule, input: AllocationInput): Outcome {
  const { computed } = input;
  const capped = (limit: number, ruleId: string, inputs: Record<string, number | string>, text: string): Outcome => {
    const quantity = Math.min(computed, limit);
    return { quantity, step: step(ruleId, inputs, quantity - computed, quantity, text) };
  };
  switch (rule.kind) {
    case "cap":
      return capped(rule.units, "allocation.cap", { rule: rule.id, units: rule.units }, `Listed at most ${units(rule.units)} (cap)`);
    case "poolShare": {
      const limit = floorBps(input.pool, rule.percentBps);
      return capped(
        limit,
        "allocation.poolShare",
        { rule: rule.id, percentBps: rule.percentBps, pool: input.pool },
        `Share of pool: ${percent(rule.percentBps)} of ${units(input.pool)}, rounded down = at most ${units(limit)}`,
      );
    }
    case "vendorShare": {
      const level = input.levels.find((l) => l.location.id === rule.locationId);
      const reported = Math.max(0, level?.available ?? 0);
      const limit = floorBps(reported, rule.percentBps);
      const name = level?.location.name ?? "an unknown location";
      return capped(
        limit,
        "allocation.vendorShare",
        { rule: rule.id, percentBps: rule.percentBps, location: name, reported },
        `Share of ${name}: ${percent(rule.percentBps)} of ${units(reported)}, rounded down = at most ${units(limit)}`,
      );
    }
    case "fixed": {
      const quantity = Math.min(Math.max(0, rule.units), Math.max(0, input.afterReserve));
      const limited = quantity < rule.units ? `, limited to the ${units(quantity)} not reserved` : "";
      return {
        quantity,
        step: step(
          "allocation.fixed",
          { rule: rule.id, units: rule.units, afterReserve: input.afterReserve },
          quantity - computed,
          quantity,
          `Fixed count of ${units(rule.units)} replaces the computed figure (buffer not applied)${limited}`,
        ),
      };
    }
  }
}

export function allocationFor(input: AllocationInput): Allocation {
  const winners = mostSpecificRules(input.rules, input.target);
  if (winners.length === 0) return { quantity: input.computed, steps: [] };
  const outcomes = winners.map((rule) => outcome(rule, input));
  const chosen = outcomes.reduce((a, b) => (b.quantity < a.quantity ? b : a));
  const steps = [chosen.step];
  if (outcomes.length > 1) {
    steps.push(
      step(
        "allocation.tie",
        { rules: outcomes.length },
        0,
        chosen.quantity,
        `${outcomes.length} artificial counts at the same level: the smallest applies`,
      ),
    );
  }
  return { quantity: chosen.quantity, steps };
}
