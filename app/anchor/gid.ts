// Shopify global ids ("gid://shopify/InventoryItem/30322695") and the numeric ids of REST
// webhook payloads name the same objects. The mirror keys on the numeric part, as an exact string.

export function idFromGid(gid: string): string {
  const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)/.exec(gid);
  if (!match) throw new Error(`Not a Shopify global id: ${gid}`);
  return match[1];
}

export function gid(type: "Product" | "ProductVariant" | "InventoryItem" | "Location" | "Order" | "Collection", id: string): string {
  return `gid://shopify/${type}/${id}`;
}

/** Shopify prices are decimal strings ("19.99"); the mirror keeps integer cents. */
export function centsFromDecimal(amount: string | number | null | undefined): number | null {
  if (amount === null || amount === undefined || amount === "") return null;
  const text = typeof amount === "number" ? amount.toFixed(2) : amount;
  const match = /^(-?)(\d+)(?:\.(\d{1,2})\d*)?$/.exec(text.trim());
  if (!match) throw new Error(`Not a money amount: ${amount}`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? "0").padEnd(2, "0"));
  return match[1] ? -cents : cents;
}
