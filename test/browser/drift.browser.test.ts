// A merchant, in a real browser, chooses on the Channels screen that a drifting quantity on eBay is
// only alerted, not pushed again, and sees when Anchorline last read what Amazon shows; the
// Overview shows per channel the listings read back and those the marketplace suspended. The app
// is the production build served by remix-serve (test/browser/served-app.ts).
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant in the browser", () => {
  it("given eBay repairing drift by default, when the merchant chooses 'Only alert' and saves, then it is saved and shown; the Overview shows Amazon's read-back and its suspended listing", async () => {
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
    await ebayCard.getByRole("button", { name: "Save" }).last().click();
    await page.getByText("Drift setting saved").waitFor();
    await screenshot(page, "drift-1-channels-alert-only");
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } })).repairQuantityDrift).toBe(false);
    expect(await page.locator(".Polaris-ShadowBevel", { hasText: "amazon · " }).getByText("was last read").count()).toBe(1);

    const overview = await app.embeddedPage(shop.domain, "/app");
    await expectScreen(overview, "Overview");
    await overview.getByText("1 read 2026-12-09 14:05 UTC").waitFor();
    await overview.getByRole("link", { name: "1 listings suspended by the marketplace on Amazon US" }).waitFor();
    await screenshot(overview, "drift-2-overview");
  });
});
