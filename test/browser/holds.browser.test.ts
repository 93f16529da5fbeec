// A merchant, in a real browser, puts a variant on pre-order and discontinues it from the
// Inventory screen: a date that is not one is refused on its field with nothing saved; a good one
// is saved in the shop's time zone, the row says so, and once the engine has recomputed, "Why?"
// shows the hold. Served app and browser: ./served-app.ts.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant setting a variant's holds in the browser", () => {
  it("refuses a release date that is not a date, then saves a pre-order and discontinued; the row and the explanation show the hold", async () => {
    // Given KET-RED listed on Amazon, computed, in a shop whose time zone is New York.
    const { shop, variant, listing } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    await prisma.shop.update({ where: { id: shop.id }, data: { settings: { timeZone: "America/New_York" } } });

    const page = await app.embeddedPage(shop.domain, "/app/inventory?q=KET-RED");
    await expectScreen(page, "Inventory");
    await page.getByRole("link", { name: "Holds of KET-RED" }).click();
    await page.getByRole("heading", { name: "Holds of KET-RED · Kettle – Red" }).waitFor();

    // When the merchant types a date that is not one, it is refused on the field.
    await page.getByLabel("Discontinued").check();
    await page.getByLabel("Release date").fill("next friday");
    await page.getByRole("button", { name: "Save holds" }).click();
    await page.getByText('Release date "next friday" is not a date').waitFor();
    expect(await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).toMatchObject({ discontinued: false, releaseAt: null });
    await screenshot(page, "holds-1-refused");

    // Then a real date: saved in the shop's zone, the row shows both holds.
    await page.getByLabel("Release date").fill("2031-01-15");
    await page.getByRole("button", { name: "Save holds" }).click();
    await page.getByText("held at 0 until 2031-01-15 (America/New_York)").waitFor();
    const saved = await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } });
    expect([saved.discontinued, saved.releaseAt?.toISOString()]).toEqual([true, "2031-01-15T05:00:00.000Z"]);
    const row = page.locator("tr", { hasText: "Amazon US (KET-RED)" });
    await expect.poll(() => row.innerText()).toContain("held until 2031-01-15");
    expect(await row.innerText()).toContain("discontinued");
    await screenshot(page, "holds-2-saved");

    // Once the recompute the save queued has run (the worker's job, run here), "Why?" shows the hold.
    await recomputeStaleListings(shop.id);
    const why = await app.embeddedPage(shop.domain, `/app/inventory?q=KET-RED&explain=${listing.id}`);
    await expectScreen(why, "Inventory");
    await why.getByRole("heading", { name: "Why KET-RED on Amazon US gets 0 at" }).waitFor();
    await why.getByText("On hold until its release on 2031-01-15 05:00 UTC: listed at 0").waitFor();
    await why.getByText("Discontinued: no buffer, sells down to zero").waitFor();
    await screenshot(why, "holds-3-why");
  });
});
