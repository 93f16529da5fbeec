import type { PrismaClient } from "@prisma/client";
import type {
  CollectionForMirrorQuery,
  CollectionForMirrorQueryVariables,
  ProductCollectionsForMirrorQuery,
  ProductCollectionsForMirrorQueryVariables,
} from "~/types/admin.generated";
import type { AdminClient } from "./admin-client.server";
import { gid, idFromGid } from "./gid";

// Shopify's collections in the mirror: each collection (custom or smart) and the products in it,
// so a rule scoped by a collection handle matches the variants of its products. Written three
// ways, each answering the products whose membership changed (their listings are then noted as
// changed by the caller): the bulk import (every collection with its products), a collection's
// re-read after collections/create or collections/update (whose payloads name no products), and a
// product's re-read after products/create or products/update (a smart collection gains or loses a
// product when the product's tags, title, type or vendor change, and Shopify sends no
// collections/update then: metadatas/2026-04/collections/update.json, "Not fired when attribute
// changes affect whether a product matches a collection's rules").

export interface CollectionRecord {
  shopifyId: string;
  handle: string;
  title: string;
  smart: boolean;
  shopifyUpdatedAt: string | null;
}

// 250 products a page, the most a connection gives: 2 + 250 × 1 = 252 points.
const COLLECTION_QUERY = `#graphql
query CollectionForMirror($id: ID!, $after: String) {
  collection(id: $id) {
    id handle title updatedAt
    ruleSet { appliedDisjunctively }
    products(first: 250, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id }
    }
  }
}`;

// A product in more than 250 collections is beyond any store's practice; the rest are paged.
const PRODUCT_COLLECTIONS_QUERY = `#graphql
query ProductCollectionsForMirror($id: ID!, $after: String) {
  product(id: $id) {
    collections(first: 250, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id handle title updatedAt ruleSet { appliedDisjunctively } }
    }
  }
}`;

type CollectionNode = { id: string; handle: string; title: string; updatedAt: unknown; ruleSet?: { appliedDisjunctively: boolean } | null };

/** A collection as the Admin API (or a bulk line, of the same selection) gives it. */
export function collectionRecord(node: CollectionNode): CollectionRecord {
  return {
    shopifyId: idFromGid(node.id),
    handle: node.handle,
    title: node.title,
    smart: node.ruleSet != null,
    shopifyUpdatedAt: typeof node.updatedAt === "string" ? node.updatedAt : null,
  };
}

async function upsertCollection(prisma: PrismaClient, shopId: string, c: CollectionRecord): Promise<string> {
  const data = { handle: c.handle, title: c.title, smart: c.smart, shopifyUpdatedAt: c.shopifyUpdatedAt ? new Date(c.shopifyUpdatedAt) : null };
  const row = await prisma.collection.upsert({
    where: { shopId_shopifyId: { shopId, shopifyId: c.shopifyId } },
    create: { shopId, shopifyId: c.shopifyId, ...data },
    update: data,
    select: { id: true },
  });
  return row.id;
}

/**
 * A collection and exactly these products (Shopify ids; products the mirror lacks are left out:
 * their products/create re-reads their collections). Answers the mirror ids of the products that
 * joined or left it.
 */
export async function replaceCollection(
  prisma: PrismaClient,
  shopId: string,
  collection: CollectionRecord,
  productShopifyIds: readonly string[],
): Promise<string[]> {
  const collectionId = await upsertCollection(prisma, shopId, collection);
  const products = await prisma.product.findMany({ where: { shopId, shopifyId: { in: [...new Set(productShopifyIds)] } }, select: { id: true } });
  const wanted = new Set(products.map((p) => p.id));
  const current = new Set((await prisma.collectionProduct.findMany({ where: { collectionId }, select: { productId: true } })).map((m) => m.productId));
  const joined = [...wanted].filter((id) => !current.has(id));
  const left = [...current].filter((id) => !wanted.has(id));
  await prisma.$transaction([
    prisma.collectionProduct.deleteMany({ where: { collectionId, productId: { in: left } } }),
    prisma.collectionProduct.createMany({ data: joined.map((productId) => ({ shopId, collectionId, productId })), skipDuplicates: true }),
  ]);
  return [...joined, ...left];
}

