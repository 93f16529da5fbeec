import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession, sessionToken } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { loader as csvLoader } from "../app.csv.$kind/route";
import { action, type KitsActionResult, loader } from "./route";

// The Kits screen as a merchant uses it, and its CSV. The seeded shop has a kit made in the app,
// KET-2 = 2 × KET-RED; each test adds a mug, a box and a Shopify bundle (SHOP-PACK = 1 × BOX).

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });
type Answer = { data: KitsActionResult; init: { status: number } | null };

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  const shopId = seeded.shop.id;
  const product = await prisma.product.create({ data: { shopId, shopifyId: "30", title: "Mugs" } });
  const variant = (shopifyId: string, sku: string, extra: { shopifyBundle?: boolean; isBundle?: boolean } = {}) =>
    prisma.variant.create({ data: { shopId, productId: product.id, shopifyId, title: sku, sku, priceCents: 1000, ...extra } });
  const mug = await variant("300", "MUG-RED");
  const box = await variant("301", "BOX");
  const gift = await variant("302", "GIFT");
  const pack = await variant("303", "SHOP-PACK", { isBundle: true, shopifyBundle: true });
  await prisma.bundleComponent.create({ data: { shopId, bundleId: pack.id, componentId: box.id, unitsPerBundle: 1 } });
  const kettlePack = await prisma.variant.findFirstOrThrow({ where: { shopId, sku: "KET-2" } });
  return { ...seeded, mug, box, gift, pack, kettlePack };
}

async function post(domain: string, fields: Record<string, string | string[]>): Promise<Answer> {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  const request = new Request("https://anchorline.test/app/kits", { method: "POST", headers: { authorization: `Bearer ${await sessionToken(domain)}` }, body });
  return (await action(args(request))) as unknown as Answer;
}

/** A kit's make-up as the mirror holds it: [component SKU, units], by SKU. */
async function makeUp(kitId: string) {
  const rows = await prisma.bundleComponent.findMany({ where: { bundleId: kitId }, include: { component: { select: { sku: true } } } });
  return rows.map((r) => [r.component.sku, r.unitsPerBundle]).sort();
}

