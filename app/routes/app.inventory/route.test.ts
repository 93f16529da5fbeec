import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { INVENTORY_PAGE } from "./inventory.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { action, type InventoryActionResult, loader } from "./route";
import { loader as csvLoader } from "../app.csv.$kind/route";
import { releaseJobId } from "~/sync/releases.server";
import { ensureStoreChannel } from "~/channels/store-channel.server";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Refusal = { data: { errors: Record<string, string> }; init: { status: number } };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

const page = async (domain: string, query = "") => loader(args(await adminRequest(domain, `/app/inventory${query}`)));
const refusal = async (domain: string, query: string) => (await page(domain, query).catch((thrown: unknown) => thrown)) as Refusal;

describe("the Inventory screen", () => {
  it("shows per variant what each channel is given and what was pushed, unlisted variants included", async () => {
    const { shop, listing } = await shopInSession();
    const { variants, page: counted } = await page(shop.domain);
    expect(variants.map((v) => v.sku).sort()).toEqual(["KET-2", "KET-RED"]);
    const red = variants.find((v) => v.sku === "KET-RED")!;
    expect(red.listings).toEqual([
      expect.objectContaining({ id: listing.id, channelName: "Amazon US", desiredQuantity: 8, pushedQuantity: null, syncState: "PENDING", stale: false }),
    ]);
    expect(variants.find((v) => v.sku === "KET-2")!.listings).toEqual([]);
    expect(counted).toEqual({ number: 1, size: INVENTORY_PAGE, total: 2, from: 1, to: 2 });
  });

  it("given the shop's store channel (the anchor, never pushed to), when the screen loads, then it has no column or filter choice, and asking for it by id is not found", async () => {
    const { shop } = await shopInSession();
    const store = await ensureStoreChannel(prisma, shop.id);
    expect((await page(shop.domain)).channels.map((c) => c.name)).toEqual(["Amazon US", "eBay US"]);
    expect((await refusal(shop.domain, `?channelId=${store.id}`)).init.status).toBe(404);
  });

  it("searches by SKU prefix, title or barcode, and filters by channel, sync state, stock and open alert", async () => {
    const { shop, channels, variant } = await shopInSession();
    await prisma.variant.update({ where: { id: variant.id }, data: { barcode: "0012345678905" } });
    expect((await page(shop.domain, "?q=ket-r")).variants.map((v) => v.sku)).toEqual(["KET-RED"]);
    expect((await page(shop.domain, "?q=two-pack")).variants.map((v) => v.sku)).toEqual(["KET-2"]);
    expect((await page(shop.domain, "?q=0012345678905")).variants.map((v) => v.sku)).toEqual(["KET-RED"]);
    // A wildcard typed is a character searched for, not "anything".
    expect((await page(shop.domain, "?q=%25")).variants).toEqual([]);
    expect((await page(shop.domain, `?channelId=${channels.ebay.id}`)).variants).toEqual([]);
    expect((await page(shop.domain, "?state=PENDING")).variants.map((v) => v.sku)).toEqual(["KET-RED"]);
    expect((await page(shop.domain, "?state=HELD")).variants).toEqual([]);
    // The seeded oversell alert is open on KET-RED's Amazon listing.
    expect((await page(shop.domain, "?alert=open")).variants.map((v) => [v.sku, v.listings.map((l) => l.alerted)])).toEqual([["KET-RED", [true]]]);
    // KET-RED has 12 + 40 in Shopify; KET-2 (a bundle) has no stock of its own and is neither.
    expect((await page(shop.domain, "?stock=low")).variants).toEqual([]);
    expect((await page(shop.domain, "?stock=low&lowAt=60")).variants.map((v) => [v.sku, v.available])).toEqual([["KET-RED", 52]]);
    await prisma.inventoryLevel.updateMany({ where: { shopId: shop.id }, data: { available: 0 } });
    expect((await page(shop.domain, "?stock=out")).variants.map((v) => [v.sku, v.available])).toEqual([["KET-RED", 0]]);
  });

  it("given a shop with no channel connected yet, when filtered by sync state or open alert, then nothing matches and the catalogue still lists", async () => {
    const { shop } = await shopInSession();
    await prisma.channel.deleteMany({ where: { shopId: shop.id } });
    expect((await page(shop.domain, "?state=PENDING")).variants).toEqual([]);
    expect((await page(shop.domain, "?alert=open")).variants).toEqual([]);
    expect((await page(shop.domain)).page.total).toBe(2);
  });

  it("sorts by SKU, quantity in Shopify and last update, either way", async () => {
    const { shop, variant } = await shopInSession();
    const skus = async (query: string) => (await page(shop.domain, query)).variants.map((v) => v.sku);
    expect(await skus("")).toEqual(["KET-2", "KET-RED"]);
    expect(await skus("?dir=desc")).toEqual(["KET-RED", "KET-2"]);
    // Without stock of its own (null) the bundle comes last either way.
    expect(await skus("?sort=quantity&dir=desc")).toEqual(["KET-RED", "KET-2"]);
    await prisma.variant.update({ where: { id: variant.id }, data: { title: "Red (new)" } });
    expect(await skus("?sort=updated&dir=desc")).toEqual(["KET-RED", "KET-2"]);
    expect(await skus("?sort=updated&dir=asc")).toEqual(["KET-2", "KET-RED"]);
  });

  it("given 108 variants, when paged, then every variant is shown once, 50 a page, with the totals; a page past the last shows the last and says so", async () => {
    const { shop } = await shopInSession();
    const product = await prisma.product.findFirstOrThrow({ where: { shopId: shop.id } });
    await prisma.variant.createMany({
      data: Array.from({ length: 2 * INVENTORY_PAGE + 6 }, (_, i) => ({
        shopId: shop.id,
        productId: product.id,
        shopifyId: String(5000 + i),
        title: `Size ${i}`,
        sku: `BULK-${String(i).padStart(3, "0")}`,
        priceCents: 100,
      })),
    });
    const seen: string[] = [];
    const pages = [];
    for (const n of [1, 2, 3]) {
      const result = await page(shop.domain, `?page=${n}`);
      pages.push(result.page);
      seen.push(...result.variants.map((v) => v.id));
    }
    expect(pages).toEqual([
      { number: 1, size: INVENTORY_PAGE, total: 108, from: 1, to: 50 },
      { number: 2, size: INVENTORY_PAGE, total: 108, from: 51, to: 100 },
      { number: 3, size: INVENTORY_PAGE, total: 108, from: 101, to: 108 },
    ]);
    expect(new Set(seen).size).toBe(108);
    const past = await page(shop.domain, "?page=9");
    expect([past.page.number, past.variants.length, past.notice]).toEqual([3, 8, "Page 9 is past the last page: showing page 3 of 3"]);
  });

  it("shows prices in the shop's currency", async () => {
    const { shop } = await shopInSession();
    await prisma.shop.update({ where: { id: shop.id }, data: { currencyCode: "EUR" } });
    const red = (await page(shop.domain)).variants.find((v) => v.sku === "KET-RED")!;
    expect([red.price, red.listings[0].desiredPrice]).toEqual(["49.99 EUR", "–"]);
    await prisma.shop.update({ where: { id: shop.id }, data: { currencyCode: "JPY" } });
    expect((await page(shop.domain)).variants.find((v) => v.sku === "KET-RED")!.price).toBe("4,999 JPY");
  });

  it("refuses a page, sort, direction, stock or alert it does not know, naming the parameter", async () => {
    const { shop } = await shopInSession();
    const errors = async (query: string) => {
      const answer = await refusal(shop.domain, query);
      expect(answer.init.status).toBe(400);
      return answer.data.errors;
    };
    expect(await errors("?page=0")).toEqual({ page: "Page must be between 1 and 1000000" });
    expect(await errors("?page=two")).toEqual({ page: "Page must be a whole number" });
    expect(await errors("?sort=price")).toEqual({ sort: "Sort must be sku, quantity or updated" });
    expect(await errors("?dir=up")).toEqual({ dir: 'Direction must be "asc" or "desc"' });
    expect(await errors("?stock=some")).toEqual({ stock: 'Stock must be "out" (none left in Shopify) or "low"' });
    expect(await errors("?lowAt=-1")).toEqual({ lowAt: "Low stock at must be a whole number" });
    expect(await errors("?alert=yes")).toEqual({ alert: 'Alert must be "open" (an alert not yet resolved) or blank' });
  });

  it("shows the engine's explanation of one listing on demand", async () => {
    const { shop, listing } = await shopInSession();
    await prisma.listing.update({
      where: { id: listing.id },
      data: {
        desiredPriceCents: 5499,
        explanation: {
          quantity: [
            { rule: "pool", inputs: {}, effect: 12, result: 12, text: "Warehouse: 12 units" },
            { rule: "result", inputs: {}, effect: 0, result: 6, text: "Available to sell on Amazon US: 6 units" },
          ],
          price: [{ rule: "price.anchorShopify", inputs: {}, effect: 4999, result: 4999, text: "Anchor: Shopify price 49.99" }],
          priceNotices: [{ code: "costUnknown", message: "No cost known: profitability not checked" }],
          parity: [],
        },
      },
    });
    const { explanation } = await page(shop.domain, `?explain=${listing.id}`);
    expect(explanation).toMatchObject({
      listingId: listing.id,
      computed: true,
      desiredQuantity: 8,
      desiredPriceCents: 5499,
      quantity: ["Warehouse: 12 units", "Available to sell on Amazon US: 6 units"],
      price: ["Anchor: Shopify price 49.99"],
      notices: ["No cost known: profitability not checked"],
    });
  });

  it("refuses a sync state it does not know, naming the field", async () => {
    const { shop } = await shopInSession();
    const answer = await refusal(shop.domain, "?state=LOST");
    expect(answer.init.status).toBe(400);
    expect(answer.data.errors.state).toBe("State must be in sync, pending, held or failed");
  });

  it("refuses another shop's listing, channel and variant ids", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    expect((await refusal(mine.shop.domain, `?explain=${theirs.listing.id}`)).init.status).toBe(404);
    expect((await refusal(mine.shop.domain, `?channelId=${theirs.channels.amazon.id}`)).init.status).toBe(404);
    const answer = (await action(
      args(await adminRequest(mine.shop.domain, "/app/inventory", { form: { intent: "recompute", variantId: theirs.variant.id } })),
    )) as unknown as Refusal;
    expect(answer.init.status).toBe(404);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: theirs.listing.id } })).staleSince).toBeNull();
  });

  it("recomputes a variant's listings on request and records who asked", async () => {
    const { shop, variant, listing } = await shopInSession();
    const answer = (await action(
      args(await adminRequest(shop.domain, "/app/inventory", { form: { intent: "recompute", variantId: variant.id } })),
    )) as unknown as { data: InventoryActionResult };
    expect(answer.data).toMatchObject({ ok: true, message: "Recomputing 1 listing" });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "variant.recompute_requested", subjectId: variant.id } })).toBe(1);
  });
});

