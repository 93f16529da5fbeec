import { type ExplanationStep, step, units } from "./explain";

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

/** A kit sells as many as its scarcest component allows: min over components of floor(ATS / units). */
export function bundleAvailableToSell(components: readonly BundleComponentStock[]): BundleAvailability {
  if (components.length === 0) {
    // A bundle with nothing in it has nothing to ship; listing it would promise an empty box.
    return {
      quantity: 0,
      limitingVariantId: null,
      explanation: [step("bundle.empty", {}, 0, 0, "Bundle has no components: listed at 0")],
    };
  }
  const explanation: ExplanationStep[] = [];
  let quantity = Number.POSITIVE_INFINITY;
  let limiting = components[0];
  for (const component of components) {
    const perBundle = Math.max(1, component.unitsPerBundle);
    const bundles = Math.floor(Math.max(0, component.availableToSell) / perBundle);
    explanation.push(
      step(
        "bundle.component",
        { component: component.name, availableToSell: component.availableToSell, unitsPerBundle: perBundle },
        0,
        bundles,
        `${component.name}: ${units(Math.max(0, component.availableToSell))} ÷ ${perBundle} per bundle, rounded down = ${bundles} bundles`,
      ),
    );
    if (bundles < quantity) {
      quantity = bundles;
      limiting = component;
    }
  }
  explanation.push(
    step("bundle.result", { limitedBy: limiting.name }, 0, quantity, `Bundle available: ${quantity}, limited by ${limiting.name}`),
  );
  return { quantity, limitingVariantId: limiting.variantId, explanation };
}
