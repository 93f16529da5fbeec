import { Prisma, type PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { defaultRiskMultiplierOf, engineKindOf } from "~/channels/registry";
import { noteChange } from "~/recompute/index.server";
import { explanationText } from "~/engine/explain";
import { validateChannel } from "~/engine/validate";
import { computeListing } from "~/recompute/desired";
import { batchInputsFromRows, type BufferRuleRow, settingsObject } from "~/recompute/inputs";
import { loadEngineRows, loadShopInputs } from "~/recompute/load-inputs.server";
import { checkBufferRule } from "~/rules/buffer-rules.server";
import { describeScope, markRuleChannelsStale, type Scope, scopeLabels } from "~/rules/scopes.server";
import { sqlFor } from "~/lib/sql.server";
import { NotFoundForShop, RequestRefused } from "~/lib/errors";
import { errorsByField, type FieldErrors, formNumber } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";
import { recordAudit } from "~/lib/audit.server";

// Buffers and throttling: each channel's risk multiplier, low-stock threshold, untracked quantity
// and priority (Channel.settings and Channel.priority), and the merchant's buffer rules by
// channel, collection, tag, product, variant or listing. Every rule is checked by the engine's own
// validation (app/engine/validate.ts), so the screen shows exactly the engine's message on the
// field, and every change marks the listings it can move stale so the engine recomputes them. The
// rule's scope and its check are shared with the Pricing screen and the CSV import (app/rules/).

export class RuleRejected extends RequestRefused {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors).join("; "));
    this.name = "RuleRejected";
  }
}

// ---------------------------------------------------------------- the page

export async function buffersPage(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const [channels, rules] = await Promise.all([
    prisma.channel.findMany({ where: { shopId, status: { not: "DISCONNECTED" } }, orderBy: [{ priority: "asc" }, { name: "asc" }] }),
    prisma.bufferRule.findMany({ where: { shopId }, orderBy: [{ channelId: "asc" }, { scope: "asc" }, { createdAt: "asc" }] }),
  ]);
  const labels = await scopeLabels(prisma, shopId, rules);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return {
    channels: channels.map((c) => {
      const settings = settingsObject(c.settings);
      const kind = engineKindOf(c.kind);
      return {
        id: c.id,
        name: c.name,
        kind: c.kind,
        priority: c.priority,
        riskMultiplier: typeof settings.riskMultiplier === "number" ? settings.riskMultiplier : null,
        defaultRiskMultiplier: defaultRiskMultiplierOf(kind),
        lowStockThreshold: typeof settings.lowStockThreshold === "number" ? settings.lowStockThreshold : 0,
        untrackedQuantity: typeof settings.untrackedQuantity === "number" ? settings.untrackedQuantity : 0,
      };
    }),
    rules: rules.map((r) => ({
      id: r.id,
      channelId: r.channelId,
      channelName: r.channelId ? (channelName.get(r.channelId) ?? "(disconnected channel)") : "Every channel",
      scope: r.scope.toLowerCase() as Scope,
      target: describeScope(r.scope, r.scopeValue, labels),
      kind: r.kind.toLowerCase(),
      units: r.units,
      percent: r.percentBps === null ? null : r.percentBps / 100,
      leadTimeDays: r.leadTimeDays === null ? null : Number(r.leadTimeDays),
      safetyStock: r.safetyStock,
      riskMultiplier: r.riskMultiplier === null ? null : Number(r.riskMultiplier),
      lowStockThreshold: r.lowStockThreshold,
    })),
  };
}

// ---------------------------------------------------------------- channel defaults and throttling

