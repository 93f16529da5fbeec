import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { NotFoundForShop } from "~/lib/errors";
import { queues } from "~/queues.server";
import { uniqueShopDomain } from "../../../test/factories";
import { goLive, goLivePreview } from "./go-live.server";

afterAll(async () => {
  await queues().close();
});

/** A shop (prices in euros, a ±20% guardrail) with a Walmart account just connected: not live. */
async function newlyConnected() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("golive"), currencyCode: "EUR", settings: { priceGuardrailBps: 2000 } } });
  const channel = await prisma.channel.create({
    data: {
      shopId: shop.id,
      kind: "WALMART",
      accountId: "P-GO",
      name: "Walmart US",
      liveAt: null,
      settings: { content: { templates: { title: "{{title}}" } } },
    },
  });
  const product = await prisma.product.create({ data: { shopId: shop.id, shopifyId: "1", title: "Kettle" } });
  let n = 0;
  const listing = async (data: {
    desiredQuantity?: number | null;
    observedQuantity?: number | null;
    desiredPriceCents?: number | null;
    observedPriceCents?: number | null;
    syncState?: "PENDING" | "HELD";
  }) => {
    n++;
    const variant = await prisma.variant.create({
      data: { shopId: shop.id, productId: product.id, shopifyId: `v${n}`, title: `V${n}`, sku: `SKU-${n}`, priceCents: 2500 },
    });
    return prisma.listing.create({
      data: {
        shopId: shop.id,
        channelId: channel.id,
        variantId: variant.id,
        channelSku: `SKU-${String(n).padStart(2, "0")}`,
        desiredVersion: 1,
        desiredAt: new Date(Date.now() - 3 * 3600_000),
        syncState: data.syncState ?? "PENDING",
        desiredQuantity: data.desiredQuantity === undefined ? 5 : data.desiredQuantity,
        observedQuantity: data.observedQuantity === undefined ? 5 : data.observedQuantity,
        desiredPriceCents: data.desiredPriceCents ?? null,
        observedPriceCents: data.observedPriceCents ?? null,
      },
    });
  };
  return { shop, channel, listing };
}

describe("the go-live preview", () => {
  it("given a new account's listings computed against what the marketplace showed, when previewed, then it counts the quantity changes, those going to 0 and those kept, lists the 10 largest price moves in the shop's currency and flags those beyond the guardrail", async () => {
    const { shop, channel, listing } = await newlyConnected();
    await listing({ desiredQuantity: 7, observedQuantity: 3 }); // changes
    await listing({ desiredQuantity: 0, observedQuantity: 4 }); // changes, to 0
    await listing({ desiredQuantity: 0, observedQuantity: null }); // unknown, to 0
    await listing({ desiredQuantity: 9, observedQuantity: 9 }); // keeps
    await listing({ desiredQuantity: null, observedQuantity: 2 }); // not computed yet
    // Twelve price moves of 1% to 12%, one of 50% (beyond ±20%), one unknown, one unchanged.
    for (let i = 1; i <= 12; i++) await listing({ desiredPriceCents: 10_000 + i * 100, observedPriceCents: 10_000 });
    await listing({ desiredPriceCents: 1500, observedPriceCents: 3000, syncState: "HELD" });
    await listing({ desiredPriceCents: 2500, observedPriceCents: null });
    await listing({ desiredPriceCents: 2500, observedPriceCents: 2500 });

    const preview = await goLivePreview(shop.domain, channel.id, prisma);

    expect(preview.channel).toMatchObject({ name: "Walmart US", marketplace: "Walmart", liveAt: null });
    // 20 listings: 15 priced ones keep their quantity (5 = 5)
    expect(preview.quantities).toEqual({ listings: 20, change: 2, keep: 16, unknown: 1, goToZero: 2, notComputed: 1, marketplaceFulfilled: 0 });
    expect(preview.prices).toMatchObject({ change: 13, keep: 1, unknown: 1, beyondGuardrailCount: 1 });
    expect(preview.prices.largest.map((c) => [c.before, c.after, c.percent, c.beyondGuardrail, c.held])).toEqual([
      ["€30.00", "€15.00", -50, true, true],
      ["€100.00", "€112.00", 12, false, false],
      ["€100.00", "€111.00", 11, false, false],
      ["€100.00", "€110.00", 10, false, false],
      ["€100.00", "€109.00", 9, false, false],
      ["€100.00", "€108.00", 8, false, false],
      ["€100.00", "€107.00", 7, false, false],
      ["€100.00", "€106.00", 6, false, false],
      ["€100.00", "€105.00", 5, false, false],
      ["€100.00", "€104.00", 4, false, false],
    ]);
    expect(preview.heldForReview).toBe(1);
    // Walmart's carried content fields, none opted in by default
    expect(preview.content).toEqual([
      { field: "title", label: "Title", overwrite: false },
      { field: "description", label: "Description", overwrite: false },
      { field: "bullets", label: "Bullet points", overwrite: false },
      { field: "images", label: "Images", overwrite: false },
      { field: "brand", label: "Brand", overwrite: false },
    ]);
  });

  it("given another shop's channel, when previewed or taken live, then it is not found and stays not live", async () => {
    const { channel } = await newlyConnected();
    const other = await prisma.shop.create({ data: { domain: uniqueShopDomain("other") } });

    await expect(goLivePreview(other.domain, channel.id, prisma)).rejects.toBeInstanceOf(NotFoundForShop);
    await expect(goLive(other.domain, channel.id, { intent: "go-live", overwriteContent: [] }, "merchant:9", prisma)).rejects.toBeInstanceOf(NotFoundForShop);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).liveAt).toBeNull();
  });
});

