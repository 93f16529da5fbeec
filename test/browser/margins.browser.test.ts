// A merchant, in a real browser, on the Margins screen: eBay's fees saved on the Pricing screen
// put a listing under its fee-inclusive floor; Margins shows it with its fees, cost, margin and
// floor, the channel filter and "Under floor only" narrow the table, a page past the last is a
// plain empty table, and the row's "Why?" opens its explanation on Inventory with the floor.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant in the browser", () => {
  it("sets eBay's fees on Pricing, finds the listing under its floor on Margins with its figures, filters by channel and under floor, and opens its Why?", async () => {
    const { shop, variant, channels } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    // KET-RED (cost 20.00, 49.99 in Shopify) on eBay too; the Amazon listing is profitable (no fees).
    await prisma.listing.create({ data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "KET-RED-EB" } });
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: new Date() } });
    await recomputeStaleListings(shop.id);

    const pricing = await app.embeddedPage(shop.domain, "/app/pricing");
    await expectScreen(pricing, "Pricing and parity");
    const ruleForm = pricing.locator("form", { has: pricing.getByRole("button", { name: "Save price rule" }) });
    await ruleForm.getByLabel("Channel", { exact: true }).selectOption({ label: "eBay US" });
    await ruleForm.getByLabel("Channel fee", { exact: true }).fill("40");
    await ruleForm.getByLabel("Minimum margin", { exact: true }).fill("20");
    await ruleForm.getByRole("button", { name: "Save price rule" }).click();
    await pricing.getByText("Price rule saved").waitFor();
    // The recompute worker's job, run here: the save marked the listings stale and queued it.
    await recomputeStaleListings(shop.id);

    const page = await app.embeddedPage(shop.domain, "/app/margins");
    await expectScreen(page, "Margins");
    const row = page.locator("tr", { hasText: "KET-RED" }).filter({ hasText: "eBay US" });
    await row.waitFor();
    // 49.99: fees 40 % = 20.00; margin 49.99 − 20.00 − 20.00 = 9.99 (19.98 %); floor 20.00 / 0.4 = 50.00.
    expect(await row.locator("td").allInnerTexts()).toEqual(expect.arrayContaining(["$49.99", "$20.00", "$9.99 (19.98%)", "$50.00"]));
    expect(await row.innerText()).toContain("under floor");
    await screenshot(page, "margins-1-all");

    await page.getByLabel("Channel", { exact: true }).selectOption({ label: "eBay US" });
    await page.getByLabel("Under floor only").check();
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/underFloor=1/);
    await page.getByText("Page 1 of 1 · 1 listing").waitFor();
    expect(await page.locator("tr", { hasText: "Amazon US" }).filter({ hasText: "KET-RED" }).count()).toBe(0);
    await screenshot(page, "margins-2-under-floor");

    await page.getByRole("link", { name: "Why?" }).first().click();
    await expectScreen(page, "Inventory");
    await page.getByText("Price 49.99 is under the fee-inclusive floor of 50.00").waitFor();
    await screenshot(page, "margins-3-why");
  });
});
