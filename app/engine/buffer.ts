import { ceilBps, ceilTolerant } from "./arithmetic";
import { type ExplanationStep, formatNumber, percent, stepKind, units } from "./explain";
import { rankIfApplies, type RuleTarget, type ScopeTarget } from "./rules";
import type { BufferRule, Channel } from "./types";
import { type SalesVelocity, velocityCountedStep } from "./velocity";

export interface BufferInput {
  rules: readonly BufferRule[];
  target: RuleTarget;
  channel: Channel;
  pool: number;
  velocityPerDay: number;
  discontinued: boolean;
  /** The running figure before the buffer, so the step can show what is left. */
  runningTotal: number;
  /** What `velocityPerDay` counted; a velocity buffer's explanation says it (absent: not said). */
  velocity?: SalesVelocity;
}

export interface Buffer {
  units: number;
  steps: ExplanationStep[];
}

const fixedStep = stepKind("buffer.fixed", ["rule", "units", "channel"], (i) => `${i.channel} buffer: -${units(i.units)}`);
const percentStep = stepKind(
  "buffer.percent",
  ["rule", "percentBps", "pool", "channel"],
  (i, effect) => `${i.channel} buffer ${percent(i.percentBps)} of ${units(i.pool)}, rounded up: -${units(-effect)}`,
);
const velocityStep = stepKind("buffer.velocity", ["rule", "velocityPerDay", "leadTimeDays", "safetyStock", "riskMultiplier", "channel"], (i, effect) => {
  const held = -effect;
  const exact = (Number(i.velocityPerDay) * Number(i.leadTimeDays) + Number(i.safetyStock)) * Number(i.riskMultiplier);
  const rounding = Math.abs(exact - held) < 1e-9 ? "" : ", rounded up";
  return `${i.channel} buffer ${formatNumber(i.riskMultiplier)} × (${formatNumber(i.velocityPerDay)}/day × ${formatNumber(i.leadTimeDays)} days + ${formatNumber(i.safetyStock)})${rounding} = ${units(held)}`;
});
const discontinuedStep = stepKind("buffer.discontinued", [], () => "Discontinued: no buffer, sells down to zero");
const noBufferStep = stepKind("buffer.none", ["channel"], (i) => `No buffer rule for ${i.channel}`);
const tieStep = stepKind("buffer.tie", ["rules"], (i) => `${formatNumber(i.rules)} buffer rules at the same level: the largest applies`);

/** The units one rule holds back. */
export function bufferUnits(rule: BufferRule, channel: Channel, pool: number, velocityPerDay: number): number {
  switch (rule.kind) {
    case "fixed":
      return Math.max(0, rule.units);
    case "percent":
      // Rounded up: a buffer protects against overselling, so a partial unit is held back whole.
      return Math.max(0, ceilBps(Math.max(0, pool), rule.percentBps));
    case "velocity":
      return Math.max(0, ceilTolerant(velocityBufferExact(rule, channel, velocityPerDay)));
  }
}

/** The rule's multiplier, else the one the merchant set for the channel, else its kind's default. */
function riskOf(rule: BufferRule & { kind: "velocity" }, channel: Channel): number {
  return rule.riskMultiplier ?? channel.riskMultiplier ?? channel.defaultRiskMultiplier;
}

/** (velocity × lead time + safety stock) × risk multiplier, before rounding up. */
function velocityBufferExact(rule: BufferRule & { kind: "velocity" }, channel: Channel, velocityPerDay: number): number {
  return (Math.max(0, velocityPerDay) * rule.leadTimeDays + rule.safetyStock) * riskOf(rule, channel);
}

function bufferStep(rule: BufferRule, held: number, channel: Channel, pool: number, velocityPerDay: number, runningTotal: number): ExplanationStep {
  const after = runningTotal - held;
  const name = channel.name;
  switch (rule.kind) {
    case "fixed":
      return fixedStep(-held, after, rule.id, held, name);
    case "percent":
      return percentStep(-held, after, rule.id, rule.percentBps, pool, name);
    case "velocity":
      return velocityStep(-held, after, rule.id, Math.max(0, velocityPerDay), rule.leadTimeDays, rule.safetyStock, riskOf(rule, channel), name);
  }
}

/**
 * The buffer of the most specific rule (listing > variant > product/tag/collection > channel).
 * Rules tied at that level: the largest holds, since two rules the merchant wrote at one level
 * give no reason to prefer the riskier. A discontinued variant has none: it sells down to zero.
 */
export function bufferFor(input: BufferInput): Buffer {
  const steps: ExplanationStep[] = [];
  const { target } = input;
  const held = bufferInto(
    steps,
    input.rules,
    target.channelId,
    target,
    input.channel,
    input.pool,
    input.velocityPerDay,
    input.discontinued,
    input.runningTotal,
    input.velocity,
  );
  return { units: held, steps };
}

/** `bufferFor` for the hot path: appends its steps to `steps` and returns the units held. */
export function bufferInto(
  steps: ExplanationStep[],
  rules: readonly BufferRule[],
  channelId: string,
  target: ScopeTarget,
  channel: Channel,
  pool: number,
  velocityPerDay: number,
  discontinued: boolean,
  runningTotal: number,
  velocity?: SalesVelocity,
): number {
  if (discontinued) {
    steps.push(discontinuedStep(0, runningTotal));
    return 0;
  }
  // One pass: a rule more specific than the best so far replaces it, one as specific competes.
  let best = -1;
  let chosen: BufferRule | null = null;
  let held = 0;
  let tied = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const rank = rankIfApplies(rule.channelId, rule.scope, rule.scopeValue, channelId, target, best);
    if (rank < 0) continue;
    const candidate = bufferUnits(rule, channel, pool, velocityPerDay);
    if (rank > best) {
      best = rank;
      chosen = rule;
      held = candidate;
      tied = 1;
    } else {
      tied++;
      if (candidate > held) {
        chosen = rule;
        held = candidate;
      }
    }
  }
  if (chosen === null) {
    steps.push(noBufferStep(0, runningTotal, channel.name));
    return 0;
  }
  // A velocity buffer first says what its velocity counted: how many sold, where, over which days.
  if (chosen.kind === "velocity" && velocity) {
    steps.push(velocityCountedStep(0, runningTotal, velocity.unitsInWindow, velocity.windowDays, velocity.halfLifeDays, velocity.soldOn, velocity.perDay));
  }
  steps.push(bufferStep(chosen, held, channel, pool, velocityPerDay, runningTotal));
  if (tied > 1) steps.push(tieStep(0, runningTotal - held, tied));
  return held;
}
