// Every admin screen, in a real browser, on a shop with a row in every table: each renders its
// title (on the page and as the document's title) with no error boundary, hydrates, and leaves a full-page PNG in test-artifacts/screens/
// for a person to look at. A new app.* screen (a route file or folder) fails the last test until
// it is listed here.
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();

type Seeded = Awaited<ReturnType<typeof seedShopWithEveryModel>> & { alertId: string };

/**
 * Route file (a route folder as <folder>.tsx) → the screen's title, the path to open (some
 * screens show more given a query), and a piece of the seeded shop the screen must show, so a
 * screen that renders only its frame fails.
 */
const SCREENS: Record<string, { title: string; path: (s: Seeded) => string; shows: string }> = {
  "app._index.tsx": { title: "Overview", path: () => "/app", shows: "3 of 10 items" },
  "app.channels.tsx": { title: "Channels", path: () => "/app/channels", shows: "amazon · A1SELLER · priority 1" },
  "app.channels_.$id.go-live.tsx": {
    title: "Go live on Amazon US",
    path: (s) => `/app/channels/${s.channels.amazon.id}/go-live`,
    shows: "1 listing with a quantity Amazon has not shown yet (unknown)",
  },
  "app.channels_.$id.listings.tsx": { title: "Listings on Amazon US", path: (s) => `/app/channels/${s.channels.amazon.id}/listings`, shows: "By SKU" },
  "app.locations.tsx": { title: "Locations", path: () => "/app/locations", shows: "Warehouse" },
  "app.inventory.tsx": { title: "Inventory", path: (s) => `/app/inventory?explain=${s.listing.id}`, shows: "Why KET-RED on Amazon US gets 5 at 54.99" },
  "app.orders.tsx": { title: "Orders", path: () => "/app/orders", shows: "12-34567-89012" },
  "app.buffers.tsx": { title: "Buffers and throttling", path: () => "/app/buffers", shows: "velocity × 2 days + 4" },
  "app.artificial-counts.tsx": { title: "Artificial counts", path: () => "/app/artificial-counts", shows: "at most 5" },
  "app.pricing.tsx": { title: "Pricing and parity", path: () => "/app/pricing", shows: "39.99" },
  "app.margins.tsx": { title: "Margins", path: () => "/app/margins", shows: "Kettle – Red" },
  "app.kits.tsx": { title: "Kits and bundles", path: () => "/app/kits", shows: "KET-2" },
  "app.promotions.tsx": { title: "Promotions", path: () => "/app/promotions", shows: "Flash sale" },
  "app.content.tsx": { title: "Listing content", path: (s) => `/app/content?productId=${s.variant.productId}`, shows: "Acme Kettle" },
  "app.activity.tsx": { title: "Activity", path: () => "/app/activity", shows: "Sent to the channel" },
  "app.alerts.tsx": { title: "Alerts", path: () => "/app/alerts", shows: "Oversold" },
  "app.health-report.tsx": { title: "Weekly sync health", path: () => "/app/health-report", shows: "Per channel account" },
  "app.vendors.tsx": { title: "Vendors", path: () => "/app/vendors", shows: "uploaded files" },
  "app.alerts_.$id.tsx": { title: "Oversell", path: (s) => `/app/alerts/${s.alertId}`, shows: "Oversold" },
};
/** app.*.tsx routes that are not screens: they answer with a file, not a page. */
const NOT_SCREENS = ["app.csv.$kind.tsx"];

describe("every admin screen in the browser", () => {
  let seeded: Seeded;

  beforeAll(async () => {
    const shop = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.shop.domain);
    await prisma.listing.updateMany({ where: { shopId: shop.shop.id }, data: { staleSince: new Date() } });
    await recomputeStaleListings(shop.shop.id);
    const alert = await prisma.alert.findFirstOrThrow({ where: { shopId: shop.shop.id, kind: "OVERSELL" } });
    seeded = { ...shop, alertId: alert.id };
  });

  it.each(Object.entries(SCREENS))("%s renders its title, hydrates, and is photographed", async (file, screen) => {
    const page = await app.embeddedPage(seeded.shop.domain, screen.path(seeded));
    await expectScreen(page, screen.title);
    // The browser tab and assistive technology name the page (axe's document-title)
    expect(await page.title()).toBe(`${screen.title} · Anchorline`);
    await page.getByText(screen.shows).first().waitFor();
    // Every column says what it holds (axe's empty-table-header): a header with neither words nor a control
    const emptyHeaders = await page
      .locator("th")
      .evaluateAll((ths) => ths.filter((th) => th.textContent?.trim() === "" && !th.querySelector("input, [aria-label]")).length);
    expect(emptyHeaders).toBe(0);
    await screenshot(page, `screens/${file.replace(/\.tsx$/, "").replace(/[$]/g, "")}`);
    await page.close();
  });

  it("lists every app.*.tsx screen of app/routes", () => {
    // A screen is a route file (app.alerts.tsx) or a route folder (app.pricing/route.tsx), named here as its file.
    const routes = readdirSync(path.resolve(import.meta.dirname, "../../app/routes"), { withFileTypes: true })
      .map((entry) => (entry.isDirectory() ? `${entry.name}.tsx` : entry.name))
      .filter((f) => /^app\..*\.tsx$/.test(f));
    expect(routes.filter((f) => !NOT_SCREENS.includes(f)).sort()).toEqual(Object.keys(SCREENS).sort());
  });
});
