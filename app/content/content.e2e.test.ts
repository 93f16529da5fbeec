import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { eventually } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";
import { readDesiredContent, readPushedContent } from "./diff";

// A title edited in Shopify (simulated) → products/update → the app's webhook route → the workers
// → the mirror → the content recompute → the outbox → Amazon, eBay, Walmart (its item maintenance
// feed) and TikTok Shop (its product edit), all simulated, each in its own form; and only to the
// channels whose field map syncs titles.

const setUp = useWorkersRig(
  { catalog: { products: 1, variantsPerProduct: 2, locations: 1 }, initialFromAnchor: true, startTimeoutMs: 120_000 },
  async (rig) => {
    // This merchant keeps eBay's description and pictures by hand (the simulated store's products
    // have neither): Anchorline sends eBay its title, GTIN and brand only.
    await prisma.channel.update({
      where: { id: rig.channels.ebay.id },
      data: { settings: { ...(rig.channels.ebay.settings as Record<string, unknown>), content: { fields: { description: false, images: false } } } },
    });
  },
);

// Linked and pushed by the running workers before the tests look (the hooks run in order).
beforeAll(async () => {
  await setUp.rig.linkAll();
  await settled();
}, 120_000);

async function settled(): Promise<void> {
  await eventually(
    async () =>
      (await prisma.listing.count({
        where: { shopId: setUp.rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }, { contentStaleSince: { not: null } }] },
      })) === 0,
    30_000,
    "every listing in sync",
  );
}

const amazonTitle = (sku: string): string | undefined => {
  const value = setUp.rig.amazon.state.listing(sku)?.attributes.item_name?.[0]?.value;
  return typeof value === "string" ? value : undefined;
};
const ebayTitle = (sku: string) => setUp.rig.ebay.state.listing(sku)?.title;
const walmartTitle = (sku: string) => setUp.rig.walmart.account(setUp.rig.accounts.walmart).listings.get(sku)?.content.productName;
/** TikTok keeps one title per product, shared by its SKUs. */
const tiktokTitle = (productId: string) => setUp.rig.tiktok.shop(setUp.rig.accounts.tiktok).products.get(productId)?.title;
/** Each channel's name for the title (each marketplace's content-rules.ts). */
const TITLE_FIELD = { AMAZON: "title", EBAY: "title", WALMART: "productName", TIKTOK: "title" } as Record<string, string>;