describe("the Inventory screen: a listing Amazon fulfils (FBA)", () => {
  it("given an Amazon listing marked fulfilled by the marketplace with 12 in Amazon's warehouse beside an eBay listing given the pool, when the screen loads, then the FBA row shows \"Amazon's warehouse: 12\" and the eBay row its given quantity", async () => {
    // Given
    const { shop, listing, channels, variant } = await shopInSession();
    const readAt = new Date("2026-12-06T08:00:00Z");
    await prisma.listing.update({
      where: { id: listing.id },
      data: { fulfilledByMarketplace: true, desiredQuantity: null, marketplaceQuantity: 12, marketplaceQuantityAt: readAt },
    });
    await prisma.listing.create({ data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "EB-KET", desiredQuantity: 8 } });
    // When
    const { variants } = await page(shop.domain);
    // Then
    const rows = variants.find((v) => v.sku === "KET-RED")!.listings;
    expect(rows.find((l) => l.id === listing.id)).toMatchObject({
      fulfilledByMarketplace: true,
      ownStock: { by: "Amazon", quantity: 12, readAt: readAt.toISOString(), text: "Amazon's warehouse: 12" },
    });
    expect(rows.find((l) => l.channelSku === "EB-KET")).toMatchObject({ fulfilledByMarketplace: false, ownStock: null, desiredQuantity: 8 });
  });
});

