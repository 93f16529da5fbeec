// Throughput and memory of the engine's hot path, `desiredListing`, over realistic, varied
// listings. Run: `npx tsx bench/engine.ts [n]` (n defaults to 1,000,000). Memory figures need
// the garbage collector exposed: `npx node --expose-gc --import tsx bench/engine.ts [n]`.
//
// Listings are distinct, generated from a fixed seed: 1-4 locations with drop
// shippers, stores that do not sell online and channel-restricted shelves; buffer rules at channel,
// tag, variant and listing level of all three kinds; caps, shares and fixed counts; running and
// planned promotions; price rules with differentials, rounding, MAP and fees; untracked,
// discontinued and preorder variants. Building them is never timed; two figures are printed (see
// main): fresh batches as the service will run it, and cold prebuilt listings as the worst case.

import { cpus, loadavg } from "node:os";
import { defaultRiskMultiplierOf } from "~/channels/registry";
import { explanationText } from "~/engine/explain";
import { desiredListing, type DesiredListing, type DesiredListingInput } from "~/engine/listing";
import type { PriceRounding, PriceRule } from "~/engine/price";
import { type AllocationRule, type BufferRule, CHANNEL_KINDS, type Channel, type Location, type PromotionReserve, type StockLevel } from "~/engine/types";

/**
 * Listings built and evaluated together, as the recompute service reads a page of a shop's
 * listings and evaluates them while their rows are still in the CPU's cache.
 */
const BATCH = 100;
/** Distinct listings of the cold-input figure (more than fit in the CPU's caches). */
const PREBUILT = 16_384;
const NOW = new Date("2025-06-01T12:00:00Z");
const HOUR = 3_600_000;

