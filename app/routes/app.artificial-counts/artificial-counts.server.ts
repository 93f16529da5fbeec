import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { allocationKindName, type AllocationKindName, checkAllocationRule } from "~/rules/allocation-rules.server";
import { type Preview, previewRuleChange, withRule } from "~/rules/preview.server";
import { describeScope, markRuleChannelsStale, type Scope, scopeLabels, scopeReferences } from "~/rules/scopes.server";
import { NotFoundForShop } from "~/lib/errors";
import type { FieldErrors } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";
import { recordAudit } from "~/lib/audit.server";

// Artificial counts: what a channel is shown instead of (or below) the computed figure, per
// channel and scope (app/engine/allocation.ts): list at most N (cap), a share of the pool, a fixed
// number, or a share of one vendor location's quantity. Checked by the engine's own validation
// (app/rules/allocation-rules.server.ts), previewed through the recompute's own loader before
// saving (app/rules/preview.server.ts), and every change marks the listings it can move stale.

// ---------------------------------------------------------------- the page

export async function artificialCountsPage(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const [channels, locations, rules] = await Promise.all([
    // The Shopify store is the anchor: nothing is pushed to it, so it has no count to set.
    prisma.channel.findMany({
      where: { shopId, status: { not: "DISCONNECTED" }, kind: { not: "SHOPIFY" } },
      orderBy: [{ priority: "asc" }, { name: "asc" }],
      select: { id: true, name: true },
    }),
    prisma.location.findMany({
      where: { shopId, isActive: true },
      orderBy: [{ isDropShip: "desc" }, { name: "asc" }],
      select: { id: true, name: true, isDropShip: true },
    }),
    prisma.allocationRule.findMany({ where: { shopId }, orderBy: [{ channelId: "asc" }, { scope: "asc" }, { createdAt: "asc" }] }),
  ]);
  const [labels, reference, ruleChannels, ruleLocations] = await Promise.all([
    scopeLabels(prisma, shopId, rules),
    scopeReferences(prisma, shopId, rules),
    // A rule of a channel since disconnected, or of a location since deactivated, still reads by name.
    prisma.channel.findMany({ where: { shopId, id: { in: rules.map((r) => r.channelId) } }, select: { id: true, name: true } }),
    prisma.location.findMany({ where: { shopId, id: { in: rules.flatMap((r) => r.locationId ?? []) } }, select: { id: true, name: true } }),
  ]);
  const channelName = new Map(ruleChannels.map((c) => [c.id, c.name]));
  const locationName = new Map(ruleLocations.map((l) => [l.id, l.name]));
  return {
    channels,
    locations,
    rules: rules.map((r) => {
      const kind = allocationKindName(r.kind);
      const percent = r.percentBps === null ? null : r.percentBps / 100;
      const location = r.locationId === null ? null : (locationName.get(r.locationId) ?? "(a location no longer in the shop)");
      return {
        id: r.id,
        channelId: r.channelId,
        channelName: channelName.get(r.channelId) ?? "(disconnected channel)",
        scope: r.scope.toLowerCase() as Scope,
        /** What the form's target field takes to name it again. */
        scopeRef: reference(r.scope, r.scopeValue),
        target: describeScope(r.scope, r.scopeValue, labels),
        kind,
        units: r.units,
        percent,
        locationId: r.locationId,
        count: countText(kind, r.units, percent, location),
      };
    }),
  };
}

/** How a count reads in the list: "at most 5", "30% of the pool". */
function countText(kind: AllocationKindName, units: number | null, percent: number | null, location: string | null): string {
  switch (kind) {
    case "cap":
      return `at most ${units ?? "?"}`;
    case "fixed":
      return `exactly ${units ?? "?"} (buffer not applied)`;
    case "pool_share":
      return `${percent ?? "?"}% of the pool`;
    case "vendor_share":
      return `${percent ?? "?"}% of ${location ?? "?"}'s quantity`;
  }
}

// ---------------------------------------------------------------- save, delete

export type SaveOutcome = { ok: true; ruleId: string } | { ok: false; errors: FieldErrors };

/** Adds the form's count, or changes the one it names (ruleId); refused field by field, nothing half-saved. */
export async function saveArtificialCount(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<SaveOutcome> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const checked = await checkAllocationRule(prisma, shopId, form);
  if (!checked.ok) return checked;
  const { ruleId, data } = checked.rule;
  const before = ruleId ? await prisma.allocationRule.findUniqueOrThrow({ where: { id: ruleId } }) : null;
  const saved = ruleId
    ? await prisma.allocationRule.update({ where: { id: ruleId }, data })
    : await prisma.allocationRule.create({ data: { ...data, shopId } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: ruleId ? "allocation_rule.changed" : "allocation_rule.created",
    subjectType: "allocation_rule",
    subjectId: saved.id,
    details: { rule: JSON.parse(JSON.stringify(saved)), before: before ? JSON.parse(JSON.stringify(before)) : null },
  });
  await markRuleChannelsStale(prisma, shopId, [before?.channelId, saved.channelId]);
  return { ok: true, ruleId: saved.id };
}

export async function deleteArtificialCount(shopDomain: string, ruleId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<void> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const rule = await prisma.allocationRule.findFirst({ where: { id: ruleId, shopId } });
  if (!rule) throw new NotFoundForShop("Artificial count");
  await prisma.allocationRule.delete({ where: { id: rule.id } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "allocation_rule.deleted",
    subjectType: "allocation_rule",
    subjectId: rule.id,
    details: { rule: JSON.parse(JSON.stringify(rule)) },
  });
  await markRuleChannelsStale(prisma, shopId, [rule.channelId]);
}

// ---------------------------------------------------------------- preview

export type PreviewOutcome = ({ ok: true } & Preview) | { ok: false; errors: FieldErrors };

/**
 * What saving this count would give each listing it applies to, before it is saved: the engine
 * with the shop's current rules, then with this count added (or in place of the one being edited).
 */
export async function previewArtificialCount(
  shopDomain: string,
  form: Record<string, unknown>,
  prisma: PrismaClient = defaultPrisma,
  now = new Date(),
): Promise<PreviewOutcome> {
  const shopId = await shopIdOf(prisma, shopDomain);
  const checked = await checkAllocationRule(prisma, shopId, form);
  if (!checked.ok) return checked;
  const { row } = checked.rule;
  return { ok: true, ...(await previewRuleChange(shopId, row, { allocationRules: withRule(row) }, prisma, now)) };
}
