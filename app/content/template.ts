// Merchant-editable templates over Shopify's product data: `{{vendor}} {{title}} – {{option1}}`.
// A placeholder with no value renders empty and the separators it leaves dangling are removed, so
// one template fits products with and without options, vendors or metafields.
import type { ProductContent } from "~/lib/product-content";
import { listValue, stripHtml, tidy } from "./transforms";

export interface ContentSource {
  product: {
    title: string;
    vendor: string | null;
    productType: string | null;
    handle: string | null;
    tags: string[];
    descriptionHtml: string | null;
    content: ProductContent;
  };
  variant: {
    title: string;
    sku: string | null;
    barcode: string | null;
    option1: string | null;
    option2: string | null;
    option3: string | null;
  };
}

/** Shopify names the only variant of a product without options "Default Title". */
const DEFAULT_VARIANT_TITLE = "Default Title";

function options(source: ContentSource): string[] {
  const { option1, option2, option3 } = source.variant;
  return [option1, option2, option3].filter((o): o is string => Boolean(o && o.trim() && o !== DEFAULT_VARIANT_TITLE));
}

/** The value of one placeholder name, or "" when the product has none. */
export function placeholderValue(name: string, source: ContentSource): string {
  const { product, variant } = source;
  if (name.startsWith("metafields.")) {
    const value = product.content.metafields?.[name.slice("metafields.".length)];
    if (value === undefined || value === null) return "";
    return Array.isArray(value) || (typeof value === "string" && value.trim().startsWith("[")) ? listValue(value).join(", ") : String(value);
  }
  switch (name) {
    case "title":
      return product.title;
    case "vendor":
      return product.vendor ?? "";
    case "product_type":
      return product.productType ?? "";
    case "handle":
      return product.handle ?? "";
    case "tags":
      return product.tags.join(", ");
    case "description":
      return product.descriptionHtml ? stripHtml(product.descriptionHtml) : "";
    case "description_html":
      return product.descriptionHtml ?? "";
    case "sku":
      return variant.sku ?? "";
    case "barcode":
      return variant.barcode ?? "";
    case "variant_title":
      return variant.title === DEFAULT_VARIANT_TITLE ? "" : variant.title;
    case "option1":
    case "option2":
    case "option3": {
      const value = variant[name];
      return value && value !== DEFAULT_VARIANT_TITLE ? value : "";
    }
    case "options":
      return options(source).join(", ");
    default:
      return "";
  }
}

const PLACEHOLDER = /\{\{\s*([a-z0-9_.-]+)\s*\}\}/gi;
export const KNOWN_PLACEHOLDERS = [
  "title",
  "vendor",
  "product_type",
  "handle",
  "tags",
  "description",
  "description_html",
  "sku",
  "barcode",
  "variant_title",
  "option1",
  "option2",
  "option3",
  "options",
];

/** Placeholder names a template uses that no product can fill (a typo the merchant should see). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !name.startsWith("metafields.") && !KNOWN_PLACEHOLDERS.includes(name));
}

const SEPARATOR = "[\\s,;:|/–—-]";

/**
 * The template with every placeholder filled. A literal that only separates two values (" – ",
 * ", ") is dropped when the value after it is empty, and separators left at either end go too.
 */
export function renderTemplate(template: string, source: ContentSource): string {
  const parts = template.split(PLACEHOLDER);
  // split with one capture group alternates literal, name, literal, name, ..., literal.
  let out = "";
  for (let i = 0; i < parts.length; i += 2) {
    const literal = parts[i];
    const name = parts[i + 1];
    const value = name === undefined ? null : placeholderValue(name, source);
    const onlySeparator = new RegExp(`^${SEPARATOR}*$`, "u").test(literal);
    if (value === "" && onlySeparator && i > 0) {
      // "{{a}} – {{b}}" with b empty: neither " – " nor b.
      continue;
    }
    out += literal + (value ?? "");
  }
  const trimmed = out.replace(new RegExp(`^${SEPARATOR}+|${SEPARATOR}+$`, "gu"), "");
  return tidy(trimmed);
}
