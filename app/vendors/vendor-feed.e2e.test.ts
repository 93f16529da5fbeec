import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action, type VendorsActionResult } from "~/routes/app.vendors/route";
import { sessionToken } from "../../test/admin-request";
import type { LinkedVariant } from "../../test/marketplaces";
import { everyMarketplaceShowing, setShopifyStock } from "../../test/marketplace-quantities";
import { startSftpServer, type SftpServer } from "../../test/sftp-server";
import { useWorkersRig } from "../../test/workers-rig";
import { runVendorFeedSlot, sweepVendorFeeds } from "./schedule.server";

// A vendor's SFTP feed, end to end: the merchant makes a vendor at 50 % and its SFTP feed on the
// Vendors screen (its action, as the browser posts it); the feed's first slot runs at once in the
// real workers, which fetch the file from a real SFTP server started here, import it and push.
// Every marketplace (simulated) then offers Shopify's units plus half the vendor's; a later file
// lowers that; a malformed file changes nothing and says why; and once no file came for the
// vendor's staleness limit (the sweep run at a later clock), the vendor stops counting and alerts.

const setUp = useWorkersRig({ catalog: { products: 1, variantsPerProduct: 2, locations: 1 } });
let sftp: SftpServer;
const FILE = "/outgoing/stock.csv";

beforeAll(async () => {
  sftp = await startSftpServer();
});
afterAll(async () => {
  await sftp?.close();
});

async function post(fields: Record<string, string>): Promise<{ data: VendorsActionResult; init: { status: number } | null }> {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  const request = new Request("https://anchorline.test/app/vendors", {
    method: "POST",
    headers: { authorization: `Bearer ${await sessionToken(setUp.rig.domain)}` },
    body,
  });
  return (await action({ request, params: {}, context: {} })) as unknown as { data: VendorsActionResult; init: { status: number } | null };
}

const setStock = (variant: LinkedVariant, available: number) => setShopifyStock(setUp.rig, variant, available);
const showing = (expected: (variant: LinkedVariant) => number, what: string) => everyMarketplaceShowing(setUp.rig, expected, what);

async function quantityExplained(variant: LinkedVariant): Promise<string[]> {
  const listing = await prisma.listing.findFirstOrThrow({
    where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels.ebay.id, channelSku: variant.channelSku.ebay },
  });
  return (listing.explanation as { quantity: { text: string }[] }).quantity.map((s) => s.text);
}

