import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { parseCsv } from "~/lib/csv";
import { queues } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { exportArtificialCounts, importArtificialCounts } from "./artificial-counts.server";

afterAll(async () => {
  await queues().close();
});

const HEADER = "id,channel,applies_to,target,kind,units,percent,vendor_location";
const recordsOf = (csv: string) => {
  const parsed = parseCsv(csv);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.records.map((r) => r.fields);
};

async function seeded() {
  const shop = await seedShopWithEveryModel(prisma);
  const vendor = await prisma.location.findFirstOrThrow({ where: { shopId: shop.shop.id, name: "Vendor" } });
  return { ...shop, vendor };
}

describe("artificial counts as CSV", () => {
  it("exports each count with its channel's name, the SKU it targets, its kind in the form's words and the vendor by name", async () => {
    const { shop, channels, variant, vendor } = await seeded();
    const share = await prisma.allocationRule.create({
      data: {
        shopId: shop.id,
        channelId: channels.amazon.id,
        scope: "VARIANT",
        scopeValue: variant.id,
        kind: "VENDOR_SHARE",
        percentBps: 1250,
        locationId: vendor.id,
      },
    });
    const rows = recordsOf(await exportArtificialCounts(shop.domain));
    expect(rows[0].join(",")).toBe(HEADER);
    expect(rows).toContainEqual([expect.any(String), "eBay US", "channel", "", "cap", "5", "", ""]);
    expect(rows).toContainEqual([share.id, "Amazon US", "variant", "KET-RED", "vendor_share", "", "12.5", "Vendor"]);
  });

  it("imports its own export unchanged: each row updates the count it came from, none is added", async () => {
    const { shop, channels, variant, vendor } = await seeded();
    await prisma.allocationRule.create({
      data: {
        shopId: shop.id,
        channelId: channels.amazon.id,
        scope: "VARIANT",
        scopeValue: variant.id,
        kind: "VENDOR_SHARE",
        percentBps: 1250,
        locationId: vendor.id,
      },
    });
    const before = await prisma.allocationRule.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
    expect(await importArtificialCounts(shop.domain, await exportArtificialCounts(shop.domain), "merchant:test")).toEqual({ ok: true, created: 0, updated: 2 });
    const after = await prisma.allocationRule.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
    const shape = (r: (typeof before)[number]) => [r.id, r.channelId, r.scope, r.scopeValue, r.kind, r.units, r.percentBps, r.locationId];
    expect(after.map(shape)).toEqual(before.map(shape));
  });

  it("adds rows without an id and changes rows with one, marks the listings stale and records one import", async () => {
    const { shop, listing, variant, vendor } = await seeded();
    const existing = await prisma.allocationRule.findFirstOrThrow({ where: { shopId: shop.id } });
    const csv = [
      HEADER,
      `${existing.id},eBay US,channel,,pool_share,,30,`,
      ",Amazon US,variant,KET-RED,fixed,3,,",
      ",amazon us,tag,kitchen,vendor_share,,50,vendor",
      ",Amazon US,channel,,cap,7,,",
    ].join("\r\n");
    expect(await importArtificialCounts(shop.domain, csv, "merchant:test")).toEqual({ ok: true, created: 3, updated: 1 });
    const rules = await prisma.allocationRule.findMany({ where: { shopId: shop.id } });
    expect(rules.map((r) => [r.scope, r.scopeValue, r.kind, r.units, r.percentBps, r.locationId]).sort()).toEqual(
      [
        ["CHANNEL", null, "POOL_SHARE", null, 3000, null],
        ["VARIANT", variant.id, "FIXED", 3, null, null],
        ["TAG", "kitchen", "VENDOR_SHARE", null, 5000, vendor.id],
        ["CHANNEL", null, "CAP", 7, null, null],
      ].sort(),
    );
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(await prisma.auditEvent.findFirst({ where: { shopId: shop.id, action: "allocation_rules.imported" } })).toMatchObject({
      details: { created: 3, updated: 1 },
    });
  });

  it("given a cap below zero, a share over 100%, a vendor location the shop lacks, a rule without a channel and another shop's id, when imported, then every problem is named by line and column and nothing is written", async () => {
    const mine = await seeded();
    const theirs = await seeded();
    const theirRule = await prisma.allocationRule.findFirstOrThrow({ where: { shopId: theirs.shop.id } });
    const csv = [
      "applies_to,kind,channel,target,units,percent,vendor_location,id",
      "channel,cap,eBay US,,2,,,", // fine on its own
      "channel,cap,eBay US,,-1,,,",
      "channel,pool_share,Amazon US,,,120,,",
      "channel,vendor_share,Amazon US,,,50,Dropshipper Ltd,",
      "channel,cap,,,3,,,",
      `channel,cap,eBay US,,1,,,${theirRule.id}`,
      "variant,fixed,Amazon US,NO-SUCH-SKU,1,,,",
      "channel,vendor_share,Amazon US,,,20,,",
    ].join("\n");
    const result = await importArtificialCounts(mine.shop.domain, csv, "merchant:test");
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 3, field: "units", message: "Cap must be between 0 and 1,000,000" },
        { line: 4, field: "percent", message: "Share of pool must be between 0% and 100%" },
        { line: 5, field: "vendor_location", message: 'No location "Dropshipper Ltd" in this shop; write its name as the Locations page shows it' },
        { line: 6, field: "channel", message: "Choose the channel the count is for" },
        { line: 7, field: "id", message: `No artificial count with id ${theirRule.id} in this shop; leave id blank to add a rule` },
        { line: 8, field: "target", message: 'No variant sku "NO-SUCH-SKU" in this shop' },
        { line: 9, field: "vendor_location", message: "Vendor location is required" },
      ],
    });
    // Line 2 was fine but is not imported either; the other shop's count is untouched
    expect(await prisma.allocationRule.count({ where: { shopId: mine.shop.id } })).toBe(1);
    expect(await prisma.allocationRule.findUniqueOrThrow({ where: { id: theirRule.id } })).toMatchObject({ kind: "CAP", units: 5 });
  });

  it("refuses a file without its required columns or rows before reading any count", async () => {
    const { shop } = await seeded();
    expect(await importArtificialCounts(shop.domain, "channel,target\n,\n", "merchant:test")).toMatchObject({
      ok: false,
      problems: [
        { line: 1, field: "applies_to" },
        { line: 1, field: "kind" },
      ],
    });
    expect(await importArtificialCounts(shop.domain, `${HEADER}\n`, "merchant:test")).toEqual({
      ok: false,
      problems: [{ line: 2, field: "file", message: "The file has no rows under its header" }],
    });
  });
});
