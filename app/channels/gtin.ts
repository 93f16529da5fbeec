// A product barcode as marketplaces hold it (eBay's product.upc/ean/isbn, TikTok's identifier_code,
// Walmart's and Amazon's GTIN fields), brought to the digits a Shopify variant's barcode is compared
// by: what listing discovery links on after the SKU.

/** GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN, ISBN-13) and GTIN-14: GS1's lengths. */
const GTIN = /^(\d{8}|\d{12,14})$/;
const ISBN_10 = /^\d{9}[\dX]$/;

/**
 * The barcode as digits, or null when it is none (eBay sellers often fill "Does not apply").
 * Spaces and hyphens are dropped; an ISBN-10 becomes its ISBN-13 (978 prefix, new check digit),
 * the form a book's barcode carries. The check digit is not verified: a barcode is linked by
 * equality, and one typed wrong in both places still names the same product.
 */
export function gtinDigits(value: string | null | undefined): string | null {
  const compact = (value ?? "").replace(/[\s-]/g, "").toUpperCase();
  if (GTIN.test(compact)) return compact;
  if (ISBN_10.test(compact)) return isbn13Of(compact);
  return null;
}

function isbn13Of(isbn10: string): string {
  const body = `978${isbn10.slice(0, 9)}`;
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * (i % 2 === 0 ? 1 : 3), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** The first of several barcodes that is one (eBay's upc, ean and isbn arrays, in that order). */
export function firstGtin(values: ReadonlyArray<string | null | undefined>): string | null {
  for (const value of values) {
    const gtin = gtinDigits(value);
    if (gtin) return gtin;
  }
  return null;
}
