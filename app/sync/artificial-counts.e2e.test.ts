import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action, type ArtificialCountsActionResult } from "~/routes/app.artificial-counts/route";
import { adminRequest } from "../../test/admin-request";
import { eventually, MARKETPLACES, type LinkedVariant, type Marketplace } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";

// An artificial count, end to end: the merchant previews and saves a cap on the Artificial counts
// screen (its action, as the browser posts it), the real workers recompute and push, and eBay
// (simulated) shows the capped quantity while every other marketplace keeps Shopify's. Stock
// changes in Shopify then move eBay only within the cap, and deleting the count gives eBay the
// whole pool again. Real PostgreSQL, Redis and workers; the simulators are the only stand-ins.

const setUp = useWorkersRig({ catalog: { products: 1, variantsPerProduct: 2, locations: 1 } });

async function post(form: Record<string, string>): Promise<{ data: ArtificialCountsActionResult; init: { status: number } | null }> {
  const request = await adminRequest(setUp.rig.domain, "/app/artificial-counts", { form });
  return (await action({ request, params: {}, context: {} })) as unknown as { data: ArtificialCountsActionResult; init: { status: number } | null };
}

/** Shopify's stock of the variant at the store's one location (a webhook tells the app). */
function setStock(variant: LinkedVariant, available: number): void {
  const location = setUp.rig.shopify.store.shop(setUp.rig.domain).locations[0];
  setUp.rig.shopify.store.setAvailable(setUp.rig.domain, variant.itemShopifyId, location.id, available);
}

/** Waits until every marketplace shows what `expected` says for each variant, and nothing is left to push. */
async function showing(expected: (marketplace: Marketplace, variant: LinkedVariant) => number, what: string): Promise<void> {
  await eventually(
    async () =>
      MARKETPLACES.every((m) => setUp.rig.variants.every((v) => setUp.rig.quantityOn(m, v) === expected(m, v))) &&
      (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }] } })) === 0,
    30_000,
    what,
  );
}

describe("an artificial count set by the merchant, end to end", () => {
  it("given every marketplace showing Shopify's 10, when the merchant saves a cap of 3 on eBay for one variant, then eBay receives 3 for it and the others keep 10; stock moves eBay only within the cap; deleting the cap gives eBay the pool again", async () => {
    const [capped, other] = setUp.rig.variants;
    setStock(capped, 10);
    setStock(other, 10);
    await setUp.rig.linkAll();
    await showing(() => 10, "every marketplace at Shopify's 10");

    // The preview, before anything is saved: eBay's listing of the variant would go from 10 to 3.
    const form = { channelId: setUp.rig.channels.ebay.id, scope: "variant", scopeRef: capped.sku, kind: "cap", units: "3" };
    const preview = await post({ intent: "preview", ...form });
    expect(preview.data.preview?.rows.map((r) => [r.sku, r.before, r.after])).toEqual([[capped.channelSku.ebay, 10, 3]]);
    expect(setUp.rig.quantityOn("ebay", capped)).toBe(10);

    const saved = await post({ intent: "save", ...form });
    expect(saved.data).toMatchObject({ ok: true, message: "Artificial count saved; quantities are being recomputed" });
    const cappedOnEbay = (m: Marketplace, v: LinkedVariant) => m === "ebay" && v.index === capped.index;
    await showing((m, v) => (cappedOnEbay(m, v) ? 3 : 10), "eBay capped at 3, the rest at 10");
    const listing = await prisma.listing.findFirstOrThrow({
      where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels.ebay.id, channelSku: capped.channelSku.ebay },
    });
    expect((listing.explanation as { quantity: { text: string }[] }).quantity.map((s) => s.text)).toContain("Listed at most 3 units (cap)");

    // A cap only lowers: with 2 left every marketplace shows 2; with 20, eBay stays at 3.
    setStock(capped, 2);
    await showing((_m, v) => (v.index === capped.index ? 2 : 10), "2 everywhere for the capped variant");
    setStock(capped, 20);
    await showing((m, v) => (cappedOnEbay(m, v) ? 3 : v.index === capped.index ? 20 : 10), "eBay at 3, the others at 20");

    const rule = await prisma.allocationRule.findFirstOrThrow({ where: { shopId: setUp.rig.shopId } });
    expect((await post({ intent: "delete", ruleId: rule.id })).data.ok).toBe(true);
    await showing((_m, v) => (v.index === capped.index ? 20 : 10), "eBay back at the pool once the cap is deleted");
  });
});
