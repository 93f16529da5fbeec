import { isDeepStrictEqual } from "node:util";
import { Prisma, type PrismaClient } from "@prisma/client";
import { productContentOf, type ProductImage } from "~/lib/product-content";

// A product's images, which only products/* webhooks carry (REST payload `images`), kept in the
// mirror's Product.content for the channels that take pictures.

interface RestImage {
  src?: unknown;
  width?: unknown;
  height?: unknown;
}

/** The images of a REST products/* payload, or undefined when the payload carries none. */
export function imagesFromProductPayload(images: readonly unknown[] | undefined): ProductImage[] | undefined {
  if (!Array.isArray(images)) return undefined;
  return (images as RestImage[])
    .filter((i) => typeof i?.src === "string")
    .map((i) => ({
      src: i.src as string,
      ...(typeof i.width === "number" ? { width: i.width } : {}),
      ...(typeof i.height === "number" ? { height: i.height } : {}),
    }));
}

/**
 * Keeps the payload's images in Product.content where they differ from what is kept (a payload
 * without images keeps what is there). Returns the product's id, or null when it is not mirrored.
 */
export async function keepProductImages(prisma: PrismaClient, shopId: string, productShopifyId: string, payloadImages: readonly unknown[] | undefined) {
  const product = await prisma.product.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: productShopifyId } },
    select: { id: true, content: true },
  });
  if (!product) return null;
  const images = imagesFromProductPayload(payloadImages);
  const content = productContentOf(product.content);
  // Compared as values: PostgreSQL's jsonb gives the keys back in its own order.
  if (images && !isDeepStrictEqual(content.images ?? [], images)) {
    await prisma.product.update({ where: { id: product.id }, data: { content: { ...content, images } as unknown as Prisma.InputJsonValue } });
  }
  return product.id;
}
