import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { adminRequest, installShopSession, sessionToken } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { loader as csvLoader } from "../app.csv.$kind/route";
import { loader as inventoryLoader } from "../app.inventory/route";
import { action, type ArtificialCountsActionResult, loader } from "./route";

// The Artificial counts screen as a merchant uses it. The seeded shop: Amazon lists KET-RED at 6
// (12 in the warehouse less a velocity buffer of 1.5 × 4 safety stock; the vendor's 40 do not feed
// Amazon), and eBay has a cap of 5 for every listing.

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Answer = { data: ArtificialCountsActionResult; init: { status: number } | null };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const vendor = await prisma.location.findFirstOrThrow({ where: { shopId: seeded.shop.id, name: "Vendor" } });
  return { ...seeded, vendor };
}

async function post(domain: string, form: Record<string, string>): Promise<Answer> {
  return (await action(args(await adminRequest(domain, "/app/artificial-counts", { form })))) as unknown as Answer;
}

describe("the Artificial counts screen", () => {
  it("lists the shop's counts in words, the marketplace channels to choose from and the locations, vendors first", async () => {
    const { shop } = await shopInSession();
    const page = await loader(args(await adminRequest(shop.domain, "/app/artificial-counts")));
    expect(page.channels.map((c) => c.name)).toEqual(["Amazon US", "eBay US"]);
    expect(page.locations.map((l) => [l.name, l.isDropShip])).toEqual([
      ["Vendor", true],
      ["Warehouse", false],
    ]);
    expect(page.rules).toEqual([expect.objectContaining({ channelName: "eBay US", target: "every listing", kind: "cap", units: 5, count: "at most 5" })]);
  });

  it("given Amazon listing KET-RED at 5 (12 less its velocity buffer of 7), when a cap of 4 for the variant is previewed, then the preview shows 5 becoming 4 with the cap in its explanation, and nothing is saved", async () => {
    const { shop, channels, listing } = await shopInSession();
    const answer = await post(shop.domain, {
      intent: "preview",
      channelId: channels.amazon.id,
      scope: "variant",
      scopeRef: "KET-RED",
      kind: "cap",
      units: "4",
    });
    expect(answer.data.ok).toBe(true);
    expect(answer.data.preview?.affected).toBe(1);
    expect(answer.data.preview?.rows).toEqual([expect.objectContaining({ listingId: listing.id, channelName: "Amazon US", before: 5, after: 4 })]);
    expect(answer.data.preview?.rows[0].explanationAfter).toContain("Listed at most 4 units (cap)");
    expect(await prisma.allocationRule.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("previews each kind with the engine's numbers: 25% of the pool of 12 is 3, a fixed 9 replaces the buffered 5, 10% of the vendor's 40 is 4", async () => {
    const { shop, channels, vendor } = await shopInSession();
    const amazon = { intent: "preview", channelId: channels.amazon.id, scope: "channel" };
    const share = await post(shop.domain, { ...amazon, kind: "pool_share", percent: "25" });
    expect(share.data.preview?.rows.map((r) => [r.before, r.after])).toEqual([[5, 3]]);
    const fixed = await post(shop.domain, { ...amazon, kind: "fixed", units: "9" });
    expect(fixed.data.preview?.rows.map((r) => [r.before, r.after])).toEqual([[5, 9]]);
    expect(fixed.data.preview?.rows[0].explanationAfter).toContain("Fixed count of 9 units replaces the computed figure (buffer not applied)");
    const vendorShare = await post(shop.domain, { ...amazon, kind: "vendor_share", percent: "10", locationId: vendor.id });
    expect(vendorShare.data.preview?.rows.map((r) => [r.before, r.after])).toEqual([[5, 4]]);
    expect(vendorShare.data.preview?.rows[0].explanationAfter).toContain("Share of Vendor: 10% of 40 units, rounded down = at most 4 units");
  });

  it("saves a cap against the variant's id, marks the listing stale, records who did it, and once recomputed the listing's Why? shows the cap", async () => {
    const { shop, channels, listing, variant } = await shopInSession();
    const answer = await post(shop.domain, { intent: "save", channelId: channels.amazon.id, scope: "variant", scopeRef: "KET-RED", kind: "cap", units: "4" });
    expect(answer.data).toMatchObject({ ok: true, message: "Artificial count saved; quantities are being recomputed" });
    const rule = await prisma.allocationRule.findFirstOrThrow({ where: { shopId: shop.id, scope: "VARIANT" } });
    expect(rule).toMatchObject({ channelId: channels.amazon.id, scopeValue: variant.id, kind: "CAP", units: 4, percentBps: null, locationId: null });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "allocation_rule.created", subjectId: rule.id } })).toBe(1);
    const page = await loader(args(await adminRequest(shop.domain, "/app/artificial-counts")));
    expect(page.rules.find((r) => r.id === rule.id)).toMatchObject({ target: "variant KET-RED", scopeRef: "KET-RED", count: "at most 4" });

    await recomputeStaleListings(shop.id);
    const inventory = await inventoryLoader(args(await adminRequest(shop.domain, `/app/inventory?explain=${listing.id}`)));
    expect(inventory.explanation).toMatchObject({ desiredQuantity: 4 });
    expect(inventory.explanation?.quantity).toContain("Listed at most 4 units (cap)");
  });

  it("changes a count in place when the form carries its id (edit), and deletes one", async () => {
    const { shop, channels } = await shopInSession();
    const rule = await prisma.allocationRule.findFirstOrThrow({ where: { shopId: shop.id } });
    const edited = await post(shop.domain, {
      intent: "save",
      ruleId: rule.id,
      channelId: channels.ebay.id,
      scope: "channel",
      kind: "pool_share",
      percent: "30",
    });
    expect(edited.data.ok).toBe(true);
    expect(await prisma.allocationRule.findMany({ where: { shopId: shop.id } })).toEqual([
      expect.objectContaining({ id: rule.id, kind: "POOL_SHARE", percentBps: 3000, units: null }),
    ]);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "allocation_rule.changed", subjectId: rule.id } })).toBe(1);

    const deleted = await post(shop.domain, { intent: "delete", ruleId: rule.id });
    expect(deleted.data).toMatchObject({ ok: true, message: "Artificial count deleted; quantities are being recomputed" });
    expect(await prisma.allocationRule.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("given a cap below zero, a share over 100%, an absurd fixed count, no channel or no vendor location, when previewed or saved, then each is refused on its field naming it, and nothing is saved", async () => {
    const { shop, channels } = await shopInSession();
    const amazon = { channelId: channels.amazon.id, scope: "channel" };
    const refused = async (form: Record<string, string>) => {
      const answer = await post(shop.domain, form);
      expect(answer.init?.status).toBe(400);
      return answer.data.errors;
    };
    expect(await refused({ intent: "save", ...amazon, kind: "cap", units: "-1" })).toEqual({ units: "Cap must be between 0 and 1,000,000" });
    expect(await refused({ intent: "preview", ...amazon, kind: "pool_share", percent: "120" })).toEqual({
      percent: "Share of pool must be between 0% and 100%",
    });
    expect(await refused({ intent: "save", ...amazon, kind: "fixed", units: "1e12" })).toEqual({ units: "Fixed count must be between 0 and 1,000,000" });
    expect(await refused({ intent: "save", ...amazon, kind: "fixed", units: "2.5" })).toEqual({ units: "Fixed count must be a whole number" });
    expect(await refused({ intent: "save", ...amazon, kind: "cap", units: "" })).toEqual({ units: "Cap must be a number" });
    expect(await refused({ intent: "save", ...amazon, kind: "vendor_share", percent: "101", locationId: "" })).toEqual({
      percent: "Share of vendor must be between 0% and 100%",
      locationId: "Vendor location is required",
    });
    expect(await refused({ intent: "save", scope: "channel", kind: "cap", units: "3" })).toEqual({ channelId: "Choose the channel the count is for" });
    expect(await refused({ intent: "save", ...amazon, scope: "variant", scopeRef: "NO-SUCH-SKU", kind: "cap", units: "3" })).toEqual({
      scopeRef: 'No variant sku "NO-SUCH-SKU" in this shop',
    });
    expect(await refused({ intent: "save", ...amazon, kind: "half", units: "3" })).toEqual({
      kind: "Count type must be a cap, a share of the pool, a fixed number or a share of a vendor",
    });
    // The bounds themselves are allowed
    expect((await post(shop.domain, { intent: "preview", ...amazon, kind: "cap", units: "0" })).data.preview?.rows.map((r) => r.after)).toEqual([0]);
    expect((await post(shop.domain, { intent: "preview", ...amazon, kind: "pool_share", percent: "100" })).data.ok).toBe(true);
    expect(await prisma.allocationRule.count({ where: { shopId: shop.id } })).toBe(1);
  });

  it("refuses another shop's count, channel and location with 404, and changes nothing", async () => {
    const mine = await shopInSession();
    const theirs = await shopInSession();
    const theirRule = await prisma.allocationRule.findFirstOrThrow({ where: { shopId: theirs.shop.id } });
    expect((await post(mine.shop.domain, { intent: "delete", ruleId: theirRule.id })).init?.status).toBe(404);
    const save = { intent: "save", scope: "channel", kind: "cap", units: "1" };
    expect((await post(mine.shop.domain, { ...save, ruleId: theirRule.id, channelId: mine.channels.ebay.id })).init?.status).toBe(404);
    expect((await post(mine.shop.domain, { ...save, channelId: theirs.channels.ebay.id })).init?.status).toBe(404);
    const vendor = { intent: "save", channelId: mine.channels.ebay.id, scope: "channel", kind: "vendor_share", percent: "50", locationId: theirs.vendor.id };
    expect((await post(mine.shop.domain, vendor)).init?.status).toBe(404);
    expect(await prisma.allocationRule.findUniqueOrThrow({ where: { id: theirRule.id } })).toMatchObject({ kind: "CAP", units: 5 });
    expect(await prisma.allocationRule.count({ where: { shopId: mine.shop.id } })).toBe(1);
  });
});