describe("the Inventory screen: switching who ships a listing", () => {
  const post = async (domain: string, form: Record<string, string>) =>
    (await action(args(await adminRequest(domain, "/app/inventory", { form: { intent: "fulfilment", ...form } })))) as unknown as {
      data: InventoryActionResult;
      init: { status: number } | null;
    };

  it("given an Amazon listing shipped from the merchant's stock with a quantity pushed, when the merchant switches it to FBA, then it no longer draws on the pool, what was pushed is forgotten, it is recomputed, the row offers the way back, and the switch is in the activity log", async () => {
    // Given
    const { shop, listing } = await shopInSession();
    await prisma.listing.update({ where: { id: listing.id }, data: { pushedQuantity: 8, observedQuantity: 8, observedAt: new Date() } });
    expect((await page(shop.domain)).variants.find((v) => v.sku === "KET-RED")!.listings[0]).toMatchObject({
      fulfilledByMarketplace: false,
      marketplaceFulfilment: "Fulfilled by Amazon (FBA)",
    });
    // When
    const answer = await post(shop.domain, { listingId: listing.id, fulfilledBy: "marketplace" });
    // Then
    expect(answer.data).toMatchObject({ ok: true, message: expect.stringContaining("now ships from Fulfilled by Amazon (FBA)") });
    expect(await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).toMatchObject({
      fulfilledByMarketplace: true,
      pushedQuantity: null,
      observedQuantity: null,
      staleSince: expect.any(Date),
    });
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "listing.fulfilment_changed", subjectId: listing.id } })).toBe(1);
    // And back: the merchant ships it again
    expect((await post(shop.domain, { listingId: listing.id, fulfilledBy: "merchant" })).data.ok).toBe(true);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).fulfilledByMarketplace).toBe(false);
  });

  it("given an eBay listing, when the merchant asks eBay to ship it, then it is refused with the reason on the field and nothing changes; a word other than merchant or marketplace is refused too", async () => {
    const { shop, channels, variant } = await shopInSession();
    const ebay = await prisma.listing.create({ data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "EB-KET" } });

    const refused = await post(shop.domain, { listingId: ebay.id, fulfilledBy: "marketplace" });
    expect(refused.init?.status).toBe(400);
    expect(refused.data.errors.fulfilledBy).toMatch(/has no fulfilment of its own/);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: ebay.id } })).fulfilledByMarketplace).toBe(false);

    const garbled = await post(shop.domain, { listingId: ebay.id, fulfilledBy: "FBA" });
    expect(garbled.init?.status).toBe(400);
    expect(garbled.data.errors.fulfilledBy).toMatch(/"merchant".*"marketplace"/);
  });

  it("given another shop's listing, when switched, then 404 and it is untouched", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    const answer = (await action(
      args(
        await adminRequest(mine.shop.domain, "/app/inventory", { form: { intent: "fulfilment", listingId: theirs.listing.id, fulfilledBy: "marketplace" } }),
      ),
    )) as unknown as Refusal;
    expect(answer.init.status).toBe(404);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: theirs.listing.id } })).fulfilledByMarketplace).toBe(false);
  });
});

