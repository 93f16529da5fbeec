import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { readDesiredContent } from "~/content/diff";
import { queues } from "~/queues.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { action, loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const product = await prisma.product.update({
    where: { shopId_shopifyId: { shopId: seeded.shop.id, shopifyId: "10" } },
    data: { descriptionHtml: "<p>Boils in <b>two</b> minutes.</p><p>Auto shut-off.</p>", content: { images: [{ src: "http://cdn.example.com/kettle.jpg" }] } },
  });
  await prisma.variant.update({ where: { id: seeded.variant.id }, data: { option1: "Red", barcode: "036000291452" } });
  return { ...seeded, product };
}

type Loaded = Awaited<ReturnType<typeof loader>>;
type ActionAnswer = { data: { ok: boolean; errors: Record<string, string> }; init: { status: number } };

describe("the Listing content screen", () => {
  it("given a product, shows its content as each channel will receive it, with each channel's validation, field by field", async () => {
    const { shop, product, channels } = await shopInSession();
    const page = (await loader(args(await adminRequest(shop.domain, `/app/content?productId=${product.id}`)))) as Loaded;
    expect(page.products.map((p) => p.title)).toEqual(["Kettle"]);
    const amazon = page.preview!.channels.find((c) => c.id === channels.amazon.id)!;
    const red = amazon.variants.find((v) => v.sku === "KET-RED")!;
    expect(red.fields).toEqual({
      title: "Acme Kettle – Red",
      description: "Boils in two minutes.\nAuto shut-off.",
      bullets: ["Boils in two minutes.", "Auto shut-off."],
    });
    expect([red.blocked, red.listing?.channelSku]).toEqual([false, "KET-RED"]);
    const ebay = page.preview!.channels.find((c) => c.id === channels.ebay.id)!;
    const ebayRed = ebay.variants.find((v) => v.sku === "KET-RED")!;
    // An http:// picture: eBay's content for the product is held back, and the screen says why.
    expect(ebayRed.blocked).toBe(true);
    expect(ebayRed.issues).toEqual([expect.objectContaining({ field: "images", severity: "error", message: expect.stringContaining("not an HTTPS URL") })]);
    expect(ebayRed.listing).toBeNull();
    expect(ebay.map.find((r) => r.field === "subtitle")).toMatchObject({ sharing: "unique", synced: false });
  });

  it("saves a channel's template and fields, has its listings' content recomputed by the recompute job and records who did it", async () => {
    const { shop, channels, listing } = await shopInSession();
    const response = await action(
      args(
        await adminRequest(shop.domain, "/app/content", {
          form: { channelId: channels.amazon.id, title: "{{title}} by {{vendor}}", description: "{{description}}", syncedFields: ["title"] },
        }),
      ),
    );
    expect(response).toEqual({ ok: true, errors: {}, recomputing: 1 });
    const marked = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([marked.contentStaleSince, marked.desiredContent]).toEqual([expect.any(Date), null]);
    await recomputeStaleListings(shop.id, { requestFlush: async () => {} });
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect(readDesiredContent(after.desiredContent)).toEqual({ fields: { title: "Kettle by Acme" }, issues: [] });
    expect([after.desiredVersion, after.syncState]).toEqual([listing.desiredVersion + 1, "PENDING"]);
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "channel.content_settings_changed" } })).toBe(1);
  });

  it("refuses a template with an unknown placeholder and says which field", async () => {
    const { shop, channels } = await shopInSession();
    const response = (await action(
      args(await adminRequest(shop.domain, "/app/content", { form: { channelId: channels.amazon.id, title: "{{colour}} {{title}}", description: "" } })),
    )) as unknown as ActionAnswer;
    expect(response.init.status).toBe(400);
    expect(response.data.errors.title).toContain("Unknown placeholder");
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channels.amazon.id } })).settings).toEqual({});
  });

  it("refuses another shop's channel and product and changes nothing", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    const response = (await action(
      args(await adminRequest(mine.shop.domain, "/app/content", { form: { channelId: theirs.channels.amazon.id, title: "{{title}}", description: "" } })),
    )) as unknown as ActionAnswer;
    expect(response.init.status).toBe(404);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: theirs.channels.amazon.id } })).settings).toEqual({});
    const theirProduct = await prisma.product.findFirstOrThrow({ where: { shopId: theirs.shop.id } });
    const outcome = await loader(args(await adminRequest(mine.shop.domain, `/app/content?productId=${theirProduct.id}`))).catch((thrown: unknown) => thrown);
    expect((outcome as { init: { status: number } }).init.status).toBe(404);
  });

  it("answers an unsigned request with no data", async () => {
    const { shop } = await shopInSession();
    const request = new Request(`https://anchorline.test/app/content?shop=${shop.domain}`, { headers: { authorization: "Bearer not-a-token" } });
    const outcome = await loader(args(request)).catch((thrown: unknown) => thrown);
    expect(outcome).toBeInstanceOf(Response);
    expect((outcome as Response).status).toBe(401);
  });
});