export async function saveChannelThrottling(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<FieldErrors | null> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channel = await prisma.channel.findFirst({ where: { id: String(form.channelId ?? ""), shopId } });
  if (!channel) throw new NotFoundForShop("Channel");
  const risk = formNumber(form.riskMultiplier);
  const checked = validateChannel({
    id: channel.id,
    kind: channel.kind.toLowerCase(),
    name: channel.name,
    priority: formNumber(form.priority),
    // Blank: the marketplace's default multiplier.
    riskMultiplier: risk === undefined ? null : risk,
    lowStockThreshold: formNumber(form.lowStockThreshold) ?? 0,
    untrackedQuantity: formNumber(form.untrackedQuantity) ?? 0,
  });
  if (!checked.ok) return errorsByField(checked.errors);
  const { priority, riskMultiplier, lowStockThreshold, untrackedQuantity } = checked.value;
  const settings = { ...settingsObject(channel.settings), riskMultiplier, lowStockThreshold, untrackedQuantity };
  await prisma.channel.update({ where: { id: channel.id }, data: { priority, settings: settings as Prisma.InputJsonValue } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "channel.throttling_changed",
    subjectType: "channel",
    subjectId: channel.id,
    details: {
      name: channel.name,
      priority,
      riskMultiplier,
      lowStockThreshold,
      untrackedQuantity,
      before: { priority: channel.priority, settings: settingsObject(channel.settings) },
    },
  });
  // Priority and thresholds decide which channel keeps the last units, so every channel may move.
  await noteChange(shopId, { kind: "channels" }, { prisma });
  return null;
}

// ---------------------------------------------------------------- buffer rules

export type SaveOutcome = { ok: true; ruleId: string } | { ok: false; errors: FieldErrors };

export async function saveBufferRule(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<SaveOutcome> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const checked = await checkBufferRule(prisma, shopId, form);
  if (!checked.ok) return checked;
  const { ruleId, data } = checked.rule;
  const before = ruleId ? await prisma.bufferRule.findUniqueOrThrow({ where: { id: ruleId } }) : null;
  const saved = ruleId ? await prisma.bufferRule.update({ where: { id: ruleId }, data }) : await prisma.bufferRule.create({ data: { ...data, shopId } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: ruleId ? "buffer_rule.changed" : "buffer_rule.created",
    subjectType: "buffer_rule",
    subjectId: saved.id,
    details: { rule: JSON.parse(JSON.stringify(saved)), before: before ? JSON.parse(JSON.stringify(before)) : null },
  });
  await markRuleChannelsStale(prisma, shopId, [before?.channelId, saved.channelId]);
  return { ok: true, ruleId: saved.id };
}

export async function deleteBufferRule(shopDomain: string, ruleId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const rule = await prisma.bufferRule.findFirst({ where: { id: ruleId, shopId } });
  if (!rule) throw new NotFoundForShop("Buffer rule");
  await prisma.bufferRule.delete({ where: { id: rule.id } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "buffer_rule.deleted",
    subjectType: "buffer_rule",
    subjectId: rule.id,
    details: { rule: JSON.parse(JSON.stringify(rule)) },
  });
  await markRuleChannelsStale(prisma, shopId, [rule.channelId]);
}

// ---------------------------------------------------------------- preview

/** How many affected listings the preview runs through the engine (a page, not the whole shop). */
export const PREVIEW_SAMPLE = 25;

export interface PreviewRow {
  listingId: string;
  sku: string;
  title: string;
  channelName: string;
  /** What the outbox holds now (null: never computed). */
  storedQuantity: number | null;
  /** Null for a listing the marketplace ships from its own warehouse (FBA): no buffer moves it. */
  before: number | null;
  after: number | null;
  explanationAfter: string;
}

export type PreviewOutcome = { ok: true; affected: number; rows: PreviewRow[]; note: string | null } | { ok: false; errors: FieldErrors };

/**
 * What saving this rule would change, before it is saved: the listings it applies to (all of
 * them counted, the first PREVIEW_SAMPLE computed) through the engine with the shop's current
 * rules, then with this rule added (or replacing the one being edited). Inputs are read and
 * shaped exactly as the recompute service does (app/recompute/inputs.ts), so "after" is what the
 * recompute will store.
 */
