import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ensureStoreChannel } from "~/channels/store-channel.server";
import { parseCsv } from "~/lib/csv";
import { queues } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { exportBufferRules, exportListingLinks, importBufferRules, importListingLinks } from "./bulk-csv.server";

afterAll(async () => {
  await queues().close();
});

const HEADER = "id,channel,applies_to,target,kind,units,percent,lead_time_days,safety_stock,risk_multiplier,low_stock_threshold";
const recordsOf = (csv: string) => {
  const parsed = parseCsv(csv);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.records.map((r) => r.fields);
};

describe("buffer rules as CSV", () => {
  it("exports each rule with the name of its channel and the SKU it targets, not internal ids", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    const rule = await prisma.bufferRule.create({
      data: { shopId: shop.id, channelId: channels.ebay.id, scope: "VARIANT", scopeValue: variant.id, kind: "PERCENT", percentBps: 1250, lowStockThreshold: 2 },
    });
    const rows = recordsOf(await exportBufferRules(shop.domain));
    expect(rows[0].join(",")).toBe(HEADER);
    expect(rows).toContainEqual([expect.any(String), "Amazon US", "channel", "", "velocity", "", "", "2", "4", "", ""]);
    expect(rows).toContainEqual([rule.id, "eBay US", "variant", "KET-RED", "percent", "", "12.5", "", "", "", "2"]);
  });

  it("imports its own export unchanged: each row updates the rule it came from, none is added", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    const before = await prisma.bufferRule.findMany({ where: { shopId: shop.id } });
    const result = await importBufferRules(shop.domain, await exportBufferRules(shop.domain), "merchant:test");
    expect(result).toEqual({ ok: true, created: 0, updated: 1 });
    const after = await prisma.bufferRule.findMany({ where: { shopId: shop.id } });
    expect(after.map((r) => [r.id, r.kind, r.leadTimeDays?.toString(), r.safetyStock])).toEqual(
      before.map((r) => [r.id, r.kind, r.leadTimeDays?.toString(), r.safetyStock]),
    );
  });

  it("adds rows without an id and changes rows with one, marks the listings stale and records one import", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    const existing = await prisma.bufferRule.findFirstOrThrow({ where: { shopId: shop.id } });
    const csv = `${HEADER}\r\n${existing.id},Amazon US,channel,,fixed,3,,,,,\r\n,every channel,tag,kitchen,percent,,20,,,,5\r\n`;
    expect(await importBufferRules(shop.domain, csv, "merchant:test")).toEqual({ ok: true, created: 1, updated: 1 });
    expect(await prisma.bufferRule.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({
      kind: "FIXED",
      units: 3,
      leadTimeDays: null,
      safetyStock: null,
    });
    expect(await prisma.bufferRule.findFirstOrThrow({ where: { shopId: shop.id, scope: "TAG" } })).toMatchObject({
      channelId: null,
      scopeValue: "kitchen",
      percentBps: 2000,
      lowStockThreshold: 5,
    });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(await prisma.auditEvent.findFirst({ where: { shopId: shop.id, action: "buffer_rules.imported" } })).toMatchObject({
      details: { created: 1, updated: 1 },
    });
  });

  it("refuses the whole file when any line is wrong, naming each line and column with the form's message, and writes nothing", async () => {
    const mine = await seedShopWithEveryModel(prisma);
    const theirs = await seedShopWithEveryModel(prisma);
    const theirRule = await prisma.bufferRule.findFirstOrThrow({ where: { shopId: theirs.shop.id } });
    const csv = [
      "applies_to,kind,channel,target,units,percent",
      "channel,fixed,eBay US,,2,", // fine on its own
      "variant,fixed,Amazon US,NO-SUCH-SKU,1,",
      "channel,fixed,Etsy,,1,",
      "channel,percent,,,,120",
      '"tag","fixed","eBay US","multi\nline tag",-1,', // starts on line 6, runs to 7
      "channel,wobbly,,,1,",
    ].join("\n");
    const result = await importBufferRules(mine.shop.domain, csv, "merchant:test");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.field])).toEqual([
      [3, "target"],
      [4, "channel"],
      [5, "percent"],
      [6, "units"],
      [8, "kind"],
    ]);
    expect(result.problems[0].message).toBe('No variant sku "NO-SUCH-SKU" in this shop');
    expect(result.problems[2].message).toBe("Buffer percent must be between 0% and 100%");
    expect(result.problems[3].message).toBe("Buffer units must be between 0 and 1,000,000");
    // Line 2 was fine but is not imported either
    expect(await prisma.bufferRule.count({ where: { shopId: mine.shop.id } })).toBe(1);

    // Another shop's rule id is a problem on its line, never a change to that shop's rule
    const stolen = await importBufferRules(mine.shop.domain, `id,applies_to,kind,units\n${theirRule.id},channel,fixed,99\n`, "merchant:test");
    expect(stolen).toEqual({
      ok: false,
      problems: [{ line: 2, field: "id", message: `No buffer rule with id ${theirRule.id} in this shop; leave id blank to add a rule` }],
    });
    expect(await prisma.bufferRule.findUniqueOrThrow({ where: { id: theirRule.id } })).toMatchObject({ kind: "VELOCITY", units: null });
  });

  it("given a file with a buffer for the Shopify store (the anchor, with no listings), when imported, then its line is refused on the channel column and nothing is saved", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await ensureStoreChannel(prisma, shop.id);
    const result = await importBufferRules(shop.domain, "applies_to,kind,channel,units\nchannel,fixed,Shopify store,2\n", "merchant:test");
    expect(result).toEqual({
      ok: false,
      problems: [{ line: 2, field: "channel", message: "Buffers are for marketplace channels; the Shopify store is the anchor" }],
    });
    expect(await prisma.bufferRule.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("refuses a file without its required columns or rows before reading any rule", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    expect(await importBufferRules(shop.domain, "channel,target\n,\n", "merchant:test")).toMatchObject({
      ok: false,
      problems: [
        { line: 1, field: "applies_to" },
        { line: 1, field: "kind" },
      ],
    });
    expect(await importBufferRules(shop.domain, "applies_to,kind\n", "merchant:test")).toMatchObject({ ok: false, problems: [{ line: 2, field: "file" }] });
  });
});