describe("going live", () => {
  it("given a content field the channel does not carry, when going live, then it is refused naming the field, and the channel stays not live", async () => {
    const { shop, channel } = await newlyConnected();
    const flushed: string[] = [];

    const outcome = await goLive(shop.domain, channel.id, { intent: "go-live", overwriteContent: ["title", "colour"] }, "merchant:9", prisma, {
      requestFlush: async (id) => void flushed.push(id),
    });

    expect(outcome).toMatchObject({ ok: false, status: 400 });
    expect(outcome.ok ? "" : outcome.errors.overwriteContent).toMatch(/^"colour" is not a content field Walmart US carries: choose among Title, Description/);
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).toMatchObject({ liveAt: null });
    expect(flushed).toEqual([]);
  });

  it("given the merchant opted in the title only, when going live, then liveAt is set, the other carried fields are turned off for the channel, the go-live is in the activity log, and every listing is marked and dated now with a flush asked for at once; a second click changes nothing", async () => {
    const { shop, channel, listing } = await newlyConnected();
    const waiting = await listing({ desiredQuantity: 0, observedQuantity: 6 });
    const flushed: string[] = [];
    const before = new Date();

    const outcome = await goLive(shop.domain, channel.id, { intent: "go-live", overwriteContent: ["title"] }, "merchant:9", prisma, {
      requestFlush: async (id) => void flushed.push(id),
    });

    expect(outcome).toEqual({ ok: true, name: "Walmart US", listings: 1, alreadyLive: false });
    const live = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(live.liveAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(live.settings).toMatchObject({
      goLive: { overwriteContent: ["title"] },
      // The templates the merchant set stay; the fields not opted in are off
      content: { templates: { title: "{{title}}" }, fields: { title: true, description: false, bullets: false, images: false, brand: false } },
    });
    const [event] = await prisma.auditEvent.findMany({ where: { shopId: shop.id, action: "channel.went_live" } });
    expect(event).toMatchObject({ actor: "merchant:9", subjectId: channel.id, details: { overwriteContent: ["title"], quantities: { goToZero: 1 } } });
    const marked = await prisma.listing.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(marked.staleSince).not.toBeNull();
    expect(marked.contentStaleSince).not.toBeNull();
    expect(marked.desiredAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(flushed).toEqual([channel.id]);

    const again = await goLive(shop.domain, channel.id, { intent: "go-live", overwriteContent: [] }, "merchant:9", prisma, {
      requestFlush: async (id) => void flushed.push(id),
    });
    expect(again).toMatchObject({ ok: true, alreadyLive: true });
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).liveAt).toEqual(live.liveAt);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "channel.went_live" } })).toBe(1);
    expect(flushed).toEqual([channel.id]);
  });
});
