import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loader as inventoryLoader } from "~/routes/app.inventory/route";
import { action, type KitsActionResult } from "~/routes/app.kits/route";
import { adminRequest, sessionToken } from "../../test/admin-request";
import { eventually, MARKETPLACES, type LinkedVariant } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";

// A kit defined in the app, end to end: the merchant saves it on the Kits screen (its action, as
// the browser posts it), the real workers recompute and push, and every marketplace (simulated)
// lists the kit at what its component allows; a fall in the component's stock in Shopify
// (inventory_levels/update, signed, through the app's webhook route) moves the kit, and its
// "Why?" on the Inventory screen shows the kit step. Real PostgreSQL, Redis and workers.

const setUp = useWorkersRig({ catalog: { products: 1, variantsPerProduct: 2, locations: 1 } });

/** Shopify's stock of the variant at the store's one location (a webhook tells the app). */
function setStock(variant: LinkedVariant, available: number): void {
  const location = setUp.rig.shopify.store.shop(setUp.rig.domain).locations[0];
  setUp.rig.shopify.store.setAvailable(setUp.rig.domain, variant.itemShopifyId, location.id, available);
}

/** Waits until every marketplace shows what `expected` says for each variant, and nothing is left to push. */
async function showing(expected: (variant: LinkedVariant) => number, what: string): Promise<void> {
  await eventually(
    async () =>
      MARKETPLACES.every((m) => setUp.rig.variants.every((v) => setUp.rig.quantityOn(m, v) === expected(v))) &&
      (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }] } })) === 0,
    30_000,
    what,
  );
}

async function saveKit(fields: Record<string, string | string[]>): Promise<{ data: KitsActionResult }> {
  const body = new FormData();
  for (const [k, v] of Object.entries({ intent: "save", ...fields })) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  const request = new Request("https://anchorline.test/app/kits", {
    method: "POST",
    headers: { authorization: `Bearer ${await sessionToken(setUp.rig.domain)}` },
    body,
  });
  return (await action({ request, params: {}, context: {} })) as unknown as { data: KitsActionResult };
}

describe("a kit defined in the app, end to end", () => {
  it("given a kit of 2 × component A defined by the merchant, when A's stock in Shopify falls from 9 to 3, then every marketplace lists the kit at 1 and its Why? shows the kit step", async () => {
    const [kit, component] = setUp.rig.variants;
    setStock(kit, 5);
    setStock(component, 9);
    await setUp.rig.linkAll();
    await showing((v) => (v.index === kit.index ? 5 : 9), "the kit variant at its own 5, A at 9, before it is a kit");

    // The merchant defines the kit: 2 × A. Saving recomputes the kit's listings: floor(9 / 2) = 4.
    const saved = await saveKit({ kitSku: kit.sku, componentSku: [component.sku], componentUnits: ["2"] });
    expect(saved.data).toMatchObject({ ok: true, message: "Kit saved; its quantities are being recomputed" });
    await showing((v) => (v.index === kit.index ? 4 : 9), "the kit at 4 (9 ÷ 2), A at 9");

    // A falls to 3 in Shopify: floor(3 / 2) = 1 kit everywhere.
    setStock(component, 3);
    await showing((v) => (v.index === kit.index ? 1 : 3), "the kit at 1 (3 ÷ 2), A at 3");

    const listing = await prisma.listing.findFirstOrThrow({
      where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels.ebay.id, channelSku: kit.channelSku.ebay },
    });
    const page = await inventoryLoader({ request: await adminRequest(setUp.rig.domain, `/app/inventory?explain=${listing.id}`), params: {}, context: {} });
    expect(page.explanation?.desiredQuantity).toBe(1);
    expect(page.explanation?.quantity).toContain(`${component.sku}: 3 units ÷ 2 per kit, rounded down = 1 kit`);
    expect(page.explanation?.quantity).toContain(`Kit of 2 × ${component.sku} (ATS 3 → 1): 1, limited by ${component.sku}`);
  });
});
