import { EventEmitter, once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { uniqueShopDomain } from "../../test/factories";
import { mailHeader as header, mimePart, startSmtpCapture, type ReceivedMail, type SmtpCapture } from "../../test/smtp-capture";
import { deliverAlert, runDigests } from "./deliver.server";
import { raiseDrift } from "./events.server";
import { raiseAlert } from "./raise.server";
import { createAlertRoute } from "./routes.server";
import { createAlertWorker, type AlertJobData } from "./worker.server";

// Real transports: an SMTP server (smtp-server) and an HTTP receiver standing in for Slack's
// incoming webhooks, both on 127.0.0.1, and the alerts worker on this file's queue prefix.

interface ReceivedSlack {
  path: string;
  body: { text: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text?: unknown; url?: string }[] }[] };
}

const mails: ReceivedMail[] = [];
const slackPosts: ReceivedSlack[] = [];
let smtp: SmtpCapture;
let smtpPort = 0;
let slack: Server;
let slackBase = "";
let connection: Redis;
let worker: Worker<AlertJobData>;
const jobEvents: { event: "completed" | "failed"; id: string }[] = [];
const jobEventBus = new EventEmitter();

async function startSmtp(port: number): Promise<number> {
  smtp = await startSmtpCapture({ port, mails });
  return smtp.port;
}

function stopSmtp(): Promise<void> {
  return smtp.close();
}

async function waitForJob(event: "completed" | "failed", id: string): Promise<void> {
  while (!jobEvents.some((e) => e.event === event && e.id === id)) await once(jobEventBus, "event");
}

beforeAll(async () => {
  smtpPort = await startSmtp(0);
  slack = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      slackPosts.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReceivedSlack["body"] });
      // A webhook removed from its Slack app: Slack answers 404 no_service.
      if (req.url?.startsWith("/services/GONE/")) res.writeHead(404, { "content-type": "text/plain" }).end("no_service");
      else res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", () => resolve()));
  slackBase = `http://127.0.0.1:${(slack.address() as AddressInfo).port}`;
  process.env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  process.env.SMTP_FROM = "Anchorline <alerts@anchorline.test>";
  connection = createRedisConnection();
  worker = createAlertWorker(connection, process.env.QUEUE_PREFIX, { schedule: false });
  const record = (event: "completed" | "failed", id: string | undefined) => {
    if (id) jobEvents.push({ event, id });
    jobEventBus.emit("event");
  };
  worker.on("completed", (job) => record("completed", job.id));
  worker.on("failed", (job) => record("failed", job?.id));
});

afterAll(async () => {
  await worker.close();
  await queues().close();
  connection.disconnect();
  await stopSmtp();
  await new Promise((resolve) => slack.close(resolve));
});

async function seedShop() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("alerts"), name: "Kettle & Co" } });
  const ebay = await prisma.channel.create({ data: { shopId: shop.id, kind: "EBAY", accountId: `seller-${randomUUID().slice(0, 6)}`, name: "eBay US" } });
  const product = await prisma.product.create({ data: { shopId: shop.id, shopifyId: "1", title: "Kettle" } });
  const listingOf = async (sku: string, pushedQuantity: number, observedQuantity: number) => {
    const variant = await prisma.variant.create({ data: { shopId: shop.id, productId: product.id, shopifyId: sku, title: sku, sku, priceCents: 4999 } });
    const listing = await prisma.listing.create({
      data: { shopId: shop.id, channelId: ebay.id, variantId: variant.id, channelSku: `${sku}-${randomUUID().slice(0, 4)}`, pushedQuantity, observedQuantity },
    });
    return { id: listing.id, channelSku: sku, pushedQuantity, observedQuantity };
  };
  return { shop, ebay, listingOf };
}

function raiseOversell(shopId: string, channel: { id: string; name: string }, order = "12-34567-89012") {
  return raiseAlert(prisma, {
    shopId,
    kind: "OVERSELL",
    dedupeKey: `oversell:${channel.id}:${order}:KET-RED`,
    title: `Oversold KET-RED on ${channel.name}: ordered 3, 1 available`,
    channelId: channel.id,
    facts: {
      channel: channel.name,
      order,
      sku: "KET-RED",
      ordered: 3,
      available: 1,
      couldShipFrom: [{ location: "Vendor", available: 40, dropShip: true }],
    },
  });
}

