// A merchant, in a real browser, on the Artificial counts screen: a cap for one variant on Amazon
// previewed and saved, a value out of range refused under its field, the eBay cap edited in place,
// and the capped quantity on the Inventory screen with the cap in its "Why?". The app is the
// production build served by remix-serve, on this run's PostgreSQL database and Redis
// (test/browser/served-app.ts); screenshots go to test-artifacts/.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant in the browser", () => {
  it("previews and saves a cap, is told a negative one is refused, edits another, and sees the capped quantity and its reason on Inventory", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    // The outbox as the engine would have it before the change: Amazon gets 5 of the 12 in stock
    // (its velocity buffer counts eBay's sale of 1 today: ceil(1.5 × (0.1/day × 2 days + 4)) = 7).
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: new Date() } });
    await recomputeStaleListings(shop.id);

    const page = await app.embeddedPage(shop.domain, "/app/artificial-counts");
    await expectScreen(page, "Artificial counts");
    await page.locator("tr", { hasText: "eBay US" }).filter({ hasText: "at most 5" }).waitFor();
    await screenshot(page, "artificial-counts-1-before");

    await page.getByLabel("Channel", { exact: true }).selectOption({ label: "Amazon US" });
    await page.getByLabel("Applies to").selectOption("variant");
    await page.getByLabel("Variant SKU").fill("KET-RED");
    await page.getByLabel("Count type").selectOption("cap");
    await page.getByLabel("List at most (units)").fill("-1");
    await page.getByRole("button", { name: "Preview the change" }).click();
    await page.getByText("Cap must be between 0 and 1,000,000").waitFor();

    await page.getByLabel("List at most (units)").fill("4");
    await page.getByRole("button", { name: "Preview the change" }).click();
    const previewRow = page.locator("tr", { hasText: "KET-RED" }).filter({ hasText: "Amazon US" }).filter({ hasText: "Listed at most 4 units (cap)" });
    await previewRow.waitFor();
    expect(await previewRow.locator("td").allInnerTexts()).toEqual(expect.arrayContaining(["5", "4", "-1"]));
    await screenshot(page, "artificial-counts-2-preview");

    await page.getByRole("button", { name: "Save count" }).click();
    await page.getByText("Artificial count saved").waitFor();
    await page.locator("tr", { hasText: "variant KET-RED" }).filter({ hasText: "at most 4" }).waitFor();
    await screenshot(page, "artificial-counts-3-saved");

    // The eBay cap, changed in place: the form opens with its values.
    await page.getByRole("button", { name: "Edit the count for eBay US, every listing" }).click();
    await page.getByText("Change the count for eBay US, every listing").waitFor();
    expect(await page.getByLabel("List at most (units)").inputValue()).toBe("5");
    await page.getByLabel("List at most (units)").fill("7");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator("tr", { hasText: "eBay US" }).filter({ hasText: "at most 7" }).waitFor();
    await page.getByText("New artificial count").waitFor();
    expect(await prisma.allocationRule.count({ where: { shopId: shop.id } })).toBe(2);
    await screenshot(page, "artificial-counts-4-edited");

    // The recompute worker's job, run here: the save marked the listings stale and queued it.
    await recomputeStaleListings(shop.id);
    const inventory = await app.embeddedPage(shop.domain, "/app/inventory");
    const row = inventory.locator("tr", { hasText: "Amazon US (KET-RED)" });
    await row.waitFor();
    expect(await row.innerText()).toContain("4 / –");
    await inventory.getByRole("link", { name: "Why?" }).first().click();
    await inventory.getByText("Listed at most 4 units (cap)").waitFor();
    await screenshot(inventory, "artificial-counts-5-inventory");
  });
});
