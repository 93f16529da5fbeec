import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import type { Queues } from "~/queues.server";
import type { AdminClient } from "./admin-client.server";
import { centsFromDecimal, idFromGid } from "./gid";
import {
  upsertInventoryItems,
  upsertInventoryLevels,
  upsertLocations,
  upsertProducts,
  upsertVariants,
  type InventoryItemRecord,
  type InventoryLevelRecord,
  type LevelChange,
  type ProductRecord,
  type VariantRecord,
} from "./mirror.server";
import { markStockChangeStale, markVariantsStale, requestRecompute } from "./stale.server";

// The initial import and the scheduled reconciliation: one bulk operation over the catalog
// (Shopify runs it server-side and hands back a JSONL file), streamed line by line into the mirror
// in batches, so memory stays flat whatever the catalog's size. Reconciliation is the same pass;
// what it changes in the mirror is the drift, recorded for the merchant.

const LOCATIONS_QUERY = `query Locations($after: String) {
  locations(first: 250, after: $after, includeInactive: true) {
    pageInfo { hasNextPage endCursor }
    nodes { id name isActive }
  }
}`;

export const CATALOG_BULK_QUERY = `{
  products {
    edges { node {
      id title handle vendor productType tags status descriptionHtml updatedAt
      variants { edges { node {
        id title sku barcode price compareAtPrice
        selectedOptions { name value }
        inventoryItem { id tracked sku requiresShipping unitCost { amount } }
      } } }
    } }
  }
}`;

export const LEVELS_BULK_QUERY = `{
  inventoryItems {
    edges { node {
      id
      inventoryLevels { edges { node {
        id updatedAt
        location { id }
        quantities(names: ["available", "on_hand", "committed"]) { name quantity }
      } } }
    } }
  }
}`;

const RUN_BULK = `mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}`;

const BULK_STATUS = `query BulkStatus($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } }
}`;

export interface ImportOptions {
  prisma?: PrismaClient;
  queues?: Queues;
  /** Rows per database statement. */
  batchSize?: number;
  pollIntervalMs?: number;
  kind?: "initial-import" | "reconcile";
}

export interface ImportSummary {
  runId: string;
  lines: number;
  products: number;
  variants: number;
  levels: number;
  /** Levels whose quantity in the mirror differed from Shopify's (for reconciliation: drift). */
  drift: LevelChange[];
  seconds: number;
  /** Where the time went: Shopify running the two bulk queries, and this process downloading, parsing and writing their results. */
  phases: { bulkWaitSeconds: number; streamSeconds: number };
}

interface BulkOperation {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  url: string | null;
}