describe("alert delivery by email and Slack", () => {
  it("given an email route with two recipients and a Slack route, when an oversell is raised, then each gets one message with the facts, playbook, respond-by and link, and raising it again sends nothing", async () => {
    const { shop, ebay } = await seedShop();
    const hook = `/services/T0/B0/${randomUUID()}`;
    const emailRoute = await createAlertRoute(prisma, shop.id, { transport: "EMAIL", target: "ops@kettle.test, owner@kettle.test" });
    const slackRoute = await createAlertRoute(prisma, shop.id, { transport: "SLACK", target: `${slackBase}${hook}` });
    expect(slackRoute.target).not.toContain(hook); // sealed at rest

    const { alert, created } = await raiseOversell(shop.id, ebay);
    expect(created).toBe(true);
    await waitForJob("completed", alert.id);

    const sent = mails.filter((m) => m.to.includes("ops@kettle.test"));
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.to.sort()).toEqual(["ops@kettle.test", "owner@kettle.test"]);
    expect(header(mail.raw, "Subject")).toBe("[Anchorline] Oversell: Oversold KET-RED on eBay US: ordered 3, 1 available");
    expect(header(mail.raw, "From")).toContain("alerts@anchorline.test");
    const link = `https://${shop.domain}/admin/apps/anchorline-test-key/app/alerts/${alert.id}`;
    const text = mimePart(mail.raw, "text/plain");
    expect(text).toContain("Order: 12-34567-89012");
    expect(text).toContain("Could ship from: Vendor (drop shipper): 40 available");
    expect(text).toContain("Within 1 hour: ship from another location");
    expect(text).toMatch(/Respond by: .+UTC/);
    expect(text).toContain(link);
    const html = mimePart(mail.raw, "text/html");
    expect(html).toContain('<h1 style="font-size:20px">Oversold KET-RED on eBay US: ordered 3, 1 available</h1>');
    expect(html).toContain("Kettle &amp; Co");
    expect(html).toContain(`<a href="${link}">Open in Anchorline</a>`);

    const posts = slackPosts.filter((p) => p.path === hook);
    expect(posts).toHaveLength(1);
    const { blocks, text: fallback } = posts[0]!.body;
    expect(fallback).toBe("Oversell: Oversold KET-RED on eBay US: ordered 3, 1 available");
    expect(blocks.map((b) => b.type)).toEqual(["header", "section", "section", "context", "actions"]);
    expect(blocks[0]!.text!.text).toBe("Oversell: Oversold KET-RED on eBay US: ordered 3, 1 available");
    expect(blocks[1]!.fields!.map((f) => f.text)).toContain("*Order*\n12-34567-89012");
    expect(blocks[2]!.text!.text).toMatch(/^\*What to do\*\nWithin 1 hour/);
    expect(JSON.stringify(blocks[3]!.elements)).toContain(`<!date^${Math.floor(alert.respondBy!.getTime() / 1000)}^`);
    expect(JSON.stringify(blocks[3]!.elements)).toContain("Kettle &amp; Co");
    expect(blocks[4]!.elements![0]!.url).toBe(link);

    const deliveries = await prisma.alertDelivery.findMany({ where: { shopId: shop.id, alertId: alert.id } });
    expect(deliveries.map((d) => d.routeId).sort()).toEqual([emailRoute.id, slackRoute.id].sort());
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).deliveredAt).not.toBeNull();

    // The same oversell again: the stored alert is returned, and even a second run of its
    // delivery finds every route served.
    const again = await raiseOversell(shop.id, ebay);
    expect(again).toMatchObject({ created: false, alert: { id: alert.id } });
    expect((await deliverAlert(alert.id)).sent).toEqual([]);
    await prisma.alert.update({ where: { id: alert.id }, data: { deliveredAt: null } });
    expect((await deliverAlert(alert.id)).sent).toEqual([]);
    expect(mails.filter((m) => m.to.includes("ops@kettle.test"))).toHaveLength(1);
    expect(slackPosts.filter((p) => p.path === hook)).toHaveLength(1);
  });

  it("given the SMTP server is down, when an oversell is raised, then Slack gets it at once, the job fails and is retried, and once SMTP is back the email arrives exactly once while Slack is not sent twice", async () => {
    const { shop, ebay } = await seedShop();
    const hook = `/services/T0/B1/${randomUUID()}`;
    await createAlertRoute(prisma, shop.id, { transport: "EMAIL", target: "night@kettle.test" });
    await createAlertRoute(prisma, shop.id, { transport: "SLACK", target: `${slackBase}${hook}` });
    await stopSmtp();

    const { alert } = await raiseOversell(shop.id, ebay, "OUTAGE-1");
    await waitForJob("failed", alert.id);
    expect(mails.filter((m) => m.to.includes("night@kettle.test"))).toHaveLength(0);
    expect(slackPosts.filter((p) => p.path === hook)).toHaveLength(1);
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).deliveredAt).toBeNull();

    await startSmtp(smtpPort);
    await waitForJob("completed", alert.id);
    expect(mails.filter((m) => m.to.includes("night@kettle.test"))).toHaveLength(1);
    expect(slackPosts.filter((p) => p.path === hook)).toHaveLength(1);
    const job = await queues().alerts.getJob(alert.id);
    expect(job?.attemptsMade).toBeGreaterThan(1);
    expect(await prisma.alertDelivery.count({ where: { shopId: shop.id, alertId: alert.id } })).toBe(2);
  });

  it("given a Slack webhook that was removed, when an oversell is raised, then the job fails once for good instead of spending its 8 attempts, and the alert stays undelivered", async () => {
    // Given the shop's only route is a Slack webhook Slack answers 404 no_service for
    const { shop, ebay } = await seedShop();
    const hook = `/services/GONE/${randomUUID()}`;
    await createAlertRoute(prisma, shop.id, { transport: "SLACK", target: `${slackBase}${hook}` });

    // When an oversell is raised
    const { alert } = await raiseOversell(shop.id, ebay, "GONE-1");

    // Then the first attempt fails the job for good, and the alert waits for housekeeping
    await waitForJob("failed", alert.id);
    const job = await queues().alerts.getJob(alert.id);
    expect([await job?.getState(), job?.attemptsMade]).toEqual(["failed", 1]);
    expect(job?.failedReason).toMatch(/Slack webhook answered 404: no_service/);
    expect(slackPosts.filter((p) => p.path === hook)).toHaveLength(1);
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).deliveredAt).toBeNull();
  });

  it("given a route for parity violations only, when an oversell is raised, then that route gets nothing while the oversell route gets it", async () => {
    const { shop, ebay } = await seedShop();
    const parityHook = `/services/T0/B2/${randomUUID()}`;
    const parityRoute = await createAlertRoute(prisma, shop.id, { kind: "PARITY_VIOLATION", transport: "SLACK", target: `${slackBase}${parityHook}` });
    const oversellRoute = await createAlertRoute(prisma, shop.id, { kind: "OVERSELL", transport: "EMAIL", target: "oversells@kettle.test" });

    const { alert } = await raiseOversell(shop.id, ebay, "KIND-1");
    await waitForJob("completed", alert.id);
    expect(slackPosts.filter((p) => p.path === parityHook)).toHaveLength(0);
    expect(mails.filter((m) => m.to.includes("oversells@kettle.test"))).toHaveLength(1);
    const routes = (await prisma.alertDelivery.findMany({ where: { shopId: shop.id } })).map((d) => d.routeId);
    expect(routes).toEqual([oversellRoute.id]);
    expect(routes).not.toContain(parityRoute.id);
  });

  it("given a Slack route in its quiet hours, when drift is raised, then the delivery waits until the window ends, while an oversell pages through at once", async () => {
    const { shop, ebay, listingOf } = await seedShop();
    const hook = `/services/T0/B3/${randomUUID()}`;
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const end = new Date(now.getTime() + 3600_000);
    await createAlertRoute(prisma, shop.id, {
      transport: "SLACK",
      target: `${slackBase}${hook}`,
      quietHours: { start: hhmm(new Date(now.getTime() - 3600_000)), end: hhmm(end), timeZone: "UTC" },
    });
    const listing = await listingOf("KET-RED", 10, 2);

    const drift = await raiseDrift(prisma, { shopId: shop.id, channel: ebay, listing });
    expect(drift?.created).toBe(true);
    const held = drift!.alert.id;
    await vi.waitFor(async () => expect(await queues().alerts.getJobState(held)).toBe("delayed"), { timeout: 10_000, interval: 50 });
    const job = await queues().alerts.getJob(held);
    const releaseAt = job!.timestamp + job!.delay;
    expect(Math.abs(releaseAt - Math.floor(end.getTime() / 60_000) * 60_000)).toBeLessThan(60_000);
    expect(slackPosts.filter((p) => p.path === hook)).toHaveLength(0);

    const { alert } = await raiseOversell(shop.id, ebay, "NIGHT-1");
    await waitForJob("completed", alert.id);
    const posts = slackPosts.filter((p) => p.path === hook);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.text).toMatch(/^Oversell: /);
  });

  it("given a digest route, when minor alerts are raised, then none is sent alone and the next day's digest carries them all once", async () => {
    const { shop, ebay, listingOf } = await seedShop();
    const route = await createAlertRoute(prisma, shop.id, {
      transport: "EMAIL",
      target: "digest@kettle.test",
      digest: true,
      quietHours: { timeZone: "Europe/Berlin" },
    });
    const evening = new Date("2026-11-23T19:00:00Z");
    const a = await raiseDrift(prisma, { shopId: shop.id, channel: ebay, listing: await listingOf("KET-RED", 10, 3) }, { now: evening });
    const b = await raiseDrift(prisma, { shopId: shop.id, channel: ebay, listing: await listingOf("KET-BLU", 0, 9) }, { now: evening });
    await waitForJob("completed", a!.alert.id);
    await waitForJob("completed", b!.alert.id);
    expect(mails.filter((m) => m.to.includes("digest@kettle.test"))).toHaveLength(0);

    // 07:30 in Berlin is before the digest hour; 08:30 sends; later that day nothing more.
    expect((await runDigests({ shopId: shop.id, now: new Date("2026-11-24T06:30:00Z") })).sent).toEqual({});
    expect((await runDigests({ shopId: shop.id, now: new Date("2026-11-24T07:30:00Z") })).sent).toEqual({ [route.id]: 2 });
    expect((await runDigests({ shopId: shop.id, now: new Date("2026-11-24T15:00:00Z") })).sent).toEqual({});
    expect((await runDigests({ shopId: shop.id, now: new Date("2026-11-25T07:30:00Z") })).sent).toEqual({});

    const digests = mails.filter((m) => m.to.includes("digest@kettle.test"));
    expect(digests).toHaveLength(1);
    expect(header(digests[0]!.raw, "Subject")).toBe("[Anchorline] Daily digest for Kettle & Co: 2 alerts");
    const text = mimePart(digests[0]!.raw, "text/plain");
    expect(text).toContain("KET-RED on eBay US shows 3, Anchorline pushed 10");
    expect(text).toContain("KET-BLU on eBay US shows 9, Anchorline pushed 0");
  });

  it("given a digest due at 08:30 and two housekeeping runs at that moment, when both run at once, then one digest is sent; no new alert is needed for the next day's to go out at 08:00", async () => {
    const { shop, ebay, listingOf } = await seedShop();
    const route = await createAlertRoute(prisma, shop.id, {
      transport: "EMAIL",
      target: "twice@kettle.test",
      digest: true,
      quietHours: { timeZone: "Europe/Berlin" },
    });
    const evening = new Date("2026-11-23T19:00:00Z");
    const drift = await raiseDrift(prisma, { shopId: shop.id, channel: ebay, listing: await listingOf("KET-RED", 10, 3) }, { now: evening });
    await waitForJob("completed", drift!.alert.id);

    const at = new Date("2026-11-24T07:30:00Z");
    const [one, two] = await Promise.all([runDigests({ shopId: shop.id, now: at }), runDigests({ shopId: shop.id, now: at })]);
    expect([one.sent[route.id], two.sent[route.id]].filter((n) => n !== undefined)).toEqual([1]);
    expect(mails.filter((m) => m.to.includes("twice@kettle.test"))).toHaveLength(1);
    expect((await prisma.alertRoute.findUniqueOrThrow({ where: { id: route.id } })).lastDigestAt).toEqual(at);

    // The next day the drift is still open and nothing new was raised: its run at 08:00 finds nothing
    // it has not sent, sends nothing, and still claims the day once.
    const next = new Date("2026-11-25T07:00:00Z");
    expect((await runDigests({ shopId: shop.id, now: next })).sent).toEqual({});
    expect((await prisma.alertRoute.findUniqueOrThrow({ where: { id: route.id } })).lastDigestAt).toEqual(next);
  });
});
