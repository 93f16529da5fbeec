// A merchant, in a real browser, on the Kits and bundles screen: Shopify's bundle shown "from
// Shopify" and not editable, a kit containing itself refused under its field with nothing saved,
// then a gift kit of 2 × KET-RED and 1 × BOX saved, listed with its make-up, and its "Why?" on
// Inventory showing the kit step once the engine has recomputed. Served app and browser:
// ./served-app.ts.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant defining a kit in the browser", () => {
  it("sees Shopify's bundle read-only, is refused a kit that contains itself, saves a gift kit, and reads its kit step in Why?", async () => {
    // Given the seeded shop (KET-RED: 12 in the warehouse, Amazon keeps a buffer of 6), a box with
    // 10 in the warehouse, a Shopify bundle SHOP-PACK of 1 box, and a GIFT variant listed on Amazon.
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const shopId = shop.id;
    const warehouse = await prisma.location.findFirstOrThrow({ where: { shopId, name: "Warehouse" } });
    const product = await prisma.product.create({ data: { shopId, shopifyId: "30", title: "Gifts" } });
    const variant = (shopifyId: string, sku: string, extra: { isBundle?: boolean; shopifyBundle?: boolean } = {}) =>
      prisma.variant.create({ data: { shopId, productId: product.id, shopifyId, title: sku, sku, priceCents: 1500, ...extra } });
    const box = await variant("301", "BOX");
    const boxItem = await prisma.inventoryItem.create({ data: { shopId, shopifyId: "3010", variantId: box.id, sku: "BOX" } });
    await prisma.inventoryLevel.create({ data: { shopId, inventoryItemId: boxItem.id, locationId: warehouse.id, available: 10 } });
    const pack = await variant("303", "SHOP-PACK", { isBundle: true, shopifyBundle: true });
    await prisma.bundleComponent.create({ data: { shopId, bundleId: pack.id, componentId: box.id, unitsPerBundle: 1 } });
    const gift = await variant("302", "GIFT");
    const listing = await prisma.listing.create({ data: { shopId, channelId: channels.amazon.id, variantId: gift.id, channelSku: "GIFT" } });

    const page = await app.embeddedPage(shop.domain, "/app/kits");
    await expectScreen(page, "Kits and bundles");
    const shopifyRow = page.locator("tr", { hasText: "SHOP-PACK" });
    await shopifyRow.getByText("from Shopify").waitFor();
    expect(await shopifyRow.innerText()).toContain("Change it in Shopify");
    await page.locator("tr", { hasText: "KET-2" }).filter({ hasText: "2 × KET-RED" }).waitFor();
    await screenshot(page, "kits-1-list");

    // A kit that contains itself is refused under the component's field, and nothing is saved.
    await page.getByLabel("Kit SKU (the variant sold as the kit)").fill("GIFT");
    await page.getByLabel("Component 1 SKU").fill("GIFT");
    await page.getByRole("button", { name: "Save kit" }).click();
    await page.getByText("A kit cannot contain itself: GIFT is the kit").waitFor();
    expect(await prisma.bundleComponent.count({ where: { bundleId: gift.id } })).toBe(0);
    await screenshot(page, "kits-2-refused");

    // Then 2 × KET-RED and 1 × BOX: saved, and listed with its make-up.
    await page.getByLabel("Component 1 SKU").fill("KET-RED");
    await page.getByLabel("Units of component 1 per kit").fill("2");
    await page.getByRole("button", { name: "Add component" }).click();
    await page.getByLabel("Component 2 SKU").fill("BOX");
    await page.getByLabel("Units of component 2 per kit").fill("1");
    await page.getByRole("button", { name: "Save kit" }).click();
    await page.getByText("Kit saved; its quantities are being recomputed").waitFor();
    await page.locator("tr", { hasText: "GIFT" }).filter({ hasText: "1 × BOX + 2 × KET-RED" }).waitFor();
    await expect.poll(() => page.getByLabel("Kit SKU (the variant sold as the kit)").inputValue()).toBe("");
    await screenshot(page, "kits-3-saved");

    // Once the recompute the save queued has run (the worker's job, run here), "Why?" shows each
    // component's share and the kit: Amazon may sell 5 of KET-RED (its buffer, the seeded sale's
    // velocity) → 2 kits, and 4 boxes → 4 kits; so 2, limited by KET-RED.
    await recomputeStaleListings(shop.id);
    const why = await app.embeddedPage(shop.domain, `/app/inventory?q=GIFT&explain=${listing.id}`);
    await expectScreen(why, "Inventory");
    await why.getByRole("heading", { name: "Why GIFT on Amazon US gets 2 at" }).waitFor();
    await why.getByText("KET-RED: 5 units ÷ 2 per kit, rounded down = 2 kits").waitFor();
    await why.getByText("Kit of 2 × KET-RED (ATS 5 → 2) and 1 × BOX (ATS 4): 2, limited by KET-RED").waitFor();
    await screenshot(why, "kits-4-why");
  });
});