describe("listing links as CSV", () => {
  it("exports a channel's listings with the Shopify SKU each sells, and refuses another shop's channel", async () => {
    const { shop, channels, listing } = await seedShopWithEveryModel(prisma);
    await prisma.listing.update({ where: { id: listing.id }, data: { externalId: "B00KETTLE" } });
    const exported = await exportListingLinks(shop.domain, channels.amazon.id);
    expect(exported.channelName).toBe("Amazon US");
    expect(recordsOf(exported.csv)).toEqual([
      ["sku", "channel_sku", "external_id", "fulfilled_by"],
      ["KET-RED", "KET-RED", "B00KETTLE", "merchant"],
    ]);
    const theirs = await seedShopWithEveryModel(prisma);
    await expect(exportListingLinks(shop.domain, theirs.channels.amazon.id)).rejects.toThrow("Channel not found");
  });

  it("links new channel SKUs and relinks existing ones, counting each", async () => {
    const { shop, channels, listing } = await seedShopWithEveryModel(prisma);
    const csv = 'sku,channel_sku,external_id\nKET-2,KET-RED,\nKET-RED,"AMZ,NEW",B01\n';
    expect(await importListingLinks(shop.domain, channels.amazon.id, csv, "merchant:test")).toEqual({ ok: true, created: 1, updated: 1 });
    const bundle = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, sku: "KET-2" } });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).variantId).toBe(bundle.id);
    expect(await prisma.listing.findFirst({ where: { shopId: shop.id, channelSku: "AMZ,NEW" } })).toMatchObject({ externalId: "B01" });
  });

  it("puts linkListings' problems back on the file's lines (the header is line 1) and links nothing", async () => {
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    const csv = "sku,channel_sku\nKET-RED,EB-1\nNOPE,EB-2\n\nKET-RED,EB-1\nKET-RED,\n";
    const result = await importListingLinks(shop.domain, channels.ebay.id, csv, "merchant:test");
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 3, field: "sku", message: "No variant in the store has SKU NOPE" },
        { line: 5, field: "channel_sku", message: "Channel SKU EB-1 is already on line 2" },
        { line: 6, field: "channel_sku", message: "Channel SKU is required" },
      ],
    });
    expect(await prisma.listing.count({ where: { shopId: shop.id, channelId: channels.ebay.id } })).toBe(0);
  });

  it("given a links file with fulfilled_by, when imported, then a listing marked marketplace becomes Amazon-fulfilled (what it was pushed forgotten), the export says so, a blank keeps it, and a word other than merchant or marketplace refuses the file naming the column", async () => {
    // Given a listing Anchorline pushed 7 to
    const { shop, channels, listing } = await seedShopWithEveryModel(prisma);
    await prisma.listing.update({ where: { id: listing.id }, data: { pushedQuantity: 7 } });
    // When it is marked fulfilled by the marketplace
    const csv = "sku,channel_sku,fulfilled_by\nKET-RED,KET-RED,Marketplace\nKET-RED,KET-NEW,\n";
    expect(await importListingLinks(shop.domain, channels.amazon.id, csv, "merchant:test")).toEqual({ ok: true, created: 1, updated: 1 });
    // Then
    expect(await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).toMatchObject({ fulfilledByMarketplace: true, pushedQuantity: null });
    expect(await prisma.listing.findFirstOrThrow({ where: { shopId: shop.id, channelSku: "KET-NEW" } })).toMatchObject({ fulfilledByMarketplace: false });
    expect(recordsOf((await exportListingLinks(shop.domain, channels.amazon.id)).csv).map((r) => [r[1], r[3]])).toEqual([
      ["channel_sku", "fulfilled_by"],
      ["KET-NEW", "merchant"],
      ["KET-RED", "marketplace"],
    ]);
    // And a blank keeps it as it is
    await importListingLinks(shop.domain, channels.amazon.id, "sku,channel_sku,fulfilled_by\nKET-RED,KET-RED,\n", "merchant:test");
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).fulfilledByMarketplace).toBe(true);
    // And a bad word refuses the whole file, naming the line and the column
    const refused = await importListingLinks(
      shop.domain,
      channels.amazon.id,
      "sku,channel_sku,fulfilled_by\nKET-RED,KET-RED,merchant\nKET-RED,KET-NEW,FBA\n",
      "merchant:test",
    );
    expect(refused).toEqual({
      ok: false,
      problems: [
        { line: 3, field: "fulfilled_by", message: 'Fulfilled by is "merchant" (from Shopify\'s stock) or "marketplace" (its own warehouse, e.g. Amazon FBA)' },
      ],
    });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).fulfilledByMarketplace).toBe(true);
  });
});