describe("a vendor's SFTP feed, end to end", () => {
  it("given Shopify's 10 everywhere, when a vendor at 50 % reports 8 then 2 of one SKU over SFTP, every marketplace shows 14 then 11; a malformed file changes nothing and says why; a feed silent past the staleness limit alerts and stops counting", async () => {
    const [supplied, other] = setUp.rig.variants;
    setStock(supplied, 10);
    setStock(other, 10);
    await setUp.rig.linkAll();
    await showing(() => 10, "every marketplace at Shopify's 10");

    // The merchant makes the vendor and its hourly SFTP feed on the Vendors screen.
    await sftp.put(FILE, `Item Code,On Hand,Unit Cost,Lead Days\n${supplied.sku},8,4.20,3\nNOT-OURS,5,1.00,2\n`);
    expect((await post({ intent: "saveVendor", name: "Acme Drop", sharePercent: "50", staleAfterHours: "24" })).data.ok).toBe(true);
    const vendor = await prisma.vendor.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, name: "Acme Drop" } });
    const saved = await post({
      intent: "createFeed",
      vendorId: vendor.id,
      source: "SFTP",
      sftpHost: sftp.host,
      sftpPort: String(sftp.port),
      sftpUsername: sftp.username,
      sftpPassword: sftp.password,
      sftpPath: FILE,
      delimiter: "comma",
      mapSku: "Item Code",
      mapQuantity: "On Hand",
      mapCost: "Unit Cost",
      mapLeadTime: "Lead Days",
      schedule: "HOURLY",
    });
    expect(saved.data).toMatchObject({ ok: true });
    const feed = await prisma.vendorFeed.findFirstOrThrow({ where: { vendorId: vendor.id } });

    // The slot due now ran in the workers: 10 + floor(8 × 50 %) = 14 for the SKU the vendor supplies.
    await showing((v) => (v.index === supplied.index ? 14 : 10), "14 for the vendor's SKU on every marketplace");
    const first = await prisma.vendorFeedRun.findFirstOrThrow({ where: { feedId: feed.id } });
    expect(first).toMatchObject({
      status: "SUCCEEDED",
      rowsRead: 2,
      matched: 1,
      unknownSkus: 1,
      rejected: 0,
      rejectedRows: [{ row: 3, reason: "unknown SKU NOT-OURS" }],
    });
    expect(await prisma.vendorItem.findFirstOrThrow({ where: { vendorId: vendor.id } })).toMatchObject({ costCents: 420, leadTimeDays: 3 });
    expect(await quantityExplained(supplied)).toContain("Acme Drop (vendor) reports 8 units, counted at 50%, rounded down: +4 units");

    // The next slot's file says 2: 10 + 1 = 11 everywhere.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await sftp.put(FILE, `Item Code,On Hand,Unit Cost,Lead Days\n${supplied.sku},2,4.20,3\n`);
    expect(await runVendorFeedSlot(setUp.rig.shopId, feed.id, later)).toMatchObject({ ran: true, ok: true });
    await showing((v) => (v.index === supplied.index ? 11 : 10), "11 once the vendor reports 2");

    // A malformed file (an unclosed quote) changes nothing, says why on its run, and alerts.
    const afterThat = new Date(Date.now() + 2 * 3_600_000).toISOString();
    await sftp.put(FILE, `Item Code,On Hand,Unit Cost,Lead Days\n${supplied.sku},0,4.20,3\n"BROKEN,1,1.00,2\n`);
    const malformed = await runVendorFeedSlot(setUp.rig.shopId, feed.id, afterThat);
    expect(malformed).toMatchObject({ ran: true, ok: false });
    const failedRun = await prisma.vendorFeedRun.findFirstOrThrow({ where: { feedId: feed.id, slot: afterThat } });
    expect(failedRun.status).toBe("FAILED");
    expect(failedRun.error).toMatch(/^row \d+: .*quote/i);
    expect(
      await prisma.alert.count({ where: { shopId: setUp.rig.shopId, kind: "VENDOR_FEED", dedupeKey: `vendor-feed-failed:${feed.id}:${afterThat}` } }),
    ).toBe(1);
    const level = await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: setUp.rig.shopId, locationId: vendor.locationId } });
    expect(level.available).toBe(2);
    await showing((v) => (v.index === supplied.index ? 11 : 10), "still 11 after the malformed file");

    // No file for more than the 24-hour limit: the sweep (its clock 25 hours on) alerts, the vendor is stale, its units stop counting.
    const lastImport = (await prisma.vendor.findUniqueOrThrow({ where: { id: vendor.id } })).lastImportedAt!;
    await sweepVendorFeeds([setUp.rig.shopId], { now: new Date(lastImport.getTime() + 25 * 3_600_000) });
    expect((await prisma.vendor.findUniqueOrThrow({ where: { id: vendor.id } })).staleSince).not.toBeNull();
    const alerts = await prisma.alert.findMany({ where: { shopId: setUp.rig.shopId, kind: "VENDOR_FEED" }, orderBy: { dedupeKey: "asc" } });
    expect(alerts.map((a) => a.title)).toEqual(
      expect.arrayContaining([
        `No stock file from Acme Drop since ${lastImport.toISOString()}`,
        "Acme Drop's quantities stopped counting: no stock file for 24 hours",
      ]),
    );
    await showing(() => 10, "Shopify's 10 only once the vendor is stale");
    expect(await quantityExplained(supplied)).toContain("Acme Drop (vendor) is not counted: its feed is stale (no import for 24 hours)");
  });
});
