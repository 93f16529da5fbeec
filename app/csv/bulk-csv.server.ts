import type { Prisma, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { readCsvTable, writeCsv } from "~/lib/csv";
import type { Queues } from "~/queues.server";
import { recordAudit } from "~/lib/audit.server";
import { linkListings } from "./listing-links.server";
import { NotFoundForShop } from "~/lib/errors";
import type { FieldErrors } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";
import { checkBufferRule } from "~/rules/buffer-rules.server";
import { markRuleChannelsStale, scopeReferences } from "~/rules/scopes.server";

// Bulk edit by spreadsheet: buffer rules and listing links out as CSV and back in (artificial
// counts in artificial-counts.server.ts, through importRules here). An import is all or nothing:
// every row is checked first (by the same checks the screens use, so a row is refused with the
// message its form field would show), every problem is reported by the file line it is on, and
// only a file without problems is written, in one transaction.

export interface ImportProblem {
  /** The file's line, as the merchant's editor numbers it (the header is line 1). */
  line: number;
  /** The CSV column the problem is in ("row" or "file" when it is not one column's). */
  field: string;
  message: string;
}

/** A refused import as a screen answers it: how many problems, nothing imported, and each problem by line. */
export function refusedImport(problems: ImportProblem[]) {
  const count = problems.length;
  return { ok: false, errors: { file: `${count} ${count === 1 ? "problem" : "problems"} in the file; nothing was imported` }, problems };
}

export type ImportResult = { ok: true; created: number; updated: number } | { ok: false; problems: ImportProblem[] };

/** Beyond this many rows an import is refused: one request, one transaction, a bounded one. */
export const MAX_IMPORT_ROWS = 5000;

const EVERY_CHANNEL = "every channel";

// ---------------------------------------------------------------- buffer rules

export const BUFFER_RULE_COLUMNS = [
  "id",
  "channel",
  "applies_to",
  "target",
  "kind",
  "units",
  "percent",
  "lead_time_days",
  "safety_stock",
  "risk_multiplier",
  "low_stock_threshold",
] as const;

/** The rules form's field names → the CSV's column names, for the checks' messages. */
const RULE_FIELD_COLUMN: Record<string, string> = {
  ruleId: "id",
  channelId: "channel",
  scope: "applies_to",
  scopeRef: "target",
  scopeValue: "target",
  kind: "kind",
  units: "units",
  percent: "percent",
  leadTimeDays: "lead_time_days",
  safetyStock: "safety_stock",
  riskMultiplier: "risk_multiplier",
  lowStockThreshold: "low_stock_threshold",
  form: "row",
};

/**
 * The shop's buffer rules as CSV. The target is what the merchant types on the screen (a SKU,
 * a handle, a tag) rather than an internal id, so the file can be edited and imported back; the
 * id column lets an imported row change the rule it came from instead of adding a copy.
 */
export async function exportBufferRules(shopDomain: string, prisma: PrismaClient = defaultPrisma): Promise<string> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const [channels, rules] = await Promise.all([
    prisma.channel.findMany({ where: { shopId }, select: { id: true, name: true } }),
    prisma.bufferRule.findMany({ where: { shopId }, orderBy: [{ channelId: "asc" }, { scope: "asc" }, { createdAt: "asc" }] }),
  ]);
  const reference = await scopeReferences(prisma, shopId, rules);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return writeCsv([
    BUFFER_RULE_COLUMNS,
    ...rules.map((r) => [
      r.id,
      r.channelId ? (channelName.get(r.channelId) ?? r.channelId) : EVERY_CHANNEL,
      r.scope.toLowerCase(),
      reference(r.scope, r.scopeValue),
      r.kind.toLowerCase(),
      r.units,
      r.percentBps === null ? null : r.percentBps / 100,
      // Numbers, not text: a number cell is never escaped (lib/csv.ts csvField).
      r.leadTimeDays === null ? null : Number(r.leadTimeDays),
      r.safetyStock,
      r.riskMultiplier === null ? null : Number(r.riskMultiplier),
      r.lowStockThreshold,
    ]),
  ]);
}

