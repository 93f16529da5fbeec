// The oversell model behind the flash-sale comparison (bench/flash-sale.ts). One order stream is
// replayed twice in simulated time against marketplaces that learn of stock changes:
//   - Anchorline: every stock change reaches each marketplace after a latency drawn from the
//     latencies measured on the real pipeline (Shopify change → marketplace acknowledgement);
//   - the baseline: every marketplace learns the stock only at fixed ticks (every 15 minutes, what
//     peers advertise), at a random phase.
// Between updates a marketplace takes its own sales off what it shows, as real ones do. A buyer
// buys only if the marketplace shows enough; an accepted order the anchor cannot cover is an
// oversell. Pushes set absolute quantities (the stock when the push was computed), as Anchorline's
// connectors do, so a push can briefly restore units sold meanwhile elsewhere: the model keeps that.

export type Channel = string;

export interface StreamOrder {
  /** Seconds from the stream's start. */
  at: number;
  channel: Channel;
  sku: string;
  quantity: number;
}

export interface ModelOutcome {
  accepted: number;
  oversoldOrders: number;
  oversoldUnits: number;
  turnedAway: number;
}

/** A small seeded PRNG (mulberry32), so a run's stream and draws are repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Update = { at: number; channel: Channel; sku: string; quantity: number };

/**
 * Replays `orders` (sorted by time) with `schedule` deciding when each channel learns of a change:
 * given the change's time, it returns when the update lands on a channel (null: never, the
 * baseline's ticks push on their own).
 */
function replay(
  orders: readonly StreamOrder[],
  stock: Readonly<Record<string, number>>,
  channels: readonly Channel[],
  onChange: (at: number, sku: string, quantityNow: number, push: (u: Update) => void) => void,
  ticks: (until: number) => number[],
): ModelOutcome {
  const anchor = new Map(Object.entries(stock));
  const shown = new Map<string, number>();
  for (const c of channels) for (const [sku, q] of anchor) shown.set(`${c}|${sku}`, q);
  const pending: Update[] = [];
  const push = (u: Update) => pending.push(u);
  const end = orders.length ? orders[orders.length - 1].at : 0;
  const tickTimes = ticks(end);
  let tick = 0;
  const outcome: ModelOutcome = { accepted: 0, oversoldOrders: 0, oversoldUnits: 0, turnedAway: 0 };
  for (const order of orders) {
    // Updates and ticks due before this order land first, in time order.
    pending.sort((a, b) => a.at - b.at);
    for (;;) {
      const nextUpdate = pending.length && pending[0].at <= order.at ? pending[0].at : Infinity;
      const nextTick = tick < tickTimes.length && tickTimes[tick] <= order.at ? tickTimes[tick] : Infinity;
      if (nextUpdate === Infinity && nextTick === Infinity) break;
      if (nextUpdate <= nextTick) {
        const u = pending.shift()!;
        shown.set(`${u.channel}|${u.sku}`, u.quantity);
      } else {
        tick++;
        for (const c of channels) for (const [sku, q] of anchor) shown.set(`${c}|${sku}`, q);
      }
    }
    const key = `${order.channel}|${order.sku}`;
    const listed = shown.get(key) ?? 0;
    if (listed < order.quantity) {
      outcome.turnedAway++;
      continue;
    }
    outcome.accepted++;
    shown.set(key, listed - order.quantity);
    const have = anchor.get(order.sku) ?? 0;
    if (have < order.quantity) {
      outcome.oversoldOrders++;
      outcome.oversoldUnits += order.quantity - have;
    }
    const now = Math.max(0, have - order.quantity);
    anchor.set(order.sku, now);
    onChange(order.at, order.sku, now, push);
  }
  return outcome;
}

/** Anchorline: each change lands on every channel after a latency drawn from `latencySeconds`. */
export function replayAnchorline(
  orders: readonly StreamOrder[],
  stock: Readonly<Record<string, number>>,
  channels: readonly Channel[],
  latencySeconds: readonly number[],
  seed = 1,
): ModelOutcome {
  if (latencySeconds.length === 0) throw new Error("no measured latencies to draw from");
  const random = prng(seed);
  return replay(
    orders,
    stock,
    channels,
    (at, sku, quantity, push) => {
      for (const channel of channels) push({ at: at + latencySeconds[Math.floor(random() * latencySeconds.length)], channel, sku, quantity });
    },
    () => [],
  );
}

/** The baseline: marketplaces learn the stock only every `intervalSeconds`, at a random phase. */
export function replayBaseline(
  orders: readonly StreamOrder[],
  stock: Readonly<Record<string, number>>,
  channels: readonly Channel[],
  intervalSeconds = 900,
  seed = 1,
): ModelOutcome {
  const phase = prng(seed)() * intervalSeconds;
  return replay(
    orders,
    stock,
    channels,
    () => {},
    (until) => {
      const times: number[] = [];
      for (let t = phase; t <= until; t += intervalSeconds) times.push(t);
      return times;
    },
  );
}

export interface FlashSaleShape {
  hours: number;
  skus: number;
  unitsPerSku: number;
  /** Orders per second on TikTok during the flash window, and the window (seconds from start). */
  flashRate: number;
  flashFrom: number;
  flashTo: number;
  /** Orders per second of each other marketplace's steady buyers. */
  steadyRates: Record<Channel, number>;
  seed: number;
}

/** A flash sale on TikTok Shop over a steady trickle elsewhere, as a Poisson stream. */
export function flashSaleStream(shape: FlashSaleShape): { orders: StreamOrder[]; stock: Record<string, number> } {
  const random = prng(shape.seed);
  const skus = Array.from({ length: shape.skus }, (_, i) => `FLASH-${String(i + 1).padStart(3, "0")}`);
  const orders: StreamOrder[] = [];
  const arrivals = (channel: Channel, rate: number, from: number, to: number, twoUnits: number) => {
    for (let t = from - Math.log(1 - random()) / rate; t < to; t += -Math.log(1 - random()) / rate) {
      orders.push({ at: t, channel, sku: skus[Math.floor(random() * skus.length)], quantity: random() < twoUnits ? 2 : 1 });
    }
  };
  arrivals("tiktok", shape.flashRate, shape.flashFrom, shape.flashTo, 0.3);
  for (const [channel, rate] of Object.entries(shape.steadyRates)) arrivals(channel, rate, 0, shape.hours * 3600, 0.1);
  orders.sort((a, b) => a.at - b.at);
  return { orders, stock: Object.fromEntries(skus.map((s) => [s, shape.unitsPerSku])) };
}

/** p50/p90/p95/p99/max of a list (nearest rank), as demo/scenario.ts reports them. */
export function percentiles(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
  return { count: sorted.length, p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}
