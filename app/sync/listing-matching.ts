// Which Shopify variant each listing found on a marketplace account sells: pure, tested without a
// database; listing-discovery.server.ts is its I/O shell. First by SKU, then by barcode:
// - SKU: the listing's seller SKU (sellerSku where the marketplace keys listings by its own id,
//   else channelSku) against Variant.sku, trimmed; an exact match wins, else one that differs
//   only in letter case (merchants retype "ket-red" as "KET-RED"; marketplaces keep what was typed).
// - Barcode: the listing's GTIN against Variant.barcode, both as digits (channels/gtin.ts) padded
//   to 14 with leading zeros, the form GS1 compares GTIN-8, -12 (UPC), -13 (EAN) and -14 in
//   ("GTIN-14 data structure", GS1 General Specifications 2.1.2).
// A listing is linked only when exactly one variant matches, no other listing found claims the same
// variant by the same key, and the variant has no listing on this account yet; anything else is a
// conflict the merchant settles. A listing already linked is left as it is.
import { gtinDigits } from "~/channels/gtin";

export interface FoundListing {
  channelSku: string;
  sellerSku?: string | null;
  gtin?: string | null;
}

export interface VariantKeys {
  id: string;
  sku: string | null;
  barcode: string | null;
}

export interface ExistingLink {
  channelSku: string;
  variantId: string;
}

export type ListingMatch =
  | { channelSku: string; outcome: "LINKED"; linkedBy: "SKU" | "BARCODE" | "EARLIER"; variantId: string }
  | { channelSku: string; outcome: "UNMATCHED" }
  | { channelSku: string; outcome: "CONFLICT"; candidateVariantIds: string[]; conflict: string };

/** The SKU a listing is linked by. */
export function linkSkuOf(listing: FoundListing): string | null {
  const sku = (listing.sellerSku ?? listing.channelSku).trim();
  return sku === "" ? null : sku;
}

/** A barcode as GS1 compares it: digits, 14 of them. */
export function gtinKey(value: string | null | undefined): string | null {
  const digits = gtinDigits(value);
  return digits ? digits.padStart(14, "0") : null;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== null) groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function matchListings(found: readonly FoundListing[], variants: readonly VariantKeys[], existing: readonly ExistingLink[]): ListingMatch[] {
  const linkedSku = new Map(existing.map((l) => [l.channelSku, l.variantId]));
  // A variant with a listing on this account already: another listing claiming it is a conflict.
  const taken = new Map(existing.map((l) => [l.variantId, l.channelSku]));
  const exactSku = groupBy(variants, (v) => v.sku?.trim() || null);
  const foldedSku = groupBy(variants, (v) => v.sku?.trim().toLowerCase() || null);
  const byGtin = groupBy(variants, (v) => gtinKey(v.barcode));

  const results = new Map<string, ListingMatch>();
  const pending = found.filter((l) => {
    const variantId = linkedSku.get(l.channelSku);
    if (variantId) results.set(l.channelSku, { channelSku: l.channelSku, outcome: "LINKED", linkedBy: "EARLIER", variantId });
    return !variantId;
  });

  // Links by one key: each listing whose key names exactly one free variant, claimed by no other
  // listing found; the others are conflicts (several variants, several listings, a taken variant)
  // or, when the key names no variant, left for the next key.
  const linkBy = (
    listings: readonly FoundListing[],
    keyOf: (l: FoundListing) => string | null,
    variantsFor: (l: FoundListing) => VariantKeys[],
    linkedBy: "SKU" | "BARCODE",
    words: (l: FoundListing) => string,
  ): FoundListing[] => {
    const claimants = groupBy(listings, keyOf);
    const rest: FoundListing[] = [];
    for (const listing of listings) {
      const key = keyOf(listing);
      const candidates = key === null ? [] : variantsFor(listing);
      if (candidates.length === 0) {
        rest.push(listing);
        continue;
      }
      const ids = candidates.map((v) => v.id);
      const others = (claimants.get(key!) ?? []).filter((l) => l !== listing);
      const conflict =
        candidates.length > 1
          ? `${words(listing)} is on ${plural(candidates.length, "variant", "variants")} in Shopify`
          : others.length > 0
            ? `${words(listing)} is also on ${plural(others.length, "other listing", "other listings")} here (${others.map((o) => o.channelSku).join(", ")})`
            : taken.has(ids[0])
              ? `its variant is already linked to listing ${taken.get(ids[0])} here`
              : null;
      if (conflict) results.set(listing.channelSku, { channelSku: listing.channelSku, outcome: "CONFLICT", candidateVariantIds: ids, conflict });
      else {
        taken.set(ids[0], listing.channelSku);
        results.set(listing.channelSku, { channelSku: listing.channelSku, outcome: "LINKED", linkedBy, variantId: ids[0] });
      }
    }
    return rest;
  };

  const bySkuLeft = linkBy(
    pending,
    (l) => linkSkuOf(l)?.toLowerCase() ?? null,
    (l) => {
      const sku = linkSkuOf(l)!;
      return exactSku.get(sku) ?? foldedSku.get(sku.toLowerCase()) ?? [];
    },
    "SKU",
    (l) => `SKU ${linkSkuOf(l)}`,
  );
  const unmatched = linkBy(
    bySkuLeft,
    (l) => gtinKey(l.gtin),
    (l) => byGtin.get(gtinKey(l.gtin)!) ?? [],
    "BARCODE",
    (l) => `Barcode ${gtinDigits(l.gtin)}`,
  );
  for (const listing of unmatched) results.set(listing.channelSku, { channelSku: listing.channelSku, outcome: "UNMATCHED" });
  return found.map((l) => results.get(l.channelSku)!);
}