describe("the Kits screen", () => {
  it("lists the app's kits and Shopify's bundles with their make-up, Shopify's marked as such", async () => {
    const { shop } = await shopInSession();
    const page = await loader(args(await adminRequest(shop.domain, "/app/kits")));
    expect(page.kits.map((k) => [k.sku, k.source, k.components.map((c) => `${c.units} × ${c.sku}`)])).toEqual([
      ["KET-2", "app", ["2 × KET-RED"]],
      ["SHOP-PACK", "shopify", ["1 × BOX"]],
    ]);
  });

  it("given GIFT listed on Amazon, when the merchant saves it as 2 × KET-RED and 1 × BOX, then the kit is saved and its listing waits for the recompute", async () => {
    const { shop, channels, gift } = await shopInSession();
    const listing = await prisma.listing.create({
      data: { shopId: shop.id, channelId: channels.amazon.id, variantId: gift.id, channelSku: "GIFT-AMZ", staleSince: null },
    });

    const answer = await post(shop.domain, { intent: "save", kitSku: "GIFT", componentSku: ["KET-RED", "", "BOX"], componentUnits: ["2", "", "1"] });

    expect(answer.data).toMatchObject({ ok: true, message: "Kit saved; its quantities are being recomputed" });
    expect(await makeUp(gift.id)).toEqual([
      ["BOX", 1],
      ["KET-RED", 2],
    ]);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: gift.id } })).isBundle).toBe(true);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(await prisma.auditEvent.findFirst({ where: { shopId: shop.id, action: "kits.saved" } })).toMatchObject({ subjectId: gift.id });
  });

  it("given KET-2 = 2 × KET-RED, when the merchant makes KET-2 contain itself, then the component's field says so and KET-2 is as it was", async () => {
    const { shop, kettlePack } = await shopInSession();
    const answer = await post(shop.domain, {
      intent: "save",
      kitId: kettlePack.id,
      kitSku: "KET-2",
      componentSku: ["KET-RED", "KET-2"],
      componentUnits: ["3", "1"],
    });
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors).toEqual({ "components.1.sku": "A kit cannot contain itself: KET-2 is the kit" });
    expect(await makeUp(kettlePack.id)).toEqual([["KET-RED", 2]]);
  });

  it("given KET-2 contains KET-RED, when KET-RED is made a kit of KET-2 (a cycle), then both fields say why and nothing is saved", async () => {
    const { shop, variant } = await shopInSession();
    const answer = await post(shop.domain, { intent: "save", kitSku: "KET-RED", componentSku: ["KET-2"], componentUnits: ["1"] });
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors).toEqual({
      kitSku: "KET-RED is a component of the kit KET-2; a kit cannot be part of another kit (Shopify does not nest bundles either)",
      "components.0.sku": "KET-RED would contain itself: KET-RED contains KET-2 contains KET-RED",
    });
    expect(await makeUp(variant.id)).toEqual([]);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: variant.id } })).isBundle).toBe(false);
  });

  it("given bad lines (units 0 and 1.5, an unknown SKU, a component twice), when saved, then each is refused on its line's field and the kit keeps its components", async () => {
    const { shop, kettlePack } = await shopInSession();
    const answer = await post(shop.domain, {
      intent: "save",
      kitId: kettlePack.id,
      kitSku: "KET-2",
      componentSku: ["KET-RED", "BOX", "GHOST", "KET-RED"],
      componentUnits: ["0", "1.5", "1", "1"],
    });
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors).toEqual({
      "components.0.units": "Units per kit must be between 1 and 1,000,000",
      "components.1.units": "Units per kit must be a whole number",
      "components.2.sku": "No variant in this shop has SKU GHOST",
      "components.3.sku": "KET-RED is already component 1 of this kit; put all its units on one line",
    });
    expect(await makeUp(kettlePack.id)).toEqual([["KET-RED", 2]]);
  });

  it("given SHOP-PACK is Shopify's bundle, when the merchant makes it a kit, or deletes it here, then it is refused and stays Shopify's", async () => {
    const { shop, pack } = await shopInSession();
    const saved = await post(shop.domain, { intent: "save", kitSku: "SHOP-PACK", componentSku: ["MUG-RED"], componentUnits: ["2"] });
    expect(saved.data.errors).toEqual({ kitSku: "Shopify already defines SHOP-PACK as a bundle: its components are managed in Shopify" });
    const deleted = await post(shop.domain, { intent: "delete", kitId: pack.id });
    expect(deleted.init?.status).toBe(404);
    expect(await makeUp(pack.id)).toEqual([["BOX", 1]]);
  });

  it("given KET-2, when the merchant edits it into the GIFT variant with 3 mugs, then GIFT is the kit and KET-2 sells as itself; deleting GIFT's kit leaves a plain variant", async () => {
    const { shop, kettlePack, gift } = await shopInSession();
    const edited = await post(shop.domain, { intent: "save", kitId: kettlePack.id, kitSku: "GIFT", componentSku: ["MUG-RED"], componentUnits: ["3"] });
    expect(edited.data.ok).toBe(true);
    expect(await makeUp(gift.id)).toEqual([["MUG-RED", 3]]);
    expect(await makeUp(kettlePack.id)).toEqual([]);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: kettlePack.id } })).isBundle).toBe(false);

    const deleted = await post(shop.domain, { intent: "delete", kitId: gift.id });
    expect(deleted.data).toMatchObject({ ok: true, message: "Kit deleted: the variant sells as itself again; quantities are being recomputed" });
    expect(await makeUp(gift.id)).toEqual([]);
    expect((await prisma.variant.findUniqueOrThrow({ where: { id: gift.id } })).isBundle).toBe(false);
  });

  it("given KET-2 is already a kit, when the New kit form names it, or another kit is edited into it, then the kit SKU field says to edit KET-2 and nothing changes", async () => {
    const { shop, kettlePack, gift } = await shopInSession();
    const anew = await post(shop.domain, { intent: "save", kitSku: "KET-2", componentSku: ["MUG-RED"], componentUnits: ["1"] });
    expect(anew.data.errors).toEqual({ kitSku: "KET-2 is already a kit: change that one (Edit in the list) rather than writing over it" });
    await post(shop.domain, { intent: "save", kitSku: "GIFT", componentSku: ["BOX"], componentUnits: ["1"] });
    const over = await post(shop.domain, { intent: "save", kitId: gift.id, kitSku: "KET-2", componentSku: ["BOX"], componentUnits: ["2"] });
    expect(over.data.errors.kitSku).toBe("KET-2 is already a kit: change that one (Edit in the list) rather than writing over it");
    expect(await makeUp(kettlePack.id)).toEqual([["KET-RED", 2]]);
    expect(await makeUp(gift.id)).toEqual([["BOX", 1]]);
  });

  it("refuses to delete another shop's kit", async () => {
    const mine = await shopInSession();
    const theirs = await shopInSession();
    const answer = await post(mine.shop.domain, { intent: "delete", kitId: theirs.kettlePack.id });
    expect(answer.init?.status).toBe(404);
    expect(await makeUp(theirs.kettlePack.id)).toEqual([["KET-RED", 2]]);
  });
});

