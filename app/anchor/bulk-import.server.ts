import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { logger, type Logger } from "~/lib/logger.server";
import type { Queues } from "~/queues.server";
import { markChanged, requestRecompute } from "~/recompute/index.server";
import type {
  BulkStatusQuery,
  BulkStatusQueryVariables,
  LocationsQuery,
  LocationsQueryVariables,
  RunBulkMutation,
  RunBulkMutationVariables,
} from "~/types/admin.generated";
import type { AdminClient } from "./admin-client.server";
import { mirrorShopifyBundles, type ShopifyBundleRecord } from "./bundles.server";
import { collectionRecord, deleteCollections, replaceCollection, variantIdsOfProducts, type CollectionRecord } from "./collections.server";
import { idFromGid } from "./gid";
import {
  productStatusFrom,
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
import { refreshLevelsFromShopify } from "./level-reads.server";
import { applyParkedInventory } from "./parked.server";
import { itemRecord, variantRecord, type ItemNode, type VariantNode } from "./product-variants.server";

// The initial import and the scheduled reconciliation: bulk operations over the catalog (Shopify
// runs them server-side and hands back JSONL files), streamed line by line into the mirror in
// batches, so memory stays flat whatever the catalog's size. Reconciliation is the same pass; what
// it changes in the mirror is the drift, recorded for the merchant.

const LOCATIONS_QUERY = `#graphql
query Locations($after: String) {
  locations(first: 250, after: $after, includeInactive: true) {
    pageInfo { hasNextPage endCursor }
    nodes { id name isActive }
  }
}`;

// Four bulk queries, started together (API 2026-01 and later run up to five per shop at once,
// shopify.dev/docs/api/usage/bulk-operations/queries) and applied in order: products, then
// variants with their inventory items, then levels, then collections. Each line names what it belongs to (a variant
// its product inline, a level its item by __parentId), so nothing depends on the order of lines:
// from 2026-01 Shopify no longer groups children under their parents unless asked (changelog
// "Bulk operations group objects default changed to false").
export const PRODUCTS_BULK_QUERY = `{
  products {
    edges { node { id title handle vendor productType tags status descriptionHtml updatedAt } }
  }
}`;

/**
 * Each line a VariantNode (product-variants.server.ts) with its product's id and whether it is a
 * Shopify bundle; a bundle's components follow as lines of their own under it (__parentId), one
 * connection below the root, within bulk operations' two levels of nested connections
 * (shopify.dev/docs/api/usage/bulk-operations/queries).
 */
export const VARIANTS_BULK_QUERY = `{
  productVariants {
    edges { node {
      id title sku barcode price compareAtPrice
      selectedOptions { name value }
      product { id }
      inventoryItem { id tracked sku requiresShipping unitCost { amount } }
      requiresComponents
      productVariantComponents { edges { node { id quantity productVariant { id } } } }
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

/** Each collection (the selection collections.server.ts reads), then its products' ids by __parentId. */
export const COLLECTIONS_BULK_QUERY = `{
  collections {
    edges { node {
      id handle title updatedAt
      ruleSet { appliedDisjunctively }
      products { edges { node { id } } }
    } }
  }
}`;

const RUN_BULK = `#graphql
mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}`;

const BULK_STATUS = `#graphql
query BulkStatus($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } }
}`;

/**
 * Rows per database statement, and batches written at once (one is parsed while PostgreSQL writes
 * the others; each writer holds one connection of sqlFor's pool of four, the stale marks the
 * fourth). Measured with bench/import.ts (100,000 variants × 10 locations, 2 CPUs):
 * 5,000 × 2 → 79 s, 272 MB peak RSS; 5,000 × 3 → 66 s, 312 MB; 2,500 × 3 → 70 s, 263 MB.
 */
const DEFAULT_BATCH_SIZE = 2500;
const DEFAULT_CONCURRENCY = 3;
const PROGRESS_EVERY_MS = 1000;

export interface ImportOptions {
  prisma?: PrismaClient;
  queues?: Queues;
  /** Rows per database statement. */
  batchSize?: number;
  /** Batches written at the same time. */
  concurrency?: number;
  pollIntervalMs?: number;
  kind?: "initial-import" | "reconcile";
}

type ImportKind = NonNullable<ImportOptions["kind"]>;

export interface ImportSummary {
  runId: string;
  lines: number;
  products: number;
  variants: number;
  levels: number;
  /** Levels whose quantity in the mirror differed from Shopify's (for reconciliation: drift). */
  drift: LevelChange[];
  seconds: number;
  /**
   * Where the time went: waiting for Shopify's exports (the part not hidden behind applying an
   * earlier one), and downloading, parsing and writing their results here.
   */
  phases: { bulkWaitSeconds: number; streamSeconds: number };
}

type BulkOperation = NonNullable<BulkStatusQuery["node"]>;

async function startBulkOperation(client: AdminClient, query: string): Promise<string> {
  const started = await client.request<RunBulkMutation, RunBulkMutationVariables>(RUN_BULK, { query });
  const bulkOperation = started.bulkOperationRunQuery?.bulkOperation;
  if (!bulkOperation)
    throw new Error(`Shopify refused the bulk operation: ${(started.bulkOperationRunQuery?.userErrors ?? []).map((e) => e.message).join("; ")}`);
  return bulkOperation.id;
}

async function bulkOperationDone(
  client: AdminClient,
  id: string,
  pollIntervalMs: number,
  onProgress: (objects: number) => Promise<void>,
): Promise<BulkOperation> {
  for (;;) {
    const { node } = await client.request<BulkStatusQuery, BulkStatusQueryVariables>(BULK_STATUS, { id });
    if (!node) throw new Error(`Bulk operation ${id} is not known to Shopify`);
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
 * Batch writes with at most `limit` in flight: the next batch is parsed while earlier ones are
 * written, and memory holds at most `limit + 1` batches whatever the catalog's size. The first
 * failure stops the import.
 */
function boundedWrites(limit: number) {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  return {
    async push(write: () => Promise<void>): Promise<void> {
      while (inFlight.size >= limit && !failure) await Promise.race(inFlight);
      if (failure) throw failure.error;
      const running: Promise<void> = write()
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
    },
    async drain(): Promise<void> {
      await Promise.all(inFlight);
      if (failure) throw failure.error;
    },
  };
}

/** Runs tasks one after another in the order given, while the caller goes on. */
function sequence() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = tail.then(task);
    tail = next.catch(() => undefined);
    return next;
  };
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** A products line; its status is Shopify's, or UNKNOWN for one a later API version added. */
function productRecord(line: Record<string, unknown>): ProductRecord {
  return {
    shopifyId: idFromGid(line.id as string),
    title: String(line.title),
    handle: text(line.handle),
    vendor: text(line.vendor),
    productType: text(line.productType),
    tags: Array.isArray(line.tags) ? (line.tags as string[]) : [],
    status: productStatusFrom(String(line.status)),
    descriptionHtml: text(line.descriptionHtml),
    shopifyUpdatedAt: text(line.updatedAt),
  };
}

function levelRecord(line: Record<string, unknown>): InventoryLevelRecord {
  let available = 0;
  let onHand: number | null = null;
  let committed: number | null = null;
  for (const q of (line.quantities as { name: string; quantity: number }[] | undefined) ?? []) {
    if (q.name === "available") available = q.quantity;
    else if (q.name === "on_hand") onHand = q.quantity;
    else if (q.name === "committed") committed = q.quantity;
  }
  return {
    itemShopifyId: idFromGid(line.__parentId as string),
    locationShopifyId: idFromGid((line.location as { id: string }).id),
    available,
    onHand,
    committed,
    shopifyUpdatedAt: text(line.updatedAt),
  };
}

/** What each phase of one import works with. */
interface ImportContext {
  prisma: PrismaClient;
  client: AdminClient;
  shopId: string;
  log: Logger;
  summary: ImportSummary;
  /** Rows per database statement. */
  batchSize: number;
  /** Batches written at the same time. */
  concurrency: number;
  pollIntervalMs: number;
  /** Runs tasks one at a time in the order given: the run's progress writes and the stock marks. */
  inOrder: ReturnType<typeof sequence>;
  /** Records the run's progress (see progressWriter). */
  progress: (done: number, total?: number) => Promise<void>;
}

const secondsSince = (from: number) => (performance.now() - from) / 1000;

/** The shop's locations into the mirror, page by page. */
async function importLocations(prisma: PrismaClient, client: AdminClient, shopId: string): Promise<void> {
  for (let after: string | null = null; ;) {
    const page: LocationsQuery = await client.request<LocationsQuery, LocationsQueryVariables>(LOCATIONS_QUERY, { after });
    await upsertLocations(
      prisma,
      shopId,
      page.locations.nodes.map((l) => ({ shopifyId: idFromGid(l.id), name: l.name, isActive: l.isActive })),
    );
    if (!page.locations.pageInfo.hasNextPage) break;
    after = page.locations.pageInfo.endCursor ?? null;
  }
}

/** Progress is for the merchant's screen: written at most every PROGRESS_EVERY_MS, not per batch. */
function progressWriter(prisma: PrismaClient, runId: string, inOrder: ReturnType<typeof sequence>) {
  let progressWrittenAt = 0;
  return async (done: number, total?: number) => {
    if (total === undefined && performance.now() - progressWrittenAt < PROGRESS_EVERY_MS) return;
    progressWrittenAt = performance.now();
    await inOrder(() => prisma.importRun.update({ where: { id: runId }, data: { done, ...(total !== undefined ? { total } : {}) } }));
  };
}

/** Starts the bulk queries one after another, answering their operations' ids in the same order. */
async function startBulkOperations(client: AdminClient, queries: string[]): Promise<string[]> {
  const operations = [];
  for (const query of queries) operations.push(await startBulkOperation(client, query));
  return operations;
}

/** Waits for an export, then streams its lines to `apply`; the two times are kept apart. */
async function streamResult(ctx: ImportContext, operationId: string, apply: (line: Record<string, unknown>) => Promise<void>): Promise<void> {
  const { summary } = ctx;
  const waitStarted = performance.now();
  const done = await bulkOperationDone(ctx.client, operationId, ctx.pollIntervalMs, async (n) => ctx.progress(summary.lines, summary.lines + n));
  summary.phases.bulkWaitSeconds += secondsSince(waitStarted);
  const streamStarted = performance.now();
  if (done.url) {
    for await (const line of jsonLines(done.url)) {
      summary.lines++;
      await apply(line);
    }
  }
  summary.phases.streamSeconds += secondsSince(streamStarted);
}

/** The products export into the mirror, in batches. */
async function importProducts(ctx: ImportContext, operationId: string): Promise<void> {
  const { shopId, summary } = ctx;
  const productWrites = boundedWrites(ctx.concurrency);
  let products: ProductRecord[] = [];
  const flushProducts = async () => {
    const batch = products;
    products = [];
    if (batch.length === 0) return;
    await productWrites.push(async () => {
      await upsertProducts(shopId, batch);
      summary.products += batch.length;
      await ctx.progress(summary.lines);
    });
  };
  // A status this version does not know (a later API version's) is mirrored as UNKNOWN, its
  // listings held at 0, and said once per import rather than failing the import.
  const unknownStatuses = new Map<string, number>();
  await streamResult(ctx, operationId, async (line) => {
    if (typeOf(line.id) !== "Product") return;
    const product = productRecord(line);
    if (product.status === "UNKNOWN") unknownStatuses.set(String(line.status), (unknownStatuses.get(String(line.status)) ?? 0) + 1);
    products.push(product);
    if (products.length >= ctx.batchSize) await flushProducts();
  });
  await flushProducts();
  await productWrites.drain();
  if (unknownStatuses.size > 0) {
    ctx.log.warn(
      { statuses: Object.fromEntries(unknownStatuses) },
      "products with a status Anchorline does not know: mirrored as UNKNOWN, their listings held at 0",
    );
  }
}

/**
 * The variants export, with their inventory items, into the mirror, in batches; answers the ids
 * of the variants whose price or item changed (to be marked once all are written).
 */
async function importVariants(ctx: ImportContext, operationId: string): Promise<string[]> {
  const { shopId, summary, log } = ctx;
  const repriced: string[] = [];
  // Every product is in the mirror now, so variant batches resolve on their own, side by side.
  const variantWrites = boundedWrites(ctx.concurrency);
  let variants: VariantRecord[] = [];
  let items: InventoryItemRecord[] = [];
  const flushVariants = async () => {
    const batch = { variants, items };
    variants = [];
    items = [];
    if (batch.variants.length === 0) return;
    await variantWrites.push(async () => {
      const v = await upsertVariants(shopId, batch.variants);
      repriced.push(...v.repriced);
      const i = await upsertInventoryItems(shopId, batch.items);
      repriced.push(...i.changedVariantIds);
      if (v.unresolved.length || i.unresolved.length)
        log.warn({ variants: v.unresolved.length, items: i.unresolved.length }, "bulk lines whose parent is not in the mirror");
      if (i.incomplete.length)
        log.warn({ items: i.incomplete.length }, "bulk lines of new inventory items without tracked flag, cost or shipping flag: not mirrored");
      summary.variants += batch.variants.length;
      await ctx.progress(summary.lines);
    });
  };
  // Shopify's bundles: their variants and components, held until every variant is written (a
  // component may be any variant, and lines come in no promised order). Bundles are few.
  const bundles = new Map<string, ShopifyBundleRecord>();
  const bundleOf = (variantShopifyId: string) => {
    let record = bundles.get(variantShopifyId);
    if (!record) bundles.set(variantShopifyId, (record = { variantShopifyId, requiresComponents: false, components: [] }));
    return record;
  };
  await streamResult(ctx, operationId, async (line) => {
    const type = typeOf(line.id);
    if (type === "ProductVariantComponent") {
      const component = line as unknown as { quantity: number; productVariant: { id: string }; __parentId: string };
      bundleOf(idFromGid(component.__parentId)).components.push({ variantShopifyId: idFromGid(component.productVariant.id), quantity: component.quantity });
      return;
    }
    if (type !== "ProductVariant") return;
    if (line.requiresComponents === true) bundleOf(idFromGid(line.id as string)).requiresComponents = true;
    const variant = variantRecord(line as unknown as VariantNode, idFromGid((line.product as { id: string }).id));
    variants.push(variant);
    const item = line.inventoryItem as ItemNode | null;
    if (item) items.push(itemRecord(item, variant.shopifyId));
    if (variants.length >= ctx.batchSize) await flushVariants();
  });
  await flushVariants();
  await variantWrites.drain();
  // Every variant Shopify bundles gets exactly its components; a mirrored bundle Shopify no longer has stops being one.
  const mirrored = await mirrorShopifyBundles(ctx.prisma, shopId, [...bundles.values()], { complete: true });
  repriced.push(...mirrored.changed);
  if (mirrored.waiting.length) log.warn({ bundles: mirrored.waiting }, "bundles naming a variant the export did not hold: left as they were");
  return repriced;
}

/** The levels export into the mirror, in batches, each batch's changes marked as it is written. */
async function importLevels(ctx: ImportContext, operationId: string): Promise<void> {
  const { prisma, shopId, summary, log } = ctx;
  const levelWrites = boundedWrites(ctx.concurrency);
  let levels: InventoryLevelRecord[] = [];
  const undecidedItems = new Set<string>();
  /** The first import has no listings yet; on reconciliation every change is drift. */
  const recordChanges = async (changes: LevelChange[]) => {
    for (const change of changes) if (change.before !== null) summary.drift.push(change);
    // Marks run one at a time: two batches' UPDATEs of the same bundle listings could deadlock.
    await ctx.inOrder(() => markChanged(shopId, { kind: "stock", at: changes }, { prisma }));
  };
  const flushLevels = async () => {
    const batch = levels;
    levels = [];
    if (batch.length === 0) return;
    await levelWrites.push(async () => {
      const { changes, unresolved, undecided } = await upsertInventoryLevels(shopId, batch);
      if (unresolved.length) log.warn({ count: unresolved.length }, "levels for items or locations not in the mirror");
      for (const level of undecided) undecidedItems.add(level.itemShopifyId);
      summary.levels += batch.length - unresolved.length;
      await recordChanges(changes);
      await ctx.progress(summary.lines);
    });
  };
  await streamResult(ctx, operationId, async (line) => {
    if (typeOf(line.id) !== "InventoryLevel") return;
    levels.push(levelRecord(line));
    if (levels.length >= ctx.batchSize) await flushLevels();
  });
  await flushLevels();
  await levelWrites.drain();
  // Lines of the same second as a delivery the mirror holds, with another quantity: the export
  // read them at some moment of that second, the delivery may be newer. Shopify says which now.
  if (undecidedItems.size > 0) {
    const refreshed = await refreshLevelsFromShopify(ctx.client, shopId, [...undecidedItems]);
    log.info({ items: undecidedItems.size, corrected: refreshed.changes.length }, "levels of a delivery's second re-read from Shopify");
    await recordChanges(refreshed.changes);
  }
}

/**
 * The collections export into the mirror: each collection with exactly the products Shopify lists,
 * and collections Shopify no longer has removed. Answers the variants of the products that joined
 * or left one (a collection-scoped rule moves their listings). Memberships are held until the end
 * (a product line may come before its collection's line): two ids a membership, a few MB for
 * 100,000 products in a few collections each.
 */
async function importCollections(ctx: ImportContext, operationId: string, exportStartedAt: Date): Promise<string[]> {
  const { prisma, shopId } = ctx;
  const collections = new Map<string, CollectionRecord>();
  const members = new Map<string, string[]>();
  await streamResult(ctx, operationId, async (line) => {
    const type = typeOf(line.id);
    if (type === "Collection") {
      const record = collectionRecord(line as unknown as Parameters<typeof collectionRecord>[0]);
      collections.set(record.shopifyId, record);
    } else if (type === "Product" && typeOf(line.__parentId) === "Collection") {
      const collectionId = idFromGid(line.__parentId as string);
      const list = members.get(collectionId);
      if (list) list.push(idFromGid(line.id as string));
      else members.set(collectionId, [idFromGid(line.id as string)]);
    }
  });
  const moved = new Set<string>();
  for (const collection of collections.values()) {
    for (const productId of await replaceCollection(prisma, shopId, collection, members.get(collection.shopifyId) ?? [])) moved.add(productId);
  }
  // Gone from Shopify: not in the export, and not written since it began (a collections/create
  // applied meanwhile is newer than the export, not missing from it).
  const gone = { notShopifyIds: [...collections.keys()], writtenBefore: exportStartedAt };
  for (const productId of await deleteCollections(prisma, shopId, gone)) moved.add(productId);
  return variantIdsOfProducts(prisma, shopId, [...moved]);
}

/** Marks the repriced variants, and asks for one recompute if anything (repricing or drift) changed. */
async function recomputeChanges(ctx: ImportContext, repriced: string[], queues: Queues | undefined): Promise<void> {
  const marked = await markChanged(ctx.shopId, { kind: "catalog", variantIds: [...new Set(repriced)] }, { prisma: ctx.prisma });
  // Drift was marked batch by batch above; one recompute for all of it.
  if (marked > 0 || ctx.summary.drift.length > 0) await requestRecompute(ctx.shopId, queues);
}

/** Closes the ImportRun as completed, records reconciliation's drift for the merchant, and logs the summary. */
async function completeRun(ctx: ImportContext, run: { id: string; kind: ImportKind; startedAt: number }): Promise<void> {
  const { prisma, shopId, summary } = ctx;
  summary.seconds = (Date.now() - run.startedAt) / 1000;
  await prisma.importRun.update({
    where: { id: run.id },
    data: {
      state: "COMPLETED",
      finishedAt: new Date(),
      done: summary.lines,
      total: summary.lines,
      message: `${summary.variants} variants, ${summary.levels} levels, ${summary.drift.length} drifted`,
    },
  });
  if (run.kind === "reconcile" && summary.drift.length > 0) {
    await prisma.auditEvent.create({
      data: {
        shopId,
        actor: "worker",
        action: "mirror.drift_repaired",
        details: { levels: summary.drift.length, sample: summary.drift.slice(0, 20).map((d) => ({ ...d })) },
      },
    });
  }
  ctx.log.info(
    { lines: summary.lines, variants: summary.variants, levels: summary.levels, drift: summary.drift.length, seconds: summary.seconds },
    "catalog import finished",
  );
}

/**
 * Imports (or reconciles) a shop's locations, products, variants, inventory items and levels from
 * Shopify into the mirror, recording progress in an ImportRun.
 */
export async function importCatalog(shopDomain: string, client: AdminClient, options: ImportOptions = {}): Promise<ImportSummary> {
  const prisma = options.prisma ?? defaultPrisma;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const kind = options.kind ?? "initial-import";
  const startedAt = Date.now();
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const shopId = shop.id;
  const run = await prisma.importRun.create({ data: { shopId, kind } });
  const log = logger.child({ shop: shopDomain, run: run.id, kind });
  const summary: ImportSummary = {
    runId: run.id,
    lines: 0,
    products: 0,
    variants: 0,
    levels: 0,
    drift: [],
    seconds: 0,
    phases: { bulkWaitSeconds: 0, streamSeconds: 0 },
  };

  try {
    // Locations first: a handful per shop, paginated normally.
    await importLocations(prisma, client, shopId);
    const inOrder = sequence();
    const progress = progressWriter(prisma, run.id, inOrder);
    const ctx: ImportContext = { prisma, client, shopId, log, summary, batchSize, concurrency, pollIntervalMs, inOrder, progress };

    // Shopify exports all four while the first results are applied here.
    const exportStartedAt = new Date();
    const [productsOperation, variantsOperation, levelsOperation, collectionsOperation] = await startBulkOperations(client, [
      PRODUCTS_BULK_QUERY,
      VARIANTS_BULK_QUERY,
      LEVELS_BULK_QUERY,
      COLLECTIONS_BULK_QUERY,
    ]);
    await importProducts(ctx, productsOperation);
    const repriced = await importVariants(ctx, variantsOperation);
    await importLevels(ctx, levelsOperation);
    // Collections name products, all in the mirror by now; a product's new membership moves its listings as a new price would.
    repriced.push(...(await importCollections(ctx, collectionsOperation, exportStartedAt)));
    // Deliveries that came before their item or location, which this import may have mirrored.
    await applyParkedInventory(shopId, { prisma, queues: options.queues, adminClient: async () => client });

    await recomputeChanges(ctx, repriced, options.queues);
    await completeRun(ctx, { id: run.id, kind, startedAt });
    return summary;
  } catch (error) {
    await prisma.importRun.update({ where: { id: run.id }, data: { state: "FAILED", finishedAt: new Date(), message: String(error) } });
    throw error;
  }
}
