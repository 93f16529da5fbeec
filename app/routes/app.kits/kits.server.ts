import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import type { FieldErrors } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";
import { deleteKit, kitsOfShop, saveKits } from "~/rules/kits.server";

// The Kits screen's server side: the shop's kits and Shopify's bundles for the list, and the form
// (a kit SKU, then component lines of SKU and units per kit) read into the one writer of kits
// (rules/kits.server.ts), which checks, saves in one transaction and has the listings recomputed.

export async function kitsPage(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  return { kits: await kitsOfShop(await shopIdOf(prisma, shopDomain), prisma) };
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)]);

/**
 * Saves the form's kit: `kitSku`, `kitId` when editing, and the lines `componentSku[]` /
 * `componentUnits[]` (a line left wholly blank is no component). Errors come back keyed by the
 * form's own line numbers: `components.<line>.sku`, `components.<line>.units`.
 */
export async function saveKitFromForm(
  shopDomain: string,
  form: Record<string, unknown>,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<{ ok: true; created: boolean } | { ok: false; errors: FieldErrors }> {
  const skus = list(form.componentSku);
  const units = list(form.componentUnits);
  const lines = Array.from({ length: Math.max(skus.length, units.length) }, (_, i) => ({ line: i, sku: skus[i] ?? "", units: units[i] ?? "" })).filter(
    (l) => l.sku.trim() !== "" || l.units.trim() !== "",
  );
  const kitId = String(form.kitId ?? "").trim();
  const outcome = await saveKits(
    await shopIdOf(prisma, shopDomain),
    [
      {
        draft: { kitSku: String(form.kitSku ?? ""), components: lines.map((l) => ({ sku: l.sku, units: l.units })) },
        replaces: kitId || null,
        mustBeNew: !kitId,
      },
    ],
    actor,
    { prisma },
  );
  if (outcome.ok) return { ok: true, created: outcome.created === 1 };
  const errors: FieldErrors = {};
  for (const [field, message] of Object.entries(outcome.errors[0])) {
    const component = /^components\.(\d+)\.(sku|units)$/.exec(field);
    errors[component ? `components.${lines[Number(component[1])].line}.${component[2]}` : field] = message;
  }
  return { ok: false, errors };
}

export async function deleteKitOfShop(shopDomain: string, kitId: string, actor: string, prisma: PrismaClient = defaultPrisma): Promise<void> {
  await deleteKit(await shopIdOf(prisma, shopDomain), kitId, actor, { prisma });
}
