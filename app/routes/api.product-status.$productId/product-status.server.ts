import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import type { ProductStatus } from "../../../extensions/product-status-block/src/contract";
import { NotFoundForShop } from "~/lib/errors";
import { shopIdOf } from "~/lib/shop-id.server";

// What the product details block in Shopify admin shows (extensions/product-status-block): per
// variant of one product and per channel it is listed on, what Anchorline computed and pushed,
// the sync state and the open alerts. The answer's shape is the block's own contract type, so a
// change here that the block cannot read fails the typecheck.

/** Shopify's product id as the block has it ("gid://shopify/Product/123") or bare ("123"). */
export function shopifyProductId(value: string): string | null {
  const id = value.trim().replace(/^gid:\/\/shopify\/Product\//, "");
  return /^\d{1,20}$/.test(id) ? id : null;
}

// A drift alert or a held push stays visible until it is resolved, not just while open.
const UNRESOLVED = ["OPEN", "ACKNOWLEDGED"] as const;

export async function productStatus(shopDomain: string, productShopifyId: string, prisma: PrismaClient = defaultPrisma): Promise<ProductStatus> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const [shop, product] = await Promise.all([
    prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { currencyCode: true } }),
    prisma.product.findFirst({
      where: { shopId, shopifyId: productShopifyId },
      select: {
        title: true,
        shopifyId: true,
        variants: {
          orderBy: { shopifyId: "asc" },
          select: {
            shopifyId: true,
            title: true,
            sku: true,
            priceCents: true,
            listings: {
              where: { shopId },
              orderBy: [{ channel: { priority: "asc" } }, { channelSku: "asc" }],
              select: {
                id: true,
                channelSku: true,
                desiredQuantity: true,
                desiredPriceCents: true,
                pushedQuantity: true,
                pushedPriceCents: true,
                pushedAt: true,
                observedQuantity: true,
                observedAt: true,
                syncState: true,
                syncMessage: true,
                staleSince: true,
                channel: { select: { name: true, kind: true } },
                alerts: { where: { shopId, state: { in: [...UNRESOLVED] } }, orderBy: { createdAt: "desc" }, select: { kind: true, title: true } },
              },
            },
          },
        },
      },
    }),
  ]);
  if (!product) throw new NotFoundForShop("Product");
  return {
    productId: product.shopifyId,
    title: product.title,
    currencyCode: shop.currencyCode,
    link: `/app/inventory?${new URLSearchParams({ q: product.title })}`,
    variants: product.variants.map((v) => ({
      variantId: v.shopifyId,
      title: v.title,
      sku: v.sku,
      priceCents: v.priceCents,
      listings: v.listings.map((l) => ({
        listingId: l.id,
        channelName: l.channel.name,
        channelKind: l.channel.kind,
        channelSku: l.channelSku,
        desiredQuantity: l.desiredQuantity,
        desiredPriceCents: l.desiredPriceCents,
        pushedQuantity: l.pushedQuantity,
        pushedPriceCents: l.pushedPriceCents,
        // As /metrics counts drift: the last check came after the last push and shows another number.
        driftQuantity:
          l.observedQuantity !== null &&
          l.pushedQuantity !== null &&
          l.observedQuantity !== l.pushedQuantity &&
          (l.pushedAt === null || (l.observedAt !== null && l.observedAt >= l.pushedAt))
            ? l.observedQuantity
            : null,
        syncState: l.syncState,
        syncMessage: l.syncMessage,
        recomputing: l.staleSince !== null,
        problems: l.alerts,
        link: `/app/inventory?${new URLSearchParams({ q: v.sku ?? product.title, explain: l.id })}`,
      })),
    })),
  };
}