describe("the Inventory screen: bulk actions on the rows ticked", () => {
  type Answer = { data: InventoryActionResult; init: { status: number } | null };
  const post = async (domain: string, form: Record<string, string>) =>
    (await action(args(await adminRequest(domain, "/app/inventory", { form })))) as unknown as Answer;

  it("given two variants ticked, when Recompute is chosen, then both variants' listings are marked and each request is in the activity log; another shop's variant among them refuses the lot", async () => {
    const { shop, variant, listing, channels } = await shopInSession();
    const two = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, sku: "KET-2" } });
    const ebay = await prisma.listing.create({ data: { shopId: shop.id, channelId: channels.ebay.id, variantId: two.id, channelSku: "EB-KET-2" } });
    const theirs = await seedShopWithEveryModel(prisma);

    const refused = (await action(
      args(await adminRequest(shop.domain, "/app/inventory", { form: { intent: "bulk-recompute", variantIds: `${variant.id},${theirs.variant.id}` } })),
    )) as unknown as Refusal;
    expect(refused.init.status).toBe(404);
    expect(await prisma.listing.count({ where: { id: { in: [listing.id, ebay.id] }, staleSince: { not: null } } })).toBe(0);

    const answer = await post(shop.domain, { intent: "bulk-recompute", variantIds: `${variant.id},${two.id}` });
    expect(answer.data).toMatchObject({ ok: true, message: "Recomputing 2 listings of 2 variants" });
    expect(await prisma.listing.count({ where: { id: { in: [listing.id, ebay.id] }, staleSince: { not: null } } })).toBe(2);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "variant.recompute_requested" } })).toBe(2);
  });

  it("given an Amazon and an eBay listing ticked, when Ship with FBA is chosen, then it is refused naming eBay and neither changes; the Amazon listing alone switches, and back", async () => {
    const { shop, listing, channels, variant } = await shopInSession();
    const ebay = await prisma.listing.create({ data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "EB-KET" } });

    const refused = await post(shop.domain, { intent: "bulk-fulfilment", fulfilledBy: "marketplace", listingIds: `${listing.id},${ebay.id}` });
    expect(refused.init?.status).toBe(400);
    expect(refused.data.errors.fulfilledBy).toBe("eBay US has no fulfilment of its own: EB-KET ship from your stock. Nothing was switched");
    expect(await prisma.listing.count({ where: { shopId: shop.id, fulfilledByMarketplace: true } })).toBe(0);

    const switched = await post(shop.domain, { intent: "bulk-fulfilment", fulfilledBy: "marketplace", listingIds: listing.id });
    expect(switched.data).toMatchObject({ ok: true, message: expect.stringContaining("1 of 1 listing switched") });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).fulfilledByMarketplace).toBe(true);
    expect((await post(shop.domain, { intent: "bulk-fulfilment", fulfilledBy: "merchant", listingIds: `${listing.id},${ebay.id}` })).data.ok).toBe(true);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).fulfilledByMarketplace).toBe(false);

    const empty = await post(shop.domain, { intent: "bulk-fulfilment", fulfilledBy: "merchant", listingIds: "" });
    expect([empty.init?.status, empty.data.errors.listingIds]).toEqual([400, "Choose the listings"]);
  });
});

