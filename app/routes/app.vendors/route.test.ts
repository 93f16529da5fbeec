import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { installShopSession, sessionToken } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { action, loader, type VendorsActionResult } from "./route";

// The Vendors screen as the browser posts it (multipart, for the files): a vendor made in
// Anchorline becomes a location of its own counted at its share; a feed with a bad mapping or
// schedule is refused on the field; a sample file is previewed before saving; an uploaded file
// that cannot be read changes nothing and says why.

afterAll(async () => {
  await queues().close();
});

type Answer = { data: VendorsActionResult; init: { status: number } | null };

async function post(domain: string, fields: Record<string, string | File>): Promise<Answer> {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  const request = new Request("https://anchorline.test/app/vendors", {
    method: "POST",
    headers: { authorization: `Bearer ${await sessionToken(domain)}` },
    body,
  });
  return (await action({ request, params: {}, context: {} })) as unknown as Answer;
}

async function shopWithVendor() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const saved = await post(seeded.shop.domain, {
    intent: "saveVendor",
    name: "Acme Drop",
    email: "stock@acme.test",
    sharePercent: "50",
    staleAfterHours: "24",
  });
  expect(saved.data).toMatchObject({ ok: true });
  const vendor = await prisma.vendor.findFirstOrThrow({ where: { shopId: seeded.shop.id, name: "Acme Drop" }, include: { location: true } });
  return { ...seeded, vendor };
}

const goodFeed = (vendorId: string) => ({
  intent: "createFeed",
  vendorId,
  source: "SFTP",
  sftpHost: "sftp.acme.test",
  sftpPort: "2222",
  sftpUsername: "shop",
  sftpPassword: "s3cret",
  sftpPath: "/out/stock.csv",
  delimiter: "comma",
  mapSku: "sku",
  mapQuantity: "qty",
  schedule: "DAILY",
  dailyAt: "06:30",
});