export async function previewBufferRule(
  shopDomain: string,
  form: Record<string, unknown>,
  prisma: PrismaClient = defaultPrisma,
  now = new Date(),
): Promise<PreviewOutcome> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const checked = await checkBufferRule(prisma, shopId, form);
  if (!checked.ok) return checked;
  const { row } = checked.rule;
  if (row.scope === "COLLECTION") {
    return { ok: true, affected: 0, rows: [], note: "Collections are not mirrored from Shopify yet, so a collection rule matches no listing for now." };
  }
  const where: Prisma.ListingWhereInput = {
    shopId,
    ...(row.channelId ? { channelId: row.channelId } : {}),
    ...(row.scope === "TAG" ? { variant: { product: { tags: { has: row.scopeValue ?? "" } } } } : {}),
    ...(row.scope === "PRODUCT" ? { variant: { productId: row.scopeValue ?? "" } } : {}),
    ...(row.scope === "VARIANT" ? { variantId: row.scopeValue ?? "" } : {}),
    ...(row.scope === "LISTING" ? { id: row.scopeValue ?? "" } : {}),
  };
  const [affected, listings] = await Promise.all([
    prisma.listing.count({ where }),
    prisma.listing.findMany({
      where,
      orderBy: { id: "asc" },
      take: PREVIEW_SAMPLE,
      select: {
        id: true,
        channelId: true,
        variantId: true,
        channelSku: true,
        desiredQuantity: true,
        fulfilledByMarketplace: true,
        channel: { select: { name: true } },
        variant: { select: { title: true, product: { select: { title: true } } } },
      },
    }),
  ]);
  const current = await engineQuantities(shopId, listings, now);
  const proposed = await engineQuantities(shopId, listings, now, (rules) => [...rules.filter((r) => r.id !== row.id), row]);
  const rows = listings.map((l) => ({
    listingId: l.id,
    sku: l.channelSku,
    title: `${l.variant.product.title} – ${l.variant.title}`,
    channelName: l.channel.name,
    storedQuantity: l.desiredQuantity,
    // A listing the marketplace fulfils (FBA) gets no quantity either way: shown as such, not as 0.
    before: l.fulfilledByMarketplace ? null : (current.get(l.id)?.quantity ?? 0),
    after: l.fulfilledByMarketplace ? null : (proposed.get(l.id)?.quantity ?? 0),
    explanationAfter: proposed.get(l.id)?.explanation ?? "",
  }));
  const note = affected > listings.length ? `Showing the first ${listings.length} of ${affected} listings this rule applies to.` : null;
  return { ok: true, affected, rows, note };
}

export interface EngineAnswer {
  /** Null for a listing the marketplace fulfils from its own stock (FBA): no rule moves it. */
  quantity: number | null;
  priceCents: number;
  explanation: string;
}

/**
 * The engine's answer for a few listings from the shop's current rows, optionally with the buffer
 * rules changed. For screens (previews), not the hot path: the recompute service is the one that
 * stores desired states.
 */
export async function engineQuantities(
  shopId: string,
  listings: readonly { id: string; channelId: string; variantId: string }[],
  now: Date,
  changeBufferRules: (rules: BufferRuleRow[]) => BufferRuleRow[] = (rules) => rules,
): Promise<Map<string, EngineAnswer>> {
  const answers = new Map<string, EngineAnswer>();
  if (listings.length === 0) return answers;
  // The recompute job's own loader: a preview computes from exactly what a push would.
  const sql = sqlFor();
  const shop = await loadShopInputs(sql, shopId);
  if (!shop) return answers;
  const rows = await loadEngineRows(sql, shopId, listings, shop, now);
  const shopifyChannelIds = [...shop.channels.values()].filter((c) => c.kind === "shopify").map((c) => c.id);
  const batch = batchInputsFromRows({ ...rows, bufferRules: changeBufferRules(rows.bufferRules), now, shopifyChannelIds });
  for (const listing of listings) {
    const answer = computeListing(listing, shop, batch, now);
    if (answer)
      answers.set(listing.id, { quantity: answer.quantity, priceCents: answer.priceCents, explanation: explanationText(answer.explanation.quantity) });
  }
  return answers;
}
