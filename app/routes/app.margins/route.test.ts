import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { markChanged } from "~/recompute/index.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { COST_UNKNOWN, MARGINS_PAGE } from "./margins.server";
import { loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Refusal = { data: { errors: Record<string, string> }; init: { status: number } };

/**
 * A shop whose Amazon price rule asks a 40 % minimum margin on top of 50 % fees: KET-RED (cost
 * 20.00) at 54.99 is under its floor of 200.00. Its two-pack, listed on eBay, has no cost in
 * Shopify. Both computed by the real recompute.
 */
async function shopWithMargins() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const shopId = seeded.shop.id;
  // Never priced before (the seeded shop holds a margin row of its own): the first computation.
  await prisma.listingMargin.deleteMany({ where: { shopId } });
  await prisma.priceRule.updateMany({ where: { shopId, channelId: seeded.channels.amazon.id }, data: { feeBps: 5000, minMarginBps: 4000 } });
  const twoPack = await prisma.variant.findFirstOrThrow({ where: { shopId, sku: "KET-2" } });
  const onEbay = await prisma.listing.create({ data: { shopId, channelId: seeded.channels.ebay.id, variantId: twoPack.id, channelSku: "KET-2" } });
  await markChanged(shopId, { kind: "channels" }, { prisma });
  await recomputeStaleListings(shopId, { prisma, requestFlush: async () => {} });
  return { ...seeded, onEbay };
}

const page = async (domain: string, query = "") => loader(args(await adminRequest(domain, `/app/margins${query}`)));
const refusal = async (domain: string, query: string) => (await page(domain, query).catch((thrown: unknown) => thrown)) as Refusal;

describe("the Margins screen", () => {
  it("given a listing priced under its fee-inclusive floor, then the merchant sees it under floor with its price, fees, cost, margin and floor, and the channel's summary counts it", async () => {
    const { shop, listing, channels } = await shopWithMargins();
    const underFloor = await page(shop.domain, "?underFloor=1");
    expect(underFloor.total).toBe(1);
    expect(underFloor.rows).toEqual([
      expect.objectContaining({
        listingId: listing.id,
        sku: "KET-RED",
        product: "Kettle – Red",
        channelName: "Amazon US",
        // 49.99 + 10 %, up to .99; fees 50 % of it; no shipping; margin 54.99 − 27.50 − 20.00.
        price: "$54.99",
        fees: "$27.50",
        shipping: "$0.00",
        cost: "$20.00",
        margin: "$7.49 (13.62%)",
        floor: "$200.00",
        underFloor: true,
        cause: "price 54.99 is under the floor of 200.00",
        why: `/app/inventory?explain=${listing.id}`,
      }),
    ]);
    expect(underFloor.summary).toEqual([
      { channelId: channels.amazon.id, channelName: "Amazon US", listings: 1, underFloor: 1, costUnknown: 0, averageMargin: "13.62%" },
      { channelId: channels.ebay.id, channelName: "eBay US", listings: 1, underFloor: 0, costUnknown: 1, averageMargin: null },
    ]);
  });

  it("given a variant with no cost in Shopify, then its row says so rather than showing a margin, and the channel filter shows only that channel", async () => {
    const { shop, channels, onEbay } = await shopWithMargins();
    const ebay = await page(shop.domain, `?channelId=${channels.ebay.id}`);
    expect(ebay.rows).toEqual([
      expect.objectContaining({ listingId: onEbay.id, sku: "KET-2", cost: COST_UNKNOWN, margin: COST_UNKNOWN, floor: COST_UNKNOWN, underFloor: false }),
    ]);
    expect((await page(shop.domain)).rows.map((r) => r.sku)).toEqual(["KET-RED", "KET-2"]);
  });

  it("refuses a bad page, a bad filter or another shop's channel with a message naming the field, and shows nothing", async () => {
    const { shop } = await shopWithMargins();
    const other = await shopWithMargins();
    for (const [query, field, message] of [
      ["?page=0", "page", "Page must be between 1 and 10000"],
      ["?page=2.5", "page", "Page must be a whole number"],
      ["?page=next", "page", "Page must be a number"],
      ["?underFloor=yes", "underFloor", 'Under floor only is "1" (only listings under their floor) or blank'],
      [`?channelId=${other.channels.amazon.id}`, "channelId", "Channel must be one of this shop's channels"],
    ] as const) {
      const refused = await refusal(shop.domain, query);
      expect(refused.init.status, query).toBe(400);
      expect(refused.data.errors, query).toEqual({ [field]: message });
    }
  });

  it("given two shops with listings under their floor, then each merchant sees only their own", async () => {
    const mine = await shopWithMargins();
    const theirs = await shopWithMargins();
    const seen = await page(mine.shop.domain);
    expect(seen.rows.map((r) => r.listingId).sort()).toEqual([mine.listing.id, mine.onEbay.id].sort());
    expect(seen.rows.map((r) => r.listingId)).not.toContain(theirs.listing.id);
    expect(seen.summary.map((s) => s.channelId).sort()).toEqual([mine.channels.amazon.id, mine.channels.ebay.id].sort());
    expect(seen.total).toBe(2);
  });

  it("pages the listings server-side with the total: under-floor first, every listing once", async () => {
    const { shop, variant, channels } = await shopWithMargins();
    const extra = MARGINS_PAGE + 5;
    await prisma.listing.createMany({
      data: Array.from({ length: extra }, (_, i) => ({ shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: `KET-RED-${i}` })),
    });
    const created = await prisma.listing.findMany({ where: { shopId: shop.id, channelSku: { startsWith: "KET-RED-" } }, select: { id: true } });
    await prisma.listingMargin.createMany({
      data: created.map((l, i) => ({
        listingId: l.id,
        shopId: shop.id,
        channelId: channels.ebay.id,
        priceCents: 4999,
        feeCents: 0,
        shippingCents: 0,
        costCents: 2000,
        marginCents: 2999 - i,
        marginBps: 5999 - i,
        floorCents: 2000,
        unprofitable: false,
      })),
    });
    const first = await page(shop.domain);
    const second = await page(shop.domain, "?page=2");
    expect([first.total, first.pages, first.rows.length, second.rows.length]).toEqual([extra + 2, 2, MARGINS_PAGE, 7]);
    expect(first.rows[0].sku).toBe("KET-RED");
    expect(first.rows[0].underFloor).toBe(true);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.listingId)).size).toBe(extra + 2);
    expect((await page(shop.domain, "?page=3")).rows).toEqual([]);
  });
});
