import type { Prisma, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { defaultRiskMultiplierOf, engineKindOf } from "~/channels/registry";
import { noteChange } from "~/recompute/index.server";
import { validateChannel, validateVelocitySettings } from "~/engine/validate";
import { defaultHalfLifeDays } from "~/engine/velocity";
import { settingsObject, STORE_SALES, velocityWindowDays } from "~/recompute/inputs";
import { lastVelocityRun, noteVelocityOfSoldVariants, scheduleNextVelocityDay, VELOCITY_LOCAL_HOUR } from "~/sync/velocity-schedule.server";
import { formatShopDateTime, shopTimeZone } from "~/lib/zoned-time";
import { checkBufferRule } from "~/rules/buffer-rules.server";
import { type Preview, previewRuleChange, withRule } from "~/rules/preview.server";
import { describeScope, markRuleChannelsStale, type Scope, scopeLabels } from "~/rules/scopes.server";
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
  const [channels, rules, shop, lastRun] = await Promise.all([
    // Not the store channel: it is the anchor, with no listings to buffer or rank.
    prisma.channel.findMany({ where: { shopId, status: { not: "DISCONNECTED" }, kind: { not: "SHOPIFY" } }, orderBy: [{ priority: "asc" }, { name: "asc" }] }),
    prisma.bufferRule.findMany({ where: { shopId }, orderBy: [{ channelId: "asc" }, { scope: "asc" }, { createdAt: "asc" }] }),
    prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } }),
    lastVelocityRun(shopId, prisma),
  ]);
  const labels = await scopeLabels(prisma, shopId, rules);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const windowDays = velocityWindowDays(shop.settings);
  const timeZone = shopTimeZone(shop.settings);
  return {
    velocity: {
      windowDays,
      halfLifeDays: defaultHalfLifeDays(windowDays),
      // What a velocity buffer counts (decision 0019), in the words its explanation uses.
      counts: `every unit sold in ${STORE_SALES} and on every channel`,
      timeZone,
      localHour: VELOCITY_LOCAL_HOUR,
      lastRun: lastRun?.finishedAt ? { at: formatShopDateTime(lastRun.finishedAt, timeZone), variants: lastRun.variants, listings: lastRun.listings } : null,
    },
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
  const channel = await prisma.channel.findFirst({ where: { id: String(form.channelId ?? ""), shopId, kind: { not: "SHOPIFY" } } });
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

// ---------------------------------------------------------------- sales velocity

/**
 * The shop's velocity window (Shop.settings.velocityWindowDays), checked by the engine (1–365
 * days, refused on its field). A new window moves the velocity of every variant sold within the
 * old or the new one: their listings under a velocity rule are recomputed.
 */
export async function saveVelocityWindow(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
  now = new Date(),
): Promise<FieldErrors | null> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const checked = validateVelocitySettings({ windowDays: formNumber(form.velocityWindowDays) });
  if (!checked.ok) return errorsByField(checked.errors, { windowDays: "velocityWindowDays" });
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } });
  const before = velocityWindowDays(shop.settings);
  const windowDays = checked.value.windowDays;
  // One key of the settings, set in place: the merchant's other settings are never rewritten.
  await prisma.$executeRaw`UPDATE "Shop" SET settings = jsonb_set(settings, '{velocityWindowDays}', to_jsonb(${windowDays}::int)) WHERE id = ${shopId}`;
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "velocity.window_changed",
    subjectType: "shop",
    subjectId: shopId,
    details: { windowDays, before },
  });
  const since = new Date(now.getTime() - Math.max(before, windowDays) * 86_400_000);
  await noteVelocityOfSoldVariants(shopId, since, { prisma, now });
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
  // A velocity buffer ages daily: its shop's days are scheduled from now (the sweep would within a minute).
  if (saved.kind === "VELOCITY") await scheduleNextVelocityDay(shopId, { prisma });
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

export type PreviewOutcome = ({ ok: true } & Preview) | { ok: false; errors: FieldErrors };

/**
 * What saving this rule would change, before it is saved: the listings it applies to through the
 * engine with the shop's current rules, then with this rule added (or replacing the one being
 * edited); app/rules/preview.server.ts.
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
  return { ok: true, ...(await previewRuleChange(shopId, row, { bufferRules: withRule(row) }, prisma, now)) };
}
