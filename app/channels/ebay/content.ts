// Content goes to the inventory item's `product` container. createOrReplaceInventoryItem replaces
// the whole item, so the connector reads the item, changes only the fields it was given, and
// writes the rest back as it was (leaving out availability would zero the quantity: see the
// ShipToLocationAvailability.quantity note in the Inventory API definition).
import { ASPECT_NAME_MAX_LENGTH, ASPECT_VALUE_MAX_LENGTH, PRODUCT_TEXT_MAX_LENGTH } from "./rules";

type Json = Record<string, unknown>;

const TEXT_FIELDS = Object.keys(PRODUCT_TEXT_MAX_LENGTH) as Array<keyof typeof PRODUCT_TEXT_MAX_LENGTH>;
const LIST_FIELDS = ["imageUrls", "upc", "ean", "isbn"] as const;
const SUPPORTED = new Set<string>([...TEXT_FIELDS, ...LIST_FIELDS, "aspects"]);

/** The InventoryItem properties a PUT takes (GET also returns sku, locale, groupIds, ...). */
const INVENTORY_ITEM_PROPERTIES = ["availability", "condition", "conditionDescription", "conditionDescriptors", "packageWeightAndSize", "product"];

/** Why these fields cannot go to eBay as they are, or null when they can. */
export function contentProblem(fields: Json): string | null {
  for (const [name, value] of Object.entries(fields)) {
    if (!SUPPORTED.has(name)) return `eBay has no product field "${name}"`;
    if ((TEXT_FIELDS as readonly string[]).includes(name)) {
      const max = PRODUCT_TEXT_MAX_LENGTH[name as keyof typeof PRODUCT_TEXT_MAX_LENGTH];
      if (typeof value !== "string") return `${name} must be text`;
      if (value.length > max) return `${name} is ${value.length} characters; eBay allows ${max}`;
    } else if ((LIST_FIELDS as readonly string[]).includes(name)) {
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return `${name} must be a list of text`;
    } else if (name === "aspects") {
      if (!value || typeof value !== "object" || Array.isArray(value)) return "aspects must map names to lists of values";
      for (const [aspect, values] of Object.entries(value as Json)) {
        if (aspect.length > ASPECT_NAME_MAX_LENGTH) return `aspect name "${aspect}" is longer than ${ASPECT_NAME_MAX_LENGTH} characters`;
        if (!Array.isArray(values) || values.some((v) => typeof v !== "string" || v.length > ASPECT_VALUE_MAX_LENGTH)) {
          return `aspect "${aspect}" needs a list of values of at most ${ASPECT_VALUE_MAX_LENGTH} characters`;
        }
      }
    }
  }
  return null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The item to PUT back: the current item's writable properties with `fields` laid over its
 * product, or null when nothing would change (no call, no revision spent).
 */
export function itemWithContent(current: Json, fields: Json): Json | null {
  const product = { ...((current.product as Json | undefined) ?? {}) };
  let changed = false;
  for (const [name, value] of Object.entries(fields)) {
    if (same(product[name], value)) continue;
    product[name] = value;
    changed = true;
  }
  if (!changed) return null;
  const item: Json = {};
  for (const key of INVENTORY_ITEM_PROPERTIES) if (current[key] !== undefined) item[key] = current[key];
  item.product = product;
  return item;
}
