import { describe, expect, it } from "vitest";
import { checkKit, type KitGraph, type KitVariant, MAX_KIT_COMPONENTS, pathBetween } from "./kit-check";

// The kit check as the Kits screen and the kits CSV use it, without a database: the variants the
// SKUs name, and the shop's other kits.

const variants: KitVariant[] = [
  { id: "v-set", sku: "MUG-SET", shopifyBundle: false },
  { id: "v-mug", sku: "MUG-RED", shopifyBundle: false },
  { id: "v-box", sku: "BOX", shopifyBundle: false },
  { id: "v-gift", sku: "GIFT-BOX", shopifyBundle: false },
  { id: "v-shopify", sku: "SHOPIFY-PACK", shopifyBundle: true },
  { id: "v-twin-a", sku: "TWIN", shopifyBundle: false },
  { id: "v-twin-b", sku: "TWIN", shopifyBundle: false },
];
const lookup = (sku: string) => variants.filter((v) => v.sku === sku);
const graph = (kits: Record<string, string[]> = {}): KitGraph => ({
  components: new Map(Object.entries(kits)),
  skuOf: (id) => variants.find((v) => v.id === id)?.sku ?? id,
});

describe("checking a kit the merchant writes", () => {
  it("given 2 × MUG-RED and 1 × BOX for MUG-SET, when checked, then the kit is those two components with their units", () => {
    const checked = checkKit(
      {
        kitSku: " MUG-SET ",
        components: [
          { sku: "MUG-RED", units: "2" },
          { sku: "BOX", units: 1 },
        ],
      },
      lookup,
      graph(),
    );
    expect(checked).toEqual({
      ok: true,
      kit: {
        variantId: "v-set",
        sku: "MUG-SET",
        components: [
          { variantId: "v-mug", sku: "MUG-RED", units: 2 },
          { variantId: "v-box", sku: "BOX", units: 1 },
        ],
      },
    });
  });

  it("given a kit that lists itself as a component, when checked, then the component's SKU field says a kit cannot contain itself", () => {
    const checked = checkKit({ kitSku: "MUG-SET", components: [{ sku: "MUG-SET", units: "1" }] }, lookup, graph());
    expect(checked).toEqual({ ok: false, errors: { "components.0.sku": "A kit cannot contain itself: MUG-SET is the kit" } });
  });

  it("given GIFT-BOX already contains MUG-SET, when MUG-SET is made to contain GIFT-BOX, then the cycle is refused on the component with the way round it", () => {
    const checked = checkKit({ kitSku: "MUG-SET", components: [{ sku: "GIFT-BOX", units: "1" }] }, lookup, graph({ "v-gift": ["v-set", "v-box"] }));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors["components.0.sku"]).toBe("MUG-SET would contain itself: MUG-SET contains GIFT-BOX contains MUG-SET");
  });

  it("given a longer cycle through three kits, when found, then the path names each kit on the way", () => {
    const kits = new Map([
      ["b", ["c"]],
      ["c", ["a", "x"]],
    ]);
    expect(pathBetween("a", "b", kits)).toEqual(["b", "c", "a"]);
    expect(pathBetween("a", "x", kits)).toBeNull();
  });

  it("given a component that is itself a kit, or a Shopify bundle, when checked, then it is refused: kits do not nest", () => {
    const checked = checkKit(
      {
        kitSku: "MUG-SET",
        components: [
          { sku: "GIFT-BOX", units: "1" },
          { sku: "SHOPIFY-PACK", units: "1" },
        ],
      },
      lookup,
      graph({ "v-gift": ["v-box"] }),
    );
    expect(checked).toEqual({
      ok: false,
      errors: {
        "components.0.sku": "GIFT-BOX is itself a kit; a kit's components are items with their own stock (Shopify does not nest bundles either)",
        "components.1.sku": "SHOPIFY-PACK is itself a kit; a kit's components are items with their own stock (Shopify does not nest bundles either)",
      },
    });
  });

  it("given a kit variant that is a component of another kit, when checked, then the kit's SKU field names that kit", () => {
    const checked = checkKit({ kitSku: "MUG-SET", components: [{ sku: "MUG-RED", units: "2" }] }, lookup, graph({ "v-gift": ["v-set"] }));
    expect(checked).toEqual({
      ok: false,
      errors: { kitSku: "MUG-SET is a component of the kit GIFT-BOX; a kit cannot be part of another kit (Shopify does not nest bundles either)" },
    });
  });

  it("given a variant Shopify already defines as a bundle, when made a kit in the app, then the kit's SKU field says its components are Shopify's", () => {
    const checked = checkKit({ kitSku: "SHOPIFY-PACK", components: [{ sku: "MUG-RED", units: "1" }] }, lookup, graph());
    expect(checked).toEqual({ ok: false, errors: { kitSku: "Shopify already defines SHOPIFY-PACK as a bundle: its components are managed in Shopify" } });
  });

  it("given units of 0, 1.5, -2, a word and nothing, when checked, then each line's units field says a whole number from 1", () => {
    const checked = checkKit(
      {
        kitSku: "MUG-SET",
        components: ["0", "1.5", "-2", "two", ""].map((units, i) => ({ sku: ["MUG-RED", "BOX", "GIFT-BOX", "TWIN", "SHOPIFY-PACK"][i], units })),
      },
      (sku) => lookup(sku).slice(0, 1),
      graph(),
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors["components.0.units"]).toBe("Units per kit must be between 1 and 1,000,000");
    expect(checked.errors["components.1.units"]).toBe("Units per kit must be a whole number");
    expect(checked.errors["components.2.units"]).toBe("Units per kit must be between 1 and 1,000,000");
    expect(checked.errors["components.3.units"]).toBe("Units per kit must be a number");
    expect(checked.errors["components.4.units"]).toBe("Units per kit must be a number");
  });

  it("given an unknown SKU, a SKU two variants share, a blank kit SKU and a component listed twice, when checked, then each is refused on its field", () => {
    const checked = checkKit(
      {
        kitSku: "",
        components: [
          { sku: "GHOST", units: "1" },
          { sku: "TWIN", units: "1" },
          { sku: "MUG-RED", units: "1" },
          { sku: "MUG-RED", units: "2" },
        ],
      },
      lookup,
      graph(),
    );
    expect(checked).toEqual({
      ok: false,
      errors: {
        kitSku: "Write the SKU of the variant sold as the kit",
        "components.0.sku": "No variant in this shop has SKU GHOST",
        "components.1.sku": "2 variants have SKU TWIN; give each its own SKU in Shopify first",
        "components.3.sku": "MUG-RED is already component 3 of this kit; put all its units on one line",
      },
    });
  });

  it("given no components, or more than Shopify's 30, when checked, then the components field says so", () => {
    expect(checkKit({ kitSku: "MUG-SET", components: [] }, lookup, graph())).toEqual({
      ok: false,
      errors: { components: "Add at least one component: a kit with nothing in it would list at 0" },
    });
    const many = Array.from({ length: MAX_KIT_COMPONENTS + 1 }, (_, i) => ({ sku: `C-${i}`, units: "1" }));
    const checked = checkKit({ kitSku: "MUG-SET", components: many }, (sku) => [{ id: sku, sku, shopifyBundle: false }], graph());
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.components).toBe("A kit holds at most 30 components (Shopify's limit for a bundle); this one has 31");
  });
});
