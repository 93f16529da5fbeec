import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSharedRevisionRedis } from "~/channels/ebay";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { startWebhookEndpoint } from "../../test/app-webhook-server";
import { eventually, startMarketplaceRig, type MarketplaceRig } from "../../test/marketplaces";
import { createWorkers } from "../../workers/processors";
import { readDesiredContent, readPushedContent } from "./diff";

// A title edited in Shopify (simulated) → products/update → the app's webhook route → the workers
// → the mirror → the content recompute → the outbox → Amazon and eBay (simulated), each in its own
// form; Walmart and TikTok, whose connectors carry no content, get nothing.

const connection = createRedisConnection();
let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;
let rig: MarketplaceRig;
let workers: Worker[] = [];

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  rig = await startMarketplaceRig({ prisma, catalog: { products: 1, variantsPerProduct: 2, locations: 1 }, webhookUrl: endpoint.url, initialFromAnchor: true });
  // This merchant keeps eBay's description and pictures by hand (the simulated store's products
  // have neither): Anchorline sends eBay its title, GTIN and brand only.
  await prisma.channel.update({
    where: { id: rig.channels.ebay.id },
    data: { settings: { ...(rig.channels.ebay.settings as Record<string, unknown>), content: { fields: { description: false, images: false } } } },
  });
  workers = createWorkers(connection);
  await rig.linkAll();
  await settled();
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await rig?.stop();
  await queues().close();
  await closeSharedRevisionRedis();
  connection.disconnect();
  await endpoint?.close();
});

async function settled(): Promise<void> {
  await eventually(
    async () => (await prisma.listing.count({ where: { shopId: rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }] } })) === 0,
    30_000,
    "every listing in sync",
  );
}

const amazonTitle = (sku: string): string | undefined => {
  const value = rig.amazon.state.listing(sku)?.attributes.item_name?.[0]?.value;
  return typeof value === "string" ? value : undefined;
};
const ebayTitle = (sku: string) => rig.ebay.state.listing(sku)?.title;

describe("listing content end to end", () => {
  it("given a title changed in Shopify, when its products/update is processed, then Amazon and eBay get it in their own form and Walmart and TikTok get nothing", async () => {
    const product = rig.shopify.store.shop(rig.domain).products[0];
    const vendor = product.vendor;
    // 91 characters: under Amazon's 200, over eBay's 80.
    const title = "Speckled Stoneware Travel Mug with Bamboo Lid and Silicone Sleeve for Coffee and Tea Lovers";
    rig.shopify.store.updateProduct(rig.domain, product.id, { title });

    await eventually(() => rig.variants.every((v) => ebayTitle(v.channelSku.ebay) !== undefined && ebayTitle(v.channelSku.ebay)!.startsWith("Speckled")), 30_000, "eBay titles");
    await eventually(() => rig.variants.every((v) => amazonTitle(v.channelSku.amazon)?.includes("Speckled")), 30_000, "Amazon titles");
    await settled();

    for (const variant of rig.variants) {
      const record = rig.shopify.store.shop(rig.domain).variants[variant.index];
      // The simulated products/update gives option1/option2 from the variant title ("M / Red").
      const options = record.title.split(" / ").filter((o) => o && o !== "Default Title").join(", ");
      // Amazon: the brand first and the options after a dash, within 200 characters.
      expect(amazonTitle(variant.channelSku.amazon)).toBe(`${vendor} ${title}${options ? ` – ${options}` : ""}`);
      // eBay: cut to 80 characters at a word boundary.
      const ebay = ebayTitle(variant.channelSku.ebay)!;
      expect(ebay.length).toBeLessThanOrEqual(80);
      expect(title.startsWith(ebay)).toBe(true);
      expect(ebay).toBe("Speckled Stoneware Travel Mug with Bamboo Lid and Silicone Sleeve for Coffee and");
    }

    const listings = await prisma.listing.findMany({ where: { shopId: rig.shopId }, include: { channel: { select: { kind: true } } } });
    for (const listing of listings) {
      const desired = readDesiredContent(listing.desiredContent);
      if (listing.channel.kind === "WALMART" || listing.channel.kind === "TIKTOK") {
        expect([listing.channel.kind, listing.desiredContent, listing.pushedContent]).toEqual([listing.channel.kind, null, null]);
        continue;
      }
      // What went out is what was wanted, and eBay was sent none of the fields it does not sync.
      expect(readPushedContent(listing.pushedContent).fields).toEqual(desired!.fields);
      if (listing.channel.kind === "EBAY") expect(Object.keys(desired!.fields).filter((f) => f === "description" || f === "imageUrls")).toEqual([]);
    }
  }, 90_000);

  it("given a synced title, when a second edit changes it again, then only the title is pushed again and nothing else moves", async () => {
    const product = rig.shopify.store.shop(rig.domain).products[0];
    const before = await prisma.listing.findMany({ where: { shopId: rig.shopId }, orderBy: { id: "asc" } });
    rig.shopify.store.updateProduct(rig.domain, product.id, { title: "Plain Mug" });

    await eventually(() => rig.variants.every((v) => ebayTitle(v.channelSku.ebay)?.startsWith("Plain Mug") && amazonTitle(v.channelSku.amazon)?.includes("Plain Mug")), 30_000, "second titles");
    await settled();
    const after = await prisma.listing.findMany({ where: { shopId: rig.shopId }, orderBy: { id: "asc" } });
    for (const [i, listing] of after.entries()) {
      const old = readPushedContent(before[i].pushedContent).fields;
      const now = readPushedContent(listing.pushedContent).fields;
      const changed = Object.keys(now).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(old[k]));
      expect(changed).toEqual(Object.keys(now).length > 0 ? ["title"] : []);
      expect(listing.pushedQuantity).toBe(before[i].pushedQuantity);
    }
  }, 90_000);
});
