// The story the demo tells, on the running system: the first sync, a flash sale on TikTok Shop
// while Amazon and eBay buyers keep buying, a parity violation caught, an oversell averted by
// low-stock throttling; then a report. Everything goes through the real pipeline: simulated buyers
// order on the marketplace simulators, Anchorline imports the orders, lowers Shopify, and pushes
// the new quantities to every other marketplace.
import type { PrismaClient } from "@prisma/client";
import { requestRecompute } from "~/recompute/index.server";
import type { StoreEvent } from "../simulators/shopify/store";
import { saveParityEdge, savePriceRule } from "~/routes/app.pricing/pricing.server";
import { saveChannelThrottling } from "~/routes/app.buffers/buffers.server";
import { changeChannel } from "~/routes/app.channels/channels.server";
import { requestFlush, type Queues } from "~/queues.server";
import { stockOrPriceToPush } from "~/sync/outbox.server";
import { MARKETPLACES, NAMES, type DemoVariant, type Marketplace, type World } from "./world";

export interface ScenarioOptions {
  prisma: PrismaClient;
  queues: Queues;
  world: World;
  log: (line: string) => void;
  /** Seconds the flash sale lasts at most (DEMO_FLASH_SECONDS). */
  flashSeconds: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ScenarioReport {
  orders: Record<Marketplace, number>;
  turnedAway: Record<Marketplace, number>;
  oversells: { flashSale: number; throttledWave: number; total: number };
  latencyMs: Record<Marketplace | "all", LatencySummary>;
  /** From a simulated buyer's order to Shopify's stock lowered by it (the order written back), per marketplace. */
  orderToShopifyMs: Record<Marketplace | "all", LatencySummary>;
  /** The first part of orderToShopifyMs: from the buyer's order to Anchorline holding it (notification, queue, the marketplace's order read). */
  orderToImportMs: Record<Marketplace | "all", LatencySummary>;
  /** Every latency sample (ms), for the benchmark's model of the 15-minute baseline. */
  latencySamplesMs: number[];
  calls: Record<Marketplace, { total: number; status429: number }>;
  heldByParity: number;
  /** Step 5: a cancellation after the import, and a marketplace order created in Shopify and shipped from there. */
  orderLife: OrderLifeReport;
  /** The flash sale's order stream: seconds from its start, channel, units. */
  flashStream: { at: number; marketplace: Marketplace; sku: string; quantity: number }[];
  flashStock: Record<string, number>;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds or the time is up; whether it held. */
async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

export interface OrderLifeReport {
  cancelled: number;
  unitsBack: number;
  createdInShopify: number;
  shippedWithTracking: number;
}

/**
 * Step 5, an order's life after its sale: an Amazon buyer orders 2 and cancels once it is imported
 * (the units come back to Shopify, and every marketplace follows); Walmart is switched to "orders
 * in Shopify" on the Channels screen's service, a Walmart buyer's order is created in Shopify, the
 * merchant fulfils it there with a UPS tracking number, and Walmart shows the line shipped with it.
 */
async function runOrderLife(deps: { prisma: PrismaClient; world: World; log: (line: string) => void }): Promise<OrderLifeReport> {
  const { prisma, world, log } = deps;
  const report: OrderLifeReport = { cancelled: 0, unitsBack: 0, createdInShopify: 0, shippedWithTracking: 0 };
  // The best-stocked variant: a buyer can only order what the marketplace lists.
  const variant = [...world.variants].sort((a, b) => world.anchorQuantity(b) - world.anchorQuantity(a))[0];
  log(`▶ 5. An order's life: an Amazon buyer cancels after the import; a Walmart order created in Shopify and shipped from there`);

  const before = world.anchorQuantity(variant);
  const placed = world.amazon.state.placeOrder({ sellerId: world.channels.amazon.accountId, sku: variant.channelSku.amazon, quantity: 2 });
  const sold = await waitUntil(() => world.anchorQuantity(variant) === before - 2, 60_000);
  world.amazon.state.cancelOrder(placed.order.orderId, world.channels.amazon.accountId);
  const back = sold && (await waitUntil(() => world.anchorQuantity(variant) === before, 60_000));
  if (back) {
    report.cancelled = 1;
    report.unitsBack = 2;
  }
  log(`  Amazon order ${placed.order.orderId}: Shopify ${before} → ${before - 2} on the sale → ${world.anchorQuantity(variant)} after the buyer cancelled`);

  await changeChannel(world.domain, { intent: "orders", channelId: world.channels.walmart.id, ordersInShopify: "orders-in-shopify" }, "demo", prisma);
  // Walmart's PO_CREATED notification brings it in (the subscription made at connect, demo/main.ts).
  const order = world.walmart.placeOrder(world.channels.walmart.accountId, { sku: variant.channelSku.walmart, quantity: 1 });
  const inShopify = { where: { channelId: world.channels.walmart.id, externalOrderId: order.purchaseOrderId, shopifyOrderId: { not: null } } };
  if (await waitUntil(async () => (await prisma.channelOrder.count(inShopify)) > 0, 60_000)) {
    report.createdInShopify = 1;
    const stored = await prisma.channelOrder.findFirstOrThrow(inShopify);
    const shopifyOrder = world.shopify.store.shop(world.domain).orders.find((o) => o.tags.includes(`anchorline-${stored.id}`));
    if (shopifyOrder) {
      world.shopify.store.fulfillOrder(world.domain, shopifyOrder.id, { trackingCompany: "UPS", trackingNumber: "1ZDEMO0000000001" });
      const shipped = await waitUntil(() => world.walmart.shipments(world.channels.walmart.accountId, order.purchaseOrderId).length > 0, 60_000);
      if (shipped) report.shippedWithTracking = 1;
      log(
        `  Walmart PO ${order.purchaseOrderId}: Shopify order ${shopifyOrder.name}, fulfilled with UPS 1ZDEMO0000000001; Walmart ${shipped ? "shows it shipped" : "was not told within 60 s"}`,
      );
    }
  } else log(`  Walmart PO ${order.purchaseOrderId}: not created in Shopify within 60 s`);
  await changeChannel(world.domain, { intent: "orders", channelId: world.channels.walmart.id, ordersInShopify: "stock-only" }, "demo", prisma);
  return report;
}

export function percentiles(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
  return { count: sorted.length, p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

/**
 * Latency from a Shopify inventory change to each marketplace's acknowledgement of the push that
 * carries it: the change's time is taken when the simulated store changes; the acknowledgement is
 * the listing's pushedAt once its desired quantity, recomputed after the change, has been pushed.
 * A change that leaves a channel's number as it was needs no push and is not counted.
 */
class LatencyTracker {
  private open: { variantId: string; at: number; channels: Set<string> }[] = [];
  readonly samples = new Map<string, number[]>();
  private timer: NodeJS.Timeout | null = null;
  private itemToVariant = new Map<string, string>();
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly prisma: PrismaClient,
    private readonly world: World,
  ) {}

  async start(): Promise<void> {
    const items = await this.prisma.inventoryItem.findMany({ where: { shopId: this.world.shopId }, select: { shopifyId: true, variantId: true } });
    for (const item of items) this.itemToVariant.set(item.shopifyId.replace(/^gid:\/\/shopify\/\w+\//, ""), item.variantId);
    const channelIds = MARKETPLACES.map((m) => this.world.channels[m].id);
    const onChange = (event: StoreEvent) => {
      if (event.kind !== "inventory_level") return;
      const variantId = this.itemToVariant.get(event.item.id.replace(/^gid:\/\/shopify\/\w+\//, ""));
      if (variantId) this.open.push({ variantId, at: Date.now(), channels: new Set(channelIds) });
    };
    this.world.shopify.store.on("change", onChange);
    this.unsubscribe = () => this.world.shopify.store.off("change", onChange);
    this.timer = setInterval(() => void this.sample(), 100);
  }

  private sampling = false;
  private async sample(): Promise<void> {
    if (this.sampling || this.open.length === 0) return;
    this.sampling = true;
    try {
      const variantIds = [...new Set(this.open.map((o) => o.variantId))];
      const listings = await this.prisma.listing.findMany({
        where: { shopId: this.world.shopId, variantId: { in: variantIds } },
        select: { channelId: true, variantId: true, desiredAt: true, desiredQuantity: true, pushedQuantity: true, pushedAt: true },
      });
      const byKey = new Map(listings.map((l) => [`${l.variantId}:${l.channelId}`, l]));
      const now = Date.now();
      for (const change of this.open) {
        for (const channelId of change.channels) {
          const l = byKey.get(`${change.variantId}:${channelId}`);
          if (!l) continue;
          // The quantity is what this measures: content still going out to the listing does not count.
          if (l.desiredAt && l.pushedAt && l.desiredAt.getTime() >= change.at && l.pushedQuantity === l.desiredQuantity && l.pushedAt >= l.desiredAt) {
            const list = this.samples.get(channelId) ?? [];
            list.push(l.pushedAt.getTime() - change.at);
            this.samples.set(channelId, list);
            change.channels.delete(channelId);
          }
        }
      }
      // 30 s without a push: the change did not move this channel's number (or it is held).
      this.open = this.open.filter((c) => c.channels.size > 0 && now - c.at < 30_000);
    } finally {
      this.sampling = false;
    }
  }

  async settle(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.open.length > 0 && Date.now() < deadline) await sleep(100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe();
  }
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const { prisma, queues, world, log } = options;
  const started = Date.now();
  const runStart = new Date(started - 1000);
  const callMarks = Object.fromEntries(MARKETPLACES.map((m) => [m, world.calls(m).length])) as Record<Marketplace, number>;
  const turnedAway = Object.fromEntries(MARKETPLACES.map((m) => [m, 0])) as Record<Marketplace, number>;
  const channelIds = MARKETPLACES.map((m) => world.channels[m].id);
  const locations = world.shopify.store.shop(world.domain).locations;

  // Orders reach Anchorline as they do in production: Amazon's simulator posts ORDER_CHANGE to the
  // app's /notifications route (the destination demo/main.ts sets up as a merchant would), and
  // Walmart's PO_CREATED, TikTok Shop's ORDER_STATUS_CHANGE and eBay's ORDER_CONFIRMATION go where
  // the subscriptions the app made at connect point; the route queues the import of that order.

  /** When each buyer's order was placed, by channel id and the marketplace's order id. */
  const placedAt = new Map<string, number>();
  /** A simulated buyer: buys only what the marketplace lists, as a real one can. */
  const tryBuy = (m: Marketplace, v: DemoVariant, quantity: number): boolean => {
    if ((world.quantityOn(m, v) ?? 0) < quantity) {
      turnedAway[m]++;
      return false;
    }
    const at = Date.now();
    placedAt.set(`${world.channels[m].id}:${world.buy(m, v, quantity)}`, at);
    return true;
  };

  // Waits until every listing shows Shopify's stock and price. Content (a first sync's titles and
  // descriptions: thousands of calls at Amazon's 5 a second) goes out behind them and is reported,
  // not waited for: the flush lets any stock change overtake it.
  const waitForSync = async (what: string, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    let lastLine = "";
    let quiet = 0;
    for (;;) {
      const [stale, toPush, contentPending, total] = await Promise.all([
        prisma.listing.count({ where: { shopId: world.shopId, staleSince: { not: null } } }),
        stockOrPriceToPush(prisma, channelIds),
        prisma.listing.count({ where: { shopId: world.shopId, syncState: "PENDING" } }),
        prisma.listing.count({ where: { shopId: world.shopId } }),
      ]);
      const content = Math.max(0, contentPending - toPush);
      const line = `  ${what}: ${total - Math.min(total, stale + toPush)} / ${total} listings show Shopify's stock and price (${stale} to recompute, ${toPush} to push)${content > 0 ? `; content of ${content} still going out` : ""}`;
      if (line !== lastLine) log((lastLine = line));
      quiet = stale + toPush === 0 ? quiet + 1 : 0;
      if (quiet >= 3) return;
      if (Date.now() > deadline) {
        log(`  ${what}: still ${stale + toPush} listings under way after ${timeoutMs / 1000} s; going on`);
        return;
      }
      await sleep(500);
    }
  };

  const setStock = (v: DemoVariant, units: number) => {
    for (const [i, location] of locations.entries()) world.shopify.store.setAvailable(world.domain, v.itemShopifyId, location.id, i === 0 ? units : 0);
  };
  const shows = (v: DemoVariant) => MARKETPLACES.map((m) => `${m} ${world.quantityOn(m, v)}`).join(", ");
  const oversoldSince = (since: Date) => prisma.channelOrder.count({ where: { shopId: world.shopId, oversold: true, importedAt: { gte: since } } });
  /**
   * Oversold orders of this run on these SKUs: by SKU, not by import time, since a step's orders
   * can still be importing when the next step starts.
   */
  const oversoldOn = (skus: DemoVariant[]) =>
    prisma.channelOrder.count({
      where: {
        shopId: world.shopId,
        oversold: true,
        importedAt: { gte: runStart },
        lines: { some: { listing: { variant: { sku: { in: skus.map((v) => v.sku) } } } } },
      },
    });
  /** Every order of the step imported: each marketplace's notifications answered, and the imports they queued run. */
  const importAll = async () => {
    const settled = await Promise.all([
      world.amazon.state.notificationsSettled(),
      world.ebay.notifications.settled(),
      world.walmart.notificationsSettled(world.channels.walmart.accountId),
      world.tiktok.webhooksSettled(world.channels.tiktok.accountId),
    ]);
    const failed = settled.reduce((n, s) => n + s.failed, 0);
    if (failed > 0) log(`  ${failed} order notifications were not accepted by the app; the order polling catches their orders`);
    await waitUntil(async () => {
      const counts = await queues["order-import"].getJobCounts("waiting", "prioritized", "active");
      return counts.waiting + counts.prioritized + counts.active === 0;
    }, 60_000);
  };

  // ------------------------------------------------------------ 1. the first sync
  log("");
  log("▶ 1. Anchorline computes every listing and pushes it to the four marketplaces");
  await requestRecompute(world.shopId, queues);
  // Listings a previous run left unpushed wait for a flush of their channel.
  for (const channelId of channelIds) await requestFlush(channelId, 0, queues);
  await waitForSync("first sync");
  const sample = world.variants[0];
  log(`  e.g. ${sample.sku}: Shopify ${world.anchorQuantity(sample)}; marketplaces show ${shows(sample)}`);

  const tracker = new LatencyTracker(prisma, world);
  await tracker.start();

  // ------------------------------------------------------------ 2. the flash sale
  const hot = world.variants.slice(1, 5);
  const flashStock = 40;
  log("");
  log(`▶ 2. Flash sale on TikTok Shop: ${hot.length} SKUs with ${flashStock} units each; Amazon and eBay buyers keep buying`);
  for (const v of hot) setStock(v, flashStock);
  await world.shopify.deliveries.settled();
  await waitForSync("restock before the sale", 60_000);
  log(`  ${hot[0].sku} before the sale: Shopify ${world.anchorQuantity(hot[0])}; ${shows(hot[0])}`);
  const flashStream: ScenarioReport["flashStream"] = [];
  const ordersAt = Object.fromEntries(MARKETPLACES.map((m) => [m, 0])) as Record<Marketplace, number>;
  const saleStarted = Date.now();
  let nextProgress = saleStarted + 2000;
  let tick = 0;
  while (Date.now() - saleStarted < options.flashSeconds * 1000) {
    tick++;
    const plan: [Marketplace, number][] = [
      ["tiktok", 0.8],
      ["amazon", 0.2],
      ["ebay", 0.2],
    ];
    for (const [m, chance] of plan) {
      if (Math.random() > chance) continue;
      const v = hot[Math.floor(Math.random() * hot.length)];
      const quantity = m === "tiktok" && Math.random() < 0.3 ? 2 : 1;
      if (tryBuy(m, v, quantity)) {
        ordersAt[m]++;
        flashStream.push({ at: (Date.now() - saleStarted) / 1000, marketplace: m, sku: v.sku, quantity });
      }
    }
    // Amazon and eBay buyers also buy the rest of the catalogue.
    if (tick % 5 === 0) {
      for (const m of ["amazon", "ebay"] as const) {
        const v = world.variants[5 + Math.floor(Math.random() * (world.variants.length - 5))];
        if (tryBuy(m, v, 1)) ordersAt[m]++;
      }
    }
    if (Date.now() >= nextProgress) {
      nextProgress += 2000;
      const left = hot.reduce((n, v) => n + world.anchorQuantity(v), 0);
      log(
        `  t=${String(Math.round((Date.now() - saleStarted) / 1000)).padStart(2)}s orders: TikTok ${ordersAt.tiktok}, Amazon ${ordersAt.amazon}, eBay ${ordersAt.ebay} | flash SKUs left in Shopify ${left}; ${hot[0].sku}: ${shows(hot[0])}`,
      );
    }
    if (hot.every((v) => MARKETPLACES.every((m) => (world.quantityOn(m, v) ?? 0) === 0))) {
      log("  every flash-sale SKU now shows 0 everywhere: sold out");
      break;
    }
    await sleep(100);
  }
  await importAll();
  await waitForSync("after the sale", 60_000);
  const flashOversold = await oversoldOn(hot);
  log(
    `  flash sale: ${flashStream.length} orders on the flash SKUs; oversold orders: ${flashOversold}; buyers turned away (listed 0): TikTok ${turnedAway.tiktok}, Amazon ${turnedAway.amazon}, eBay ${turnedAway.ebay}`,
  );

  // ------------------------------------------------------------ 3. parity
  log("");
  const paritySku = world.variants[world.variants.length - 1];
  log(`▶ 3. Parity: Amazon watches eBay; a price rule makes eBay 10% cheaper on ${paritySku.sku}`);
  const edgeErrors = await saveParityEdge(
    world.domain,
    { watcherId: world.channels.amazon.id, watchedId: world.channels.ebay.id, tolerancePercent: "0", includeShipping: "on", includeCoupons: "on" },
    "demo",
    prisma,
  );
  if (edgeErrors) throw new Error(`parity edge refused: ${JSON.stringify(edgeErrors)}`);
  const existingRule = await prisma.priceRule.findFirst({ where: { shopId: world.shopId, channelId: world.channels.ebay.id, scope: "VARIANT" } });
  const ruleErrors = await savePriceRule(
    world.domain,
    {
      ruleId: existingRule?.id ?? "",
      channelId: world.channels.ebay.id,
      scope: "variant",
      scopeRef: paritySku.sku,
      differentialPercent: "-10",
      rounding: "none",
    },
    "demo",
    prisma,
  );
  if (ruleErrors) throw new Error(`price rule refused: ${JSON.stringify(ruleErrors)}`);
  let held: { channelSku: string; syncMessage: string | null } | null = null;
  for (let i = 0; i < 100 && !held; i++) {
    held = await prisma.listing.findFirst({ where: { shopId: world.shopId, syncState: "HELD" }, select: { channelSku: true, syncMessage: true } });
    if (!held) await sleep(200);
  }
  const heldByParity = await prisma.listing.count({ where: { shopId: world.shopId, syncState: "HELD" } });
  if (held) log(`  caught: ${heldByParity} push held, ${held.channelSku}: ${held.syncMessage ?? "(no message)"}`);
  else log("  no push was held (the engine saw no violation)");
  log(
    `  prices now: eBay ${world.priceOn("ebay", paritySku)}¢, Amazon ${world.priceOn("amazon", paritySku)}¢ (Amazon's new price waits for the merchant's review on the Pricing screen)`,
  );

  // ------------------------------------------------------------ 4. throttling
  log("");
  const last = world.variants[5];
  // A threshold protects the last units when it exceeds the sales still in flight: orders per second
  // × the seconds from a sale to every marketplace showing it. Buyers here place about 3 orders/s
  // and the pipeline takes 1–2 s under the demo's load, so 5–6 units are in flight: 8 covers them
  // (the merchant's velocity-based buffer computes the same thing from order history).
  const lastUnits = 16;
  const threshold = 8;
  const buyChance = 0.4;
  const roundMs = 500;
  log(`▶ 4. Low-stock throttling: below ${threshold} units only Amazon (priority 1) lists ${last.sku}; ${lastUnits} units, buyers on all four marketplaces`);
  for (const m of ["ebay", "walmart", "tiktok"] as const) {
    const channel = world.channels[m];
    const errors = await saveChannelThrottling(
      world.domain,
      { channelId: channel.id, priority: String(channel.priority), riskMultiplier: "", lowStockThreshold: String(threshold), untrackedQuantity: "0" },
      "demo",
      prisma,
    );
    if (errors) throw new Error(`throttling refused on ${m}: ${JSON.stringify(errors)}`);
  }
  setStock(last, lastUnits);
  await world.shopify.deliveries.settled();
  await waitForSync("throttling saved, stock set", 60_000);
  log(`  before: Shopify ${world.anchorQuantity(last)}; ${shows(last)}`);
  const throttledAway = Object.fromEntries(MARKETPLACES.map((m) => [m, 0])) as Record<Marketplace, number>;
  let lastShown = "";
  for (let round = 0; round < 80 && MARKETPLACES.some((m) => (world.quantityOn(m, last) ?? 0) > 0); round++) {
    for (const m of MARKETPLACES) {
      if (Math.random() > buyChance) continue;
      if (tryBuy(m, last, 1)) ordersAt[m]++;
      else throttledAway[m]++;
    }
    const line = `  Shopify ${world.anchorQuantity(last)}; ${shows(last)}`;
    if (line !== lastShown) log((lastShown = line));
    await sleep(roundMs);
  }
  await importAll();
  await waitForSync("after the last units", 60_000);
  const waveOversold = await oversoldOn([last]);
  log(
    `  last units: oversold orders ${waveOversold}; buyers turned away while the listing showed 0: ${MARKETPLACES.map((m) => `${m} ${throttledAway[m]}`).join(", ")}`,
  );

  // ------------------------------------------------------------ 5. an order's life
  log("");
  const orderLife = await runOrderLife({ prisma, world, log });

  await tracker.settle();
  tracker.stop();

  // ------------------------------------------------------------ report
  const orders = Object.fromEntries(
    await Promise.all(
      MARKETPLACES.map(
        async (m) => [m, await prisma.channelOrder.count({ where: { channelId: world.channels[m].id, importedAt: { gte: runStart } } })] as const,
      ),
    ),
  ) as Record<Marketplace, number>;
  const all: number[] = [];
  const latencyMs = {} as ScenarioReport["latencyMs"];
  for (const m of MARKETPLACES) {
    const values = tracker.samples.get(world.channels[m].id) ?? [];
    all.push(...values);
    latencyMs[m] = percentiles(values);
  }
  latencyMs.all = percentiles(all);
  const written = await prisma.channelOrder.findMany({
    where: { channelId: { in: channelIds }, importedAt: { gte: runStart }, writtenBackAt: { not: null } },
    select: { channelId: true, externalOrderId: true, importedAt: true, writtenBackAt: true },
  });
  const sinceOrdered = (to: (o: (typeof written)[number]) => Date) => {
    const summary = {} as Record<Marketplace | "all", LatencySummary>;
    const samples = (o: (typeof written)[number]) => {
      const at = placedAt.get(`${o.channelId}:${o.externalOrderId}`);
      return at === undefined ? [] : [to(o).getTime() - at];
    };
    for (const m of MARKETPLACES) summary[m] = percentiles(written.filter((o) => o.channelId === world.channels[m].id).flatMap(samples));
    summary.all = percentiles(written.flatMap(samples));
    return summary;
  };
  const orderToShopifyMs = sinceOrdered((o) => o.writtenBackAt!);
  const orderToImportMs = sinceOrdered((o) => o.importedAt);
  const calls = Object.fromEntries(
    MARKETPLACES.map((m) => {
      const window = world.calls(m).slice(callMarks[m]);
      return [m, { total: window.length, status429: window.filter((r) => r.status === 429).length }];
    }),
  ) as ScenarioReport["calls"];
  return {
    orders,
    turnedAway,
    oversells: { flashSale: flashOversold, throttledWave: waveOversold, total: await oversoldSince(runStart) },
    latencyMs,
    orderToShopifyMs,
    orderToImportMs,
    latencySamplesMs: all,
    calls,
    heldByParity,
    orderLife,
    flashStream,
    flashStock: Object.fromEntries(hot.map((v) => [v.sku, flashStock])),
    seconds: (Date.now() - started) / 1000,
  };
}

export function formatReport(report: ScenarioReport): string[] {
  const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)}`.padStart(6) : "     –");
  const table = (title: string, rows: Record<Marketplace | "all", LatencySummary>) => [
    title,
    "  channel          n     p50    p90    p95    p99    max",
    ...([...MARKETPLACES, "all"] as const).map((key) => {
      const l = rows[key];
      return `  ${(key === "all" ? "all" : NAMES[key]).padEnd(12)} ${String(l.count).padStart(5)}  ${ms(l.p50)} ${ms(l.p90)} ${ms(l.p95)} ${ms(l.p99)} ${ms(l.max)}`;
    }),
  ];
  return [
    "",
    `━━ Report (scenario ${report.seconds.toFixed(0)} s) ━━`,
    `orders imported   ${MARKETPLACES.map((m) => `${NAMES[m]} ${report.orders[m]}`).join(" · ")}`,
    `oversold orders   ${report.oversells.total} (flash sale ${report.oversells.flashSale}, last units under throttling ${report.oversells.throttledWave})`,
    `buyers turned away because the listing showed 0: ${MARKETPLACES.map((m) => `${NAMES[m]} ${report.turnedAway[m]}`).join(" · ")}`,
    `pushes held by parity: ${report.heldByParity}`,
    `order life        cancelled after import ${report.orderLife.cancelled} (units back in Shopify ${report.orderLife.unitsBack}) · created in Shopify ${report.orderLife.createdInShopify} · shipped back with tracking ${report.orderLife.shippedWithTracking}`,
    ...table("latency, Shopify change → marketplace acknowledgement (ms):", report.latencyMs),
    ...table("latency, a buyer's order → Shopify's stock lowered by it (ms):", report.orderToShopifyMs),
    ...table("  of which, a buyer's order → Anchorline holding it (notification, queue, order read; ms):", report.orderToImportMs),
    `calls to each marketplace: ${MARKETPLACES.map((m) => `${NAMES[m]} ${report.calls[m].total} (${report.calls[m].status429} × 429)`).join(" · ")}`,
  ];
}
