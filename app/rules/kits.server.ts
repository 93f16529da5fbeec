import type { Prisma, PrismaClient } from "@prisma/client";
import { lockKits } from "~/anchor/bundles.server";
import defaultPrisma from "~/db.server";
import { recordAudit } from "~/lib/audit.server";
import { NotFoundForShop } from "~/lib/errors";
import type { FieldErrors } from "~/lib/forms";
import type { Queues } from "~/queues.server";
import { noteChange } from "~/recompute/index.server";
import { type CheckedKit, checkKit, type KitDraft, type KitVariant } from "./kit-check";

// Kits the merchant defines in the app, for stores that do not use Shopify's bundles: a variant
// sold as so many units of other variants (the engine lists min over components of
// floor(component ATS / units per kit)). One writer for the Kits screen and the kits CSV: every
// kit is checked (kit-check.ts) against the shop's kits as they will be, all are written in one
// transaction or none, and the kits' listings are noted so the marketplaces get the new count.
// Shopify's own bundles are mirrored (anchor/bundles.server.ts) and are not changed here.

export interface KitsDeps {
  prisma?: PrismaClient;
  queues?: Queues;
}

export interface KitRow {
  variantId: string;
  sku: string;
  name: string;
  /** "shopify": Shopify's bundle, read-only here; "app": a kit defined in Anchorline. */
  source: "shopify" | "app";
  components: { variantId: string; sku: string; name: string; units: number }[];
}

const variantName = (v: { sku: string | null; title: string; product: { title: string } }) =>
  v.title === "Default Title" ? v.product.title : `${v.product.title} – ${v.title}`;

/** The shop's kits and Shopify bundles, by SKU, with their components. */
export async function kitsOfShop(shopId: string, prisma: PrismaClient = defaultPrisma): Promise<KitRow[]> {
  const kits = await prisma.variant.findMany({
    where: { shopId, isBundle: true },
    orderBy: [{ sku: "asc" }, { id: "asc" }],
    select: {
      id: true,
      sku: true,
      title: true,
      shopifyBundle: true,
      product: { select: { title: true } },
      components: {
        orderBy: { component: { sku: "asc" } },
        select: { unitsPerBundle: true, component: { select: { id: true, sku: true, title: true, product: { select: { title: true } } } } },
      },
    },
  });
  return kits.map((k) => ({
    variantId: k.id,
    sku: k.sku ?? "",
    name: variantName(k),
    source: k.shopifyBundle ? "shopify" : "app",
    components: k.components.map((c) => ({ variantId: c.component.id, sku: c.component.sku ?? "", name: variantName(c.component), units: c.unitsPerBundle })),
  }));
}

/** Every kit of the shop as kit id → component ids, and the SKU of each variant named. */
async function kitGraph(tx: Prisma.TransactionClient, shopId: string) {
  const rows = await tx.bundleComponent.findMany({
    where: { shopId },
    select: { bundleId: true, componentId: true, bundle: { select: { sku: true } }, component: { select: { sku: true } } },
  });
  const components = new Map<string, string[]>();
  const sku = new Map<string, string>();
  for (const row of rows) {
    components.set(row.bundleId, [...(components.get(row.bundleId) ?? []), row.componentId]);
    sku.set(row.bundleId, row.bundle.sku ?? row.bundleId);
    sku.set(row.componentId, row.component.sku ?? row.componentId);
  }
  return { components, sku };
}

/** One kit to save: its draft, and the kit it replaces when edited (its variant may change). */
export interface KitSave {
  draft: KitDraft;
  /** The kit variant being edited, when the merchant changes an existing kit. */
  replaces?: string | null;
  /**
   * A kit the screen's "New kit" form writes: it may not overwrite a kit the variant already is
   * (the merchant edits that one). The CSV leaves it unset: a kit in the file gets its rows.
   */
  mustBeNew?: boolean;
}

export type KitsOutcome =
  | { ok: true; created: number; updated: number; kits: CheckedKit[] }
  /** Errors by kit, in the order given (an empty object for a kit without problems). */
  | { ok: false; errors: FieldErrors[] };

/**
 * Checks and saves kits, all or none, in one transaction: each kit gets exactly the components
 * drafted (an edited kit whose variant changed leaves the old variant a plain one). Checked
 * against the shop's kits as they will be once all of these are saved, under the shop's kits lock,
 * so no two saves make a cycle between them. The kits' listings are then recomputed.
 */
