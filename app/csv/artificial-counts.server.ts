import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { writeCsv } from "~/lib/csv";
import { shopIdOf } from "~/lib/shop-id.server";
import { allocationKindName, checkAllocationRule } from "~/rules/allocation-rules.server";
import { scopeReferences } from "~/rules/scopes.server";
import { type ImportResult, importRules } from "./bulk-csv.server";

// Artificial counts (AllocationRule) out as CSV and back in, as the buffer rules are: the same
// columns for where a rule applies (id, channel, applies_to, target), the kind in the form's words
// (cap, pool_share, fixed, vendor_share), units for a cap or a fixed count, percent for a share,
// and the vendor location by its name for a vendor share. All or nothing, problems by line.

export const ARTIFICIAL_COUNT_COLUMNS = ["id", "channel", "applies_to", "target", "kind", "units", "percent", "vendor_location"] as const;

/** The form's field names → the CSV's column names, for the checks' messages. */
const FIELD_COLUMN: Record<string, string> = {
  ruleId: "id",
  channelId: "channel",
  scope: "applies_to",
  scopeRef: "target",
  scopeValue: "target",
  kind: "kind",
  units: "units",
  percent: "percent",
  locationId: "vendor_location",
  form: "row",
};

/** The shop's artificial counts as CSV; targets as the merchant types them, the vendor by name. */
export async function exportArtificialCounts(shopDomain: string, prisma: PrismaClient = defaultPrisma): Promise<string> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const [channels, locations, rules] = await Promise.all([
    prisma.channel.findMany({ where: { shopId }, select: { id: true, name: true } }),
    prisma.location.findMany({ where: { shopId }, select: { id: true, name: true } }),
    prisma.allocationRule.findMany({ where: { shopId }, orderBy: [{ channelId: "asc" }, { scope: "asc" }, { createdAt: "asc" }] }),
  ]);
  const reference = await scopeReferences(prisma, shopId, rules);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const locationName = new Map(locations.map((l) => [l.id, l.name]));
  return writeCsv([
    ARTIFICIAL_COUNT_COLUMNS,
    ...rules.map((r) => [
      r.id,
      channelName.get(r.channelId) ?? r.channelId,
      r.scope.toLowerCase(),
      reference(r.scope, r.scopeValue),
      allocationKindName(r.kind),
      // Numbers, not text: a number cell is never escaped (lib/csv.ts csvField).
      r.units,
      r.percentBps === null ? null : r.percentBps / 100,
      r.locationId === null ? null : (locationName.get(r.locationId) ?? r.locationId),
    ]),
  ]);
}

/**
 * Creates (blank id) or changes (the id of one of the shop's counts) every artificial count in the
 * file, or none, each row through checkAllocationRule, the check the screen's form uses. Counts
 * not in the file are left alone; deleting stays a deliberate act on the screen.
 */
export async function importArtificialCounts(shopDomain: string, csv: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<ImportResult> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const locations = await prisma.location.findMany({ where: { shopId }, select: { id: true, name: true } });
  return importRules(prisma, shopId, csv, actor, {
    noun: "artificial count",
    columns: ARTIFICIAL_COUNT_COLUMNS,
    fieldColumn: FIELD_COLUMN,
    existing: () => prisma.allocationRule.findMany({ where: { shopId }, select: { id: true, channelId: true } }),
    form: async (values) => {
      const kind = values.kind.trim().toLowerCase();
      const vendor = resolveLocation(locations, kind === "vendor_share" ? (values.vendor_location ?? "") : "");
      if (!vendor.ok) return { ok: false, problems: [{ field: "vendor_location", message: vendor.message }] };
      return { ok: true, form: { kind, units: values.units, percent: values.percent, locationId: vendor.id } };
    },
    check: async (form) => {
      const outcome = await checkAllocationRule(prisma, shopId, form);
      return outcome.ok ? { ok: true, data: outcome.rule.data } : outcome;
    },
    // Scoped by shop even though the id was checked: the write itself never reaches another shop.
    write: (ruleId, data) =>
      ruleId ? prisma.allocationRule.updateMany({ where: { id: ruleId, shopId }, data }) : prisma.allocationRule.create({ data: { ...data, shopId } }),
    auditAction: "allocation_rules.imported",
  });
}

/** A location by its name (what the export writes) or id; blank is none (the check then asks for one). */
function resolveLocation(locations: readonly { id: string; name: string }[], value: string): { ok: true; id: string } | { ok: false; message: string } {
  const wanted = value.trim();
  if (wanted === "") return { ok: true, id: "" };
  const byId = locations.find((l) => l.id === wanted);
  if (byId) return { ok: true, id: byId.id };
  const byName = locations.filter((l) => l.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return { ok: true, id: byName[0].id };
  if (byName.length > 1) return { ok: false, message: `${byName.length} locations are named "${wanted}"; write the location's id instead` };
  return { ok: false, message: `No location "${wanted}" in this shop; write its name as the Locations page shows it` };
}
