import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { mailHeader, mimePart, startSmtpCapture, type SmtpCapture } from "../../test/smtp-capture";
import { healthReport, reportWeekOf } from "./report.server";
import { runWeeklyHealthReports } from "./weekly.server";

// The weekly sync-health email through a real SMTP server: one per shop and week, whoever runs it
// and however often, with the week's figures from what the pipeline recorded.

let smtp: SmtpCapture;
beforeAll(async () => {
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp.close();
  await queues().close();
});

const HOUR = 3600_000;
// The week of Monday 2026-11-23 (UTC, the shop's zone until it says otherwise); due Monday 30th at 06:00.
const WEEK_START = new Date("2026-11-23T00:00:00Z");
const at = (hours: number) => new Date(WEEK_START.getTime() + hours * HOUR);
const MONDAY_AFTER = at(7 * 24 + 6 + 1 / 12); // 06:05 on the Monday after

/** A shop in use since before the week, with the week's pushes, orders, drift, alerts and merchant actions. */
async function shopWithAWeek() {
  const seeded = await seedShopWithEveryModel(prisma);
  const { shop, channels, listing } = seeded;
  await prisma.channel.updateMany({ where: { shopId: shop.id }, data: { createdAt: new Date("2026-11-01T00:00:00Z") } });
  const push = (channelId: string, hours: number, outcome: "ACKNOWLEDGED" | "REJECTED" | "RETRY", latencySeconds?: number) =>
    prisma.listingPush.create({
      data: {
        shopId: shop.id,
        channelId,
        listingId: listing.id,
        at: at(hours),
        outcome,
        latencyMs: latencySeconds === undefined ? null : latencySeconds * 1000,
      },
    });
  // Amazon: four acknowledged on Tuesday (10, 20, 30, 40 s), one refused, and an hour on Wednesday where its only push was put back to retry.
  for (const seconds of [10, 20, 30, 40]) await push(channels.amazon.id, 34, "ACKNOWLEDGED", seconds);
  await push(channels.amazon.id, 35, "REJECTED");
  await push(channels.amazon.id, 60.5, "RETRY");
  // eBay: two acknowledged (60 and 120 s); and one of the week before, which must not count.
  await push(channels.ebay.id, 80, "ACKNOWLEDGED", 60);
  await push(channels.ebay.id, 81, "ACKNOWLEDGED", 120);
  await push(channels.ebay.id, -2, "ACKNOWLEDGED", 5000);
  // eBay's credentials failed on Thursday 10:00 for three hours.
  await prisma.alert.create({
    data: {
      shopId: shop.id,
      kind: "CREDENTIALS_FAILED",
      dedupeKey: "credentials:ebay",
      title: "eBay refused",
      channelId: channels.ebay.id,
      createdAt: at(82),
      resolvedAt: at(85),
      state: "RESOLVED",
    },
  });
  // Two oversold Amazon orders in the week, one before it.
  for (const [id, hours] of [
    ["o-1", 20],
    ["o-2", 100],
    ["o-old", -30],
  ] as const) {
    await prisma.channelOrder.create({
      data: { shopId: shop.id, channelId: channels.amazon.id, externalOrderId: id, status: "PAID", orderedAt: at(hours), oversold: true },
    });
  }
  // Parity violations: one on Amazon, one for no single channel, one the week before.
  await prisma.alert.create({
    data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: "parity:1", title: "p1", channelId: channels.amazon.id, createdAt: at(10) },
  });
  await prisma.alert.create({ data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: "parity:2", title: "p2", createdAt: at(11) } });
  await prisma.alert.create({ data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: "parity:0", title: "p0", createdAt: at(-1) } });
  await prisma.alert.create({
    data: {
      shopId: shop.id,
      kind: "LISTING_SUSPENDED",
      dedupeKey: "suspended:1",
      title: "s",
      channelId: channels.amazon.id,
      listingId: listing.id,
      createdAt: at(50),
    },
  });
  // The drift read found Amazon's listing off twice (by 3 and 4 units) and repaired it once.
  const event = (action: string, hours: number, actor: string, details: object = {}) =>
    prisma.auditEvent.create({ data: { shopId: shop.id, actor, action, subjectType: "listing", subjectId: listing.id, details, createdAt: at(hours) } });
  await event("listing.drift_detected", 40, "worker", { expected: 10, observed: 7 });
  await event("listing.drift_detected", 41, "worker", { expected: 5, observed: 9 });
  await event("listing.drift_repaired", 40, "worker");
  // The merchant: two held prices approved, one listing linked by hand, one alert acknowledged, one rule edited.
  await event("listing.hold_approved", 12, "merchant:7");
  await event("listing.hold_group_approved", 13, "merchant:7");
  await event("listings.linked", 14, "merchant:8");
  await event("alert.acknowledged", 15, "merchant:7");
  await event("buffer_rule.created", 16, "merchant:7");
  return seeded;
}