async function runBulkOperation(client: AdminClient, query: string, pollIntervalMs: number, onProgress: (objects: number) => Promise<void>): Promise<BulkOperation> {
  const started = await client.request<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { message: string }[] } }>(RUN_BULK, { query });
  const { bulkOperation, userErrors } = started.bulkOperationRunQuery;
  if (!bulkOperation) throw new Error(`Shopify refused the bulk operation: ${userErrors.map((e) => e.message).join("; ")}`);
  for (;;) {
    const { node } = await client.request<{ node: BulkOperation }>(BULK_STATUS, { id: bulkOperation.id });
    await onProgress(Number(node.objectCount));
    if (node.status === "COMPLETED") return node;
    if (["FAILED", "CANCELED", "EXPIRED"].includes(node.status)) throw new Error(`Bulk operation ${node.status}: ${node.errorCode ?? "no error code"}`);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

async function* jsonLines(url: string): AsyncGenerator<Record<string, unknown>> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`Could not download the bulk result: HTTP ${response.status}`);
  const lines = createInterface({ input: Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
}

function typeOf(gidValue: unknown): string | null {
  return typeof gidValue === "string" ? (/^gid:\/\/shopify\/([A-Za-z]+)\//.exec(gidValue)?.[1] ?? null) : null;
}

/**
 * Imports (or reconciles) a shop's locations, products, variants, inventory items and levels from
 * Shopify into the mirror, recording progress in an ImportRun.
 */
export async function importCatalog(shopDomain: string, client: AdminClient, options: ImportOptions = {}): Promise<ImportSummary> {
  const prisma = options.prisma ?? defaultPrisma;
  const batchSize = options.batchSize ?? 2000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const kind = options.kind ?? "initial-import";
  const startedAt = Date.now();
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const shopId = shop.id;
  const run = await prisma.importRun.create({ data: { shopId, kind } });
  const log = logger.child({ shop: shopDomain, run: run.id, kind });
  const summary: ImportSummary = { runId: run.id, lines: 0, products: 0, variants: 0, levels: 0, drift: [], seconds: 0, phases: { bulkWaitSeconds: 0, streamSeconds: 0 } };
  const secondsSince = (from: number) => (performance.now() - from) / 1000;

  try {
    // Locations first: a handful per shop, paginated normally.
    for (let after: string | null = null; ; ) {
      const page: { locations: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { id: string; name: string; isActive: boolean }[] } } =
        await client.request(LOCATIONS_QUERY, { after });
      await upsertLocations(prisma, shopId, page.locations.nodes.map((l) => ({ shopifyId: idFromGid(l.id), name: l.name, isActive: l.isActive })));
      if (!page.locations.pageInfo.hasNextPage) break;
      after = page.locations.pageInfo.endCursor;
    }

    const progress = async (done: number, total?: number) => {
      await prisma.importRun.update({ where: { id: run.id }, data: { done, ...(total !== undefined ? { total } : {}) } });
    };

    // Pass 1: the catalog. Pass 2: the levels (inventoryItems → inventoryLevels keeps every
    // bulk query within Shopify's limit of two nested connections).
    let products: ProductRecord[] = [];
    let variants: VariantRecord[] = [];
    let items: InventoryItemRecord[] = [];
    const repriced: string[] = [];
    const flushCatalog = async () => {
      await upsertProducts(shopId, products);
      const v = await upsertVariants(shopId, variants);
      repriced.push(...v.repriced);
      const i = await upsertInventoryItems(shopId, items);
      repriced.push(...i.changedVariantIds);
      if (v.unresolved.length || i.unresolved.length) log.warn({ variants: v.unresolved.length, items: i.unresolved.length }, "bulk lines whose parent was not in the file");
      summary.products += products.length;
      summary.variants += variants.length;
      products = [];
      variants = [];
      items = [];
      await progress(summary.lines);
    };

    const catalogRequested = performance.now();
    const catalog = await runBulkOperation(client, CATALOG_BULK_QUERY, pollIntervalMs, (n) => progress(0, n));
    summary.phases.bulkWaitSeconds += secondsSince(catalogRequested);
    const catalogStarted = performance.now();
    if (catalog.url) {
      for await (const line of jsonLines(catalog.url)) {
        summary.lines++;
        const type = typeOf(line.id);
        if (type === "Product") {
          products.push({
            shopifyId: idFromGid(line.id as string),
            title: String(line.title),
            handle: (line.handle as string) ?? null,
            vendor: (line.vendor as string) ?? null,
            productType: (line.productType as string) ?? null,
            tags: (line.tags as string[]) ?? [],
            status: (line.status as ProductRecord["status"]) ?? "ACTIVE",
            descriptionHtml: (line.descriptionHtml as string) ?? null,
            shopifyUpdatedAt: (line.updatedAt as string) ?? null,
          });
        } else if (type === "ProductVariant") {
          const options = (line.selectedOptions as { value: string }[] | undefined) ?? [];
          const variantId = idFromGid(line.id as string);
          variants.push({
            shopifyId: variantId,
            productShopifyId: idFromGid(line.__parentId as string),
            title: String(line.title ?? ""),
            sku: (line.sku as string) ?? null,
            barcode: (line.barcode as string) ?? null,
            option1: options[0]?.value ?? null,
            option2: options[1]?.value ?? null,
            option3: options[2]?.value ?? null,
            priceCents: centsFromDecimal(line.price as string) ?? 0,
            compareAtPriceCents: centsFromDecimal(line.compareAtPrice as string | null),
          });
          const item = line.inventoryItem as { id: string; tracked: boolean; sku: string | null; requiresShipping?: boolean; unitCost?: { amount: string } | null } | null;
          if (item) {
            items.push({
              shopifyId: idFromGid(item.id),
              variantShopifyId: variantId,
              sku: item.sku,
              tracked: item.tracked,
              costCents: centsFromDecimal(item.unitCost?.amount ?? null),
              requiresShipping: item.requiresShipping ?? true,
            });
          }
        }
        if (products.length + variants.length >= batchSize) await flushCatalog();
      }
    }
    await flushCatalog();
    summary.phases.streamSeconds += secondsSince(catalogStarted);

    let levels: InventoryLevelRecord[] = [];
    const flushLevels = async () => {
      const { changes, unresolved } = await upsertInventoryLevels(shopId, levels);
      if (unresolved.length) log.warn({ count: unresolved.length }, "levels for items or locations not in the mirror");
      summary.levels += levels.length - unresolved.length;
      // The first import has no listings yet; on reconciliation every change is drift.
      for (const change of changes) if (change.before !== null) summary.drift.push(change);
      const byLocation = new Map<string, string[]>();
      for (const change of changes) byLocation.set(change.locationId, [...(byLocation.get(change.locationId) ?? []), change.variantId]);
      for (const [locationId, variantIds] of byLocation) await markStockChangeStale(prisma, shopId, variantIds, locationId);
      levels = [];
      await progress(summary.lines);
    };
    const stockRequested = performance.now();
    const stock = await runBulkOperation(client, LEVELS_BULK_QUERY, pollIntervalMs, async (n) => progress(summary.lines, summary.lines + n));
    summary.phases.bulkWaitSeconds += secondsSince(stockRequested);
    const stockStarted = performance.now();
    if (stock.url) {
      for await (const line of jsonLines(stock.url)) {
        summary.lines++;
        if (typeOf(line.id) !== "InventoryLevel") continue;
        const quantities = Object.fromEntries(((line.quantities as { name: string; quantity: number }[]) ?? []).map((q) => [q.name, q.quantity]));
        levels.push({
          itemShopifyId: idFromGid(line.__parentId as string),
          locationShopifyId: idFromGid((line.location as { id: string }).id),
          available: quantities.available ?? 0,
          onHand: quantities.on_hand ?? null,
          committed: quantities.committed ?? null,
          shopifyUpdatedAt: (line.updatedAt as string) ?? null,
        });
        if (levels.length >= batchSize) await flushLevels();
      }
    }
    await flushLevels();
    summary.phases.streamSeconds += secondsSince(stockStarted);

    const marked = await markVariantsStale(prisma, shopId, [...new Set(repriced)]);
    if (marked > 0 || summary.drift.length > 0) await requestRecompute(shopId, options.queues);

    summary.seconds = (Date.now() - startedAt) / 1000;
    await prisma.importRun.update({
      where: { id: run.id },
      data: { state: "COMPLETED", finishedAt: new Date(), done: summary.lines, total: summary.lines, message: `${summary.variants} variants, ${summary.levels} levels, ${summary.drift.length} drifted` },
    });
    if (kind === "reconcile" && summary.drift.length > 0) {
      await prisma.auditEvent.create({
        data: {
          shopId,
          actor: "worker",
          action: "mirror.drift_repaired",
          details: { levels: summary.drift.length, sample: summary.drift.slice(0, 20).map((d) => ({ ...d })) },
        },
      });
    }
    log.info({ lines: summary.lines, variants: summary.variants, levels: summary.levels, drift: summary.drift.length, seconds: summary.seconds }, "catalog import finished");
    return summary;
  } catch (error) {
    await prisma.importRun.update({ where: { id: run.id }, data: { state: "FAILED", finishedAt: new Date(), message: String(error) } });
    throw error;
  }
}
