// The invariants domain.md names, checked over generated shops: any mix of locations, rules,
// promotions and channels.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { availableToSell } from "./ats";
import { aChannel, aVariant, NOW } from "./test-fixtures";
import { CHANNEL_KINDS, type AllocationRule, type BufferRule, type ListingContext, type PromotionReserve, type StockLevel } from "./types";

const HOUR = 3_600_000;
const RUNS = 500;
const channels = CHANNEL_KINDS.map((kind) => aChannel(kind));
const channelIds = channels.map((c) => c.id);

// Generators lean towards shops where rules apply and stock is sellable, so most runs exercise
// the arithmetic rather than stopping at a hold or an unmatched rule.
const mostly = (value: boolean) => fc.integer({ min: 0, max: 3 }).map((n) => (n > 0 ? value : !value));

const channelSettings = fc.array(
  fc.record({
    priority: fc.integer({ min: 1, max: 5 }),
    lowStockThreshold: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 })),
  }),
  { minLength: channels.length, maxLength: channels.length },
);

const level: fc.Arbitrary<StockLevel> = fc
  .record({
    id: fc.constantFrom("l1", "l2", "l3", "l4"),
    saleable: mostly(true),
    isDropShip: mostly(false),
    vendorShareBps: fc.integer({ min: 0, max: 10_000 }),
    eligibleChannelIds: fc.option(fc.subarray(channelIds), { nil: null, freq: 2 }),
    available: fc.integer({ min: -20, max: 60 }),
  })
  .map(({ available, ...location }) => ({ location: { ...location, name: location.id }, available }));

const scope = fc.oneof(
  fc.record({ scope: fc.constant("channel" as const), scopeValue: fc.constant(null) }),
  fc.record({ scope: fc.constant("variant" as const), scopeValue: fc.constantFrom("var-1", "var-1", "var-2") }),
  fc.record({ scope: fc.constant("listing" as const), scopeValue: fc.constant("lst-1") }),
  fc.record({ scope: fc.constant("tag" as const), scopeValue: fc.constantFrom("fragile", "gift") }),
);
const ruleBase = fc.record({
  id: fc.string({ maxLength: 3 }),
  channelId: fc.option(fc.constantFrom(...channelIds), { nil: null, freq: 2 }),
});

const bufferRule: fc.Arbitrary<BufferRule> = fc
  .tuple(
    ruleBase,
    scope,
    fc.oneof(
      fc.record({ kind: fc.constant("fixed" as const), units: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ kind: fc.constant("percent" as const), percentBps: fc.integer({ min: 0, max: 10_000 }) }),
      fc.record({
        kind: fc.constant("velocity" as const),
        leadTimeDays: fc.double({ min: 0, max: 30, noNaN: true }),
        safetyStock: fc.integer({ min: 0, max: 20 }),
        riskMultiplier: fc.option(fc.double({ min: 0, max: 3, noNaN: true }), { nil: null }),
      }),
    ),
  )
  .map(([base, s, kind]) => ({ ...base, ...s, ...kind }) as BufferRule);

const allocationRule: fc.Arbitrary<AllocationRule> = fc
  .tuple(
    ruleBase,
    scope,
    fc.oneof(
      fc.record({ kind: fc.constant("cap" as const), units: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ kind: fc.constant("poolShare" as const), percentBps: fc.integer({ min: 0, max: 10_000 }) }),
      fc.record({ kind: fc.constant("fixed" as const), units: fc.integer({ min: 0, max: 100 }) }),
      fc.record({
        kind: fc.constant("vendorShare" as const),
        percentBps: fc.integer({ min: 0, max: 10_000 }),
        locationId: fc.constantFrom("l1", "l2", "l3", "l4"),
      }),
    ),
  )
  .map(([base, s, kind]) => ({ ...base, ...s, ...kind }) as AllocationRule);

const promotion: fc.Arbitrary<PromotionReserve> = fc.record({
  promotionId: fc.constantFrom("p1", "p2"),
  name: fc.constant("Promo"),
  status: fc.constantFrom("draft", "ready", "running", "paused", "ended", "cancelled" as const),
  startsAt: fc.integer({ min: -100, max: 100 }).map((h) => new Date(NOW.getTime() + h * HOUR)),
  endsAt: fc.integer({ min: -10, max: 300 }).map((h) => new Date(NOW.getTime() + h * HOUR)),
  channelIds: fc.subarray(channelIds, { minLength: 1 }),
  reserveUnits: fc.integer({ min: 0, max: 80 }),
  exclusive: fc.boolean(),
});

