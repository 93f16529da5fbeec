import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { readCsvTable, writeCsv } from "~/lib/csv";
import { shopIdOf } from "~/lib/shop-id.server";
import type { Queues } from "~/queues.server";
import { checkVariantHold, releaseText, saveVariantHolds, shopTimeZone, type VariantHold } from "~/rules/variant-holds.server";
import { type ImportProblem, type ImportResult, MAX_IMPORT_ROWS } from "./bulk-csv.server";

// Holds by spreadsheet: per SKU, discontinued (yes/no) and release_at (a date, or a date and time,
// in the shop's time zone; blank for none). All or nothing, as every import: each row is checked by
// the screen's own check (checkVariantHold), every problem is named by line and column, and only a
// file without problems is saved. A column left out of the file leaves that hold as it is.

export const HOLD_COLUMNS = ["sku", "discontinued", "release_at"] as const;

/** Every variant with a SKU, and its holds, as the import reads them back. */
export async function exportVariantHolds(shopDomain: string, prisma: PrismaClient = defaultPrisma): Promise<string> {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true, settings: true } });
  const timeZone = shopTimeZone(shop.settings);
  const variants = await prisma.variant.findMany({
    where: { shopId: shop.id, sku: { not: null } },
    orderBy: { sku: "asc" },
    select: { sku: true, discontinued: true, releaseAt: true },
  });
  return writeCsv([HOLD_COLUMNS, ...variants.map((v) => [v.sku, v.discontinued ? "yes" : "no", releaseText(v.releaseAt, timeZone)])]);
}

export async function importVariantHolds(
  shopDomain: string,
  csv: string,
  actor: string,
  deps: { prisma?: PrismaClient; queues?: Queues; now?: Date } = {},
): Promise<ImportResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const table = readCsvTable(csv, { required: ["sku"], optional: ["discontinued", "release_at"] });
  if (!table.ok) return { ok: false, problems: table.problems };
  if (table.rows.length === 0) return { ok: false, problems: [{ line: 2, field: "file", message: "The file has no rows under its header" }] };
  if (table.rows.length > MAX_IMPORT_ROWS)
    return { ok: false, problems: [{ line: 1, field: "file", message: `At most ${MAX_IMPORT_ROWS} rows per file; this one has ${table.rows.length}` }] };

  const shopId = await shopIdOf(prisma, shopDomain);
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } });
  const timeZone = shopTimeZone(shop.settings);
  const skus = [...new Set(table.rows.map((r) => r.values.sku.trim()).filter(Boolean))];
  const variants = await prisma.variant.findMany({
    where: { shopId, sku: { in: skus } },
    select: { id: true, sku: true, discontinued: true, releaseAt: true },
  });
  const bySku = new Map<string, typeof variants>();
  for (const v of variants) bySku.set(v.sku!, [...(bySku.get(v.sku!) ?? []), v]);

  const problems: ImportProblem[] = [];
  const holds = new Map<string, VariantHold>();
  const seen = new Map<string, number>();
  for (const { line, values } of table.rows) {
    const problem = (field: string, message: string) => problems.push({ line, field, message });
    const sku = values.sku.trim();
    const matches = bySku.get(sku) ?? [];
    if (sku === "") problem("sku", "Write the variant's SKU");
    else if (seen.has(sku)) problem("sku", `SKU ${sku} is already on line ${seen.get(sku)}`);
    else if (matches.length === 0) problem("sku", `No variant with SKU ${sku} in this shop`);
    else if (matches.length > 1) problem("sku", `${matches.length} variants have SKU ${sku}; give each its own SKU in Shopify first`);
    if (sku !== "") seen.set(sku, seen.get(sku) ?? line);
    const variant = matches.length === 1 ? matches[0] : null;
    const checked = checkVariantHold({ discontinued: values.discontinued, releaseAt: values.release_at }, timeZone);
    if (!checked.ok) {
      if (checked.errors.discontinued) problem("discontinued", checked.errors.discontinued);
      if (checked.errors.releaseAt) problem("release_at", checked.errors.releaseAt);
    } else if (variant && !problems.some((p) => p.line === line))
      // A column the file leaves out keeps what the variant has.
      holds.set(variant.id, {
        discontinued: values.discontinued === undefined ? variant.discontinued : checked.hold.discontinued,
        releaseAt: values.release_at === undefined ? variant.releaseAt : checked.hold.releaseAt,
      });
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  const { changed } = await saveVariantHolds(shopId, holds, actor, { ...deps, prisma });
  return { ok: true, created: 0, updated: changed };
}
