import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { goLive } from "~/routes/app.channels_.$id.go-live/go-live.server";
import { eventually, type LinkedVariant } from "../../test/marketplaces";
import { runOrderImport } from "./jobs.server";
import { useWorkersRig } from "../../test/workers-rig";

// A newly connected Walmart account through the real workers: its listings are linked and
// computed, yet nothing reaches Walmart (no inventory, price or content call, no feed) until the
// merchant goes live; its orders are imported all along. After go-live its first push goes out at
// once, with only the content fields the merchant opted in. The other marketplaces, live before,
// sync as ever beside it.

const setUp = useWorkersRig({ catalog: { products: 3, variantsPerProduct: 1, locations: 1 } }, async (rig) => {
  // As connectChannel creates a new account.
  await prisma.channel.update({ where: { id: rig.channels.walmart.id }, data: { liveAt: null } });
});

const walmartListing = (v: LinkedVariant) => setUp.rig.walmart.account(setUp.rig.accounts.walmart).listings.get(v.channelSku.walmart)!;
/** Calls that would change something at Walmart: inventory, prices, feeds (content included). */
const walmartWrites = () => setUp.rig.walmart.requests.filter((r) => r.method !== "GET" && r.path !== "/v3/token");

describe("going live on a newly connected account, end to end", () => {
  it("given a new Walmart account's listings linked and computed, when the workers run, then Walmart gets no push while eBay is synced; a Walmart sale still lowers Shopify; after go-live the first push brings Walmart to the computed numbers with the title only", async () => {
    // What the seller wrote on Walmart themselves.
    for (const v of setUp.rig.variants) walmartListing(v).content = { productName: `Seller's own name ${v.index}`, shortDescription: "Seller's own words" };
    const initial = setUp.rig.variants.map((v) => ({
      quantity: walmartListing(v).quantity,
      price: walmartListing(v).priceCents,
      content: structuredClone(walmartListing(v).content),
    }));

    await setUp.rig.linkAll();
    // eBay, live, is pushed; Walmart's listings are computed (the preview's numbers) and wait.
    await eventually(
      async () =>
        setUp.rig.variants.every((v) => setUp.rig.quantityOn("ebay", v) === setUp.rig.anchorQuantity(v)) &&
        (await prisma.listing.count({
          where: {
            channelId: setUp.rig.channels.walmart.id,
            OR: [{ desiredQuantity: null }, { staleSince: { not: null } }, { contentStaleSince: { not: null } }],
          },
        })) === 0,
      30_000,
      "eBay synced and Walmart's listings computed",
    );
    // Time for any flush the recompute asked for to have run.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(walmartWrites()).toEqual([]);
    expect(
      setUp.rig.variants.map((v) => ({ quantity: walmartListing(v).quantity, price: walmartListing(v).priceCents, content: walmartListing(v).content })),
    ).toEqual(initial);
    const waiting = await prisma.listing.findMany({ where: { channelId: setUp.rig.channels.walmart.id } });
    expect(waiting.map((l) => [l.syncState, l.pushedQuantity])).toEqual(setUp.rig.variants.map(() => ["PENDING", null]));

    // A buyer on Walmart: the order is imported and Shopify lowered, live or not.
    const sold = setUp.rig.variants[0];
    const before = setUp.rig.anchorQuantity(sold);
    setUp.rig.walmart.placeOrder(setUp.rig.accounts.walmart, { sku: sold.channelSku.walmart, quantity: 2 });
    expect(await runOrderImport(setUp.rig.channels.walmart.id)).toMatchObject({ imported: 1 });
    expect(setUp.rig.anchorQuantity(sold)).toBe(before - 2);
    await eventually(() => setUp.rig.quantityOn("ebay", sold) === before - 2, 20_000, "eBay following the Walmart sale");
    expect(walmartWrites()).toEqual([]);

    const outcome = await goLive(setUp.rig.domain, setUp.rig.channels.walmart.id, { intent: "go-live", overwriteContent: ["title"] }, "merchant:e2e", prisma);
    expect(outcome).toMatchObject({ ok: true, alreadyLive: false });

    await eventually(
      async () =>
        setUp.rig.variants.every((v) => walmartListing(v).quantity === setUp.rig.anchorQuantity(v)) &&
        (await prisma.listing.count({ where: { channelId: setUp.rig.channels.walmart.id, syncState: { not: "IN_SYNC" } } })) === 0,
      30_000,
      "Walmart's first push",
    );
    const shopifyPrices = await prisma.variant.findMany({ where: { shopId: setUp.rig.shopId }, select: { sku: true, priceCents: true } });
    for (const v of setUp.rig.variants) {
      const shown = walmartListing(v);
      expect(shown.priceCents).toBe(shopifyPrices.find((p) => p.sku === v.sku)!.priceCents);
      // The title opted in went out as Anchorline computed it; the seller's description stays.
      const listing = await prisma.listing.findFirstOrThrow({ where: { channelId: setUp.rig.channels.walmart.id, channelSku: v.channelSku.walmart } });
      expect(shown.content).toEqual({
        productName: (listing.desiredContent as { fields: { productName: string } }).fields.productName,
        shortDescription: "Seller's own words",
      });
      expect(shown.content.productName).not.toBe(initial[v.index].content.productName);
    }
  }, 90_000);
});
