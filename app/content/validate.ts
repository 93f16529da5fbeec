// Checks adapted content against a channel's rules before anything is pushed. An "error" keeps the
// listing's content from being pushed at all; a "warning" is shown but does not block.
import type { ChannelContentRules, TextRule } from "~/lib/content-rules";
import type { ContentField, ContentIssue } from "./fields";
import type { ProductImage } from "~/lib/product-content";

/** Content in Anchorline's own form, before it is named the channel's way. */
export interface ContentValues {
  title?: string;
  description?: string;
  bullets?: string[];
  images?: ProductImage[];
  gtin?: string | null;
  brand?: string;
  subtitle?: string;
}

const length = (text: string) => Array.from(text).length;

/**
 * Where a rule comes from, for the merchant: the public page its source cites (Seller Central's
 * help, a developer doc), never the rest of the citation, which may name a file of this repository
 * ("simulators/contracts/ebay-sell/…") that means nothing on a screen.
 */
function merchantCitation(source: string): string {
  const url = /https:\/\/[^\s,;)]+/.exec(source)?.[0];
  return url ? ` (see ${url})` : "";
}

/** GS1 check digit: the last digit makes the weighted sum (3,1,3,1... from the right) a multiple of 10. */
export function gtinCheckDigitValid(gtin: string): boolean {
  if (!/^\d{8}$|^\d{12,14}$/.test(gtin)) return false;
  const digits = Array.from(gtin, Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

function checkText(field: ContentField, value: string | undefined, rule: TextRule | undefined, issues: ContentIssue[]) {
  if (!rule) return;
  if (value === undefined || value.trim() === "") {
    if (rule.required) issues.push({ field, severity: "error", message: `required, and empty${merchantCitation(rule.source)}` });
    return;
  }
  if (length(value) > rule.max)
    issues.push({ field, severity: "error", message: `${length(value)} characters; at most ${rule.max} allowed${merchantCitation(rule.source)}` });
  const forbidden = (rule.forbidden ?? []).filter((c) => value.includes(c));
  if (forbidden.length > 0)
    issues.push({
      field,
      severity: "error",
      message: `contains ${forbidden.map((c) => `"${c}"`).join(", ")}, which the channel does not allow${merchantCitation(rule.source)}`,
    });
}

/** Every problem of `values` on a channel with `rules`, for the fields present in `synced`. */
export function validateContent(rules: ChannelContentRules, values: ContentValues, synced: ReadonlySet<ContentField>): ContentIssue[] {
  const issues: ContentIssue[] = [];
  if (synced.has("title")) checkText("title", values.title, rules.title, issues);
  if (synced.has("subtitle")) checkText("subtitle", values.subtitle, rules.subtitle ? { ...rules.subtitle, required: false } : undefined, issues);
  if (synced.has("brand")) checkText("brand", values.brand, rules.brand, issues);
  if (synced.has("description") && rules.description) {
    checkText("description", values.description, rules.description, issues);
    if (rules.description.html === "strip" && values.description && /<[a-z/][^>]*>/i.test(values.description)) {
      issues.push({
        field: "description",
        severity: "error",
        message: `contains HTML; the channel takes plain text only${merchantCitation(rules.description.source)}`,
      });
    }
  }
  if (synced.has("bullets") && rules.bullets && values.bullets) {
    const { maxCount, maxLength, source } = rules.bullets;
    if (values.bullets.length > maxCount)
      issues.push({
        field: "bullets",
        severity: "error",
        message: `${values.bullets.length} bullet points; at most ${maxCount} allowed${merchantCitation(source)}`,
      });
    values.bullets.forEach((bullet, i) => {
      if (length(bullet) > maxLength)
        issues.push({
          field: "bullets",
          severity: "error",
          message: `bullet ${i + 1} is ${length(bullet)} characters; at most ${maxLength} allowed${merchantCitation(source)}`,
        });
      if (/<[a-z/][^>]*>/i.test(bullet))
        issues.push({ field: "bullets", severity: "error", message: `bullet ${i + 1} contains HTML${merchantCitation(source)}` });
    });
  }
  if (synced.has("images") && rules.images) {
    const { minCount, maxCount, httpsOnly, minLongestSidePx, source } = rules.images;
    const images = values.images ?? [];
    if (images.length < minCount)
      issues.push({ field: "images", severity: "error", message: `${images.length} images; at least ${minCount} required${merchantCitation(source)}` });
    if (images.length > maxCount)
      issues.push({ field: "images", severity: "error", message: `${images.length} images; at most ${maxCount} allowed${merchantCitation(source)}` });
    images.forEach((image, i) => {
      if (httpsOnly && !/^https:\/\//i.test(image.src))
        issues.push({ field: "images", severity: "error", message: `image ${i + 1} is not an HTTPS URL${merchantCitation(source)}` });
      const longest = Math.max(image.width ?? 0, image.height ?? 0);
      if (minLongestSidePx && longest > 0 && longest < minLongestSidePx) {
        issues.push({
          field: "images",
          severity: "error",
          message: `image ${i + 1} is ${longest} px on its longest side; at least ${minLongestSidePx} px required`,
        });
      }
    });
  }
  if (synced.has("gtin") && rules.gtin) {
    const gtin = values.gtin ?? "";
    if (gtin === "") {
      issues.push({ field: "gtin", severity: rules.gtin.required ? "error" : "warning", message: "the variant has no barcode (GTIN/UPC/EAN) in Shopify" });
    } else if (!gtinCheckDigitValid(gtin)) {
      issues.push({ field: "gtin", severity: "error", message: `"${gtin}" is not a valid GTIN (8, 12, 13 or 14 digits with a correct check digit)` });
    } else if (!rules.gtin.fieldByLength[gtin.length]) {
      issues.push({
        field: "gtin",
        severity: "error",
        message: `a ${gtin.length}-digit GTIN has no field on this channel (takes ${Object.keys(rules.gtin.fieldByLength).join(" or ")} digits)${merchantCitation(rules.gtin.source)}`,
      });
    }
  }
  return issues;
}
