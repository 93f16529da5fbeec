// The simulated store: locations, products, variants, inventory items and levels of each shop,
// kept in memory (this stands in for Shopify; it is not Anchorline's storage). Ids are decimal
// strings and may exceed 2^53, as real Shopify ids do.

export interface SimLocation {
  id: string;
  name: string;
  isActive: boolean;
}

export interface SimVariant {
  id: string;
  productId: string;
  title: string;
  sku: string;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  options: string[];
  inventoryItem: { id: string; tracked: boolean; cost: string | null; requiresShipping: boolean };
}

export interface SimProduct {
  id: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  tags: string[];
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  descriptionHtml: string;
  updatedAt: string;
  variantIds: string[];
}

export interface SimLevel {
  available: number;
  onHand: number;
  committed: number;
  updatedAt: string;
}

export interface CatalogSpec {
  products: number;
  variantsPerProduct: number;
  locations: number;
  seed?: number;
  /** First id of the sequence; defaults above 2^53 so exact-id handling is always exercised. */
  idBase?: bigint;
}

export class ShopState {
  readonly locations = new Map<string, SimLocation>();
  readonly products = new Map<string, SimProduct>();
  readonly variants = new Map<string, SimVariant>();
  /** inventory item id → variant id */
  readonly itemToVariant = new Map<string, string>();
  /** inventory item id → location id → level */
  readonly levels = new Map<string, Map<string, SimLevel>>();
  private nextId: bigint;

  constructor(
    readonly domain: string,
    readonly accessToken: string,
    idBase = 9_007_199_254_740_993n,
  ) {
    this.nextId = idBase;
  }

  newId(): string {
    return (this.nextId++).toString();
  }

  level(itemId: string, locationId: string): SimLevel | undefined {
    return this.levels.get(itemId)?.get(locationId);
  }

  setLevel(itemId: string, locationId: string, available: number, at = new Date()): SimLevel {
    let byLocation = this.levels.get(itemId);
    if (!byLocation) this.levels.set(itemId, (byLocation = new Map()));
    const before = byLocation.get(locationId);
    const committed = before?.committed ?? 0;
    const level = { available, committed, onHand: available + committed, updatedAt: at.toISOString() };
    byLocation.set(locationId, level);
    return level;
  }
}

/** A small deterministic generator (mulberry32), so a seed always yields the same catalog. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOCATION_NAMES = ["Main warehouse", "East fulfilment centre", "Retail store", "Returns shelf", "Vendor: Acme drop ship", "West warehouse", "Showroom", "Overflow", "Pop-up", "3PL"];
const NOUNS = ["Kettle", "Teapot", "Mug", "Lamp", "Chair", "Backpack", "Jacket", "Sneaker", "Blender", "Pan"];
const SIZES = ["S", "M", "L", "XL", "XXL", "One size"];
const COLOURS = ["Red", "Blue", "Black", "White", "Green"];

/** Fills a shop from a compact description: 2,000 products × 3 variants × 6 locations, or 100,000 variants. */
export function seedCatalog(shop: ShopState, spec: CatalogSpec): void {
  const rnd = random(spec.seed ?? 42);
  const locationIds: string[] = [];
  for (let i = 0; i < spec.locations; i++) {
    const id = shop.newId();
    shop.locations.set(id, { id, name: LOCATION_NAMES[i] ?? `Location ${i + 1}`, isActive: true });
    locationIds.push(id);
  }
  const now = new Date("2026-11-01T00:00:00Z").toISOString();
  for (let p = 0; p < spec.products; p++) {
    const productId = shop.newId();
    const noun = NOUNS[p % NOUNS.length];
    const product: SimProduct = {
      id: productId,
      title: `${COLOURS[p % COLOURS.length]} ${noun} ${p + 1}`,
      handle: `${noun.toLowerCase()}-${p + 1}`,
      vendor: p % 7 === 0 ? "Acme" : "House brand",
      productType: noun,
      tags: p % 3 === 0 ? ["bestseller"] : [],
      status: "ACTIVE",
      descriptionHtml: `<p>A good ${noun.toLowerCase()}.</p>`,
      updatedAt: now,
      variantIds: [],
    };
    shop.products.set(productId, product);
    for (let v = 0; v < spec.variantsPerProduct; v++) {
      const variantId = shop.newId();
      const itemId = shop.newId();
      const priceCents = 500 + Math.floor(rnd() * 20_000);
      const variant: SimVariant = {
        id: variantId,
        productId,
        title: SIZES[v % SIZES.length],
        sku: `SKU-${p + 1}-${v + 1}`,
        barcode: String(400_000_000_000 + p * 10 + v),
        price: (priceCents / 100).toFixed(2),
        compareAtPrice: null,
        options: [SIZES[v % SIZES.length]],
        inventoryItem: { id: itemId, tracked: true, cost: ((priceCents * 0.45) / 100).toFixed(2), requiresShipping: true },
      };
      shop.variants.set(variantId, variant);
      shop.itemToVariant.set(itemId, variantId);
      product.variantIds.push(variantId);
      for (const locationId of locationIds) shop.setLevel(itemId, locationId, Math.floor(rnd() * 40), new Date(now));
    }
  }
}
