import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { dueReportWeek } from "~/health/report.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const HOUR = 3600_000;
type Refused = { init: { status: number }; data: { errors: Record<string, string> } };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  await prisma.channel.updateMany({ where: { shopId: seeded.shop.id }, data: { createdAt: new Date("2026-01-01T00:00:00Z") } });
  return seeded;
}

const screen = async (domain: string, query = "") => loader({ request: await adminRequest(domain, `/app/health-report${query}`), params: {}, context: {} });
const rowOf = (page: Awaited<ReturnType<typeof screen>>, section: string, first: string) =>
  page.sections.find((s) => s.title === section)!.rows.find((r) => r[0] === first)!;

describe("the weekly sync-health report screen", () => {
  it("given last week's pushes, oversell and an hour of failing pushes, then it shows the email's sections with the week's figures, not another shop's", async () => {
    const { shop, channels, listing } = await shopInSession();
    const week = dueReportWeek(new Date(), "UTC");
    const inWeek = (hours: number) => new Date(week.from.getTime() + hours * HOUR);
    await prisma.listingPush.createMany({
      data: [
        { shopId: shop.id, channelId: channels.amazon.id, listingId: listing.id, at: inWeek(30), outcome: "ACKNOWLEDGED", latencyMs: 12_000 },
        { shopId: shop.id, channelId: channels.amazon.id, listingId: listing.id, at: inWeek(50), outcome: "RETRY" },
        { shopId: shop.id, channelId: channels.amazon.id, listingId: listing.id, at: inWeek(50.5), outcome: "RETRY" },
      ],
    });
    await prisma.channelOrder.create({
      data: { shopId: shop.id, channelId: channels.ebay.id, externalOrderId: "week-over", status: "PAID", orderedAt: inWeek(70), oversold: true },
    });
    const theirs = await seedShopWithEveryModel(prisma);
    await prisma.listingPush.create({
      data: {
        shopId: theirs.shop.id,
        channelId: theirs.channels.amazon.id,
        listingId: theirs.listing.id,
        at: inWeek(30),
        outcome: "ACKNOWLEDGED",
        latencyMs: 1,
      },
    });

    const page = await screen(shop.domain);

    expect(page.week).toBe(week.week);
    expect(page.sections.map((s) => s.title)).toEqual(["The week at a glance", "Per channel account", "Manual interventions"]);
    expect(rowOf(page, "The week at a glance", "Pushes acknowledged")[1]).toBe("1");
    expect(rowOf(page, "The week at a glance", "Push failures (refused or retried)")[1]).toBe("2");
    expect(rowOf(page, "The week at a glance", "Oversold orders")[1]).toBe("1");
    const amazon = rowOf(page, "Per channel account", "Amazon US");
    // 167 of 168 hours up: the hour whose two pushes were both put back to retry was down.
    expect([amazon[1], amazon[2], amazon[3], amazon.at(-1)]).toEqual(["1", "0 / 2", "12 s / 12 s / 12 s", "99.4% (1 h down)"]);
    expect(rowOf(page, "Per channel account", "eBay US")[4]).toBe("1");
    // The help text says how uptime is measured.
    expect(page.sections[1]!.note).toMatch(/^Uptime is the share of the week's hours/);
    // Where the email goes: the seeded email route, and the week after is not due yet.
    expect(page.email).toEqual({ on: true, recipients: ["ops@example.com"], sentAt: null });
    expect(page.next).toBeNull();
  });

  it("shows an earlier week by its Monday, and refuses a day that is not one, naming the field", async () => {
    const { shop } = await shopInSession();
    const earlier = await screen(shop.domain, "?week=2026-11-02");
    expect([earlier.week, earlier.label, earlier.previous, earlier.next]).toEqual(["2026-11-02", "Nov 2 to Nov 8, 2026", "2026-10-26", "2026-11-09"]);
    const refused = (await screen(shop.domain, "?week=2026-11-03").catch((e: unknown) => e)) as Refused;
    expect(refused.init.status).toBe(400);
    expect(refused.data.errors.week).toBe("Week must be the Monday it starts on");
    const garbled = (await screen(shop.domain, "?week=last").catch((e: unknown) => e)) as Refused;
    expect(garbled.data.errors.week).toBe("Week must be a date, YYYY-MM-DD");
  });
});
