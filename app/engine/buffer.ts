import { ceilBps, ceilTolerant } from "./arithmetic";
import { riskMultiplierOf } from "./defaults";
import { type ExplanationStep, formatNumber, percent, step, units } from "./explain";
import { mostSpecificRules, type RuleTarget } from "./rules";
import type { BufferRule, Channel } from "./types";

export interface BufferInput {
  rules: readonly BufferRule[];
  target: RuleTarget;
  channel: Channel;
  pool: number;
  velocityPerDay: number;
  discontinued: boolean;
  /** The running figure before the buffer, so the step can show what is left. */
  runningTotal: number;
}

export interface Buffer {
  units: number;
  steps: ExplanationStep[];
}

interface Candidate {
  units: number;
  step: (runningTotal: number) => ExplanationStep;
}

export function bufferUnits(rule: BufferRule, channel: Channel, pool: number, velocityPerDay: number): number {
  return bufferCandidate(rule, channel, pool, velocityPerDay).units;
}

function bufferCandidate(rule: BufferRule, channel: Channel, pool: number, velocityPerDay: number): Candidate {
  switch (rule.kind) {
    case "fixed": {
      const held = Math.max(0, rule.units);
      return {
        units: held,
        step: (before) =>
          step("buffer.fixed", { rule: rule.id, units: held }, -held, before - held, `${channel.name} buffer: -${units(held)}`),
      };
    }
    case "percent": {
      // Rounded up: a buffer protects against overselling, so a partial unit is held back whole.
      const held = ceilBps(pool, rule.percentBps);
      return {
        units: held,
        step: (before) =>
          step(
            "buffer.percent",
            { rule: rule.id, percentBps: rule.percentBps, pool },
            -held,
            before - held,
            `${channel.name} buffer ${percent(rule.percentBps)} of ${units(pool)}, rounded up: -${units(held)}`,
          ),
      };
    }
    case "velocity": {
      const risk = rule.riskMultiplier ?? riskMultiplierOf(channel);
      const exact = (velocityPerDay * rule.leadTimeDays + rule.safetyStock) * risk;
      const held = Math.max(0, ceilTolerant(exact));
      const rounding = Math.abs(exact - held) < 1e-9 ? "" : ", rounded up";
      return {
        units: held,
        step: (before) =>
          step(
            "buffer.velocity",
            {
              rule: rule.id,
              velocityPerDay,
              leadTimeDays: rule.leadTimeDays,
              safetyStock: rule.safetyStock,
              riskMultiplier: risk,
            },
            -held,
            before - held,
            `${channel.name} buffer ${formatNumber(risk)} × (${formatNumber(velocityPerDay)}/day × ${formatNumber(rule.leadTimeDays)} days + ${formatNumber(rule.safetyStock)})${rounding} = ${units(held)}`,
          ),
      };
    }
  }
}

export function bufferFor(input: BufferInput): Buffer {
  const { channel, pool, velocityPerDay, runningTotal } = input;
  if (input.discontinued) {
    return {
      units: 0,
      steps: [step("buffer.discontinued", {}, 0, runningTotal, "Discontinued: no buffer, sells down to zero")],
    };
  }
  const winners = mostSpecificRules(input.rules, input.target);
  if (winners.length === 0) {
    return { units: 0, steps: [step("buffer.none", {}, 0, runningTotal, `No buffer rule for ${channel.name}`)] };
  }
  const candidates = winners.map((rule) => bufferCandidate(rule, channel, pool, velocityPerDay));
  const chosen = candidates.reduce((a, b) => (b.units > a.units ? b : a));
  const steps = [chosen.step(runningTotal)];
  if (candidates.length > 1) {
    steps.push(
      step(
        "buffer.tie",
        { rules: candidates.length },
        0,
        runningTotal - chosen.units,
        `${candidates.length} buffer rules at the same level: the largest applies`,
      ),
    );
  }
  return { units: chosen.units, steps };
}
