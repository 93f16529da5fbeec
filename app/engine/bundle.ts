// Bundles and kits: a kit sells as many as its scarcest component allows,
// min over components of floor(component ATS on this channel / units of it per kit).

import { type ExplanationStep, stepKind, units } from "./explain";

export interface BundleComponentStock {
  variantId: string;
  name: string;
  unitsPerBundle: number;
  /** The component's own available-to-sell on the same channel. */
  availableToSell: number;
}

export interface BundleAvailability {
  quantity: number;
  /** The scarcest component, or null for a bundle with no components. */
  limitingVariantId: string | null;
  explanation: ExplanationStep[];
}

export const bundleEmptyStep = stepKind("bundle.empty", [], () => "Bundle has no components: listed at 0");
export const bundleComponentStep = stepKind(
  "bundle.component",
  ["component", "availableToSell", "unitsPerBundle"],
  (i, _effect, result) => `${i.component}: ${units(Math.max(0, Number(i.availableToSell)))} ÷ ${i.unitsPerBundle} per bundle, rounded down = ${result} bundles`,
);
export const bundleResultStep = stepKind("bundle.result", ["limitedBy"], (i, _effect, result) => `Bundle available: ${result}, limited by ${i.limitedBy}`);

/** Kits one component allows. A component needed 0 times (a data error) counts as needed once, the cautious reading. */
export function bundlesFromComponent(availableToSell: number, unitsPerBundle: number): number {
  return Math.floor(Math.max(0, availableToSell) / Math.max(1, unitsPerBundle));
}

export function bundleAvailableToSell(components: readonly BundleComponentStock[]): BundleAvailability {
  if (components.length === 0) {
    // A bundle with nothing in it has nothing to ship; listing it would promise an empty box.
    return { quantity: 0, limitingVariantId: null, explanation: [bundleEmptyStep(0, 0)] };
  }
  const explanation: ExplanationStep[] = [];
  let quantity = Number.POSITIVE_INFINITY;
  let limiting = components[0];
  for (const component of components) {
    const perBundle = Math.max(1, component.unitsPerBundle);
    const bundles = bundlesFromComponent(component.availableToSell, perBundle);
    explanation.push(bundleComponentStep(0, bundles, component.name, component.availableToSell, perBundle));
    if (bundles < quantity) {
      quantity = bundles;
      limiting = component;
    }
  }
  explanation.push(bundleResultStep(quantity, quantity, limiting.name));
  return { quantity, limitingVariantId: limiting.variantId, explanation };
}