/** A small deterministic generator (mulberry32), so every run measures the same listings. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = randomSource(20_250_601);
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const chance = (p: number) => random() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const channels: Channel[] = CHANNEL_KINDS.map((kind, index) => ({
  id: `ch-${kind}`,
  kind,
  name: kind === "tiktok" ? "TikTok Shop" : kind[0].toUpperCase() + kind.slice(1),
  priority: index + 1,
  riskMultiplier: null,
  defaultRiskMultiplier: defaultRiskMultiplierOf(kind),
  lowStockThreshold: [0, 5, 10, 20, 0][index],
  untrackedQuantity: 25,
}));

const locations: Location[] = [
  { id: "loc-wh", name: "Main warehouse", saleable: true, isDropShip: false, vendorShareBps: 10_000, eligibleChannelIds: null },
  { id: "loc-3pl", name: "3PL East", saleable: true, isDropShip: false, vendorShareBps: 10_000, eligibleChannelIds: ["ch-amazon", "ch-walmart", "ch-shopify"] },
  { id: "loc-drop", name: "Cell Phones Etc.", saleable: true, isDropShip: true, vendorShareBps: 8_000, eligibleChannelIds: null },
  { id: "loc-store", name: "Retail Store 01", saleable: false, isDropShip: false, vendorShareBps: 10_000, eligibleChannelIds: null },
];

const tags = ["fragile", "gift", "clearance", "hero"];

function bufferRules(listingId: string, variantId: string): BufferRule[] {
  const rules: BufferRule[] = [
    { id: "b-amz", channelId: "ch-amazon", scope: "channel", scopeValue: null, kind: "velocity", leadTimeDays: 2, safetyStock: 4, riskMultiplier: null },
    { id: "b-ebay", channelId: "ch-ebay", scope: "channel", scopeValue: null, kind: "percent", percentBps: 1_000 },
    { id: "b-all", channelId: null, scope: "channel", scopeValue: null, kind: "fixed", units: 2 },
  ];
  if (chance(0.3)) rules.push({ id: "b-tag", channelId: null, scope: "tag", scopeValue: pick(tags), kind: "fixed", units: between(1, 6) });
  if (chance(0.2)) {
    rules.push({
      id: "b-var",
      channelId: null,
      scope: "variant",
      scopeValue: variantId,
      kind: "velocity",
      leadTimeDays: between(1, 7),
      safetyStock: between(0, 5),
      riskMultiplier: null,
    });
  }
  if (chance(0.1)) rules.push({ id: "b-lst", channelId: null, scope: "listing", scopeValue: listingId, kind: "percent", percentBps: between(500, 2_500) });
  return rules;
}

function allocationRules(listingId: string): AllocationRule[] {
  const rules: AllocationRule[] = [];
  if (chance(0.25)) rules.push({ id: "a-cap", channelId: "ch-ebay", scope: "channel", scopeValue: null, kind: "cap", units: between(3, 30) });
  if (chance(0.15)) rules.push({ id: "a-share", channelId: "ch-tiktok", scope: "channel", scopeValue: null, kind: "poolShare", percentBps: 3_000 });
  if (chance(0.05)) rules.push({ id: "a-fixed", channelId: null, scope: "listing", scopeValue: listingId, kind: "fixed", units: between(1, 10) });
  if (chance(0.05))
    rules.push({ id: "a-vendor", channelId: null, scope: "channel", scopeValue: null, kind: "vendorShare", percentBps: 5_000, locationId: "loc-drop" });
  return rules;
}

function promotions(): PromotionReserve[] {
  if (!chance(0.15)) return [];
  const startsIn = between(-48, 96);
  return [
    {
      promotionId: "promo-1",
      name: "Summer flash sale",
      status: pick(["ready", "running", "draft"] as const),
      startsAt: new Date(NOW.getTime() + startsIn * HOUR),
      endsAt: new Date(NOW.getTime() + (startsIn + 72) * HOUR),
      channelIds: ["ch-tiktok"],
      reserveUnits: between(2, 20),
      exclusive: chance(0.8),
    },
  ];
}

function priceRules(): PriceRule[] {
  const base = { fixedFeeCents: 30, shippingCents: 0, maxPriceCents: null, mapIsAnchor: false };
  const rounding: PriceRounding = pick(["none", "cents99", "cents95", "whole"]);
  return [
    {
      id: "p-amz",
      channelId: "ch-amazon",
      scope: "channel",
      scopeValue: null,
      ...base,
      differentialBps: 0,
      differentialCents: 0,
      rounding,
      feeBps: 1_500,
      minMarginBps: 1_000,
    },
    {
      id: "p-ebay",
      channelId: "ch-ebay",
      scope: "channel",
      scopeValue: null,
      ...base,
      differentialBps: 500,
      differentialCents: 0,
      rounding: "cents99",
      feeBps: 1_300,
      minMarginBps: 1_000,
    },
    {
      id: "p-tt",
      channelId: "ch-tiktok",
      scope: "channel",
      scopeValue: null,
      ...base,
      differentialBps: -500,
      differentialCents: 0,
      rounding: "cents95",
      feeBps: 800,
      minMarginBps: 500,
    },
    {
      id: "p-wm",
      channelId: "ch-walmart",
      scope: "channel",
      scopeValue: null,
      ...base,
      differentialBps: 0,
      differentialCents: 100,
      rounding,
      feeBps: 1_500,
      minMarginBps: 1_000,
      mapIsAnchor: chance(0.3),
    },
  ];
}

function aListingInput(index: number): DesiredListingInput {
  const listingId = `lst-${index}`;
  const variantId = `var-${index >> 2}`;
  const levels: StockLevel[] = locations.filter(() => chance(0.7)).map((location) => ({ location, available: between(-3, 120) }));
  if (levels.length === 0) levels.push({ location: locations[0], available: between(0, 40) });
  const priceCents = between(500, 25_000);
  return {
    listingId,
    channel: channels[index % channels.length],
    channels,
    variant: {
      id: variantId,
      productId: `prod-${index >> 4}`,
      tags: tags.filter(() => chance(0.25)),
      collections: [],
      tracked: !chance(0.05),
      discontinued: chance(0.05),
      releaseAt: chance(0.03) ? new Date(NOW.getTime() + between(-100, 100) * HOUR) : null,
    },
    levels,
    bufferRules: bufferRules(listingId, variantId),
    allocationRules: allocationRules(listingId),
    promotions: promotions(),
    velocityPerDay: chance(0.2) ? 0 : Math.round(random() * 800) / 100,
    now: NOW,
    shopifyPriceCents: priceCents,
    mapCents: chance(0.3) ? Math.round(priceCents * 0.95) : null,
    costCents: chance(0.9) ? Math.round(priceCents * (0.3 + random() * 0.5)) : null,
    priceRules: priceRules(),
  };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Builds `count` distinct listings, numbered from `first`, the way the service builds a batch. */
function batchOfInputs(first: number, count: number): DesiredListingInput[] {
  const batch = new Array<DesiredListingInput>(count);
  for (let i = 0; i < count; i++) batch[i] = aListingInput(first + i);
  return batch;
}