/**
 * Creates (blank id) or changes (the id of one of the shop's rules) every rule in the file, or
 * none: each row goes through checkBufferRule, the engine's validation the form uses. Rules not
 * in the file are left alone; deleting stays a deliberate act on the screen.
 */
export async function importBufferRules(shopDomain: string, csv: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<ImportResult> {
  const shopId = await shopIdOf(prisma, shopDomain);
  return importRules(prisma, shopId, csv, actor, {
    noun: "buffer rule",
    columns: BUFFER_RULE_COLUMNS,
    fieldColumn: RULE_FIELD_COLUMN,
    existing: () => prisma.bufferRule.findMany({ where: { shopId }, select: { id: true, channelId: true } }),
    form: async (values) => ({
      ok: true,
      form: {
        kind: values.kind.trim().toLowerCase(),
        units: values.units,
        percent: values.percent,
        leadTimeDays: values.lead_time_days,
        safetyStock: values.safety_stock,
        riskMultiplier: values.risk_multiplier,
        lowStockThreshold: values.low_stock_threshold,
      },
    }),
    check: async (form) => {
      const outcome = await checkBufferRule(prisma, shopId, form);
      return outcome.ok ? { ok: true, data: outcome.rule.data } : outcome;
    },
    // Scoped by shop even though the id was checked: the write itself never reaches another shop.
    write: (ruleId, data) =>
      ruleId ? prisma.bufferRule.updateMany({ where: { id: ruleId, shopId }, data }) : prisma.bufferRule.create({ data: { ...data, shopId } }),
    auditAction: "buffer_rules.imported",
  });
}

// ---------------------------------------------------------------- any family of rules

/** A file's rows under its header, or the problems that stop it before any row is read. */
export function readImportTable(csv: string, columns: { required: readonly string[]; optional: readonly string[] }) {
  const table = readCsvTable(csv, { required: [...columns.required], optional: [...columns.optional] });
  if (!table.ok) return table;
  if (table.rows.length === 0) return { ok: false as const, problems: [{ line: 2, field: "file", message: "The file has no rows under its header" }] };
  if (table.rows.length > MAX_IMPORT_ROWS)
    return {
      ok: false as const,
      problems: [{ line: 1, field: "file", message: `At most ${MAX_IMPORT_ROWS} rows per file; this one has ${table.rows.length}` }],
    };
  return table;
}

/** One family of the merchant's rules (buffer rules, artificial counts) as its CSV import reads it. */
export interface RuleImport<Data extends { channelId?: string | null }> {
  /** The rule as a message names it: "buffer rule". */
  noun: string;
  /** Every column; id, channel, applies_to and target are read here, the rest by `form`. */
  columns: readonly string[];
  /** The rules form's field names → the CSV's column names, for the checks' messages. */
  fieldColumn: Readonly<Record<string, string>>;
  existing: () => Promise<{ id: string; channelId: string | null }[]>;
  /**
   * The row's own fields as the screen's form posts them, or problems by column: a reference
   * that is not the shop's is a problem on its line here, never the check's 404.
   */
  form: (
    values: Record<string, string>,
  ) => Promise<{ ok: true; form: Record<string, unknown> } | { ok: false; problems: { field: string; message: string }[] }>;
  /** The screen's own check of the form. */
  check: (form: Record<string, unknown>) => Promise<{ ok: true; data: Data } | { ok: false; errors: FieldErrors }>;
  /** Changes the rule `ruleId` (checked to be the shop's), or adds one when it is null. */
  write: (ruleId: string | null, data: Data) => Prisma.PrismaPromise<unknown>;
  auditAction: string;
}

/**
 * Creates (blank id) or changes (the id of one of the shop's rules) every rule in the file, or
 * none: every row is checked by the screen's own check first, every problem reported by line, and
 * only a file without problems is written, in one transaction.
 */
export async function importRules<Data extends { channelId?: string | null }>(
  prisma: PrismaClient,
  shopId: string,
  csv: string,
  actor: string,
  family: RuleImport<Data>,
): Promise<ImportResult> {
  const table = readImportTable(csv, { required: ["applies_to", "kind"], optional: family.columns.filter((c) => c !== "applies_to" && c !== "kind") });
  if (!table.ok) return { ok: false, problems: table.problems };

  const [channels, existing] = await Promise.all([prisma.channel.findMany({ where: { shopId }, select: { id: true, name: true } }), family.existing()]);
  const existingChannel = new Map(existing.map((r) => [r.id, r.channelId]));

  const problems: ImportProblem[] = [];
  const checked: { ruleId: string | null; data: Data }[] = [];
  const seenIds = new Map<string, number>();
  for (const { line, values } of table.rows) {
    const problem = (field: string, message: string) => problems.push({ line, field, message });
    const ruleId = (values.id ?? "").trim() || null;
    if (ruleId) {
      if (!existingChannel.has(ruleId)) problem("id", `No ${family.noun} with id ${ruleId} in this shop; leave id blank to add a rule`);
      const earlier = seenIds.get(ruleId);
      if (earlier) problem("id", `Rule ${ruleId} is already on line ${earlier}`);
      else seenIds.set(ruleId, line);
    }
    const channel = resolveChannel(channels, values.channel ?? "");
    if (!channel.ok) problem("channel", channel.message);
    const own = await family.form(values);
    if (!own.ok) for (const p of own.problems) problem(p.field, p.message);
    // Checked only once its references are known to be the shop's: a check throws on another
    // shop's ids, which in a file is a problem on a line, not a 404.
    if (problems.some((p) => p.line === line) || !channel.ok || !own.ok) continue;
    const outcome = await family.check({
      ...own.form,
      ruleId: ruleId ?? "",
      channelId: channel.id ?? "",
      scope: values.applies_to.trim().toLowerCase(),
      scopeRef: values.target ?? "",
    });
    if (!outcome.ok) for (const [field, message] of Object.entries(outcome.errors)) problem(family.fieldColumn[field] ?? field, message);
    else checked.push({ ruleId, data: outcome.data });
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };

  const touchedChannels: (string | null)[] = [];
  for (const { ruleId, data } of checked) {
    touchedChannels.push(data.channelId ?? null);
    if (ruleId) touchedChannels.push(existingChannel.get(ruleId) ?? null);
  }
  await prisma.$transaction(checked.map(({ ruleId, data }) => family.write(ruleId, data)));
  const updated = checked.filter((c) => c.ruleId).length;
  const created = checked.length - updated;
  await recordAudit(prisma, { shopId, actor, action: family.auditAction, subjectType: "shop", subjectId: shopId, details: { created, updated } });
  await markRuleChannelsStale(prisma, shopId, touchedChannels);
  return { ok: true, created, updated };
}

/** A channel by its name (what the export writes) or id; blank or "every channel" is null. */
export function resolveChannel(
  channels: readonly { id: string; name: string }[],
  value: string,
): { ok: true; id: string | null } | { ok: false; message: string } {
  const wanted = value.trim();
  if (wanted === "" || wanted.toLowerCase() === EVERY_CHANNEL) return { ok: true, id: null };
  const byId = channels.find((c) => c.id === wanted);
  if (byId) return { ok: true, id: byId.id };
  const byName = channels.filter((c) => c.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return { ok: true, id: byName[0].id };
  if (byName.length > 1) return { ok: false, message: `${byName.length} channels are named "${wanted}"; write the channel's id instead` };
  return { ok: false, message: `No channel "${wanted}" in this shop; write its name as the Channels page shows it, or "${EVERY_CHANNEL}"` };
}

// ---------------------------------------------------------------- listing links

export const LISTING_COLUMNS = ["sku", "channel_sku", "external_id", "fulfilled_by"] as const;
const LINK_FIELD_COLUMN: Record<string, string> = { sku: "sku", channelSku: "channel_sku", externalId: "external_id", fulfilledBy: "fulfilled_by" };

/** One channel's listings as CSV: which Shopify SKU each channel SKU sells. */
export async function exportListingLinks(
  shopDomain: string,
  channelId: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<{ channelName: string; csv: string }> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await prisma.channel.findFirst({ where: { id: channelId, shopId }, select: { id: true, name: true } });
  if (!channel) throw new NotFoundForShop("Channel");
  const listings = await prisma.listing.findMany({
    where: { shopId, channelId: channel.id },
    orderBy: { channelSku: "asc" },
    select: { channelSku: true, externalId: true, fulfilledByMarketplace: true, variant: { select: { sku: true } } },
  });
  const rows = listings.map((l) => [l.variant.sku ?? "", l.channelSku, l.externalId, l.fulfilledByMarketplace ? "marketplace" : "merchant"]);
  return { channelName: channel.name, csv: writeCsv([LISTING_COLUMNS, ...rows]) };
}

/**
 * Links every row's channel SKU to the variant with its Shopify SKU, or none: linkListings does
 * the checks and the all-or-nothing write, numbering its problems by the file lines this passes.
 */
export async function importListingLinks(
  shopDomain: string,
  channelId: string,
  csv: string,
  actor: string,
  deps: { prisma?: PrismaClient; queues?: Queues } = {},
): Promise<ImportResult> {
  const table = readImportTable(csv, { required: ["sku", "channel_sku"], optional: ["external_id", "fulfilled_by"] });
  if (!table.ok) return { ok: false, problems: table.problems };
  const prisma = deps.prisma ?? defaultPrisma;
  const shopId = await shopIdOf(prisma, shopDomain);
  const before = await prisma.listing.count({ where: { shopId, channelId, channelSku: { in: table.rows.map((r) => r.values.channel_sku.trim()) } } });
  const result = await linkListings(
    shopDomain,
    channelId,
    table.rows.map((r) => ({ sku: r.values.sku, channelSku: r.values.channel_sku, externalId: r.values.external_id, fulfilledBy: r.values.fulfilled_by })),
    actor,
    { ...deps, lines: table.rows.map((r) => r.line) },
  );
  if (!result.ok) {
    const problems = result.problems.map((p) => ({ line: p.line, field: LINK_FIELD_COLUMN[p.field] ?? p.field, message: p.message }));
    return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  }
  return { ok: true, created: result.linked - before, updated: before };
}

/**
 * A rule screen's import, as its action answers it: the uploaded file read and imported by `run`,
 * then "Imported: 2 rules added, 1 changed; quantities are being recomputed", or the file's
 * problems (400). `noun` names one and several of what the file holds.
 */
export async function answerRuleImport(
  file: unknown,
  run: (csv: string) => Promise<ImportResult>,
  noun: { one: string; many: string },
): Promise<{ status: 200 | 400; body: { ok: boolean; errors: Record<string, string>; message?: string; problems?: ImportProblem[] } }> {
  const upload = await uploadedCsv(file);
  if (!upload.ok) return { status: 400, body: { ok: false, errors: { file: upload.message } } };
  const outcome = await run(upload.text);
  if (!outcome.ok) return { status: 400, body: refusedImport(outcome.problems) };
  const added = `${outcome.created} ${outcome.created === 1 ? noun.one : noun.many} added`;
  return { status: 200, body: { ok: true, errors: {}, message: `Imported: ${added}, ${outcome.updated} changed; quantities are being recomputed` } };
}

/** Larger uploads are refused before they are read: a rules or links file is far smaller. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** The text of an uploaded file field (or of a pasted one), or what is wrong with it. */
export async function uploadedCsv(value: unknown): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  if (typeof value === "string" && value.trim() !== "") return { ok: true, text: value };
  if (value instanceof Blob && value.size > 0) {
    if (value.size > MAX_UPLOAD_BYTES) return { ok: false, message: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB` };
    return { ok: true, text: await value.text() };
  }
  return { ok: false, message: "Choose a CSV file to import" };
}
