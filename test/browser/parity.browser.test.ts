// A merchant, in a real browser, on the Pricing screen: sets the coupon eBay shows on its listings
// (refused first for a negative one, on the field), sees the store as a channel at the
// Shopify price, then approves a group of 3 prices held by one price rule with one click, and sees
// them pending. Served app and browser: ./served-app.ts.
import { describe, expect, it } from "vitest";
import { ensureStoreChannel } from "~/channels/store-channel.server";
import prisma from "~/db.server";
import { holdGroupKey } from "~/recompute/parity";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant keeping price parity in the browser", () => {
  it("sets a coupon shown on eBay, and approves a group of held prices at once", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    await ensureStoreChannel(prisma, shop.id);
    const rule = await prisma.priceRule.findFirstOrThrow({ where: { shopId: shop.id, channelId: channels.amazon.id } });
    const group = holdGroupKey({ ruleId: rule.id, channelId: channels.amazon.id, otherChannelId: channels.ebay.id });
    await prisma.listing.deleteMany({ where: { shopId: shop.id } });
    for (const [i, title] of ["Blue", "Green", "Grey"].entries()) {
      const v = await prisma.variant.create({
        data: { shopId: shop.id, productId: variant.productId, shopifyId: `40${i}`, title, sku: `KET-${title.toUpperCase()}`, priceCents: 4999 },
      });
      await prisma.listing.create({
        data: {
          shopId: shop.id,
          channelId: channels.amazon.id,
          variantId: v.id,
          channelSku: `KET-${title.toUpperCase()}`,
          syncState: "HELD",
          desiredPriceCents: 5499,
          pushedPriceCents: 4999,
          holdGroup: group,
          syncMessage: "Price held for review (parity): eBay US shows 49.99, 5.00 under Amazon US's 54.99 (tolerance 0.00)",
        },
      });
    }

    const page = await app.embeddedPage(shop.domain, "/app/pricing");
    await expectScreen(page, "Pricing and parity");
    // The store is a channel of the matrix, at the Shopify price
    await page.locator("tr", { hasText: "Shopify store" }).filter({ hasText: "the Shopify variant price" }).waitFor();

    // A negative coupon is refused on its field; 5.00 is saved and shown
    await page.getByLabel("Channel", { exact: true }).last().selectOption({ label: "eBay US" });
    await page.getByLabel("Coupon shown on its listings").fill("-5");
    await page.getByRole("button", { name: "Save what customers see" }).click();
    await page.getByText(/^Visible coupon must be/).waitFor();
    await page.getByLabel("Coupon shown on its listings").fill("5");
    await page.getByRole("button", { name: "Save what customers see" }).click();
    await page.getByText("Saved: parity counts it from now on").waitFor();
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.ebay.id } })).visibleCouponCents).toBe(500);
    await screenshot(page, "parity-1-coupon-saved");

    // One click approves the group of 3
    await page.getByRole("button", { name: "Approve all 3" }).click();
    await page.getByText("Approved 3 held prices: they go out with the next push").waitFor();
    await screenshot(page, "parity-2-group-approved");
    const after = await prisma.listing.findMany({ where: { shopId: shop.id } });
    expect(after.map((l) => [l.syncState, l.holdGroup])).toEqual([
      ["PENDING", null],
      ["PENDING", null],
      ["PENDING", null],
    ]);
  });
});
