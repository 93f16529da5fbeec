import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { action, loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request, id: string) => ({ request, params: { id }, context: {} });
type Answer = { data: { ok: boolean; errors: Record<string, string>; message?: string }; init: { status: number } | null };

/** A shop in session whose eBay account's listings were read: one linked by SKU, one unmatched, one conflict. */
async function readEbay() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const bundle = await prisma.variant.findFirstOrThrow({ where: { shopId: seeded.shop.id, sku: "KET-2" } });
  const ebay = await prisma.channel.update({ where: { id: seeded.channels.ebay.id }, data: { listingsReadAt: new Date() } });
  const base = { shopId: seeded.shop.id, channelId: ebay.id, seenAt: new Date() };
  await prisma.listing.create({ data: { shopId: seeded.shop.id, channelId: ebay.id, variantId: seeded.variant.id, channelSku: "EB-KET" } });
  await prisma.discoveredListing.create({
    data: { ...base, channelSku: "EB-KET", outcome: "LINKED", linkedBy: "SKU", variantId: seeded.variant.id, title: "Kettle" },
  });
  const unmatched = await prisma.discoveredListing.create({
    data: { ...base, channelSku: "EB-MYSTERY", outcome: "UNMATCHED", title: "Mystery", quantity: 3, priceCents: 1999, currencyCode: "USD" },
  });
  const conflict = await prisma.discoveredListing.create({
    data: {
      ...base,
      channelSku: "EB-PAIR",
      outcome: "CONFLICT",
      candidateVariantIds: [seeded.variant.id, bundle.id],
      conflict: "Barcode 123 is on 2 variants in Shopify",
    },
  });
  return { ...seeded, ebay, bundle, unmatched, conflict };
}

const post = async (shop: string, channelId: string, form: Record<string, string>) =>
  (await action(args(await adminRequest(shop, `/app/channels/${channelId}/listings`, { form }), channelId))) as unknown as Answer;