function main(): void {
  const n = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`n must be a positive whole number, got ${process.argv[2]}`);
  const gcExposed = typeof (globalThis as { gc?: unknown }).gc === "function";

  // Warm-up: lets V8 optimise the hot path before it is timed, as a long-running worker would.
  let checksum = 0;
  for (let first = 0; first < 200_000; first += BATCH) {
    for (const input of batchOfInputs(first, BATCH)) checksum += desiredListing(input).quantity ?? 0;
  }

  // 1. Cold inputs: 16,384 distinct listings built beforehand (more than the CPU's caches hold),
  //    evaluated n times over with a stock level moved on every call, so no two evaluations of
  //    one listing see the same input. Most of each call waits on memory: the worst case.
  const prebuilt = batchOfInputs(1_000_000, PREBUILT);
  gc();
  let started = process.hrtime.bigint();
  let cpuStarted = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const input = prebuilt[i % PREBUILT];
    input.levels[0].available = (input.levels[0].available + 7) % 130;
    const listing = desiredListing(input);
    checksum += (listing.quantity ?? 0) + listing.priceCents;
  }
  let cpuUsed = process.cpuUsage(cpuStarted);
  const engineSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU time of the whole process (garbage-collector threads included): on a shared machine the
  // wall clock also counts time other processes held the core, this does not.
  const engineCpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;

  // 2. As the recompute service will run it: every listing distinct, built in small batches from
  //    the mirror (building not timed: that is the service's work) and evaluated while the batch
  //    is still in cache, results dropped after use.
  const fresh = n;
  let freshNs = 0n;
  let freshCpuMicros = 0;
  for (let first = 0; first < fresh; first += BATCH) {
    const inputs = batchOfInputs(first, Math.min(BATCH, fresh - first));
    started = process.hrtime.bigint();
    cpuStarted = process.cpuUsage();
    for (let i = 0; i < inputs.length; i++) {
      const listing = desiredListing(inputs[i]);
      checksum += (listing.quantity ?? 0) + listing.priceCents;
    }
    cpuUsed = process.cpuUsage(cpuStarted);
    freshNs += process.hrtime.bigint() - started;
    freshCpuMicros += cpuUsed.user + cpuUsed.system;
  }

  // Memory: what one desired listing (numbers, notices and structured explanation) keeps alive,
  // measured as the heap growth of holding a batch of results, after full collections.
  const keptCount = Math.min(n, 200_000);
  const keptInputs = batchOfInputs(0, keptCount);
  const kept: DesiredListing[] = new Array(keptCount);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < keptCount; i++) kept[i] = desiredListing(keptInputs[i]);
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  // The inputs must outlive the second measurement, or their collection would be subtracted.
  checksum += keptInputs.length;
  const bytesPerListing = (heapAfter - heapBefore) / keptCount;

  // Formatting the explanation is for the listings a merchant opens, not the hot loop; timed
  // separately so its cost is visible.
  const shown = Math.min(n, 50_000);
  const textStarted = process.hrtime.bigint();
  let characters = 0;
  for (let i = 0; i < shown; i++) characters += explanationText(kept[i % keptCount].explanation.quantity).length;
  const textSeconds = Number(process.hrtime.bigint() - textStarted) / 1e9;

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(`node ${process.version} on ${cpu} (${cpus().length} logical CPUs), one thread`);
  // Other processes on the machine slow the wall clock and, through shared caches, the CPU time.
  console.log(`machine load average (1 min) at the end: ${loadavg()[0].toFixed(2)}`);
  const rate = (count: number, secondsTaken: number) => Math.round(count / secondsTaken).toLocaleString("en-US");
  console.log(
    `desiredListing, cold inputs: ${n.toLocaleString("en-US")} evaluations of ${PREBUILT.toLocaleString("en-US")} prebuilt listings: ` +
      `${rate(n, engineSeconds)} listings/s wall (${engineSeconds.toFixed(3)} s), ${rate(n, engineCpuSeconds)} per CPU-second`,
  );
  console.log(
    `desiredListing, fresh batches: ${fresh.toLocaleString("en-US")} distinct listings built ${BATCH} at a time: ` +
      `${rate(fresh, Number(freshNs) / 1e9)} listings/s wall, ${rate(fresh, freshCpuMicros / 1e6)} per CPU-second`,
  );
  console.log(
    gcExposed
      ? `memory: ${Math.round(bytesPerListing)} bytes per desired listing kept (heap delta of ${keptCount.toLocaleString("en-US")} results / ${keptCount.toLocaleString("en-US")})`
      : "memory: not measured (run with `node --expose-gc --import tsx` to measure bytes per listing)",
  );
  console.log(
    `explanation text: ${Math.round(shown / textSeconds).toLocaleString("en-US")} quantity explanations formatted/s (${Math.round(characters / shown)} characters each)`,
  );
  console.log(`(checksum ${checksum}, ${kept.length} results kept)`);
}

main();
