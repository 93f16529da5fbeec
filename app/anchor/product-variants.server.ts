import type { ProductVariantsForMirrorQuery, ProductVariantsForMirrorQueryVariables } from "~/types/admin.generated";
import type { AdminClient } from "./admin-client.server";
import { centsFromDecimal, gid, idFromGid } from "./gid";
import type { InventoryItemRecord, VariantRecord } from "./mirror.server";

// A product's variants and their inventory items as the Admin API holds them: what a
// products/create or products/update payload lacks (2026-04 and later carry no tracked flag and no
// cost, and only the first 100 variants in full), and what the bulk import reads for every
// variant. One shape for both, so the mirror holds the same facts whichever way they came: the
// generated type of ProductVariantsForMirror's nodes, whose selection VARIANTS_BULK_QUERY repeats.

export type VariantNode = NonNullable<ProductVariantsForMirrorQuery["product"]>["variants"]["nodes"][number];
export type ItemNode = VariantNode["inventoryItem"];

export function variantRecord(node: VariantNode, productShopifyId: string): VariantRecord {
  const options = node.selectedOptions;
  return {
    shopifyId: idFromGid(node.id),
    productShopifyId,
    title: node.title,
    sku: node.sku ?? null,
    barcode: node.barcode ?? null,
    option1: options[0]?.value ?? null,
    option2: options[1]?.value ?? null,
    option3: options[2]?.value ?? null,
    priceCents: centsFromDecimal(node.price) ?? undefined,
    compareAtPriceCents: centsFromDecimal(node.compareAtPrice ?? null),
  };
}

export function itemRecord(item: ItemNode, variantShopifyId: string): InventoryItemRecord {
  return {
    shopifyId: idFromGid(item.id),
    variantShopifyId,
    sku: item.sku ?? null,
    tracked: item.tracked,
    // No unit cost in Shopify is a known "no cost", not a missing field.
    costCents: centsFromDecimal(item.unitCost?.amount ?? null),
    requiresShipping: item.requiresShipping,
  };
}

// 100 variants a page: at 250 the query would cost 1,003 points (2 + 250 × (variant, options,
// item, unit cost)), past the 1,000 one query may cost (shopify.dev/docs/api/usage/limits).
const PRODUCT_VARIANTS_QUERY = `#graphql
query ProductVariantsForMirror($id: ID!, $after: String) {
  product(id: $id) {
    variants(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id title sku barcode price compareAtPrice
        selectedOptions { name value }
        inventoryItem { id tracked sku requiresShipping unitCost { amount } }
      }
    }
  }
}`;

/**
 * Every variant of a product, with its inventory item, read page by page. Null when Shopify no
 * longer has the product (deleted since the webhook was sent; products/delete follows).
 */
export async function productVariantsFromShopify(
  client: AdminClient,
  productShopifyId: string,
): Promise<{ variants: VariantRecord[]; items: InventoryItemRecord[] } | null> {
  const variants: VariantRecord[] = [];
  const items: InventoryItemRecord[] = [];
  for (let after: string | null = null; ;) {
    const page: ProductVariantsForMirrorQuery = await client.request<ProductVariantsForMirrorQuery, ProductVariantsForMirrorQueryVariables>(
      PRODUCT_VARIANTS_QUERY,
      {
        id: gid("Product", productShopifyId),
        after,
      },
    );
    if (!page.product) return null;
    for (const node of page.product.variants.nodes) {
      const variant = variantRecord(node, productShopifyId);
      variants.push(variant);
      if (node.inventoryItem) items.push(itemRecord(node.inventoryItem, variant.shopifyId));
    }
    if (!page.product.variants.pageInfo.hasNextPage) return { variants, items };
    after = page.product.variants.pageInfo.endCursor ?? null;
  }
}