describe("the listing-review screen", () => {
  it("given an eBay account whose listings were read, when opened, then it shows what was linked and how, the unmatched listing and the conflict with its candidates, and the counts", async () => {
    const { shop, ebay, variant, bundle } = await readEbay();

    const page = await loader(args(await adminRequest(shop.domain, `/app/channels/${ebay.id}/listings`), ebay.id));

    expect(page.channel).toMatchObject({ name: "eBay US", marketplace: "eBay", reading: false, problem: null });
    expect(page.counts).toMatchObject({ found: 3, linked: 1, bySku: 1, unmatched: 1, conflicts: 1 });
    expect(page.linked).toEqual([expect.objectContaining({ channelSku: "EB-KET", how: "By SKU", variant: { sku: "KET-RED", name: "Kettle – Red" } })]);
    expect(page.unmatched).toEqual([expect.objectContaining({ channelSku: "EB-MYSTERY", quantity: 3, price: "$19.99" })]);
    expect(page.conflicts[0]).toMatchObject({ channelSku: "EB-PAIR", reason: "Barcode 123 is on 2 variants in Shopify" });
    expect(page.conflicts[0].candidates.map((c) => c.id).sort()).toEqual([variant.id, bundle.id].sort());
  });

  it("given part of a SKU, when the merchant searches, then the store's variants with it in their SKU come back; a single character is refused naming the search", async () => {
    const { shop, ebay } = await readEbay();

    const page = await loader(args(await adminRequest(shop.domain, `/app/channels/${ebay.id}/listings?search=ket`), ebay.id));
    expect(page.search).toEqual({
      text: "ket",
      error: null,
      variants: [expect.objectContaining({ sku: "KET-2", name: "Kettle – Two-pack" }), expect.objectContaining({ sku: "KET-RED", name: "Kettle – Red" })],
    });
    const short = await loader(args(await adminRequest(shop.domain, `/app/channels/${ebay.id}/listings?search=k`), ebay.id));
    expect(short.search).toEqual({ text: "k", variants: [], error: "Type at least 2 characters of a SKU" });
    expect((await loader(args(await adminRequest(shop.domain, `/app/channels/${ebay.id}/listings`), ebay.id))).search).toBeNull();
  });

  it("given the unmatched listing, when the merchant posts no SKU, a SKU the store lacks, then a good one, then the first two are refused naming the field and the last links it", async () => {
    const { shop, ebay, unmatched, bundle } = await readEbay();

    const blank = await post(shop.domain, ebay.id, { intent: "link", discoveredId: unmatched.id, sku: "  " });
    expect([blank.init?.status, blank.data.errors]).toEqual([400, { sku: "Shopify SKU is required" }]);
    const unknown = await post(shop.domain, ebay.id, { intent: "link", discoveredId: unmatched.id, sku: "NOPE-1" });
    expect([unknown.init?.status, unknown.data.errors]).toEqual([400, { sku: "No variant in the store has SKU NOPE-1." }]);
    const bad = await post(shop.domain, ebay.id, { intent: "shuffle" });
    expect([bad.init?.status, Object.keys(bad.data.errors)]).toEqual([400, ["intent"]]);

    const linked = await post(shop.domain, ebay.id, { intent: "link", discoveredId: unmatched.id, sku: "KET-2" });

    expect(linked.data).toMatchObject({ ok: true, message: "EB-MYSTERY is linked to KET-2." });
    const listing = await prisma.listing.findUniqueOrThrow({ where: { channelId_channelSku: { channelId: ebay.id, channelSku: "EB-MYSTERY" } } });
    expect([listing.variantId, listing.observedQuantity, listing.observedPriceCents]).toEqual([bundle.id, 3, 1999]);
  });

  it("given the conflict, when the merchant chooses one of its variants, then it is linked to that one", async () => {
    const { shop, ebay, conflict, bundle } = await readEbay();

    const chosen = await post(shop.domain, ebay.id, { intent: "choose", discoveredId: conflict.id, variantId: bundle.id });

    expect(chosen.data.ok).toBe(true);
    expect((await prisma.listing.findUniqueOrThrow({ where: { channelId_channelSku: { channelId: ebay.id, channelSku: "EB-PAIR" } } })).variantId).toBe(
      bundle.id,
    );
    expect(await prisma.discoveredListing.findUniqueOrThrow({ where: { id: conflict.id } })).toMatchObject({ outcome: "LINKED", linkedBy: "MANUAL" });
  });

  it("given 'Read listings again', when posted, then one read is queued and the screen says it is reading", async () => {
    const { shop, ebay } = await readEbay();

    const asked = await post(shop.domain, ebay.id, { intent: "read-again" });

    expect(asked.data).toMatchObject({ ok: true, message: "Reading eBay US's listings: this page shows them when the read is done." });
    const jobs = (await queues()["order-import"].getJobs(["waiting", "delayed", "prioritized"])).filter((j) => j.data.channelId === ebay.id);
    expect(jobs.map((j) => j.data.discoverListings)).toEqual([true]);
    const page = await loader(args(await adminRequest(shop.domain, `/app/channels/${ebay.id}/listings`), ebay.id));
    expect(page.channel.reading).toBe(true);
  });

  it("given another shop's channel, when its listings are opened or linked, then it is 404 and nothing is linked", async () => {
    const { ebay, unmatched } = await readEbay();
    const other = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, other.shop.domain);

    const opened = await loader(args(await adminRequest(other.shop.domain, `/app/channels/${ebay.id}/listings`), ebay.id)).catch((e: unknown) => e);
    expect((opened as { init: { status: number } }).init.status).toBe(404);
    const posted = await post(other.shop.domain, ebay.id, { intent: "link", discoveredId: unmatched.id, sku: "KET-2" });
    expect(posted.init?.status).toBe(404);
    expect(await prisma.listing.count({ where: { channelId: ebay.id, channelSku: "EB-MYSTERY" } })).toBe(0);
  });
});
