import type { Prisma, PrismaClient } from "@prisma/client";
import { logger } from "~/lib/logger.server";
import type { ProductBundleComponentsQuery, ProductBundleComponentsQueryVariables } from "~/types/admin.generated";
import type { AdminClient } from "./admin-client.server";
import { gid, idFromGid } from "./gid";

// Shopify's own bundles in the mirror. A variant that `requiresComponents` (Admin API 2026-10) is
// sold as a bundle of its `productVariantComponents`, each a component variant and its quantity;
// the mirror holds it as Variant.isBundle with shopifyBundle set and one BundleComponent row per
// component, which the recompute counts like any kit. Shopify is the anchor: these rows are only
// written here, from the bulk import and products/* webhooks, and the Kits screen shows them
// read-only. A kit the merchant defines in the app (rules/kits.server.ts) is a variant Shopify
// does not bundle; the mirror leaves it alone unless Shopify makes the variant a bundle, which
// then wins.

/** One variant as Shopify holds it: whether it is a bundle, and its components (Shopify ids). */
export interface ShopifyBundleRecord {
  variantShopifyId: string;
  requiresComponents: boolean;
  components: { variantShopifyId: string; quantity: number }[];
}

/**
 * Kits and bundles of a shop are written one writer at a time (a merchant's save, a webhook's
 * mirror, an import), so a check for cycles and nesting always sees the kits it is checked against.
 */
export async function lockKits(tx: Prisma.TransactionClient, shopId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`kits:${shopId}`}))`;
}

const sameComponents = (a: readonly { componentId: string; unitsPerBundle: number }[], b: readonly { componentId: string; unitsPerBundle: number }[]) =>
  a.length === b.length && a.every((x) => b.some((y) => y.componentId === x.componentId && y.unitsPerBundle === x.unitsPerBundle));

/**
 * Writes what Shopify says of these variants: a bundle gets exactly its components; a variant that
 * was a Shopify bundle and no longer is loses them. With `complete` (the bulk import, which sees
 * every variant), a mirrored Shopify bundle not among the records is no longer one either.
 * Answers the ids of the variants whose make-up changed, for noteChange, and the Shopify ids of
 * bundles left as they were because a component is not mirrored yet (its products/create still on
 * its way): written with a component missing, a kit would count only the others and list more
 * than its parts allow.
 */
export async function mirrorShopifyBundles(
  prisma: PrismaClient,
  shopId: string,
  records: readonly ShopifyBundleRecord[],
  options: { complete?: boolean } = {},
): Promise<{ changed: string[]; waiting: string[] }> {
  if (records.length === 0 && !options.complete) return { changed: [], waiting: [] };
  return prisma.$transaction(async (tx) => {
    await lockKits(tx, shopId);
    const shopifyIds = [...new Set(records.flatMap((r) => [r.variantShopifyId, ...r.components.map((c) => c.variantShopifyId)]))];
    const variants = await tx.variant.findMany({
      where: { shopId, OR: [{ shopifyId: { in: shopifyIds } }, ...(options.complete ? [{ shopifyBundle: true }] : [])] },
      select: {
        id: true,
        shopifyId: true,
        sku: true,
        isBundle: true,
        shopifyBundle: true,
        components: { select: { componentId: true, unitsPerBundle: true } },
      },
    });
    const byShopifyId = new Map(variants.map((v) => [v.shopifyId, v]));
    const changed: string[] = [];
    const waiting: string[] = [];
    for (const record of records) {
      const variant = byShopifyId.get(record.variantShopifyId);
      if (!variant) continue;
      if (!record.requiresComponents) {
        if (variant.shopifyBundle) changed.push(await unbundle(tx, variant.id));
        continue;
      }
      const missing = record.components.filter((c) => !byShopifyId.has(c.variantShopifyId));
      if (missing.length > 0) {
        logger.info(
          { shopId, bundle: record.variantShopifyId, missing: missing.map((c) => c.variantShopifyId) },
          "bundle components not mirrored yet: the bundle waits",
        );
        waiting.push(record.variantShopifyId);
        continue;
      }
      const components = record.components.map((c) => ({ componentId: byShopifyId.get(c.variantShopifyId)!.id, unitsPerBundle: c.quantity }));
      if (variant.shopifyBundle && variant.isBundle && sameComponents(variant.components, components)) continue;
      if (variant.isBundle && !variant.shopifyBundle)
        logger.info(
          { shopId, sku: variant.sku },
          "Shopify now bundles a variant the merchant had made a kit in the app: Shopify's components replace the kit's",
        );
      await tx.bundleComponent.deleteMany({ where: { shopId, bundleId: variant.id } });
      await tx.bundleComponent.createMany({ data: components.map((c) => ({ shopId, bundleId: variant.id, ...c })) });
      await tx.variant.update({ where: { id: variant.id }, data: { isBundle: true, shopifyBundle: true } });
      changed.push(variant.id);
    }
    if (options.complete) {
      const seen = new Set(records.map((r) => r.variantShopifyId));
      for (const variant of variants) if (variant.shopifyBundle && !seen.has(variant.shopifyId)) changed.push(await unbundle(tx, variant.id));
    }
    return { changed, waiting };
  });
}

/** A variant Shopify no longer bundles: no components, and sold as itself. */
async function unbundle(tx: Prisma.TransactionClient, variantId: string): Promise<string> {
  await tx.bundleComponent.deleteMany({ where: { bundleId: variantId } });
  await tx.variant.update({ where: { id: variantId }, data: { isBundle: false, shopifyBundle: false } });
  return variantId;
}

// 10 variants a page: each may hold 30 components (productVariantRelationshipBulkUpdate: "Each
// bundle variant can contain up to 30 component variants"), so a page costs 2 + 10 × (1 + 2 +
// 30 × 2) = 632 points, within the 1,000 one query may cost (shopify.dev/docs/api/usage/limits).
const PRODUCT_BUNDLE_COMPONENTS_QUERY = `#graphql
query ProductBundleComponents($id: ID!, $after: String) {
  product(id: $id) {
    variants(first: 10, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id requiresComponents
        productVariantComponents(first: 30) { nodes { quantity productVariant { id } } }
      }
    }
  }
}`;

/**
 * Each variant of a product with its bundle components, read from the Admin API: products/*
 * payloads say only `has_variants_that_requires_components`. Null when Shopify no longer has the
 * product (its products/delete follows).
 */
export async function productBundlesFromShopify(client: AdminClient, productShopifyId: string): Promise<ShopifyBundleRecord[] | null> {
  const records: ShopifyBundleRecord[] = [];
  for (let after: string | null = null; ;) {
    const page: ProductBundleComponentsQuery = await client.request<ProductBundleComponentsQuery, ProductBundleComponentsQueryVariables>(
      PRODUCT_BUNDLE_COMPONENTS_QUERY,
      { id: gid("Product", productShopifyId), after },
    );
    if (!page.product) return null;
    for (const node of page.product.variants.nodes) {
      records.push({
        variantShopifyId: idFromGid(node.id),
        requiresComponents: node.requiresComponents,
        components: node.productVariantComponents.nodes.map((c) => ({ variantShopifyId: idFromGid(c.productVariant.id), quantity: c.quantity })),
      });
    }
    if (!page.product.variants.pageInfo.hasNextPage) return records;
    after = page.product.variants.pageInfo.endCursor ?? null;
  }
}