describe("a variant's holds on the Inventory screen", () => {
  type Answer = { data: InventoryActionResult; init: { status: number } | null };
  const post = async (domain: string, form: Record<string, string>) =>
    (await action(args(await adminRequest(domain, "/app/inventory", { form: { intent: "holds", ...form } })))) as unknown as Answer;

  it("given the merchant opens a variant's holds and saves a release date ahead and discontinued, then both are saved in the shop's time zone, its listings recompute, the release is scheduled, and the row shows them", async () => {
    const { shop, variant } = await shopInSession();
    await prisma.shop.update({ where: { id: shop.id }, data: { settings: { timeZone: "America/New_York" } } });
    const opened = await page(shop.domain, `?holds=${variant.id}`);
    expect(opened.holds).toEqual({
      variantId: variant.id,
      name: "KET-RED · Kettle – Red",
      discontinued: false,
      releaseAt: "",
      tagged: { discontinued: false, releaseAt: null },
    });
    expect(opened.timeZone).toBe("America/New_York");

    const answer = await post(shop.domain, { variantId: variant.id, discontinued: "on", releaseAt: "2031-01-15T09:00" });
    expect(answer.data).toMatchObject({ ok: true, message: expect.stringContaining("held at 0 until 2031-01-15T09:00 (America/New_York)") });
    const saved = await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } });
    expect([saved.discontinued, saved.releaseAt?.toISOString()]).toEqual([true, "2031-01-15T14:00:00.000Z"]);
    expect(await prisma.listing.count({ where: { variantId: variant.id, staleSince: { not: null } } })).toBe(1);
    const job = await queues().recompute.getJob(releaseJobId(shop.id, saved.releaseAt!));
    expect(job?.name).toBe("release");

    const row = (await page(shop.domain, `?holds=${variant.id}`)).variants.find((v) => v.id === variant.id)!;
    expect([row.discontinued, row.heldUntil]).toEqual([true, "2031-01-15T09:00"]);
    await job?.remove();
  });

  it("given a product tagged anchorline:discontinued and a release day in Shopify, then its rows and its holds card show the holds the tags give", async () => {
    const { shop, variant } = await shopInSession();
    await prisma.product.updateMany({ where: { shopId: shop.id }, data: { tags: ["kitchen", "anchorline:discontinued", "anchorline:release:2031-06-01"] } });
    const opened = await page(shop.domain, `?holds=${variant.id}`);
    expect(opened.holds).toMatchObject({ discontinued: false, releaseAt: "", tagged: { discontinued: true, releaseAt: "2031-06-01" } });
    const row = opened.variants.find((v) => v.id === variant.id)!;
    expect([row.discontinued, row.heldUntil]).toEqual([true, "2031-06-01"]);
  });

  it("given an unparseable release date, when saved, then it is refused on the field and nothing changes", async () => {
    const { shop, variant } = await shopInSession();
    const answer = await post(shop.domain, { variantId: variant.id, discontinued: "on", releaseAt: "soon" });
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors).toEqual({ releaseAt: expect.stringContaining('Release date "soon" is not a date') });
    expect(await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).toMatchObject({ discontinued: false, releaseAt: null });
  });

  it("given another shop's variant, when its holds are opened or saved, then 404 and it is untouched", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    expect((await refusal(mine.shop.domain, `?holds=${theirs.variant.id}`)).init.status).toBe(404);
    expect((await post(mine.shop.domain, { variantId: theirs.variant.id, discontinued: "on", releaseAt: "" })).init?.status).toBe(404);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: theirs.variant.id } })).discontinued).toBe(false);
  });

  it("given the holds CSV exported, edited and uploaded, then the holds change; a bad date is refused by line and column with nothing saved", async () => {
    const { shop, variant } = await shopInSession();
    const exported = (await csvLoader({
      request: await adminRequest(shop.domain, "/app/csv/variant-holds"),
      params: { kind: "variant-holds" },
      context: {},
    })) as Response;
    expect(exported.headers.get("content-disposition")).toBe('attachment; filename="variant-holds.csv"');
    expect(await exported.text()).toBe("sku,discontinued,release_at\r\nKET-2,no,\r\nKET-RED,no,\r\n");

    const upload = async (file: string) =>
      (await action(args(await adminRequest(shop.domain, "/app/inventory", { form: { intent: "import-holds", file } })))) as unknown as Answer;
    const refused = await upload("sku,discontinued,release_at\r\nKET-2,yes,\r\nKET-RED,no,2031-02-31\r\n");
    expect(refused.init?.status).toBe(400);
    expect(refused.data.problems).toEqual([{ line: 3, field: "release_at", message: expect.stringContaining('"2031-02-31" is not a date') }]);
    expect(await prisma.variant.count({ where: { shopId: shop.id, discontinued: true } })).toBe(0);

    const accepted = await upload("sku,discontinued\r\nKET-RED,yes\r\n");
    expect(accepted.data).toMatchObject({ ok: true, message: expect.stringContaining("1 variant's holds changed") });
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).discontinued).toBe(true);
  });
});
