import { describe, expect, it } from "vitest";
import { parityViolationKey } from "~/alerts/events.server";
import { heldGroupAlertKey } from "~/alerts/parity-held.server";
import { applyDefaultParityMatrix, ensureStoreChannel } from "~/channels/store-channel.server";
import prisma from "~/db.server";
import { adminRequest } from "../../../test/admin-request";
import { eventually, type LinkedVariant, MARKETPLACES } from "../../../test/marketplaces";
import { useWorkersRig } from "../../../test/workers-rig";
import { action, loader, type PricingActionResult } from "./route";

// Parity that watches the store, end to end: the shop's store is a channel (as install makes it)
// and each marketplace account starts with the playbook's matrix (as connect gives it): Amazon and
// Walmart watch every public price, the store's included. The merchant works on the Pricing screen
// (its loader and action, as the browser calls them); the real workers recompute and push; the
// marketplace simulators show what arrived. Real PostgreSQL, Redis and workers.

let storeChannelId: string;
// The store as install makes it, and each account's default matrix as its connect gives it.
const setUp = useWorkersRig({ catalog: { products: 2, variantsPerProduct: 3, locations: 1 } }, async (rig) => {
  storeChannelId = (await ensureStoreChannel(prisma, rig.shopId)).id;
  for (const marketplace of MARKETPLACES) await applyDefaultParityMatrix(prisma, rig.shopId, rig.channels[marketplace].id);
});

async function post(form: Record<string, string>): Promise<{ data: PricingActionResult; init: { status: number } | null }> {
  const request = await adminRequest(setUp.rig.domain, "/app/pricing", { form });
  return (await action({ request, params: {}, context: {} })) as unknown as { data: PricingActionResult; init: { status: number } | null };
}

async function pricingPage() {
  return loader({ request: await adminRequest(setUp.rig.domain, "/app/pricing"), params: {}, context: {} });
}

const shopifyPrice = (variant: LinkedVariant) => Math.round(Number(setUp.rig.shopify.store.variant(setUp.rig.domain, variant.variantShopifyId).price) * 100);
const amount = (cents: number) => (cents / 100).toFixed(2);

async function settled(): Promise<boolean> {
  return (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, OR: [{ syncState: "PENDING" }, { staleSince: { not: null } }] } })) === 0;
}

