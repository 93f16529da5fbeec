import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { readCsvTable, writeCsv } from "~/lib/csv";
import { shopIdOf } from "~/lib/shop-id.server";
import type { Queues } from "~/queues.server";
import type { KitDraft } from "~/rules/kit-check";
import { kitsOfShop, saveKits } from "~/rules/kits.server";
import { type ImportProblem, type ImportResult, MAX_IMPORT_ROWS } from "./bulk-csv.server";

// Kits by spreadsheet: one row per component (kit_sku, component_sku, units_per_kit), the rows of
// one kit together or apart. A kit in the file gets exactly the components its rows list; kits
// left out stay as they are (delete one on the Kits screen). All or nothing, through the screen's
// own writer (rules/kits.server.ts), every problem named by line and column. Shopify's bundles are
// not exported: they are Shopify's to change.

export const KIT_COLUMNS = ["kit_sku", "component_sku", "units_per_kit"] as const;

export async function exportKits(shopDomain: string, prisma: PrismaClient = defaultPrisma): Promise<string> {
  const kits = await kitsOfShop(await shopIdOf(prisma, shopDomain), prisma);
  return writeCsv([KIT_COLUMNS, ...kits.filter((k) => k.source === "app").flatMap((k) => k.components.map((c) => [k.sku, c.sku, c.units]))]);
}

export async function importKits(shopDomain: string, csv: string, actor: string, deps: { prisma?: PrismaClient; queues?: Queues } = {}): Promise<ImportResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const table = readCsvTable(csv, { required: KIT_COLUMNS });
  if (!table.ok) return { ok: false, problems: table.problems };
  if (table.rows.length === 0) return { ok: false, problems: [{ line: 2, field: "file", message: "The file has no rows under its header" }] };
  if (table.rows.length > MAX_IMPORT_ROWS)
    return { ok: false, problems: [{ line: 1, field: "file", message: `At most ${MAX_IMPORT_ROWS} rows per file; this one has ${table.rows.length}` }] };

  // Rows grouped by kit, each component remembering its line.
  const problems: ImportProblem[] = [];
  const kits = new Map<string, { draft: KitDraft; lines: number[] }>();
  for (const { line, values } of table.rows) {
    const kitSku = values.kit_sku.trim();
    if (kitSku === "") {
      problems.push({ line, field: "kit_sku", message: "Write the SKU of the variant sold as the kit" });
      continue;
    }
    const kit = kits.get(kitSku) ?? { draft: { kitSku, components: [] }, lines: [] };
    kits.set(kitSku, kit);
    kit.draft.components.push({ sku: values.component_sku, units: values.units_per_kit });
    kit.lines.push(line);
  }
  if (problems.length > 0) return { ok: false, problems };

  const groups = [...kits.values()];
  const outcome = await saveKits(
    await shopIdOf(prisma, shopDomain),
    groups.map((g) => ({ draft: g.draft })),
    actor,
    { prisma, queues: deps.queues },
  );
  if (outcome.ok) return { ok: true, created: outcome.created, updated: outcome.updated };
  outcome.errors.forEach((errors, i) => {
    const { lines } = groups[i];
    for (const [field, message] of Object.entries(errors)) {
      const component = /^components\.(\d+)\.(sku|units)$/.exec(field);
      if (component) problems.push({ line: lines[Number(component[1])], field: component[2] === "sku" ? "component_sku" : "units_per_kit", message });
      else problems.push({ line: lines[0], field: field === "kitSku" ? "kit_sku" : "component_sku", message });
    }
  });
  return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
}
