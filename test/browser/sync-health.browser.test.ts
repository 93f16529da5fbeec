// A merchant, in a real browser, reads the Overview's sync-health charts for the last 24 hours and
// switches them to 30 days, opens the weekly sync-health report, and on the Alerts screen names
// who gets the weekly email (a bad address refused on its field). The app is the production build
// served by remix-serve (test/browser/served-app.ts).
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();
const HOUR = 3600_000;

describe("a merchant in the browser", () => {
  it("given pushes today and an oversell last week, when the merchant reads the Overview's charts, switches to 30 days, and opens the weekly report, then each shows its figures", async () => {
    const { shop, channels, listing } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const now = Date.now();
    await prisma.listingPush.createMany({
      data: [4000, 8000, 12_000].map((latencyMs) => ({
        shopId: shop.id,
        channelId: channels.amazon.id,
        listingId: listing.id,
        at: new Date(now - 2 * HOUR),
        outcome: "ACKNOWLEDGED",
        latencyMs,
      })),
    });
    await prisma.channelOrder.create({
      data: {
        shopId: shop.id,
        channelId: channels.amazon.id,
        externalOrderId: "old-oversell",
        status: "PAID",
        orderedAt: new Date(now - 6 * 24 * HOUR),
        oversold: true,
      },
    });

    const overview = await app.embeddedPage(shop.domain, "/app");
    await expectScreen(overview, "Overview");
    await overview.getByRole("heading", { name: "Sync health, last 24 hours" }).waitFor();
    const pushes = overview.getByRole("img", { name: /Pushes per hour on Amazon US, last 24 hours/ });
    await pushes.waitFor();
    expect(await pushes.locator("rect").count()).toBe(1);
    await overview.getByText("8 s / 12 s", { exact: true }).waitFor();
    await screenshot(overview, "sync-health-1-overview-24h");

    await overview.getByRole("button", { name: "30 days" }).click();
    await overview.getByRole("heading", { name: "Sync health, last 30 days" }).waitFor();
    const oversells = overview.getByRole("img", { name: /Oversold orders per day on Amazon US, last 30 days/ });
    await oversells.waitFor();
    expect(await oversells.locator("rect").count()).toBe(1);
    await screenshot(overview, "sync-health-2-overview-30d");

    const report = await app.embeddedPage(shop.domain, "/app/health-report");
    await expectScreen(report, "Weekly sync health");
    await report.getByRole("heading", { name: "Per channel account" }).waitFor();
    await report.getByText(/^Uptime is the share of the week's hours/).waitFor();
    await screenshot(report, "sync-health-3-report");
  });

  it("given the Alerts screen, when the merchant types a bad recipient for the weekly report, then the field says so and nothing is saved; a good one is saved", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const page = await app.embeddedPage(shop.domain, "/app/alerts");
    await expectScreen(page, "Alerts");
    const recipients = page.getByLabel("Recipients");
    await recipients.fill("boss@example.com, boss-at-example");
    await page.getByRole("button", { name: "Save report settings" }).click();
    await page.getByText('Recipients: "boss-at-example" is not an email address').waitFor();
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({});
    await screenshot(page, "sync-health-4-recipient-refused");

    await recipients.fill("boss@example.com");
    await page.getByRole("button", { name: "Save report settings" }).click();
    await page.getByText("Weekly report settings saved").waitFor();
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({
      healthReport: { email: true, recipients: ["boss@example.com"] },
    });
  });
});
