import type { Readable } from "node:stream";
import { Prisma, type PrismaClient } from "@prisma/client";
import { inSqlTransaction } from "~/lib/sql.server";
import { parse } from "csv-parse";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import { noteChange } from "~/recompute/index.server";
import type { Queues } from "~/queues.server";
import { FeedMapping, type FeedRow, readFeedRow, resolveHeader } from "./feed-format";

// One import of a vendor's file (decision 0026): streamed and checked row by row, then written in
// one transaction with set-based SQL (decision 0009: one statement for the whole file, never one
// per row), so a file that cannot be read changes nothing. The file is the vendor's whole stock:
// an item the vendor listed before and leaves out now is at 0 (selling what may be gone is the
// worse mistake), except an item whose row was refused, which keeps what it had.

/** Refused rows (and unknown SKUs) kept on the run for the screen; the counts hold them all. */
const ROWS_KEPT = 50;

const NEW_ROW_ID = `lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 14, '0') || lpad(to_hex((random() * 4294967295)::bigint), 8, '0')`;

export class MalformedFeed extends Error {}

export interface RowRefusal {
  row: number;
  reason: string;
}

export interface ReadFeed {
  rowsRead: number;
  /** Rows with a SKU and a quantity, by file row number (the header is row 1). */
  rows: (FeedRow & { row: number })[];
  /** SKUs of refused rows: they keep the quantity they had. */
  refusedSkus: string[];
  refused: RowRefusal[];
  refusedCount: number;
}

/** Streams a CSV/TSV through the mapping; throws MalformedFeed when the file as a whole cannot be read. */
export async function readFeed(input: Readable, mapping: FeedMapping, delimiter: string): Promise<ReadFeed> {
  const parser = parse({ delimiter, bom: true, skip_empty_lines: true, relax_quotes: false });
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);
  const read: ReadFeed = { rowsRead: 0, rows: [], refusedSkus: [], refused: [], refusedCount: 0 };
  const seen = new Map<string, number>();
  let columns: ReturnType<typeof resolveHeader> | null = null;
  let line = 0;
  const refuse = (row: number, reason: string, sku: string | null) => {
    read.refusedCount++;
    if (read.refused.length < ROWS_KEPT) read.refused.push({ row, reason });
    if (sku) read.refusedSkus.push(sku);
  };
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      line++;
      if (columns === null) {
        columns = resolveHeader(cells, mapping);
        if (typeof columns === "string") throw new MalformedFeed(columns);
        continue;
      }
      if (typeof columns === "string") break;
      read.rowsRead++;
      const row = readFeedRow(cells, columns);
      const sku = (cells[columns.sku] ?? "").trim() || null;
      if (typeof row === "string") {
        refuse(line, row, sku);
        continue;
      }
      const first = seen.get(row.sku);
      if (first !== undefined) {
        refuse(line, `SKU ${row.sku} appears again (first on row ${first})`, null);
        continue;
      }
      seen.set(row.sku, line);
      read.rows.push({ ...row, row: line });
    }
  } catch (error) {
    if (error instanceof MalformedFeed) throw error;
    const e = error as { code?: string; lines?: number; message?: string };
    // csv-parse's own errors (unclosed quote, a row with more or fewer fields than the header) say where.
    if (typeof e.code === "string" && e.code.startsWith("CSV_")) throw new MalformedFeed(`row ${e.lines ?? line + 1}: ${e.message}`);
    throw new MalformedFeed(`the file could not be read: ${e.message ?? String(error)}`);
  }
  if (columns === null) throw new MalformedFeed("the file is empty (no header row)");
  if (read.rowsRead === 0) throw new MalformedFeed("the file has a header but no rows");
  if (read.rows.length === 0)
    throw new MalformedFeed(`none of its ${read.rowsRead} rows could be read (row ${read.refused[0]?.row}: ${read.refused[0]?.reason})`);
  return read;
}

export interface ImportDeps {
  prisma?: PrismaClient;
  queues?: Queues;
  now?: Date;
  /** The schedule slot this run is for (a slot runs once); none for an upload. */
  slot?: string;
}

export type ImportOutcome =
  | { ran: false; reason: "already run" | "not found" }
  | { ran: true; runId: string; ok: true; rowsRead: number; matched: number; unknownSkus: number; rejected: number; changedVariants: number }
  | { ran: true; runId: string; ok: false; error: string };

/** Starts a run of the feed (RUNNING, for the screen); null when the slot already has one. */
export async function startRun(prisma: PrismaClient, shopId: string, feedId: string, slot: string | undefined, now: Date): Promise<string | null> {
  try {
    const run = await prisma.vendorFeedRun.create({ data: { shopId, feedId, slot: slot ?? null, startedAt: now }, select: { id: true } });
    return run.id;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return null;
    throw error;
  }
}