describe("parity that watches the store, end to end", () => {
  it("given the playbook's matrix, when Shopify's price drops under the MAP Amazon must keep, then Amazon receives the MAP and a live violation names the store; when a price rule holds every eBay price, then one alert pages for the group and approving it delivers the prices to eBay", async () => {
    const { rig } = setUp;
    expect(await prisma.parityEdge.count({ where: { shopId: rig.shopId, watchedId: storeChannelId } })).toBe(2); // Amazon and Walmart
    await rig.linkAll();
    await eventually(
      async () => rig.variants.every((v) => MARKETPLACES.every((m) => rig.priceOn(m, v) === shopifyPrice(v))) && (await settled()),
      30_000,
      "every marketplace at Shopify's price",
    );
    expect(await prisma.alert.count({ where: { shopId: rig.shopId, kind: "PARITY_VIOLATION" } })).toBe(0);

    // The merchant sets a MAP 1.00 under one variant's price, then puts it on sale in Shopify
    const [variant] = rig.variants;
    const original = shopifyPrice(variant);
    const map = original - 100;
    // 20% under MAP: within the shop's ±50% price guardrail, so only parity speaks
    const sale = Math.round(map * 0.8);
    expect((await post({ intent: "map", sku: variant.sku, map: amount(map) })).data.ok).toBe(true);
    rig.shopify.store.updateVariant(rig.domain, variant.variantShopifyId, { price: amount(sale) });

    // Amazon may not show less than MAP: it receives the MAP, and the store's sale price under it
    // is a violation that stands; the merchant is paged for it, by variant and edge
    await eventually(() => rig.priceOn("amazon", variant) === map, 30_000, "Amazon at MAP");
    const dbVariant = await prisma.variant.findFirstOrThrow({ where: { shopId: rig.shopId, sku: variant.sku } });
    const key = parityViolationKey(dbVariant.id, rig.channels.amazon.id, storeChannelId);
    await eventually(async () => (await prisma.alert.count({ where: { shopId: rig.shopId, dedupeKey: key } })) === 1, 30_000, "the live violation alert");
    const violation = await prisma.alert.findUniqueOrThrow({ where: { shopId_dedupeKey: { shopId: rig.shopId, dedupeKey: key } } });
    expect(violation.title).toBe(`${variant.sku} is cheaper on Shopify store ($${amount(sale)}) than on Amazon US ($${amount(map)})`);
    expect(violation.facts).toMatchObject({ pushHeld: false });
    // The Pricing screen shows the store at its Shopify price beside Amazon's live price
    const onScreen = `Shopify store shows ${amount(sale)}, ${amount(map - sale)} under Amazon US's ${amount(map)} (tolerance 0.00)`;
    await eventually(async () => (await pricingPage()).violations.some((v) => v.text === onScreen), 30_000, "the violation on the Pricing screen");

    // Back at the old price, the violation is gone and its alert resolved
    rig.shopify.store.updateVariant(rig.domain, variant.variantShopifyId, { price: amount(original) });
    await eventually(() => rig.priceOn("amazon", variant) === original, 30_000, "Amazon back at the old price");
    await eventually(
      async () => (await prisma.alert.findUniqueOrThrow({ where: { id: violation.id } })).state === "RESOLVED",
      30_000,
      "the violation resolved",
    );

    // A price rule 10% off on eBay would undercut Amazon on every variant: every eBay push is held,
    // and the merchant is paged once for the group, with the count
    await eventually(settled, 30_000, "nothing pending");
    const before = new Map(rig.variants.map((v) => [v.index, rig.priceOn("ebay", v)]));
    const saved = await post({ intent: "saveRule", channelId: rig.channels.ebay.id, scope: "channel", differentialPercent: "-10" });
    expect(saved.data.ok).toBe(true);
    await eventually(
      async () => (await prisma.listing.count({ where: { shopId: rig.shopId, channelId: rig.channels.ebay.id, syncState: "HELD" } })) === rig.variants.length,
      30_000,
      "every eBay price held",
    );
    const page = await pricingPage();
    expect(page.heldGroups).toHaveLength(1);
    const [group] = page.heldGroups;
    expect(group).toMatchObject({ held: rig.variants.length, channelName: "eBay US", cause: "Price rule on every listing (-10%)" });
    const paged = await prisma.alert.findMany({
      where: { shopId: rig.shopId, kind: "PARITY_VIOLATION", state: "OPEN", dedupeKey: { startsWith: "parity-held:" } },
    });
    expect(paged.map((a) => [a.dedupeKey, (a.facts as { held: number }).held])).toEqual([[heldGroupAlertKey(group!.group), rig.variants.length]]);
    // Nothing reached eBay meanwhile
    expect(rig.variants.every((v) => rig.priceOn("ebay", v) === before.get(v.index))).toBe(true);

    // The merchant approves the group in one action: eBay receives every price, 10% off (never under the MAP)
    const approved = await post({ intent: "approveGroup", group: group!.group, held: String(group!.held) });
    expect(approved.data).toMatchObject({ ok: true, message: `Approved ${rig.variants.length} held prices: they go out with the next push` });
    const expected = async (v: LinkedVariant) =>
      (await prisma.listing.findFirstOrThrow({ where: { shopId: rig.shopId, channelId: rig.channels.ebay.id, channelSku: v.channelSku.ebay } }))
        .desiredPriceCents;
    const wanted = new Map(await Promise.all(rig.variants.map(async (v) => [v.index, await expected(v)] as const)));
    for (const v of rig.variants) expect(wanted.get(v.index)).toBe(Math.max(Math.round(shopifyPrice(v) * 0.9), v.index === variant.index ? map : 0));
    await eventually(() => rig.variants.every((v) => rig.priceOn("ebay", v) === wanted.get(v.index)), 30_000, "eBay at the approved prices");
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: paged[0]!.id } })).state).toBe("RESOLVED");
  }, 180_000);
});
