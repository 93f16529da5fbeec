import { BOUNDS, bounded, type Bound } from "~/engine/bounds";
import type { FieldErrors } from "~/lib/forms";
import { formNumber } from "~/lib/forms";

// A kit as the merchant writes it (the Kits screen's form, a kits CSV), checked without I/O: the
// caller hands over the variants the SKUs name and the shop's kits as they will be once this one
// is saved, and gets either the kit to write or a message per field. Shopify's own rules for its
// bundles (productVariantRelationshipBulkUpdate's user errors, Admin API 2026-10) are the model:
// a kit never contains itself (CIRCULAR_REFERENCE), lists a component once
// (DUPLICATE_PRODUCT_VARIANT_RELATIONSHIP), needs at least one unit of it (INVALID_QUANTITY), holds
// at most 30 components (EXCEEDED_PRODUCT_VARIANT_RELATIONSHIP_LIMIT) and is never a component of
// another kit (NESTED_PARENT_PRODUCT_VARIANT): the engine counts a component by its own stock.

/** "Each bundle variant can contain up to 30 component variants" (productVariantRelationshipBulkUpdate, shopify.dev, 2026-10). */
export const MAX_KIT_COMPONENTS = 30;

/** Units of one component in a kit: at least one (Shopify's INVALID_QUANTITY), at most the units bound. */
export const UNITS_PER_KIT: Bound = { ...BOUNDS.units, min: 1 };

/** A variant a SKU names, as the check needs it. */
export interface KitVariant {
  id: string;
  sku: string;
  /** Shopify defines it as a bundle (requiresComponents): its components are Shopify's. */
  shopifyBundle: boolean;
}

export interface KitDraft {
  kitSku: string;
  components: { sku: string; units: unknown }[];
}

export interface CheckedKit {
  variantId: string;
  sku: string;
  components: { variantId: string; sku: string; units: number }[];
}

/**
 * The shop's kits once this one is saved, but for the kit being checked: kit variant id → its
 * components' variant ids (Shopify's bundles included), and each variant's SKU for the messages.
 */
export interface KitGraph {
  components: ReadonlyMap<string, readonly string[]>;
  skuOf: (variantId: string) => string;
}

/** The variant a SKU names, or the message saying why there is none. */
function resolve(sku: string, lookup: (sku: string) => readonly KitVariant[], blank: string): KitVariant | string {
  if (sku === "") return blank;
  const matches = lookup(sku);
  if (matches.length === 0) return `No variant in this shop has SKU ${sku}`;
  if (matches.length > 1) return `${matches.length} variants have SKU ${sku}; give each its own SKU in Shopify first`;
  return matches[0];
}

/**
 * The way from `to` back to `from` through the kits' components, if there is one: a kit `from`
 * that contains `to` would then contain itself. Depth-first over the graph, each kit once.
 */
export function pathBetween(from: string, to: string, components: ReadonlyMap<string, readonly string[]>): string[] | null {
  const seen = new Set<string>();
  const walk = (at: string): string[] | null => {
    if (at === from) return [at];
    if (seen.has(at)) return null;
    seen.add(at);
    for (const next of components.get(at) ?? []) {
      const rest = walk(next);
      if (rest) return [at, ...rest];
    }
    return null;
  };
  return walk(to);
}

/** The kits that list this variant as a component. */
function kitsContaining(variantId: string, components: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [kit, parts] of components) if (parts.includes(variantId)) out.push(kit);
  return out;
}

/**
 * Checks one kit. Errors are keyed by the form's fields: `kitSku`, `components` (none, too many)
 * and `components.<i>.sku` / `components.<i>.units` for the i-th component line.
 */
export function checkKit(
  draft: KitDraft,
  lookup: (sku: string) => readonly KitVariant[],
  graph: KitGraph,
): { ok: true; kit: CheckedKit } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const kitSku = draft.kitSku.trim();
  const kit = resolve(kitSku, lookup, "Write the SKU of the variant sold as the kit");
  if (typeof kit === "string") errors.kitSku = kit;
  else if (kit.shopifyBundle) errors.kitSku = `Shopify already defines ${kit.sku} as a bundle: its components are managed in Shopify`;
  else {
    const parents = kitsContaining(kit.id, graph.components);
    if (parents.length > 0)
      errors.kitSku = `${kit.sku} is a component of the kit ${parents.map(graph.skuOf).join(", ")}; a kit cannot be part of another kit (Shopify does not nest bundles either)`;
  }

  if (draft.components.length === 0) errors.components = "Add at least one component: a kit with nothing in it would list at 0";
  else if (draft.components.length > MAX_KIT_COMPONENTS)
    errors.components = `A kit holds at most ${MAX_KIT_COMPONENTS} components (Shopify's limit for a bundle); this one has ${draft.components.length}`;

  const components: CheckedKit["components"] = [];
  const firstLine = new Map<string, number>();
  draft.components.forEach((line, i) => {
    const sku = line.sku.trim();
    const units = bounded("Units per kit", UNITS_PER_KIT).safeParse(formNumber(line.units));
    if (!units.success) errors[`components.${i}.units`] = units.error.issues[0].message;
    const component = resolve(sku, lookup, "Write the component's SKU");
    if (typeof component === "string") {
      errors[`components.${i}.sku`] = component;
      return;
    }
    const message = componentProblem(component, i, typeof kit === "string" ? null : kit, firstLine, graph);
    if (message) errors[`components.${i}.sku`] = message;
    if (!firstLine.has(component.id)) firstLine.set(component.id, i);
    if (!message && units.success) components.push({ variantId: component.id, sku: component.sku, units: units.data });
  });

  if (Object.keys(errors).length > 0 || typeof kit === "string") return { ok: false, errors };
  return { ok: true, kit: { variantId: kit.id, sku: kit.sku, components } };
}

/** Why this variant cannot be the i-th component of the kit, or null when it can. */
function componentProblem(component: KitVariant, i: number, kit: KitVariant | null, firstLine: ReadonlyMap<string, number>, graph: KitGraph): string | null {
  if (kit && component.id === kit.id) return `A kit cannot contain itself: ${kit.sku} is the kit`;
  const earlier = firstLine.get(component.id);
  if (earlier !== undefined) return `${component.sku} is already component ${earlier + 1} of this kit; put all its units on one line`;
  if (kit) {
    const cycle = pathBetween(kit.id, component.id, graph.components);
    if (cycle) return `${kit.sku} would contain itself: ${[kit.id, ...cycle].map(graph.skuOf).join(" contains ")}`;
  }
  if (component.shopifyBundle || (graph.components.get(component.id)?.length ?? 0) > 0)
    return `${component.sku} is itself a kit; a kit's components are items with their own stock (Shopify does not nest bundles either)`;
  return null;
}