const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

describe("the weekly sync-health report", () => {
  it("given a week of syncing, when the weekly job runs on the Monday after, twice at once and again later, then each shop gets exactly one email with the week's figures", async () => {
    const mine = await shopWithAWeek();
    const quiet = await seedShopWithEveryModel(prisma);
    await prisma.alertRoute.updateMany({ where: { shopId: quiet.shop.id }, data: { target: "quiet@example.com" } });
    const shopIds = [mine.shop.id, quiet.shop.id];

    // At 05:00 on the Monday the week just ended is not due yet: the one before it is (neither shop had it).
    const early = await runWeeklyHealthReports({ shopIds, now: at(7 * 24 + 5), smtp: smtp.settings });
    expect(early.sent).toEqual({ [mine.shop.id]: "2026-11-16", [quiet.shop.id]: "2026-11-16" });

    // Two workers' housekeeping at once, then a run an hour later.
    const runs = await Promise.all([
      runWeeklyHealthReports({ shopIds, now: MONDAY_AFTER, smtp: smtp.settings }),
      runWeeklyHealthReports({ shopIds, now: MONDAY_AFTER, smtp: smtp.settings }),
    ]);
    await runWeeklyHealthReports({ shopIds, now: new Date(MONDAY_AFTER.getTime() + HOUR), smtp: smtp.settings });
    expect(runs.flatMap((r) => Object.entries(r.sent)).sort()).toEqual(
      [
        [mine.shop.id, "2026-11-23"],
        [quiet.shop.id, "2026-11-23"],
      ].sort(),
    );
    const weekOf23rd = (address: string) => mailsTo(address).filter((m) => mailHeader(m.raw, "Subject").endsWith("Nov 23 to Nov 29, 2026"));
    expect(mailsTo("ops@example.com")).toHaveLength(2);
    expect(weekOf23rd("ops@example.com")).toHaveLength(1);
    expect(weekOf23rd("quiet@example.com")).toHaveLength(1);

    const mail = weekOf23rd("ops@example.com")[0]!;
    expect(mailHeader(mail.raw, "Subject")).toBe("[Anchorline] Weekly sync health for Every Model Goods: Nov 23 to Nov 29, 2026");
    const text = mimePart(mail.raw, "text/plain").replace(/\r\n/g, "\n");
    expect(text).toContain("Oversold orders: 2\n");
    expect(text).toContain("Price parity violations: 2\n");
    expect(text).toContain("Drift found / repaired: 2 / 1\n");
    expect(text).toContain("Listings suspended by a marketplace: 1\n");
    expect(text).toContain("Pushes acknowledged: 6\n");
    expect(text).toContain("Push failures (refused or retried): 2\n");
    expect(text).toContain("Sync latency p50 / p95 / p99: 35 s / 1.8 min / 1.9 min\n");
    expect(text).toContain("Manual interventions: 5\n");
    expect(text).toContain("Held prices approved or rejected: 2\n");
    expect(text).toContain("Listings linked or variants mapped by hand: 1\n");
    expect(text).toContain(
      "Amazon US; Pushes: 4; Refused / retried: 1 / 1; Latency p50 / p95 / p99: 25 s / 39 s / 40 s; Oversells: 2; Parity violations: 1; Drift found (units): 2 (7); Drift repaired: 1; Suspended: 1; Uptime: 99.4% (1 h down)",
    );
    expect(text).toContain("eBay US; Pushes: 2; Refused / retried: 0 / 0; Latency p50 / p95 / p99: 1.5 min / 1.9 min / 2.0 min; Oversells: 0");
    expect(text).toContain("Uptime: 98.2% (3 h down)");
    expect(text).toContain("/app/health-report?week=2026-11-23");
    expect(mimePart(mail.raw, "text/html")).toContain('<td style="padding:4px 8px;border-bottom:1px solid #e1e3e5;text-align:left">Amazon US</td>');

    // The numbers behind it: shop-wide latency over all six acknowledged pushes (10, 20, 30, 40, 60, 120 s).
    const report = await healthReport(prisma, mine.shop.id, reportWeekOf("2026-11-23", "UTC"));
    expect(report.totals.latency).toEqual({ p50: 35, p95: expect.closeTo(105, 5), p99: expect.closeTo(117, 5) });
    expect(report.channels.map((c) => [c.name, c.uptime === null ? null : c.downHours])).toEqual([
      ["Amazon US", 1],
      ["eBay US", 3],
    ]);
    expect(await prisma.auditEvent.count({ where: { shopId: mine.shop.id, action: "health_report.sent" } })).toBe(2);
    // The seeded push of January is past the kept history and went with the week's run; the week's stayed.
    expect(await prisma.listingPush.count({ where: { shopId: mine.shop.id, at: { lt: new Date("2026-10-01T00:00:00Z") } } })).toBe(0);
    expect(await prisma.listingPush.count({ where: { shopId: mine.shop.id } })).toBe(9);
  });

  it("given workers down for three Mondays, when they come back, then the latest week is sent once and the missed ones are not sent one by one", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await prisma.alertRoute.updateMany({ where: { shopId: shop.id }, data: { target: "late@example.com" } });
    const back = new Date(MONDAY_AFTER.getTime() + 3 * 7 * 24 * HOUR + 2 * 24 * HOUR); // the Wednesday three weeks on
    const first = await runWeeklyHealthReports({ shopIds: [shop.id], now: back, smtp: smtp.settings });
    await runWeeklyHealthReports({ shopIds: [shop.id], now: new Date(back.getTime() + HOUR), smtp: smtp.settings });
    expect(first.sent).toEqual({ [shop.id]: "2026-12-14" });
    expect(mailsTo("late@example.com")).toHaveLength(1);
    // The next Monday, the next week.
    const next = await runWeeklyHealthReports({ shopIds: [shop.id], now: new Date(back.getTime() + 5 * 24 * HOUR), smtp: smtp.settings });
    expect(next.sent).toEqual({ [shop.id]: "2026-12-21" });
    expect(mailsTo("late@example.com")).toHaveLength(2);
  });

  it("given the merchant switched the email off, or named recipients, then it goes nowhere, or only to them", async () => {
    const off = await seedShopWithEveryModel(prisma);
    await prisma.alertRoute.updateMany({ where: { shopId: off.shop.id }, data: { target: "off@example.com" } });
    await prisma.shop.update({ where: { id: off.shop.id }, data: { settings: { healthReport: { email: false, recipients: [] } } } });
    const named = await seedShopWithEveryModel(prisma);
    await prisma.alertRoute.updateMany({ where: { shopId: named.shop.id }, data: { target: "route@example.com" } });
    await prisma.shop.update({
      where: { id: named.shop.id },
      data: { settings: { healthReport: { email: true, recipients: ["boss@example.com", "ops2@example.com"] } } },
    });

    const outcome = await runWeeklyHealthReports({ shopIds: [off.shop.id, named.shop.id], now: MONDAY_AFTER, smtp: smtp.settings });

    expect(outcome.skipped).toEqual({ [off.shop.id]: "2026-11-23" });
    expect(mailsTo("off@example.com")).toHaveLength(0);
    expect(mailsTo("route@example.com")).toHaveLength(0);
    expect(mailsTo("boss@example.com").map((m) => m.to.sort())).toEqual([["boss@example.com", "ops2@example.com"]]);
  });

  it("given the mail server refuses, then the week is given back and the next run sends it once", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await prisma.alertRoute.updateMany({ where: { shopId: shop.id }, data: { target: "retry@example.com" } });
    const refused = await runWeeklyHealthReports({
      shopIds: [shop.id],
      now: MONDAY_AFTER,
      // Nothing listens on port 1 of 127.0.0.1: the connection is refused.
      smtp: { transport: { url: "smtp://127.0.0.1:1" }, from: smtp.settings.from },
    });
    expect(refused.failed.map((f) => f.shopId)).toEqual([shop.id]);
    expect(await prisma.healthReport.count({ where: { shopId: shop.id, week: "2026-11-23" } })).toBe(0);

    const again = await runWeeklyHealthReports({ shopIds: [shop.id], now: new Date(MONDAY_AFTER.getTime() + 5 * 60_000), smtp: smtp.settings });
    expect(again.sent).toEqual({ [shop.id]: "2026-11-23" });
    expect(mailsTo("retry@example.com")).toHaveLength(1);
  });
});