export async function saveKits(shopId: string, saves: readonly KitSave[], actor: string, deps: KitsDeps = {}): Promise<KitsOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const skus = [...new Set(saves.flatMap((s) => [s.draft.kitSku, ...s.draft.components.map((c) => c.sku)].map((sku) => sku.trim())).filter(Boolean))];
  const outcome = await prisma.$transaction(async (tx): Promise<KitsOutcome & { touched?: string[]; before?: Map<string, number> }> => {
    await lockKits(tx, shopId);
    const replaced = [...new Set(saves.flatMap((s) => (s.replaces ? [s.replaces] : [])))];
    const editing = await tx.variant.findMany({ where: { shopId, id: { in: replaced } }, select: { id: true, isBundle: true, shopifyBundle: true } });
    if (editing.length !== replaced.length || editing.some((v) => !v.isBundle || v.shopifyBundle)) throw new NotFoundForShop("Kit");
    const variants = await tx.variant.findMany({ where: { shopId, sku: { in: skus } }, select: { id: true, sku: true, isBundle: true, shopifyBundle: true } });
    const alreadyKit = new Set(variants.filter((v) => v.isBundle && !v.shopifyBundle).map((v) => v.id));
    const bySku = new Map<string, KitVariant[]>();
    for (const v of variants) bySku.set(v.sku!, [...(bySku.get(v.sku!) ?? []), { id: v.id, sku: v.sku!, shopifyBundle: v.shopifyBundle }]);
    const lookup = (sku: string) => bySku.get(sku) ?? [];

    // The kits as they will be: the ones saved (and those they replace) leave the graph, then each
    // is checked against the others plus every other save's own components.
    const graph = await kitGraph(tx, shopId);
    for (const id of replaced) graph.components.delete(id);
    const planned = saves.map((s) => lookup(s.draft.kitSku.trim())[0]?.id ?? null);
    for (const id of planned) if (id) graph.components.delete(id);
    for (const v of variants) graph.sku.set(v.id, v.sku!);
    const drafted = saves.map((s) =>
      s.draft.components.flatMap((c) =>
        lookup(c.sku.trim())
          .slice(0, 1)
          .map((v) => v.id),
      ),
    );
    const errors: FieldErrors[] = [];
    const checked: CheckedKit[] = [];
    saves.forEach((save, i) => {
      const others = new Map(graph.components);
      planned.forEach((id, j) => {
        if (id && j !== i) others.set(id, drafted[j]);
      });
      const result = checkKit(save.draft, lookup, { components: others, skuOf: (id) => graph.sku.get(id) ?? id });
      errors.push(result.ok ? {} : result.errors);
      if (result.ok) checked.push(result.kit);
    });
    planned.forEach((id, j) => {
      const first = planned.indexOf(id);
      const sku = saves[j].draft.kitSku.trim();
      if (id && first < j) errors[j] = { ...errors[j], kitSku: `${sku} is already kit ${first + 1} here; write each kit once` };
      else if (id && alreadyKit.has(id) && (saves[j].mustBeNew || (saves[j].replaces && saves[j].replaces !== id)))
        errors[j] = { ...errors[j], kitSku: `${sku} is already a kit: change that one (Edit in the list) rather than writing over it` };
    });
    if (errors.some((e) => Object.keys(e).length > 0)) return { ok: false, errors };
    const kitIds = checked.map((k) => k.variantId);

    const existing = await tx.variant.findMany({ where: { shopId, id: { in: kitIds }, isBundle: true }, select: { id: true } });
    const dropped = replaced.filter((id) => !kitIds.includes(id));
    await tx.bundleComponent.deleteMany({ where: { shopId, bundleId: { in: [...kitIds, ...dropped] } } });
    await tx.bundleComponent.createMany({
      data: checked.flatMap((k) => k.components.map((c) => ({ shopId, bundleId: k.variantId, componentId: c.variantId, unitsPerBundle: c.units }))),
    });
    await tx.variant.updateMany({ where: { shopId, id: { in: kitIds } }, data: { isBundle: true } });
    if (dropped.length) await tx.variant.updateMany({ where: { shopId, id: { in: dropped } }, data: { isBundle: false } });
    return { ok: true, created: kitIds.length - existing.length, updated: existing.length, kits: checked, touched: [...kitIds, ...dropped] };
  });
  if (!outcome.ok) return outcome;
  await noteChange(shopId, { kind: "catalog", variantIds: outcome.touched ?? [] }, { prisma, queues: deps.queues });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "kits.saved",
    subjectType: outcome.kits.length === 1 ? "variant" : "shop",
    subjectId: outcome.kits.length === 1 ? outcome.kits[0].variantId : shopId,
    details: {
      kits: outcome.kits.slice(0, 20).map((k) => ({ sku: k.sku, components: k.components.map((c) => ({ sku: c.sku, units: c.units })) })),
      count: outcome.kits.length,
    },
  });
  return { ok: true, created: outcome.created, updated: outcome.updated, kits: outcome.kits };
}

/** A kit made in the app becomes a plain variant again; its listings are recomputed. A Shopify bundle is not the app's to delete. */
export async function deleteKit(shopId: string, kitVariantId: string, actor: string, deps: KitsDeps = {}): Promise<void> {
  const prisma = deps.prisma ?? defaultPrisma;
  const sku = await prisma.$transaction(async (tx) => {
    await lockKits(tx, shopId);
    const kit = await tx.variant.findFirst({ where: { shopId, id: kitVariantId, isBundle: true, shopifyBundle: false }, select: { id: true, sku: true } });
    if (!kit) throw new NotFoundForShop("Kit");
    await tx.bundleComponent.deleteMany({ where: { shopId, bundleId: kit.id } });
    await tx.variant.update({ where: { id: kit.id }, data: { isBundle: false } });
    return kit.sku;
  });
  await noteChange(shopId, { kind: "catalog", variantIds: [kitVariantId] }, { prisma, queues: deps.queues });
  await recordAudit(prisma, { shopId, actor, action: "kits.deleted", subjectType: "variant", subjectId: kitVariantId, details: { sku } });
}