describe("kits by CSV", () => {
  async function upload(domain: string, file: string): Promise<Answer> {
    const body = new FormData();
    body.set("intent", "import");
    body.set("file", new File([file], "kits.csv", { type: "text/csv" }));
    const request = new Request("https://anchorline.test/app/kits", {
      method: "POST",
      headers: { authorization: `Bearer ${await sessionToken(domain)}` },
      body,
    });
    return (await action(args(request))) as unknown as Answer;
  }

  it("exports the app's kits one row per component (Shopify's bundles left out), and imports an edited file back", async () => {
    const { shop, gift, kettlePack } = await shopInSession();
    const response = (await csvLoader({ request: await adminRequest(shop.domain, "/app/csv/kits"), params: { kind: "kits" }, context: {} })) as Response;
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="kits.csv"');
    const exported = await response.text();
    expect(exported).toBe("kit_sku,component_sku,units_per_kit\r\nKET-2,KET-RED,2\r\n");

    const answer = await upload(shop.domain, `${exported.replace("KET-RED,2", "KET-RED,4")}GIFT,MUG-RED,2\r\nGIFT,BOX,1\r\n`);
    expect(answer.data).toMatchObject({ ok: true, message: "Imported: 1 kit added, 1 changed; quantities are being recomputed" });
    expect(await makeUp(kettlePack.id)).toEqual([["KET-RED", 4]]);
    expect(await makeUp(gift.id)).toEqual([
      ["BOX", 1],
      ["MUG-RED", 2],
    ]);
  });

  it("given a file with a kit containing itself, a cycle, units of 0 and an unknown SKU, when imported, then every problem is named by line and column and nothing is imported", async () => {
    const { shop, gift, kettlePack } = await shopInSession();
    const answer = await upload(
      shop.domain,
      ["kit_sku,component_sku,units_per_kit", "GIFT,MUG-RED,2", "GIFT,GIFT,1", "KET-2,KET-RED,0", "BOX,GHOST,1", "MUG-RED,BOX,1", "BOX,MUG-RED,1"].join("\n"),
    );
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors.file).toBe("8 problems in the file; nothing was imported");
    expect(answer.data.problems).toEqual(
      expect.arrayContaining([
        // MUG-RED is made a kit further down the file, so GIFT may not contain it
        {
          line: 2,
          field: "component_sku",
          message: "MUG-RED is itself a kit; a kit's components are items with their own stock (Shopify does not nest bundles either)",
        },
        { line: 3, field: "component_sku", message: "A kit cannot contain itself: GIFT is the kit" },
        { line: 4, field: "units_per_kit", message: "Units per kit must be between 1 and 1,000,000" },
        { line: 5, field: "component_sku", message: "No variant in this shop has SKU GHOST" },
        { line: 6, field: "component_sku", message: "MUG-RED would contain itself: MUG-RED contains BOX contains MUG-RED" },
        { line: 7, field: "component_sku", message: "BOX would contain itself: BOX contains MUG-RED contains BOX" },
      ]),
    );
    expect(answer.data.problems?.map((p) => p.line)).toEqual([2, 3, 4, 5, 5, 6, 6, 7]);
    expect(await makeUp(gift.id)).toEqual([]);
    expect(await makeUp(kettlePack.id)).toEqual([["KET-RED", 2]]);
  });
});