/** Records a run that changed nothing, with why. */
export async function failRun(prisma: PrismaClient, runId: string, error: string, now: Date): Promise<void> {
  await prisma.vendorFeedRun.update({ where: { id: runId }, data: { status: "FAILED", finishedAt: now, error } });
}

/**
 * Imports one file of a feed: a run row with its counts; all of it or nothing. The variants whose
 * vendor quantity moved are noted (the one way into the pipeline), so the recompute pushes them.
 */
export async function importVendorFeed(shopId: string, feedId: string, input: Readable, deps: ImportDeps = {}): Promise<ImportOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const feed = await prisma.vendorFeed.findFirst({
    where: { id: feedId, shopId },
    select: { id: true, mapping: true, delimiter: true, vendor: { select: { id: true, locationId: true, staleSince: true } } },
  });
  if (!feed) {
    input.destroy();
    return { ran: false, reason: "not found" };
  }
  const runId = await startRun(prisma, shopId, feedId, deps.slot, now);
  if (!runId) {
    input.destroy();
    return { ran: false, reason: "already run" };
  }
  const clock = { started: performance.now(), read: 0, written: 0 };
  let read: ReadFeed;
  try {
    read = await readFeed(input, FeedMapping.parse(feed.mapping), feed.delimiter);
  } catch (error) {
    const message = error instanceof MalformedFeed ? error.message : `the file could not be read: ${(error as Error).message}`;
    await failRun(prisma, runId, message, now);
    return { ran: true, runId, ok: false, error: message };
  }
  clock.read = performance.now();
  const { id: vendorId, locationId } = feed.vendor;
  const steps = { temp: 0, levels: 0, items: 0 };
  const written = await inSqlTransaction(async (sql) => {
    await sql.execute(
      `CREATE TEMP TABLE vendor_feed_rows ON COMMIT DROP AS
       SELECT x.sku, x.quantity, x.cost, x.lead, x.row, ii.id AS item, ii."variantId"
       FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[]) AS x(sku, quantity, cost, lead, row)
       LEFT JOIN "Variant" v ON v."shopId" = $1 AND v.sku = x.sku
       LEFT JOIN "InventoryItem" ii ON ii."shopId" = $1 AND ii."variantId" = v.id`,
      [
        shopId,
        [...read.rows.map((r) => r.sku), ...read.refusedSkus],
        [...read.rows.map((r) => r.quantity), ...read.refusedSkus.map(() => null)],
        [...read.rows.map((r) => r.costCents), ...read.refusedSkus.map(() => null)],
        [...read.rows.map((r) => r.leadTimeDays), ...read.refusedSkus.map(() => null)],
        [...read.rows.map((r) => r.row), ...read.refusedSkus.map(() => null)],
      ],
    );
    steps.temp = performance.now();
    // Without statistics the planner takes the temporary table for a few rows and joins the
    // vendor's levels to it by nested loop: 100,000 × 100,000 (the zeroing ran for minutes).
    await sql.execute(`CREATE INDEX ON vendor_feed_rows (item)`, []);
    await sql.execute(`ANALYZE vendor_feed_rows`, []);
    const unknown = await sql.rows<{ row: number; sku: string; total: number }>(
      `SELECT row, sku, (count(*) OVER ())::int AS total FROM vendor_feed_rows WHERE item IS NULL AND quantity IS NOT NULL ORDER BY row LIMIT ${ROWS_KEPT}`,
      [],
    );
    const [{ matched }] = await sql.rows<{ matched: number }>(
      `SELECT count(DISTINCT sku)::int AS matched FROM vendor_feed_rows WHERE item IS NOT NULL AND quantity IS NOT NULL`,
      [],
    );
    // Levels that moved: what the file says (last row of an item wins), and 0 for what it left out.
    const moved = await sql.rows<{ variantId: string }>(
      `WITH latest AS (
         SELECT DISTINCT ON (item) item, quantity FROM vendor_feed_rows WHERE item IS NOT NULL AND quantity IS NOT NULL ORDER BY item, row DESC
       ), written AS (
         INSERT INTO "InventoryLevel" (id, "shopId", "inventoryItemId", "locationId", available, "onHand", committed, "updatedAt")
         SELECT ${NEW_ROW_ID}, $1, item, $2, quantity, quantity, 0, now() FROM latest
         ON CONFLICT ("inventoryItemId", "locationId") DO UPDATE SET available = EXCLUDED.available, "onHand" = EXCLUDED."onHand", "updatedAt" = now()
         WHERE "InventoryLevel".available IS DISTINCT FROM EXCLUDED.available
         RETURNING "inventoryItemId"
       ), zeroed AS (
         UPDATE "InventoryLevel" il SET available = 0, "onHand" = 0, "updatedAt" = now()
         WHERE il."shopId" = $1 AND il."locationId" = $2 AND il.available <> 0
           AND NOT EXISTS (SELECT 1 FROM vendor_feed_rows r WHERE r.item = il."inventoryItemId")
         RETURNING "inventoryItemId"
       )
       SELECT DISTINCT ii."variantId" FROM (SELECT * FROM written UNION ALL SELECT * FROM zeroed) w
       JOIN "InventoryItem" ii ON ii.id = w."inventoryItemId"`,
      [shopId, locationId],
    );
    steps.levels = performance.now();
    await sql.execute(
      `INSERT INTO "VendorItem" ("shopId", "vendorId", "inventoryItemId", "costCents", "leadTimeDays", "updatedAt")
       SELECT DISTINCT ON (item) $1, $2, item, cost, lead, now() FROM vendor_feed_rows
       WHERE item IS NOT NULL AND quantity IS NOT NULL AND (cost IS NOT NULL OR lead IS NOT NULL) ORDER BY item, row DESC
       ON CONFLICT ("vendorId", "inventoryItemId") DO UPDATE SET "costCents" = EXCLUDED."costCents", "leadTimeDays" = EXCLUDED."leadTimeDays", "updatedAt" = now()
       -- A vendor's prices and lead times rarely move from one file to the next: only what moved is written.
       WHERE ("VendorItem"."costCents", "VendorItem"."leadTimeDays") IS DISTINCT FROM (EXCLUDED."costCents", EXCLUDED."leadTimeDays")`,
      [shopId, vendorId],
    );
    steps.items = performance.now();
    const unknownSkus = unknown[0]?.total ?? 0;
    const rejectedRows = [...read.refused, ...unknown.map((u) => ({ row: u.row, reason: `unknown SKU ${u.sku}` }))]
      .sort((a, b) => a.row - b.row)
      .slice(0, ROWS_KEPT);
    // Timestamps without zone holding UTC, as Prisma writes them.
    const at = now.toISOString().replace("Z", "");
    await sql.execute(
      `UPDATE "VendorFeedRun" SET status = 'SUCCEEDED', "finishedAt" = $2::timestamp, "rowsRead" = $3, matched = $4, "unknownSkus" = $5, rejected = $6, "rejectedRows" = $7::jsonb
       WHERE id = $1 AND "shopId" = $8`,
      [runId, at, read.rowsRead, matched, unknownSkus, read.refusedCount, JSON.stringify(rejectedRows), shopId],
    );
    await sql.execute(`UPDATE "Vendor" SET "lastImportedAt" = $2::timestamp, "staleSince" = NULL, "updatedAt" = now() WHERE id = $1 AND "shopId" = $3`, [
      vendorId,
      at,
      shopId,
    ]);
    return { matched, unknownSkus, variantIds: moved.map((m) => m.variantId) };
  });
  clock.written = performance.now();
  // A vendor that was stale counts again: all its items move, not only those the file changed.
  const at = feed.vendor.staleSince ? await variantsAt(prisma, shopId, locationId) : written.variantIds.map((variantId) => ({ variantId, locationId }));
  if (at.length > 0) await noteChange(shopId, { kind: "stock", at }, { prisma, queues: deps.queues });
  const ms = (from: number, to: number) => Math.round(to - from);
  logger.info(
    {
      shopId,
      feedId,
      runId,
      rowsRead: read.rowsRead,
      matched: written.matched,
      changed: at.length,
      ms: {
        read: ms(clock.started, clock.read),
        write: ms(clock.read, clock.written),
        writeSteps: {
          rows: ms(clock.read, steps.temp),
          levels: ms(steps.temp, steps.levels),
          items: ms(steps.levels, steps.items),
          commit: ms(steps.items, clock.written),
        },
        note: ms(clock.written, performance.now()),
      },
    },
    "vendor feed imported",
  );
  return {
    ran: true,
    runId,
    ok: true,
    rowsRead: read.rowsRead,
    matched: written.matched,
    unknownSkus: written.unknownSkus,
    rejected: read.refusedCount,
    changedVariants: at.length,
  };
}

/** Every variant with a level at the vendor's location, as stock changes there. */
export async function variantsAt(prisma: PrismaClient, shopId: string, locationId: string): Promise<{ variantId: string; locationId: string }[]> {
  const rows = await prisma.$queryRaw<{ variantId: string }[]>`
    SELECT ii."variantId" FROM "InventoryLevel" il JOIN "InventoryItem" ii ON ii.id = il."inventoryItemId"
    WHERE il."shopId" = ${shopId} AND il."locationId" = ${locationId}`;
  return rows.map((r) => ({ variantId: r.variantId, locationId }));
}
