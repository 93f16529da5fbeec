import { Prisma, type PrismaClient } from "@prisma/client";
import { validateBufferRule } from "~/engine/validate";
import type { BufferRuleRow } from "~/recompute/inputs";
import { NotFoundForShop } from "~/lib/errors";
import { errorsByField, type FieldErrors, formNumber, optionalNumber } from "~/lib/forms";
import { dbScope, resolveScopeValue, type Scope, SCOPE_REFERENCE, SCOPES } from "./scopes.server";

// A buffer rule as the merchant writes it (the Buffers screen's form, a row of the CSV import),
// checked by the engine's own validation (app/engine/validate.ts), so the form and the import
// show exactly the engine's message on the field.

interface CheckedBufferRule {
  ruleId: string | null;
  channelId: string | null;
  row: BufferRuleRow;
  data: Omit<Prisma.BufferRuleUncheckedCreateInput, "shopId">;
}

/**
 * The form's rule, checked by the engine, as the row it would be stored as. Another shop's rule
 * or channel id is refused as not found; a target that names nothing is an error on its field.
 */
export async function checkBufferRule(
  prisma: PrismaClient,
  shopId: string,
  form: Record<string, unknown>,
): Promise<{ ok: true; rule: CheckedBufferRule } | { ok: false; errors: FieldErrors }> {
  const ruleId = String(form.ruleId ?? "").trim() || null;
  if (ruleId && !(await prisma.bufferRule.findFirst({ where: { id: ruleId, shopId }, select: { id: true } }))) throw new NotFoundForShop("Buffer rule");
  const channelId = String(form.channelId ?? "").trim() || null;
  const channel = channelId ? await prisma.channel.findFirst({ where: { id: channelId, shopId }, select: { kind: true } }) : null;
  if (channelId && !channel) throw new NotFoundForShop("Channel");
  const errors: FieldErrors = {};
  // The store channel has no listings: a buffer on it would apply to nothing.
  if (channel?.kind === "SHOPIFY") errors.channelId = "Buffers are for marketplace channels; the Shopify store is the anchor";

  const scope = String(form.scope ?? "channel") as Scope;
  const reference = String(form.scopeRef ?? "");
  let scopeValue: string | null = null;
  if (SCOPES.includes(scope) && scope !== "channel" && reference.trim() !== "") {
    scopeValue = await resolveScopeValue(prisma, shopId, scope, reference, channelId);
    if (scopeValue === null) errors.scopeRef = `No ${SCOPE_REFERENCE[scope].toLowerCase()} "${reference.trim()}" in this shop`;
  }
  const kind = String(form.kind ?? "");
  const percent = formNumber(form.percent);
  const risk = formNumber(form.riskMultiplier);
  const checked = validateBufferRule({
    id: ruleId ?? "",
    channelId,
    scope,
    scopeValue,
    kind,
    units: formNumber(form.units),
    // The form asks for a percent; the engine counts basis points.
    percentBps: percent === undefined ? undefined : Math.round(percent * 100),
    leadTimeDays: formNumber(form.leadTimeDays),
    safetyStock: formNumber(form.safetyStock),
    riskMultiplier: risk === undefined ? null : risk,
  });
  // A target that names nothing says so, rather than the engine's "choose which…".
  if (!checked.ok)
    for (const [field, message] of Object.entries(errorsByField(checked.errors, { percentBps: "percent", scopeValue: "scopeRef" }))) errors[field] ??= message;
  // The threshold is stored on the rule but is not part of the engine's buffer rule.
  const threshold = optionalNumber(form.lowStockThreshold, "Low-stock threshold", "units");
  if (!threshold.ok) errors.lowStockThreshold = threshold.message;
  if (!checked.ok || !threshold.ok || Object.keys(errors).length > 0) return { ok: false, errors };

  const rule = checked.value;
  const data = {
    channelId,
    scope: dbScope(rule.scope),
    scopeValue: rule.scope === "channel" ? null : rule.scopeValue,
    kind: rule.kind === "fixed" ? ("FIXED" as const) : rule.kind === "percent" ? ("PERCENT" as const) : ("VELOCITY" as const),
    units: rule.kind === "fixed" ? rule.units : null,
    percentBps: rule.kind === "percent" ? rule.percentBps : null,
    leadTimeDays: rule.kind === "velocity" ? new Prisma.Decimal(rule.leadTimeDays) : null,
    safetyStock: rule.kind === "velocity" ? rule.safetyStock : null,
    riskMultiplier: rule.kind === "velocity" && rule.riskMultiplier !== null ? new Prisma.Decimal(rule.riskMultiplier) : null,
    lowStockThreshold: threshold.value ?? null,
  };
  const row: BufferRuleRow = {
    id: ruleId ?? "proposed",
    channelId,
    scope: data.scope,
    scopeValue: data.scopeValue,
    kind: data.kind,
    units: data.units,
    percentBps: data.percentBps,
    leadTimeDays: rule.kind === "velocity" ? rule.leadTimeDays : null,
    safetyStock: data.safetyStock,
    riskMultiplier: rule.kind === "velocity" ? rule.riskMultiplier : null,
    lowStockThreshold: data.lowStockThreshold,
  };
  return { ok: true, rule: { ruleId, channelId, row, data } };
}
