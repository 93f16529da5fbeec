import { afterAll, describe, expect, it } from "vitest";
import { onShopInstalled } from "~/anchor/ingest/install.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { uniqueShopDomain } from "../../test/factories";
import { applyDefaultParityMatrix, ensureStoreChannel, STORE_CHANNEL_NAME } from "./store-channel.server";

// The shop's own store as a channel, and the playbook's parity matrix a shop starts with.

afterAll(async () => {
  await queues().close();
});

async function edgesOf(shopId: string) {
  const edges = await prisma.parityEdge.findMany({ where: { shopId }, include: { watcher: true, watched: true } });
  return edges.map((e) => `${e.watcher.name} → ${e.watched.name}`).sort();
}

describe("the store as a channel", () => {
  it("given a new shop, when it installs (twice, as every admin load authenticates), then it has exactly one store channel, never pushed to (no credentials)", async () => {
    const domain = uniqueShopDomain("store-channel");
    await onShopInstalled(domain);
    await onShopInstalled(domain);
    const channels = await prisma.channel.findMany({ where: { shop: { domain } } });
    expect(channels.map((c) => [c.kind, c.name, c.accountId, c.credentialsCiphertext, c.priority])).toEqual([
      ["SHOPIFY", STORE_CHANNEL_NAME, domain, null, 1000],
    ]);
    const shopId = channels[0]!.shopId;
    expect(await ensureStoreChannel(prisma, shopId)).toEqual({ id: channels[0]!.id, created: false });
  });

  it("given a shop with Amazon, eBay and Walmart and one edge the merchant set (Amazon watching eBay with a 5% tolerance), when the store channel is made and TikTok Shop connects, then Amazon and Walmart watch every other channel, eBay and TikTok watch none, and the merchant's edge is kept as set", async () => {
    const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("matrix") } });
    const shopId = shop.id;
    const make = (kind: "AMAZON" | "EBAY" | "WALMART" | "TIKTOK", name: string) => prisma.channel.create({ data: { shopId, kind, accountId: name, name } });
    const amazon = await make("AMAZON", "Amazon US");
    const ebay = await make("EBAY", "eBay US");
    await make("WALMART", "Walmart");
    await prisma.parityEdge.create({ data: { shopId, watcherId: amazon.id, watchedId: ebay.id, toleranceBps: 500, includeCoupons: false } });

    await ensureStoreChannel(prisma, shopId);
    // The store's pairs only: the merchant's pairs between marketplaces are theirs
    expect(await edgesOf(shopId)).toEqual(["Amazon US → Shopify store", "Amazon US → eBay US", "Walmart → Shopify store"]);

    const tiktok = await make("TIKTOK", "TikTok Shop");
    expect(await applyDefaultParityMatrix(prisma, shopId, tiktok.id)).toBe(2);
    expect(await applyDefaultParityMatrix(prisma, shopId, tiktok.id)).toBe(0);
    expect(await edgesOf(shopId)).toEqual([
      "Amazon US → Shopify store",
      "Amazon US → TikTok Shop",
      "Amazon US → eBay US",
      "Walmart → Shopify store",
      "Walmart → TikTok Shop",
    ]);
    const kept = await prisma.parityEdge.findUniqueOrThrow({ where: { watcherId_watchedId: { watcherId: amazon.id, watchedId: ebay.id } } });
    expect([kept.toleranceBps, kept.includeCoupons]).toEqual([500, false]);
    const made = await prisma.parityEdge.findFirstOrThrow({ where: { shopId, watcherId: amazon.id, watchedId: tiktok.id } });
    // The playbook: no tolerance, shipping and visible coupons counted, violations held
    expect(made).toMatchObject({ toleranceBps: 0, toleranceCents: 0, includeShipping: true, includeCoupons: true, allowViolations: false });
  });
});
