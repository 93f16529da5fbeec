// The content fields Anchorline knows and how each is shared between channels (the field map):
// identical everywhere (read from Shopify as is), adapted per channel (a template and the channel's
// transforms), unique to one channel (set there only), or not synced.

import { CONTENT_FIELDS, type ContentField } from "~/lib/content-rules";

export { CONTENT_FIELDS, type ContentField };

export type FieldSharing = "identical" | "adapted" | "unique";

/** How a field is shared when a channel syncs it. */
export const FIELD_SHARING: Record<ContentField, FieldSharing> = {
  title: "adapted",
  description: "adapted",
  bullets: "adapted",
  images: "adapted",
  gtin: "identical",
  brand: "identical",
  weight: "identical",
  dimensions: "identical",
  safetyWarning: "identical",
  subtitle: "unique",
};

export const FIELD_LABELS: Record<ContentField, string> = {
  title: "Title",
  description: "Description",
  bullets: "Bullet points",
  images: "Images",
  gtin: "GTIN (UPC/EAN)",
  brand: "Brand",
  weight: "Weight",
  dimensions: "Dimensions",
  safetyWarning: "Safety warning",
  subtitle: "Subtitle",
};

export function isContentField(name: string): name is ContentField {
  return (CONTENT_FIELDS as readonly string[]).includes(name);
}

export type IssueSeverity = "error" | "warning";

/** One reason a field cannot go to a channel as it is ("error" blocks the listing's content push). */
export interface ContentIssue {
  field: ContentField | "channel";
  severity: IssueSeverity;
  message: string;
}

/**
 * What Listing.desiredContent holds: the fields in the channel's own form (the names its
 * connector's pushContent takes) and the validation issues. Content with an error is not pushed.
 */
export interface DesiredContent {
  fields: Record<string, unknown>;
  issues: ContentIssue[];
}

/** What Listing.pushedContent holds: the fields the channel acknowledged, as sent. */
export interface PushedContent {
  fields: Record<string, unknown>;
}
