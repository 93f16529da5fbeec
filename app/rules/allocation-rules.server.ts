import type { AllocationKind, Prisma, PrismaClient } from "@prisma/client";
import { validateAllocationRule } from "~/engine/validate";
import type { AllocationRuleRow } from "~/recompute/inputs";
import { NotFoundForShop } from "~/lib/errors";
import { errorsByField, type FieldErrors, formNumber } from "~/lib/forms";
import { dbScope, resolveScopeValue, type Scope, SCOPE_REFERENCE, SCOPES } from "./scopes.server";

// An artificial count as the merchant writes it (the Artificial counts screen's form, a row of
// the CSV import): list at most N (cap), a share of the pool, a fixed number, or a share of one
// vendor location's quantity, for one channel. Checked by the engine's own validation
// (app/engine/validate.ts), so the form and the import show exactly the engine's message on the
// field.

/** The kinds as the form and the CSV write them: AllocationKind in lower case. */
export const ALLOCATION_KINDS = ["cap", "pool_share", "fixed", "vendor_share"] as const;
export type AllocationKindName = (typeof ALLOCATION_KINDS)[number];

const ENGINE_KIND: Readonly<Record<AllocationKindName, "cap" | "poolShare" | "fixed" | "vendorShare">> = {
  cap: "cap",
  pool_share: "poolShare",
  fixed: "fixed",
  vendor_share: "vendorShare",
};

const DB_KIND = { cap: "CAP", poolShare: "POOL_SHARE", fixed: "FIXED", vendorShare: "VENDOR_SHARE" } as const satisfies Record<string, AllocationKind>;

export interface CheckedAllocationRule {
  ruleId: string | null;
  /** As the recompute reads it, to preview the rule before it is saved. */
  row: AllocationRuleRow;
  data: Omit<Prisma.AllocationRuleUncheckedCreateInput, "shopId">;
}

export type AllocationRuleCheck = { ok: true; rule: CheckedAllocationRule } | { ok: false; errors: FieldErrors };

/**
 * The form's rule, checked by the engine, as the row it would be stored as. Another shop's rule,
 * channel or location id is refused as not found; a target that names nothing, a missing channel
 * and a number out of its range are errors on their fields.
 */
export async function checkAllocationRule(prisma: PrismaClient, shopId: string, form: Record<string, unknown>): Promise<AllocationRuleCheck> {
  const ruleId = String(form.ruleId ?? "").trim() || null;
  if (ruleId && !(await prisma.allocationRule.findFirst({ where: { id: ruleId, shopId }, select: { id: true } })))
    throw new NotFoundForShop("Artificial count");
  const channelId = String(form.channelId ?? "").trim() || null;
  const errors: FieldErrors = {};
  if (channelId) {
    const channel = await prisma.channel.findFirst({ where: { id: channelId, shopId }, select: { kind: true } });
    if (!channel) throw new NotFoundForShop("Channel");
    // Nothing is pushed to the Shopify store itself: a count there would change nothing.
    if (channel.kind === "SHOPIFY") errors.channelId = "Artificial counts are for marketplace channels; the Shopify store is the anchor";
  } else errors.channelId = "Choose the channel the count is for";
  const kindName = String(form.kind ?? "").trim() as AllocationKindName;
  const kind = ALLOCATION_KINDS.includes(kindName) ? ENGINE_KIND[kindName] : kindName;
  const locationId = String(form.locationId ?? "").trim();
  if (kind === "vendorShare" && locationId && !(await prisma.location.findFirst({ where: { id: locationId, shopId }, select: { id: true } })))
    throw new NotFoundForShop("Location");

  const scope = String(form.scope ?? "channel") as Scope;
  const reference = String(form.scopeRef ?? "");
  let scopeValue: string | null = null;
  if (SCOPES.includes(scope) && scope !== "channel" && reference.trim() !== "") {
    scopeValue = await resolveScopeValue(prisma, shopId, scope, reference, channelId);
    if (scopeValue === null) errors.scopeRef = `No ${SCOPE_REFERENCE[scope].toLowerCase()} "${reference.trim()}" in this shop`;
  }
  const percent = formNumber(form.percent);
  const checked = validateAllocationRule({
    id: ruleId ?? "",
    channelId,
    scope,
    scopeValue,
    kind,
    units: formNumber(form.units),
    // The form asks for a percent; the engine counts basis points.
    percentBps: percent === undefined ? undefined : Math.round(percent * 100),
    locationId,
  });
  // A target that names nothing says so, rather than the engine's "choose which…".
  if (!checked.ok)
    for (const [field, message] of Object.entries(errorsByField(checked.errors, { percentBps: "percent", scopeValue: "scopeRef" }))) errors[field] ??= message;
  if (!checked.ok || Object.keys(errors).length > 0 || channelId === null) return { ok: false, errors };

  const rule = checked.value;
  const data = {
    channelId,
    scope: dbScope(rule.scope),
    scopeValue: rule.scope === "channel" ? null : rule.scopeValue,
    kind: DB_KIND[rule.kind],
    units: rule.kind === "cap" || rule.kind === "fixed" ? rule.units : null,
    percentBps: rule.kind === "poolShare" || rule.kind === "vendorShare" ? rule.percentBps : null,
    locationId: rule.kind === "vendorShare" ? rule.locationId : null,
  };
  return { ok: true, rule: { ruleId, row: { id: ruleId ?? "proposed", ...data }, data } };
}

/** The form's and the CSV's name of a stored kind. */
export function allocationKindName(kind: AllocationKind): AllocationKindName {
  return kind.toLowerCase() as AllocationKindName;
}
