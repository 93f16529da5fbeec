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

/** A shop in session whose eBay account was just connected (not live), with one listing linked. */
async function notLiveEbay() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const ebay = await prisma.channel.update({ where: { id: seeded.channels.ebay.id }, data: { liveAt: null } });
  await prisma.listing.create({
    data: {
      shopId: seeded.shop.id,
      channelId: ebay.id,
      variantId: seeded.variant.id,
      channelSku: "EB-KET",
      desiredQuantity: 0,
      observedQuantity: 3,
      desiredPriceCents: 5999,
      observedPriceCents: 4999,
      desiredVersion: 1,
      syncState: "PENDING",
    },
  });
  return { ...seeded, ebay };
}

const post = async (shop: string, channelId: string, form: Record<string, string | string[]>) =>
  (await action(args(await adminRequest(shop, `/app/channels/${channelId}/go-live`, { form }), channelId))) as unknown as Answer;

describe("the go-live screen", () => {
  it("given a not-live eBay account, when the merchant opens its go-live screen, then it shows the first push and eBay's content fields, none opted in", async () => {
    const { shop, ebay } = await notLiveEbay();

    const page = await loader(args(await adminRequest(shop.domain, `/app/channels/${ebay.id}/go-live`), ebay.id));

    expect(page.channel).toMatchObject({ id: ebay.id, name: "eBay US", liveAt: null });
    expect(page.quantities).toMatchObject({ listings: 1, change: 1, goToZero: 1 });
    expect(page.prices.largest).toEqual([expect.objectContaining({ channelSku: "EB-KET", before: "$49.99", after: "$59.99", percent: 20 })]);
    expect(page.content.map((f) => [f.field, f.overwrite])).toEqual([
      ["title", false],
      ["description", false],
      ["images", false],
      ["gtin", false],
      ["brand", false],
      ["subtitle", false],
    ]);
  });

  it("given another shop's channel, when its go-live screen is opened or posted, then it is 404 and the channel stays not live", async () => {
    const { ebay } = await notLiveEbay();
    const other = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, other.shop.domain);

    const opened = await loader(args(await adminRequest(other.shop.domain, `/app/channels/${ebay.id}/go-live`), ebay.id)).catch((e: unknown) => e);
    expect((opened as { init: { status: number } }).init.status).toBe(404);
    const posted = await post(other.shop.domain, ebay.id, { intent: "go-live" });
    expect(posted.init?.status).toBe(404);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: ebay.id } })).liveAt).toBeNull();
  });

  it("given a content field eBay does not carry, when posted, then it is 400 naming the field and nothing goes live", async () => {
    const { shop, ebay } = await notLiveEbay();

    const answer = await post(shop.domain, ebay.id, { intent: "go-live", overwriteContent: ["title", "bullets"] });

    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors.overwriteContent).toMatch(/^"bullets" is not a content field eBay US carries/);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: ebay.id } })).liveAt).toBeNull();
  });

  it("given the merchant ticked the title and description, when going live, then the channel is live with those two fields sent and the rest kept as eBay has them", async () => {
    const { shop, ebay } = await notLiveEbay();

    const answer = await post(shop.domain, ebay.id, { intent: "go-live", overwriteContent: ["title", "description"] });

    expect(answer.data).toEqual({ ok: true, errors: {}, message: "eBay US is live: its first push of 1 listing is under way" });
    const live = await prisma.channel.findUniqueOrThrow({ where: { id: ebay.id } });
    expect(live.liveAt).not.toBeNull();
    expect(live.settings).toMatchObject({
      goLive: { overwriteContent: ["title", "description"] },
      content: { fields: { title: true, description: true, images: false, gtin: false, brand: false, subtitle: false } },
    });
    const page = await loader(args(await adminRequest(shop.domain, `/app/channels/${ebay.id}/go-live`), ebay.id));
    expect(page.content.filter((f) => f.overwrite).map((f) => f.field)).toEqual(["title", "description"]);
  });
});