const shop = fc.record({
  settings: channelSettings,
  channelIndex: fc.nat({ max: channels.length - 1 }),
  levels: fc.array(level, { minLength: 1, maxLength: 4 }),
  bufferRules: fc.array(bufferRule, { minLength: 1, maxLength: 4 }),
  allocationRules: fc.array(allocationRule, { maxLength: 3 }),
  promotions: fc.array(promotion, { maxLength: 3 }),
  velocityPerDay: fc.double({ min: 0, max: 20, noNaN: true }),
  tracked: fc.boolean(),
  discontinued: fc.boolean(),
  tags: fc.subarray(["fragile", "gift"]),
  releasedHoursAgo: fc.option(fc.integer({ min: -50, max: 500 }), { nil: null, freq: 2 }),
  untrackedQuantity: fc.integer({ min: 0, max: 100 }),
});

type Shop = typeof shop extends fc.Arbitrary<infer T> ? T : never;

function contextFor(s: Shop, channelIndex = s.channelIndex): ListingContext {
  const all = channels.map((c, i) => ({ ...c, ...s.settings[i], untrackedQuantity: s.untrackedQuantity }));
  return {
    listingId: "lst-1",
    channel: all[channelIndex],
    channels: all,
    variant: aVariant({
      tracked: s.tracked,
      discontinued: s.discontinued,
      tags: s.tags,
      releaseAt: s.releasedHoursAgo === null ? null : new Date(NOW.getTime() - s.releasedHoursAgo * HOUR),
    }),
    levels: s.levels,
    bufferRules: s.bufferRules,
    allocationRules: s.allocationRules,
    promotions: s.promotions,
    velocityPerDay: s.velocityPerDay,
    now: NOW,
  };
}

describe("available to sell, for any shop", () => {
  it("is a whole number and never negative", () => {
    fc.assert(
      fc.property(shop, (s) => {
        const { quantity } = availableToSell(contextFor(s));
        expect(Number.isInteger(quantity)).toBe(true);
        expect(quantity).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: RUNS },
    );
  });

  it("never exceeds the pool", () => {
    fc.assert(
      fc.property(shop, (s) => {
        const result = availableToSell(contextFor(s));
        expect(result.quantity).toBeLessThanOrEqual(result.pool);
      }),
      { numRuns: RUNS },
    );
  });

  it("never goes down when a location gets more stock", () => {
    fc.assert(
      fc.property(shop, fc.nat(), fc.integer({ min: 1, max: 40 }), (s, which, extra) => {
        fc.pre(s.levels.length > 0);
        const index = which % s.levels.length;
        const more = s.levels.map((l, i) => (i === index ? { ...l, available: l.available + extra } : l));
        const before = availableToSell(contextFor(s)).quantity;
        const after = availableToSell(contextFor({ ...s, levels: more })).quantity;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: RUNS },
    );
  });

  it("never offers a held exclusive reserve to a channel outside its promotion", () => {
    fc.assert(
      fc.property(shop, (s) => {
        const reserve: PromotionReserve = {
          promotionId: "held",
          name: "Held",
          status: "running",
          startsAt: new Date(NOW.getTime() - HOUR),
          endsAt: new Date(NOW.getTime() + HOUR),
          channelIds: [channelIds[0]],
          reserveUnits: 15,
          exclusive: true,
        };
        const withReserve = { ...s, tracked: true, promotions: [...s.promotions, reserve] };
        for (let i = 1; i < channels.length; i++) {
          const result = availableToSell(contextFor(withReserve, i));
          // The 15 reserved units are never part of another channel's count.
          expect(result.quantity).toBeLessThanOrEqual(Math.max(0, result.pool - 15));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("gives the same answer, explanation included, for the same inputs", () => {
    fc.assert(
      fc.property(shop, (s) => {
        const context = contextFor(s);
        const snapshot = structuredClone(context);
        const first = availableToSell(context);
        const second = availableToSell(structuredClone(snapshot));
        expect(second).toEqual(first);
        expect(context).toEqual(snapshot);
      }),
      { numRuns: RUNS },
    );
  });

  it("explains itself with steps whose effects add up to the result", () => {
    fc.assert(
      fc.property(shop, (s) => {
        const result = availableToSell(contextFor(s));
        const total = result.explanation.reduce((sum, step) => sum + step.effect, 0);
        expect(total).toBe(result.quantity);
        expect(result.explanation.at(-1)?.result).toBe(result.quantity);
      }),
      { numRuns: RUNS },
    );
  });
});
