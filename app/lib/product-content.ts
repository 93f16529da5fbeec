import type { Prisma } from "@prisma/client";

// Product.content: what the mirror keeps of a product beyond its columns, for channel content
// (anchor/ writes it from Shopify's payloads; content/ reads it into templates).

export interface ProductImage {
  src: string;
  width?: number | null;
  height?: number | null;
}

/** What the mirror keeps in Product.content for templates (metafields by "namespace.key"). */
export interface ProductContent {
  images?: ProductImage[];
  metafields?: Record<string, unknown>;
  /** Grams, and millimetres: identical on every channel. */
  weightGrams?: number | null;
  dimensionsMm?: { length: number; width: number; height: number } | null;
  safetyWarning?: string | null;
}

export function productContentOf(stored: Prisma.JsonValue): ProductContent {
  return stored && typeof stored === "object" && !Array.isArray(stored) ? (stored as unknown as ProductContent) : {};
}
