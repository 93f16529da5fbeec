import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { keepProductImages } from "./product-images.server";

describe("a product's images from products/* webhooks", () => {
  it("given a products/update payload with images, they are kept in the mirror for the channels that take images", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await keepProductImages(prisma, shop.id, "10", [{ src: "https://cdn.example.com/k.jpg", width: 800, height: 600 }, { alt: "no src" }]);
    const product = await prisma.product.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: "10" } } });
    expect(product.content).toEqual({ images: [{ src: "https://cdn.example.com/k.jpg", width: 800, height: 600 }] });
  });

  it("given a payload without images, what the mirror keeps stays; given a product not mirrored, nothing is written", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await keepProductImages(prisma, shop.id, "10", [{ src: "https://cdn.example.com/k.jpg" }]);
    expect(await keepProductImages(prisma, shop.id, "10", undefined)).not.toBeNull();
    const product = await prisma.product.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: "10" } } });
    expect(product.content).toEqual({ images: [{ src: "https://cdn.example.com/k.jpg" }] });
    expect(await keepProductImages(prisma, shop.id, "999", [{ src: "https://cdn.example.com/x.jpg" }])).toBeNull();
  });
});