describe("listing content end to end", () => {
  it("given a title changed in Shopify, when its products/update is processed, then Amazon, eBay, Walmart and TikTok each get it in their own form", async () => {
    const product = setUp.rig.shopify.store.shop(setUp.rig.domain).products[0];
    const vendor = product.vendor;
    // 91 characters: under Amazon's 200, Walmart's 150 and TikTok's 255, over eBay's 80.
    const title = "Speckled Stoneware Travel Mug with Bamboo Lid and Silicone Sleeve for Coffee and Tea Lovers";
    setUp.rig.shopify.store.updateProduct(setUp.rig.domain, product.id, { title });

    await eventually(
      () => setUp.rig.variants.every((v) => ebayTitle(v.channelSku.ebay) !== undefined && ebayTitle(v.channelSku.ebay)!.startsWith("Speckled")),
      30_000,
      "eBay titles",
    );
    await eventually(() => setUp.rig.variants.every((v) => amazonTitle(v.channelSku.amazon)?.includes("Speckled")), 30_000, "Amazon titles");
    await eventually(() => setUp.rig.variants.every((v) => walmartTitle(v.channelSku.walmart)?.includes("Speckled")), 30_000, "Walmart titles");
    await eventually(() => setUp.rig.variants.every((v) => tiktokTitle(v.externalId.tiktok!) === title), 30_000, "TikTok titles");
    await settled();

    for (const variant of setUp.rig.variants) {
      const record = setUp.rig.shopify.store.shop(setUp.rig.domain).variants[variant.index];
      // The simulated products/update gives option1/option2 from the variant title ("M / Red").
      const options = record.title
        .split(" / ")
        .filter((o) => o && o !== "Default Title")
        .join(", ");
      // Amazon: the brand first and the options after a dash, within 200 characters.
      expect(amazonTitle(variant.channelSku.amazon)).toBe(`${vendor} ${title}${options ? ` – ${options}` : ""}`);
      // eBay: cut to 80 characters at a word boundary.
      const ebay = ebayTitle(variant.channelSku.ebay)!;
      expect(ebay.length).toBeLessThanOrEqual(80);
      expect(title.startsWith(ebay)).toBe(true);
      expect(ebay).toBe("Speckled Stoneware Travel Mug with Bamboo Lid and Silicone Sleeve for Coffee and");
      // Walmart: brand, title and options after a comma, within 150 characters.
      expect(walmartTitle(variant.channelSku.walmart)).toBe(`${vendor} ${title}${options ? `, ${options}` : ""}`);
    }
    // TikTok: the product's own title, one for all its SKUs, edited once per change.
    expect(tiktokTitle(setUp.rig.variants[0].externalId.tiktok!)).toBe(title);

    const listings = await prisma.listing.findMany({ where: { shopId: setUp.rig.shopId }, include: { channel: { select: { kind: true } } } });
    for (const listing of listings) {
      const desired = readDesiredContent(listing.desiredContent);
      // What went out is what was wanted, and none of the fields a channel does not sync.
      expect(readPushedContent(listing.pushedContent).fields).toEqual(desired!.fields);
      if (listing.channel.kind === "EBAY") expect(Object.keys(desired!.fields).filter((f) => f === "description" || f === "imageUrls")).toEqual([]);
    }
  }, 90_000);

  it("given TikTok's titles turned off, when a second edit changes the title, then only the title is pushed again, to the channels that sync it, and nothing else moves", async () => {
    const tiktok = await prisma.channel.findUniqueOrThrow({ where: { id: setUp.rig.channels.tiktok.id } });
    await prisma.channel.update({
      where: { id: tiktok.id },
      data: { settings: { ...(tiktok.settings as Record<string, unknown>), content: { fields: { title: false } } } },
    });
    const product = setUp.rig.shopify.store.shop(setUp.rig.domain).products[0];
    const tiktokBefore = tiktokTitle(setUp.rig.variants[0].externalId.tiktok!);
    const before = await prisma.listing.findMany({
      where: { shopId: setUp.rig.shopId },
      orderBy: { id: "asc" },
      include: { channel: { select: { kind: true } } },
    });
    setUp.rig.shopify.store.updateProduct(setUp.rig.domain, product.id, { title: "Plain Mug" });

    await eventually(
      () =>
        setUp.rig.variants.every(
          (v) =>
            ebayTitle(v.channelSku.ebay)?.startsWith("Plain Mug") &&
            amazonTitle(v.channelSku.amazon)?.includes("Plain Mug") &&
            walmartTitle(v.channelSku.walmart)?.includes("Plain Mug"),
        ),
      30_000,
      "second titles",
    );
    await settled();
    expect(tiktokTitle(setUp.rig.variants[0].externalId.tiktok!)).toBe(tiktokBefore);
    const after = await prisma.listing.findMany({ where: { shopId: setUp.rig.shopId }, orderBy: { id: "asc" } });
    for (const [i, listing] of after.entries()) {
      const old = readPushedContent(before[i].pushedContent).fields;
      const now = readPushedContent(listing.pushedContent).fields;
      const changed = Object.keys(now).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(old[k]));
      const kind = before[i].channel.kind;
      expect([kind, changed]).toEqual([kind, kind === "TIKTOK" ? [] : [TITLE_FIELD[kind]]]);
      expect(listing.pushedQuantity).toBe(before[i].pushedQuantity);
    }
  }, 90_000);
});