describe("artificial counts by CSV, from the screen", () => {
  const download = async (domain: string) =>
    (await csvLoader({ request: await adminRequest(domain, "/app/csv/artificial-counts"), params: { kind: "artificial-counts" }, context: {} })) as Response;
  async function upload(domain: string, file: string): Promise<Answer> {
    const body = new FormData();
    body.set("intent", "import");
    body.set("file", new File([file], "edited.csv", { type: "text/csv" }));
    const request = new Request("https://anchorline.test/app/artificial-counts", {
      method: "POST",
      headers: { authorization: `Bearer ${await sessionToken(domain)}` },
      body,
    });
    return (await action(args(request))) as unknown as Answer;
  }

  it("downloads the counts as an attachment no shared cache keeps, and imports the edited file back, saying how many were added and changed", async () => {
    const { shop } = await shopInSession();
    const response = await download(shop.domain);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="artificial-counts.csv"');
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const exported = await response.text();
    expect(exported).toMatch(/^id,channel,applies_to,target,kind,units,percent,vendor_location\r\n[^,]+,eBay US,channel,,cap,5,,\r\n$/);

    const answer = await upload(shop.domain, `${exported},Amazon US,tag,kitchen,vendor_share,,25,Vendor\r\n`);
    expect(answer.data).toMatchObject({ ok: true, message: "Imported: 1 count added, 1 changed; quantities are being recomputed" });
    expect(await prisma.allocationRule.count({ where: { shopId: shop.id } })).toBe(2);
  });

  it("given a file with a cap below zero and a share over 100%, when imported, then the problems are listed by line on the file field and nothing is imported", async () => {
    const { shop } = await shopInSession();
    const answer = await upload(shop.domain, "channel,applies_to,kind,units,percent\neBay US,channel,cap,-3,\nAmazon US,channel,pool_share,,150\n");
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors.file).toBe("2 problems in the file; nothing was imported");
    expect(answer.data.problems).toEqual([
      { line: 2, field: "units", message: "Cap must be between 0 and 1,000,000" },
      { line: 3, field: "percent", message: "Share of pool must be between 0% and 100%" },
    ]);
    expect(await prisma.allocationRule.count({ where: { shopId: shop.id } })).toBe(1);
  });
});
