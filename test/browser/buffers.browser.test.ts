// A merchant, in a real browser, adds a buffer rule on the Buffers screen, previews what it
// changes, saves it, and sees the new quantity on the Inventory screen once the engine has
// recomputed. The app is the production build served by remix-serve, on this run's PostgreSQL
// database and Redis (test/browser/served-app.ts); screenshots go to test-artifacts/.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant in the browser", () => {
  it("adds a buffer rule, previews its effect, saves it, and sees the new quantity", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    // The outbox as the engine would have it before the change: Amazon gets 5 of the 12 in stock
    // (its velocity buffer counts eBay's sale of 1 today: ceil(1.5 × (0.1/day × 2 days + 4)) = 7).
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: new Date() } });
    await recomputeStaleListings(shop.id);

    const page = await app.embeddedPage(shop.domain, "/app/buffers");
    await expectScreen(page, "Buffers and throttling");
    await screenshot(page, "buffers-1-before");

    await page.getByLabel("Channel", { exact: true }).selectOption({ label: "Amazon US" });
    await page.getByLabel("Applies to").selectOption("variant");
    await page.getByLabel("Variant SKU").fill("KET-RED");
    await page.getByLabel("Units held back").fill("2");
    await page.getByRole("button", { name: "Preview the change" }).click();
    const previewRow = page.locator("tr", { hasText: "KET-RED" }).filter({ hasText: "Amazon US" });
    await previewRow.waitFor();
    expect(await previewRow.locator("td").allInnerTexts()).toEqual(expect.arrayContaining(["5", "10", "+5"]));
    await screenshot(page, "buffers-2-preview");

    await page.getByRole("button", { name: "Save rule" }).click();
    await page.getByText("Buffer rule saved").waitFor();
    await screenshot(page, "buffers-3-saved");
    await page.locator("tr", { hasText: "variant KET-RED" }).waitFor();

    // The recompute worker's job, run here: the save marked the listings stale and queued it.
    await recomputeStaleListings(shop.id);
    const inventory = await app.embeddedPage(shop.domain, "/app/inventory");
    const row = inventory.locator("tr", { hasText: "Amazon US (KET-RED)" });
    await row.waitFor();
    expect(await row.innerText()).toContain("10 / –");
    await inventory.getByRole("link", { name: "Why?" }).first().click();
    await inventory.getByText("Amazon US buffer: -2 units").waitFor();
    await screenshot(inventory, "buffers-4-inventory");
  });

  it("sets the velocity window: 0 is refused on the field, 14 is saved, and the card says what velocity counts", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const page = await app.embeddedPage(shop.domain, "/app/buffers");
    await expectScreen(page, "Buffers and throttling");
    await page.getByText("every unit sold in the Shopify store and on every channel").waitFor();
    // The seeded shop's run of 5 December, in the shop's time zone (UTC until Shopify says).
    await page.getByText("Last recomputed on schedule 2026-12-05 03:00:02", { exact: false }).waitFor();

    const window = page.getByLabel("Velocity window (days)");
    await window.fill("0");
    await page.getByRole("button", { name: "Save velocity window" }).click();
    await page.getByText("Velocity window (days) must be", { exact: false }).waitFor();
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({});

    await window.fill("14");
    await page.getByRole("button", { name: "Save velocity window" }).click();
    await page.getByText("Velocity window saved").waitFor();
    expect(await page.getByLabel("Velocity window (days)").inputValue()).toBe("14");
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toEqual({ velocityWindowDays: 14 });
    await screenshot(page, "buffers-5-velocity-window");
  });
});