describe("the Vendors screen", () => {
  it("given a new vendor saved at 50 %, then it is a location of its own Shopify never sees, a drop shipper at 50 %, listed with its settings", async () => {
    const { shop, vendor } = await shopWithVendor();
    expect(vendor.location).toMatchObject({ name: "Acme Drop", isDropShip: true, vendorShareBps: 5000, saleable: true });
    expect(vendor.location.shopifyId.startsWith("vendor:")).toBe(true);
    const page = await loader({
      request: new Request("https://anchorline.test/app/vendors", { headers: { authorization: `Bearer ${await sessionToken(shop.domain)}` } }),
      params: {},
      context: {},
    });
    expect(page.vendors.find((v) => v.name === "Acme Drop")).toMatchObject({ sharePercent: 50, staleAfterHours: 24, paused: false, feeds: [] });
  });

  it("given a feed whose quantity column is left blank, or a daily feed at 25:00, when it is saved, then it is refused naming the field and no feed is saved", async () => {
    const { shop, vendor } = await shopWithVendor();
    const noQuantity = await post(shop.domain, { ...goodFeed(vendor.id), mapQuantity: "" });
    expect(noQuantity.init?.status).toBe(400);
    expect(noQuantity.data.errors).toEqual({ mapQuantity: "The quantity column is required" });
    const badTime = await post(shop.domain, { ...goodFeed(vendor.id), dailyAt: "25:00" });
    expect(badTime.data.errors).toEqual({ dailyAt: "Daily at must be a time like 06:30" });
    const badSchedule = await post(shop.domain, { ...goodFeed(vendor.id), schedule: "WEEKLY" });
    expect(badSchedule.data.errors).toEqual({ schedule: "Schedule must be hourly or daily" });
    const noHost = await post(shop.domain, { ...goodFeed(vendor.id), sftpHost: "" });
    expect(noHost.data.errors).toEqual({ sftpHost: "SFTP host is required" });
    expect(await prisma.vendorFeed.count({ where: { vendorId: vendor.id } })).toBe(0);
  });

  it("given a sample file, when the merchant previews the mapping, then the first rows show as they would be read (a refused row says why) and nothing is saved", async () => {
    const { shop, vendor } = await shopWithVendor();
    const sample = new File(["SKU,Qty,Cost\nKET-RED,7,12.50\nMUG,-2,3\n"], "stock.csv", { type: "text/csv" });
    const preview = await post(shop.domain, { ...goodFeed(vendor.id), intent: "preview", mapSku: "SKU", mapQuantity: "Qty", mapCost: "Cost", sample });
    expect(preview.data.preview).toEqual({
      header: ["SKU", "Qty", "Cost"],
      problem: null,
      rows: [
        { row: 2, cells: ["KET-RED", "7", "12.50"], reading: "KET-RED: 7 units" },
        { row: 3, cells: ["MUG", "-2", "3"], reading: 'refused: quantity "-2" is not a whole number of units' },
      ],
    });
    const wrongColumn = await post(shop.domain, { ...goodFeed(vendor.id), intent: "preview", mapQuantity: "stock", sample });
    expect(wrongColumn.data.preview?.problem).toBe('the file\'s header has no column "stock" (it has "SKU", "Qty", "Cost")');
    expect(await prisma.vendorFeed.count({ where: { vendorId: vendor.id } })).toBe(0);
  });

  it("given a saved SFTP feed, then its password is sealed and never on the screen", async () => {
    const { shop, vendor } = await shopWithVendor();
    expect((await post(shop.domain, goodFeed(vendor.id))).data).toMatchObject({ ok: true, message: "Feed saved" });
    const feed = await prisma.vendorFeed.findFirstOrThrow({ where: { vendorId: vendor.id } });
    expect(feed).toMatchObject({ source: "SFTP", sftpPort: 2222, schedule: "DAILY", dailyAt: "06:30", mapping: { sku: "sku", quantity: "qty" } });
    expect(feed.credentialsCiphertext).not.toContain("s3cret");
    const page = await loader({
      request: new Request("https://anchorline.test/app/vendors", { headers: { authorization: `Bearer ${await sessionToken(shop.domain)}` } }),
      params: {},
      context: {},
    });
    expect(JSON.stringify(page)).not.toContain("s3cret");
    expect(JSON.stringify(page)).not.toContain(feed.credentialsCiphertext!);
  });

  it("given an upload feed, when the merchant uploads a file with an unclosed quote, then nothing is imported, the screen says why and the run records it; a good file then imports with its counts", async () => {
    const { shop, vendor } = await shopWithVendor();
    await post(shop.domain, { ...goodFeed(vendor.id), source: "UPLOAD", schedule: "HOURLY" });
    const feed = await prisma.vendorFeed.findFirstOrThrow({ where: { vendorId: vendor.id } });
    const broken = new File(['sku,qty\nKET-RED,5\n"MUG,3\n'], "stock.csv");
    const refused = await post(shop.domain, { intent: "upload", feedId: feed.id, file: broken });
    expect(refused.init?.status).toBe(422);
    expect(refused.data.errors.file).toMatch(/^Nothing was imported: row \d+: .*quote/i);
    expect(await prisma.inventoryLevel.count({ where: { locationId: vendor.locationId } })).toBe(0);
    expect(await prisma.vendorFeedRun.findFirstOrThrow({ where: { feedId: feed.id } })).toMatchObject({ status: "FAILED" });

    const good = new File(["sku,qty\nKET-RED,5\nNOPE-1,3\nKET-RED,4\n,2\n"], "stock.csv");
    const imported = await post(shop.domain, { intent: "upload", feedId: feed.id, file: good });
    expect(imported.data.message).toBe("Imported: 4 rows read, 1 matched, 1 unknown SKUs, 2 rejected");
    const level = await prisma.inventoryLevel.findFirstOrThrow({ where: { locationId: vendor.locationId } });
    expect(level.available).toBe(5);
    const run = await prisma.vendorFeedRun.findFirstOrThrow({ where: { feedId: feed.id, status: "SUCCEEDED" } });
    expect(run.rejectedRows).toEqual([
      { row: 3, reason: "unknown SKU NOPE-1" },
      { row: 4, reason: "SKU KET-RED appears again (first on row 2)" },
      { row: 5, reason: "no SKU" },
    ]);
  });
});
