// A merchant, in a real browser, chooses on the Channels screen that a drifting quantity on eBay is
// only alerted, not pushed again, sets the shop's drift threshold (a negative one refused), turns
// Amazon's price repair on, and sees when Anchorline last read what Amazon shows; the
// Overview shows per channel the listings read back and those the marketplace suspended. The app
// is the production build served by remix-serve (test/browser/served-app.ts).
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant in the browser", () => {
  it("given eBay repairing drift by default, when the merchant chooses 'Only alert' and saves, then it is saved and shown; the threshold and Amazon's price repair are set there too; the Overview shows Amazon's read-back and its suspended listing", async () => {
    const { shop, channels, listing } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const readAt = new Date("2026-12-09T14:05:00Z");
    await prisma.channel.update({ where: { id: channels.amazon.id }, data: { driftReadAt: readAt } });
    await prisma.listing.update({
      where: { id: listing.id },
      data: { observedQuantity: 3, observedAt: readAt, observedSuspension: "LISTING_SUPPRESSED: Missing brand" },
    });

    const page = await app.embeddedPage(shop.domain, "/app/channels");
    await expectScreen(page, "Channels");
    const ebayCard = page.locator(".Polaris-ShadowBevel", { hasText: "ebay · " });
    const select = ebayCard.getByLabel("When the marketplace shows another quantity");
    expect(await select.inputValue()).toBe("repair");
    await select.selectOption("alert-only");
    await select.locator("xpath=ancestor::form").getByRole("button", { name: "Save" }).click();
    await page.getByText("Drift setting saved").waitFor();
    await screenshot(page, "drift-1-channels-alert-only");
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } })).repairQuantityDrift).toBe(false);

    // The shop's threshold: a negative number is refused naming the field, 8 is saved.
    const threshold = page.getByLabel("Drift threshold (units)");
    expect(await threshold.inputValue()).toBe("5");
    const saveThreshold = threshold.locator("xpath=ancestor::form").getByRole("button", { name: "Save" });
    await threshold.fill("-1");
    await saveThreshold.click();
    await page.getByText("Drift threshold must be between 0 and").waitFor();
    await page.getByLabel("Drift threshold (units)").fill("8");
    await saveThreshold.click();
    await page.getByText("Drift threshold saved").waitFor();
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).settings).toMatchObject({ alerts: { driftUnits: 8 } });

    // Amazon's price drift (off by default, its help says why) pushed again from now on.
    const amazonCard = page.locator(".Polaris-ShadowBevel", { hasText: "amazon · " });
    await amazonCard.getByText("a price set on Amazon US by hand may be on purpose", { exact: false }).waitFor();
    const price = amazonCard.getByLabel("When the marketplace shows another price");
    expect(await price.inputValue()).toBe("alert-only");
    await price.selectOption("repair");
    await price.locator("xpath=ancestor::form").getByRole("button", { name: "Save" }).click();
    await page.getByText("Drift setting saved").waitFor();
    await screenshot(page, "drift-1b-channels-threshold-and-price");
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.amazon.id } })).repairPriceDrift).toBe(true);
    expect(await page.locator(".Polaris-ShadowBevel", { hasText: "amazon · " }).getByText("was last read").count()).toBe(1);

    const overview = await app.embeddedPage(shop.domain, "/app");
    await expectScreen(overview, "Overview");
    await overview.getByText("1 read 2026-12-09 14:05 UTC").waitFor();
    await overview.getByRole("link", { name: "1 listings suspended by the marketplace on Amazon US" }).waitFor();
    await screenshot(overview, "drift-2-overview");
  });
});