/** Removes collections from the mirror; answers the products that were in them. */
export async function deleteCollections(
  prisma: PrismaClient,
  shopId: string,
  where: { shopifyIds?: string[]; notShopifyIds?: string[]; writtenBefore?: Date },
): Promise<string[]> {
  const filter = {
    shopId,
    ...(where.shopifyIds ? { shopifyId: { in: where.shopifyIds } } : {}),
    ...(where.notShopifyIds ? { shopifyId: { notIn: where.notShopifyIds } } : {}),
    ...(where.writtenBefore ? { updatedAt: { lt: where.writtenBefore } } : {}),
  };
  const members = await prisma.collectionProduct.findMany({ where: { shopId, collection: filter }, select: { productId: true } });
  await prisma.collection.deleteMany({ where: filter });
  return [...new Set(members.map((m) => m.productId))];
}

/**
 * Re-reads one collection and its products from Shopify into the mirror (collections/create and
 * collections/update). A collection Shopify no longer has is removed (its collections/delete
 * follows). Answers the products that joined or left.
 */
export async function refreshCollectionFromShopify(prisma: PrismaClient, client: AdminClient, shopId: string, collectionShopifyId: string): Promise<string[]> {
  const productIds: string[] = [];
  let record: CollectionRecord | null = null;
  for (let after: string | null = null; ;) {
    const page: CollectionForMirrorQuery = await client.request<CollectionForMirrorQuery, CollectionForMirrorQueryVariables>(COLLECTION_QUERY, {
      id: gid("Collection", collectionShopifyId),
      after,
    });
    if (!page.collection) return deleteCollections(prisma, shopId, { shopifyIds: [collectionShopifyId] });
    record ??= collectionRecord(page.collection);
    productIds.push(...page.collection.products.nodes.map((p) => idFromGid(p.id)));
    if (!page.collection.products.pageInfo.hasNextPage) break;
    after = page.collection.products.pageInfo.endCursor ?? null;
  }
  return replaceCollection(prisma, shopId, record, productIds);
}

/**
 * Re-reads the collections one product is in (products/create and products/update) and sets its
 * membership to them. Answers whether it changed. A product Shopify no longer has keeps what the
 * mirror holds (its products/delete follows).
 */
export async function refreshProductCollectionsFromShopify(
  prisma: PrismaClient,
  client: AdminClient,
  shopId: string,
  product: { id: string; shopifyId: string },
): Promise<boolean> {
  const collections: CollectionRecord[] = [];
  for (let after: string | null = null; ;) {
    const page: ProductCollectionsForMirrorQuery = await client.request<ProductCollectionsForMirrorQuery, ProductCollectionsForMirrorQueryVariables>(
      PRODUCT_COLLECTIONS_QUERY,
      { id: gid("Product", product.shopifyId), after },
    );
    if (!page.product) return false;
    collections.push(...page.product.collections.nodes.map(collectionRecord));
    if (!page.product.collections.pageInfo.hasNextPage) break;
    after = page.product.collections.pageInfo.endCursor ?? null;
  }
  const wanted = new Set<string>();
  for (const c of collections) wanted.add(await upsertCollection(prisma, shopId, c));
  const current = new Set(
    (await prisma.collectionProduct.findMany({ where: { shopId, productId: product.id }, select: { collectionId: true } })).map((m) => m.collectionId),
  );
  const joined = [...wanted].filter((id) => !current.has(id));
  const left = [...current].filter((id) => !wanted.has(id));
  if (joined.length === 0 && left.length === 0) return false;
  await prisma.$transaction([
    prisma.collectionProduct.deleteMany({ where: { productId: product.id, collectionId: { in: left } } }),
    prisma.collectionProduct.createMany({ data: joined.map((collectionId) => ({ shopId, collectionId, productId: product.id })), skipDuplicates: true }),
  ]);
  return true;
}

/** The variants of products whose membership changed: what a collection-scoped rule can move. */
export async function variantIdsOfProducts(prisma: PrismaClient, shopId: string, productIds: readonly string[]): Promise<string[]> {
  if (productIds.length === 0) return [];
  const variants = await prisma.variant.findMany({ where: { shopId, productId: { in: [...productIds] } }, select: { id: true } });
  return variants.map((v) => v.id);
}
