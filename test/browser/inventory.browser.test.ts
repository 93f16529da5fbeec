// A merchant, in a real browser, works through a catalogue on the Inventory screen as on Shopify's
// own lists: pages with totals, search, a filter, and a bulk action on the rows ticked; the "Why?"
// of a row opens its explanation. Served app and browser: ./served-app.ts.
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

describe("a merchant finding their way through the Inventory table", () => {
  it("pages through 62 variants 50 at a time with totals, searches by SKU, filters by open alert, recomputes the rows ticked, and opens a row's Why?", async () => {
    // Given the seeded shop (KET-RED listed on Amazon with an open alert, KET-2 unlisted) and 60 more variants.
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: shop.id } });
    await prisma.variant.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        shopId: shop.id,
        productId: product.id,
        shopifyId: String(7000 + i),
        title: `Size ${i}`,
        sku: `BULK-${String(i).padStart(2, "0")}`,
        priceCents: 1250,
      })),
    });

    const page = await app.embeddedPage(shop.domain, "/app/inventory");
    await expectScreen(page, "Inventory");
    await page.getByText("1–50 of 62 variants").waitFor();
    expect(await page.locator("tr", { hasText: "BULK-00" }).innerText()).toContain("12.50 USD");
    await screenshot(page, "inventory-1-first-page");

    // The next page: the last 12.
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("51–62 of 62 variants").waitFor();
    await page.locator("tr", { hasText: "KET-RED" }).first().waitFor();

    // Search by SKU: the table narrows as the merchant types.
    await page.getByRole("button", { name: /Search and filter/ }).click();
    await page.getByPlaceholder("Search by SKU, title or barcode").fill("KET-R");
    await page.getByText("1–1 of 1 variants").waitFor();
    expect(new URL(page.url()).searchParams.get("q")).toBe("KET-R");
    await screenshot(page, "inventory-2-search");

    // Tick the row and recompute it from the bulk actions.
    // The row has a Recompute of its own: the bulk one is in Polaris's bulk actions bar (whose
    // hidden measuring copy getByRole leaves out).
    await page.locator("tr", { hasText: "Amazon US (KET-RED)" }).getByRole("checkbox").check();
    await page.locator(".Polaris-BulkActions__BulkActionsLayout").getByRole("button", { name: "Recompute", exact: true }).click();
    await page.getByText("Recomputing 1 listing of 1 variant").waitFor();
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    await screenshot(page, "inventory-3-bulk-recompute");

    // The open-alert filter, from the address as the filter writes it: only KET-RED, its row badged.
    const alerted = await app.embeddedPage(shop.domain, "/app/inventory?alert=open");
    await alerted.getByText("1–1 of 1 variants").waitFor();
    const row = alerted.locator("tr", { hasText: "Amazon US (KET-RED)" });
    expect(await row.innerText()).toContain("alert");
    await row.getByRole("link", { name: "Why? KET-RED on Amazon US" }).click();
    await alerted.getByRole("heading", { name: /Why KET-RED on Amazon US gets 8 at/ }).waitFor();
    await screenshot(alerted, "inventory-4-why");
  });
});
