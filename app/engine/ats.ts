// Available to sell for one listing (domain.md "Available to sell"):
//   pool → promotion reserves of other channels → buffer → artificial count → throttle → hold.
// Result: clamp(floor(pool − reserve − buffer), 0, cap), or 0 when throttled or held.

import { allocationInto } from "./allocation";
import { bufferInto } from "./buffer";
import { type ExplanationStep, stepKind, units } from "./explain";
import { poolInto } from "./pool";
import { reserveInto } from "./reserve";
import type { RuleTarget } from "./rules";
import { throttleInto } from "./throttle";
import type { AvailableToSell, ListingContext } from "./types";

const untrackedStep = stepKind(
  "pool.untracked",
  ["untrackedQuantity", "channel"],
  (i, _effect, result) => `Inventory not tracked: ${i.channel} lists its untracked quantity of ${units(result)}`,
);
const clampZeroStep = stepKind("clamp.zero", [], () => "Never listed below 0");
const holdStep = stepKind(
  "hold.release",
  ["releaseAt"],
  (i) => `On hold until its release on ${String(i.releaseAt).slice(0, 10)}: listed at 0`,
);
const resultStep = stepKind("result", ["channel"], (i, _effect, result) => `Available to sell on ${i.channel}: ${units(result)}`);

export function availableToSell(context: ListingContext): AvailableToSell {
  const { channel, variant } = context;
  const target: RuleTarget = { listingId: context.listingId, channelId: channel.id, variant };
  const steps: ExplanationStep[] = [];

  let pool: number;
  let reserve = 0;
  let buffer = 0;
  let throttled = false;
  if (variant.tracked) {
    pool = poolInto(steps, channel, context.levels);
    if (context.promotions.length > 0) reserve = reserveInto(steps, channel.id, context.promotions, context.now, pool);
    buffer = bufferInto(
      steps,
      context.bufferRules,
      target,
      channel,
      pool,
      context.velocityPerDay,
      variant.discontinued,
      pool - reserve,
    );
  } else {
    // Untracked stock has no count to protect, so reserves, buffers and throttling have nothing
    // to act on; only the merchant's artificial counts and holds still apply.
    pool = Math.max(0, channel.untrackedQuantity);
    steps.push(untrackedStep(pool, pool, channel.untrackedQuantity, channel.name));
  }

  const remaining = pool - reserve - buffer;
  const computed = Math.max(0, Math.floor(remaining));
  if (remaining < 0) steps.push(clampZeroStep(computed - remaining, 0));

  let quantity = computed;
  if (context.allocationRules.length > 0) {
    quantity = allocationInto(steps, {
      rules: context.allocationRules,
      target,
      pool,
      afterReserve: pool - reserve,
      computed,
      levels: context.levels,
    });
  }

  if (variant.tracked) {
    throttled = throttleInto(steps, channel, context.channels, pool, quantity, variant.discontinued);
    if (throttled) quantity = 0;
  }

  const { releaseAt } = variant;
  const held = releaseAt !== null && context.now.getTime() < releaseAt.getTime();
  if (held) {
    steps.push(holdStep(-quantity, 0, releaseAt.toISOString()));
    quantity = 0;
  }

  steps.push(resultStep(0, quantity, channel.name));
  return { listingId: context.listingId, quantity, pool, reserve, buffer, throttled, held, explanation: steps };
}
