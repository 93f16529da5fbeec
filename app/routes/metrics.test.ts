import { afterAll, afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { uniqueShopDomain } from "../../test/factories";
import { loader } from "./metrics";

const scrape = (authorization?: string) =>
  loader({ request: new Request("https://anchorline.test/metrics", { headers: authorization ? { authorization } : {} }), params: {}, context: {} });

afterEach(() => {
  delete process.env.METRICS_TOKEN;
});

afterAll(async () => {
  await queues().close();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function seedShop() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("metrics"), name: "Metrics Goods" } });
  const shopId = shop.id;
  const amazon = await prisma.channel.create({ data: { shopId, kind: "AMAZON", accountId: "A1", name: "Amazon US" } });
  const product = await prisma.product.create({ data: { shopId, shopifyId: "1", title: "Kettle" } });
  const listing = async (sku: string, data: Record<string, unknown>) => {
    const variant = await prisma.variant.create({ data: { shopId, productId: product.id, shopifyId: sku, title: sku, sku, priceCents: 1000 } });
    return prisma.listing.create({ data: { shopId, channelId: amazon.id, variantId: variant.id, channelSku: sku, ...data } });
  };
  // Two pushes in the last hour, acknowledged 120 s and 60 s after the change; the first drifts by 3.
  const drifting = await listing("A", {
    syncState: "IN_SYNC",
    desiredAt: minutesAgo(12),
    pushedAt: minutesAgo(10),
    pushedQuantity: 10,
    observedQuantity: 7,
    observedAt: minutesAgo(1),
  });
  // The drift read raised its alert; a resolved one of an earlier drift does not count.
  await prisma.alert.create({
    data: { shopId, kind: "DRIFT", dedupeKey: "drift:A", title: "A drifts", channelId: amazon.id, listingId: drifting.id, facts: { drift: -3 } },
  });
  // Its price drifts too (an alert of its own, in cents): still one drifting listing, and no units.
  await prisma.alert.create({
    data: {
      shopId,
      kind: "DRIFT",
      dedupeKey: "drift-price:A",
      title: "A's price",
      channelId: amazon.id,
      listingId: drifting.id,
      facts: { what: "price", pushedPriceCents: 1999, channelShowsPriceCents: 1499 },
    },
  });
  await prisma.alert.create({
    data: {
      shopId,
      kind: "DRIFT",
      dedupeKey: "drift:A-old",
      title: "A drifted",
      channelId: amazon.id,
      listingId: drifting.id,
      facts: { drift: 9 },
      state: "RESOLVED",
    },
  });
  await listing("B", { syncState: "IN_SYNC", desiredAt: minutesAgo(6), pushedAt: minutesAgo(5), pushedQuantity: 4 });
  await listing("C", { syncState: "PENDING", desiredAt: minutesAgo(45) });
  await listing("D", { syncState: "FAILED", attempts: 3 });
  await listing("E", { syncState: "HELD" });
  for (const [id, oversold] of [
    ["o1", true],
    ["o2", true],
    ["o3", false],
  ] as const) {
    await prisma.channelOrder.create({ data: { shopId, channelId: amazon.id, externalOrderId: id, status: "PAID", orderedAt: new Date(), oversold } });
  }
  await prisma.alert.create({ data: { shopId, kind: "PARITY_VIOLATION", dedupeKey: "parity:1", title: "Cheaper on eBay", state: "RESOLVED" } });
  await prisma.alert.create({ data: { shopId, kind: "OVERSELL", dedupeKey: "oversell:1", title: "Oversold A" } });
  await queues()["channel-sync"].add("flush", { channelId: amazon.id }, { delay: 3600_000 });
  return { shop, amazon };
}

function sample(body: string, series: string): number {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  expect(line, series).toBeDefined();
  return Number(line!.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("given no METRICS_TOKEN is configured, when scraped, then it answers 404 so it is never open by accident", async () => {
    expect((await scrape("Bearer anything")).status).toBe(404);
  });

  it("given a METRICS_TOKEN, when scraped without it or with another, then it answers 401", async () => {
    process.env.METRICS_TOKEN = "scrape-secret";
    expect((await scrape()).status).toBe(401);
    const wrong = await scrape("Bearer not-the-secret");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Bearer");
    expect(await wrong.text()).not.toContain("anchorline_");
  });

  it("given a seeded shop, when scraped with the token, then it serves the Prometheus text format with the shop's latency, states, drift, oversells, violations and queue depth", async () => {
    process.env.METRICS_TOKEN = "scrape-secret";
    const { shop, amazon } = await seedShop();
    const response = await scrape("Bearer scrape-secret");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const body = await response.text();
    expect(body.endsWith("\n")).toBe(true);
    expect(body).toContain("# TYPE anchorline_sync_latency_seconds summary\n");
    expect(body.match(/^# TYPE anchorline_listings /gm)).toHaveLength(1);

    const ch = `shop="${shop.domain}",channel="${amazon.id}",channel_name="Amazon US",channel_kind="AMAZON"`;
    expect(sample(body, `anchorline_sync_latency_seconds{${ch},quantile="0.5"}`)).toBeCloseTo(90, 0);
    expect(sample(body, `anchorline_sync_latency_seconds_sum{${ch}}`)).toBeCloseTo(180, 0);
    expect(sample(body, `anchorline_sync_latency_seconds_count{${ch}}`)).toBe(2);
    const oldest = sample(body, `anchorline_sync_oldest_pending_seconds{${ch}}`);
    expect(oldest).toBeGreaterThanOrEqual(2700);
    expect(oldest).toBeLessThan(2700 + 120);
    expect(sample(body, `anchorline_listings{${ch},state="IN_SYNC"}`)).toBe(2);
    expect(sample(body, `anchorline_listings{${ch},state="PENDING"}`)).toBe(1);
    expect(sample(body, `anchorline_listings{${ch},state="HELD"}`)).toBe(1);
    expect(sample(body, `anchorline_listings{${ch},state="FAILED"}`)).toBe(1);
    expect(sample(body, `anchorline_pushes_last_hour{${ch}}`)).toBe(2);
    expect(sample(body, `anchorline_push_failed_attempts{${ch}}`)).toBe(3);
    expect(sample(body, `anchorline_drift_listings{${ch}}`)).toBe(1);
    expect(sample(body, `anchorline_drift_units{${ch}}`)).toBe(3);
    expect(sample(body, `anchorline_oversells_total{${ch}}`)).toBe(2);
    expect(sample(body, `anchorline_parity_violations_total{shop="${shop.domain}"}`)).toBe(1);
    expect(sample(body, `anchorline_alerts_open{shop="${shop.domain}",kind="OVERSELL"}`)).toBe(1);
    expect(sample(body, `anchorline_alerts_open{shop="${shop.domain}",kind="PARITY_VIOLATION"}`)).toBe(0);
    expect(sample(body, `anchorline_queue_jobs{queue="channel-sync",state="delayed"}`)).toBe(1);
    expect(sample(body, `anchorline_queue_jobs{queue="alerts",state="waiting"}`)).toBe(0);
  });
});
