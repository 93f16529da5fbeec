// Deterministic catalog generation: the same description and seed always give the same store.
import type { InventoryItemRec, LevelRec, LocationRec, ProductRec, VariantRec } from "./types";

export interface CatalogSpec {
  products: number;
  variantsPerProduct: number;
  locations: number;
  seed: number;
  /** First id handed out (decimal). Default 2^53 + 1, so every id exercises 64-bit exactness. */
  idBase?: string;
  /** Chance (0..1) that an item is stocked at a given location; every item is stocked somewhere. Default 0.85. */
  stockedRatio?: number;
  /** Explicit location names; otherwise a mix of stores, a warehouse and a drop-shipper. */
  locationNames?: string[];
  /** Creation time of the catalog (epoch ms). Default 2025-01-01T00:00:00Z. */
  createdAt?: number;
  /**
   * Variant counts of particular products, by index, instead of `variantsPerProduct`: e.g. `{ 0: 150 }`
   * for a product past the 100 variants a products/* webhook carries in full.
   */
  variantsAt?: Record<number, number>;
}

/** ProductStatus values of 2026-10 under which a product can be bought (UNLISTED: by direct link only). */
export const sellable = (status: ProductRec["status"]): boolean => status === "ACTIVE" || status === "UNLISTED";

export const DEFAULT_ID_BASE = "9007199254740993"; // 2^53 + 1

/** mulberry32: tiny, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULT_LOCATIONS = [
  "Main Warehouse",
  "Berlin Store",
  "Dropship - Nordic Supply",
  "Hamburg Store",
  "Overflow Warehouse",
  "Munich Pop-up",
  "Dropship - Alpine Goods",
  "Cologne Store",
];
const ADJECTIVES = ["Classic", "Organic", "Rugged", "Slim", "Vintage", "Eco", "Premium", "Everyday", "Alpine", "Urban"];
const NOUNS = ["T-Shirt", "Hoodie", "Backpack", "Mug", "Cap", "Sneaker", "Jacket", "Scarf", "Bottle", "Notebook"];
const VENDORS = ["Acme", "Northwind", "Fjord & Co", "Bergwerk", "Lumen"];
const SIZES = ["XS", "S", "M", "L", "XL", "XXL"];
const COLORS = ["Black", "White", "Navy", "Olive", "Sand", "Red", "Grey", "Teal"];

export function locationName(index: number): string {
  return index < DEFAULT_LOCATIONS.length ? DEFAULT_LOCATIONS[index] : `Store ${index + 1}`;
}

function ean13(random: () => number): string {
  let digits = "40"; // GS1 prefix for Germany, like the demo merchant
  for (let i = 0; i < 10; i++) digits += Math.floor(random() * 10);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return digits + ((10 - (sum % 10)) % 10);
}

const money = (cents: number): string => (cents / 100).toFixed(2);

export interface SeededCatalog {
  locations: LocationRec[];
  products: ProductRec[];
  variants: VariantRec[];
  items: InventoryItemRec[];
}

/**
 * One product in every 20 is UNLISTED (ProductStatus of 2025-10 and later: active, reachable only
 * by direct link): which one of each 20 is drawn from its own stream of the seed, so adding it left
 * every other seeded value (titles, prices, quantities, the other statuses) as it was.
 */
function unlistedIndexes(seed: number, products: number): Set<number> {
  const draw = rng(seed ^ 0x5eed_0001);
  const unlisted = new Set<number>();
  for (let block = 0; block + 20 <= products; block += 20) unlisted.add(block + Math.floor(draw() * 20));
  return unlisted;
}

