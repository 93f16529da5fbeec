// Available to sell for one listing (domain.md "Available to sell"):
//   pool → promotion reserves of other channels → buffer → artificial count → throttle → hold.
// Result: clamp(floor(pool − reserve − buffer), 0, cap), or 0 when throttled or held.

import { allocationFor } from "./allocation";
import { bufferFor } from "./buffer";
import { type ExplanationStep, step, units } from "./explain";
import { poolFor } from "./pool";
import { reserveHeldFromChannel } from "./reserve";
import type { RuleTarget } from "./rules";
import { throttleFor } from "./throttle";
import type { AvailableToSell, ListingContext } from "./types";

export function availableToSell(context: ListingContext): AvailableToSell {
  const { channel, variant } = context;
  const target: RuleTarget = { listingId: context.listingId, channelId: channel.id, variant };
  const steps: ExplanationStep[] = [];

  let pool: number;
  let reserve = 0;
  let buffer = 0;
  let throttled = false;
  if (variant.tracked) {
    const counted = poolFor(channel, context.levels);
    pool = counted.units;
    steps.push(...counted.steps);
  } else {
    // Untracked stock has no count to protect, so reserves, buffers and throttling have nothing
    // to act on; only the merchant's artificial counts and holds still apply.
    pool = Math.max(0, channel.untrackedQuantity);
    steps.push(
      step(
        "pool.untracked",
        { untrackedQuantity: channel.untrackedQuantity },
        pool,
        pool,
        `Inventory not tracked: ${channel.name} lists its untracked quantity of ${units(pool)}`,
      ),
    );
  }

  if (variant.tracked) {
    const reserved = reserveHeldFromChannel(channel.id, context.promotions, context.now, pool);
    reserve = reserved.units;
    steps.push(...reserved.steps);

    const protectedUnits = bufferFor({
      rules: context.bufferRules,
      target,
      channel,
      pool,
      velocityPerDay: context.velocityPerDay,
      discontinued: variant.discontinued,
      runningTotal: pool - reserve,
    });
    buffer = protectedUnits.units;
    steps.push(...protectedUnits.steps);
  }

  const computed = Math.max(0, Math.floor(pool - reserve - buffer));
  if (pool - reserve - buffer < 0) {
    steps.push(step("clamp.zero", {}, computed - (pool - reserve - buffer), 0, "Never listed below 0"));
  }

  const allocation = allocationFor({
    rules: context.allocationRules,
    target,
    pool,
    afterReserve: pool - reserve,
    computed,
    levels: context.levels,
  });
  steps.push(...allocation.steps);
  let quantity = allocation.quantity;

  if (variant.tracked) {
    const throttle = throttleFor(channel, context.channels, pool, quantity);
    throttled = throttle.throttled;
    steps.push(...throttle.steps);
    if (throttled) quantity = 0;
  }

  const { releaseAt } = variant;
  const held = releaseAt !== null && context.now.getTime() < releaseAt.getTime();
  if (held) {
    steps.push(
      step(
        "hold.release",
        { releaseAt: releaseAt.toISOString() },
        -quantity,
        0,
        `On hold until its release on ${releaseAt.toISOString().slice(0, 10)}: listed at 0`,
      ),
    );
    quantity = 0;
  }

  steps.push(step("result", { quantity }, 0, quantity, `Available to sell on ${channel.name}: ${units(quantity)}`));
  return { listingId: context.listingId, quantity, pool, reserve, buffer, throttled, held, explanation: steps };
}
