// A merchant, in a real browser, raises a variant's MAP on the Pricing screen above the price its
// Amazon rule gives, and once the engine has recomputed sees Amazon offered the MAP instead, with
// the engine saying why, on the Inventory screen. Served app and browser: ./served-app.ts.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant setting a minimum advertised price in the browser", () => {
  it("sets a MAP above the rule's price and sees the channel price clamped to it, with the notice", async () => {
    // Given KET-RED at 49.99 in Shopify with a MAP of 39.99, and an Amazon rule of +10 % rounded
    // up to .99: Amazon is offered 54.99.
    const { shop, variant, listing } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: new Date() } });
    await recomputeStaleListings(shop.id);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).desiredPriceCents).toBe(5499);

    // When the merchant sets KET-RED's MAP to 60.00 on the Pricing screen
    const page = await app.embeddedPage(shop.domain, "/app/pricing");
    await expectScreen(page, "Pricing and parity");
    const mapRow = page.locator("tr", { hasText: "KET-RED" });
    expect(await mapRow.locator("td").allInnerTexts()).toEqual(expect.arrayContaining(["49.99", "39.99"]));
    await screenshot(page, "pricing-1-before");

    await page.getByLabel("Variant SKU", { exact: true }).fill("KET-RED");
    await page.getByLabel("MAP", { exact: true }).fill("60");
    await page.getByRole("button", { name: "Save MAP" }).click();
    await page.getByText("MAP saved").waitFor();
    await expect.poll(() => mapRow.locator("td").allInnerTexts()).toEqual(expect.arrayContaining(["49.99", "60.00"]));
    await screenshot(page, "pricing-2-map-saved");
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).mapCents).toBe(6000);

    // Then, once the recompute the save queued has run (the worker's job, run here), Amazon is
    // offered the MAP, and the listing's explanation says the rule's price was raised to it.
    await recomputeStaleListings(shop.id);
    const inventory = await app.embeddedPage(shop.domain, `/app/inventory?q=KET-RED&explain=${listing.id}`);
    await expectScreen(inventory, "Inventory");
    const row = inventory.locator("tr", { hasText: "Amazon US (KET-RED)" });
    await row.waitFor();
    expect(await row.innerText()).toContain("60.00 USD / –");
    await inventory.getByRole("heading", { name: "Why KET-RED on Amazon US gets 5 at 60.00" }).waitFor();
    await inventory.getByText("Raised to MAP 60.00 (never published below MAP)").waitFor();
    await inventory.getByText("Price 54.99 is under MAP 60.00: published at MAP").waitFor();
    await screenshot(inventory, "pricing-3-clamped");
  });
});