/** Builds the catalog. `nextId` hands out ascending decimal ids (shared across types, like Shopify's). */
export function generateCatalog(spec: CatalogSpec, nextId: () => string): SeededCatalog {
  const random = rng(spec.seed);
  const unlisted = unlistedIndexes(spec.seed, spec.products);
  const variantCount = (p: number) => spec.variantsAt?.[p] ?? spec.variantsPerProduct;
  const t0 = spec.createdAt ?? Date.UTC(2025, 0, 1);
  const stockedRatio = spec.stockedRatio ?? 0.85;
  const locations: LocationRec[] = [];
  for (let i = 0; i < spec.locations; i++) {
    const name = spec.locationNames?.[i] ?? locationName(i);
    locations.push({
      __typename: "Location",
      id: nextId(),
      name,
      isActive: true,
      fulfillsOnlineOrders: !/pop-up/i.test(name),
      address1: `${10 + i} Example Street`,
      city: name.split(" ")[0],
      countryCode: "DE",
      zip: String(10115 + i),
      createdAt: t0,
      updatedAt: t0,
      slot: i,
    });
  }
  const products: ProductRec[] = new Array(spec.products);
  let total = 0;
  for (let p = 0; p < spec.products; p++) total += variantCount(p);
  const variants: VariantRec[] = new Array(total);
  const items: InventoryItemRec[] = new Array(total);
  let v = 0;
  for (let p = 0; p < spec.products; p++) {
    const createdAt = t0 + p * 60_000;
    const title = `${ADJECTIVES[Math.floor(random() * ADJECTIVES.length)]} ${NOUNS[Math.floor(random() * NOUNS.length)]} ${p + 1}`;
    const product: ProductRec = {
      __typename: "Product",
      id: nextId(),
      title,
      handle: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      vendor: VENDORS[Math.floor(random() * VENDORS.length)],
      productType: "Apparel",
      status: random() < 0.95 ? "ACTIVE" : "DRAFT",
      tags: [],
      createdAt,
      updatedAt: createdAt,
      variants: [],
    };
    if (unlisted.has(p)) product.status = "UNLISTED";
    products[p] = product;
    const basePrice = 500 + Math.floor(random() * 9500);
    const color = COLORS[Math.floor(random() * COLORS.length)];
    for (let k = 0, count = variantCount(p); k < count; k++) {
      const size = SIZES[k % SIZES.length] + (k >= SIZES.length ? ` ${Math.floor(k / SIZES.length) + 1}` : "");
      const sku = `AL-${(p + 1).toString(36).toUpperCase().padStart(5, "0")}-${(k + 1).toString().padStart(2, "0")}`;
      const variantId = nextId();
      const itemId = nextId();
      const price = basePrice + k * 100;
      const item: InventoryItemRec = {
        __typename: "InventoryItem",
        id: itemId,
        variant: undefined as unknown as VariantRec,
        sku,
        cost: money(Math.round(price * (0.35 + random() * 0.3))),
        tracked: true,
        requiresShipping: true,
        createdAt,
        updatedAt: createdAt,
        levels: new Array<LevelRec | undefined>(locations.length),
      };
      let stockedAnywhere = false;
      for (let l = 0; l < locations.length; l++) {
        if (random() < stockedRatio || (!stockedAnywhere && l === locations.length - 1)) {
          stockedAnywhere = true;
          const r = random();
          item.levels[l] = {
            available: r < 0.1 ? 0 : Math.floor(random() * 200),
            committed: r > 0.9 ? Math.floor(random() * 5) : 0,
            updatedAt: createdAt,
          };
        }
      }
      const variant: VariantRec = {
        __typename: "ProductVariant",
        id: variantId,
        product,
        title: `${size} / ${color}`,
        position: k + 1,
        sku,
        barcode: random() < 0.9 ? ean13(random) : null,
        price: money(price),
        compareAtPrice: random() < 0.2 ? money(Math.round(price * 1.25)) : null,
        createdAt,
        updatedAt: createdAt,
        inventoryItem: item,
      };
      item.variant = variant;
      product.variants.push(variant);
      variants[v] = variant;
      items[v] = item;
      v++;
    }
  }
  return { locations, products, variants, items };
}
