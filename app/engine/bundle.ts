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

export const bundleEmptyStep = stepKind("bundle.empty", [], () => "Kit has no components: listed at 0");
export const bundleComponentStep = stepKind(
  "bundle.component",
  ["component", "availableToSell", "unitsPerBundle"],
  (i, _effect, result) =>
    `${i.component}: ${units(Math.max(0, Number(i.availableToSell)))} ÷ ${i.unitsPerBundle} per kit, rounded down = ${result} ${result === 1 ? "kit" : "kits"}`,
);
/** The kit in one line: "Kit of 2 × MUG-RED (ATS 9 → 4) and 1 × BOX (ATS 10): 4, limited by MUG-RED". */
export const bundleResultStep = stepKind(
  "bundle.result",
  ["limitedBy", "makeUp"],
  (i, _effect, result) => `Kit of ${i.makeUp}: ${result}, limited by ${i.limitedBy}`,
);

/** One component in the kit's line: "2 × MUG-RED (ATS 9 → 4)", or "1 × BOX (ATS 10)" when one makes one kit. */
export function kitPart(name: string, availableToSell: number, unitsPerBundle: number): string {
  const ats = Math.max(0, availableToSell);
  const perKit = Math.max(1, unitsPerBundle);
  return perKit === 1 ? `1 × ${name} (ATS ${ats})` : `${perKit} × ${name} (ATS ${ats} → ${bundlesFromComponent(ats, perKit)})`;
}

/** "a", "a and b", "a, b and c". */
export function kitMakeUp(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

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
  const makeUp = kitMakeUp(components.map((c) => kitPart(c.name, c.availableToSell, c.unitsPerBundle)));
  explanation.push(bundleResultStep(quantity, quantity, limiting.name, makeUp));
  return { quantity, limitingVariantId: limiting.variantId, explanation };
}
