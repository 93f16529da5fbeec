import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import type { ProductStatus } from "../../../extensions/product-status-block/src/contract";
import { blockContent } from "../../../extensions/product-status-block/src/rows";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { loader } from "./route";

afterAll(async () => {
  await queues().close();
});

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

async function get(domain: string | null, productId: string, headers: Record<string, string> = {}): Promise<Response> {
  const request = domain
    ? await adminRequest(domain, `/api/product-status/${encodeURIComponent(productId)}`)
    : new Request(`https://anchorline.test/api/product-status/${productId}`);
  for (const [k, v] of Object.entries(headers)) request.headers.set(k, v);
  return loader({ request, params: { productId }, context: {} }).catch((thrown: unknown) => {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  });
}

describe("GET /api/product-status/:productId", () => {
  it("answers per variant and channel what is computed and pushed, the state, drift and open alerts, with a link to explain it", async () => {
    const { shop, listing } = await shopInSession();
    const pushedAt = new Date(Date.now() - 60_000);
    await prisma.listing.update({
      where: { id: listing.id },
      data: {
        desiredPriceCents: 5499,
        pushedQuantity: 8,
        pushedPriceCents: 5499,
        pushedAt,
        observedQuantity: 5,
        observedAt: new Date(),
        syncState: "HELD",
        syncMessage: "Below eBay's price",
      },
    });
    await prisma.alert.create({
      data: { shopId: shop.id, kind: "PARITY_VIOLATION", dedupeKey: `parity:${listing.id}`, title: "Amazon undercuts eBay", listingId: listing.id },
    });
    await prisma.alert.create({
      data: { shopId: shop.id, kind: "DRIFT", dedupeKey: `drift-old:${listing.id}`, title: "Old drift", listingId: listing.id, state: "RESOLVED" },
    });

    const response = await get(shop.domain, "gid://shopify/Product/10");
    expect(response.status).toBe(200);
    const body = (await response.json()) as ProductStatus;
    expect(body).toMatchObject({ productId: "10", title: "Kettle", currencyCode: "USD", link: "/app/inventory?q=Kettle" });
    expect(body.variants.map((v) => [v.variantId, v.sku, v.listings.length])).toEqual([
      ["100", "KET-RED", 1],
      ["101", "KET-2", 0],
    ]);
    expect(body.variants[0].listings[0]).toEqual({
      listingId: listing.id,
      channelName: "Amazon US",
      channelKind: "AMAZON",
      channelSku: "KET-RED",
      desiredQuantity: 8,
      desiredPriceCents: 5499,
      pushedQuantity: 8,
      pushedPriceCents: 5499,
      driftQuantity: 5,
      syncState: "HELD",
      syncMessage: "Below eBay's price",
      recomputing: false,
      // The seeded oversell alert (open) and the parity alert; the resolved drift is gone
      problems: expect.arrayContaining([
        { kind: "PARITY_VIOLATION", title: "Amazon undercuts eBay" },
        { kind: "OVERSELL", title: "Oversold" },
      ]),
      link: `/app/inventory?q=KET-RED&explain=${listing.id}`,
    });
    expect(body.variants[0].listings[0].problems).toHaveLength(2);
    // What the block makes of it: one critical row (the oversell outranks the held push)
    expect(blockContent(body).rows).toEqual([
      expect.objectContaining({
        channel: "Amazon US",
        status: "Held: price parity",
        tone: "critical",
        href: `app:/app/inventory?q=KET-RED&explain=${listing.id}`,
      }),
    ]);
  });

  it("takes the bare numeric id too, and never answers from a shared cache", async () => {
    const { shop } = await shopInSession();
    const response = await get(shop.domain, "10");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("answers 404 for another shop's product, even with the same Shopify id, and 400 for what is not a product id", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    await prisma.product.updateMany({ where: { shopId: theirs.shop.id }, data: { shopifyId: "777" } });
    const other = await get(mine.shop.domain, "777");
    expect(other.status).toBe(404);
    expect(JSON.stringify(await other.json())).not.toContain("Kettle");
    expect((await get(mine.shop.domain, "gid://shopify/Order/10")).status).toBe(400);
  });

  it("answers 401 without a session token and with a forged one", async () => {
    const { shop } = await shopInSession();
    const anonymous = await get(null, "10");
    expect(anonymous.status).toBe(401);
    const forged = await get(shop.domain, "10", { authorization: "Bearer not.a.token" });
    expect(forged.status).toBe(401);
  });

  it("adds CORS headers for the extension's origin", async () => {
    const { shop } = await shopInSession();
    const response = await get(shop.domain, "10", { origin: "https://extensions.shopifycdn.com" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});
