// What a marketplace holds listing content to: the shape of each channel module's content rules
// (app/channels/<kind>/content-rules.ts), which content/ adapts and validates against. It sits
// here, below both rooms, because channels/ and content/ may not import each other.
import type { ChannelKind } from "@prisma/client";

/** The content fields Anchorline knows (content/fields.ts says how each is shared and labelled). */
export const CONTENT_FIELDS = ["title", "description", "bullets", "images", "gtin", "brand", "weight", "dimensions", "safetyWarning", "subtitle"] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number];

export interface TextRule {
  max: number;
  required: boolean;
  /** Characters the channel refuses in this field. */
  forbidden?: readonly string[];
  source: string;
}

export interface DescriptionRule extends TextRule {
  /** "strip": plain text only; otherwise the tags kept (everything else is removed, text kept). */
  html: "strip" | ReadonlySet<string>;
}

export interface BulletRule {
  maxCount: number;
  maxLength: number;
  source: string;
}

export interface ImageRule {
  minCount: number;
  maxCount: number;
  httpsOnly: boolean;
  /** Smallest allowed longest side, in pixels, where the channel sets one. */
  minLongestSidePx?: number;
  source: string;
}

export interface ChannelContentRules {
  /** The fields the channel's connector can send, and the name its pushContent takes each under. */
  carried: Partial<Record<ContentField, true>>;
  /** Synced unless Channel.settings.content.fields says otherwise. */
  syncedByDefault: readonly ContentField[];
  templates: { title: string; description: string; subtitle?: string };
  title?: TextRule;
  description?: DescriptionRule;
  bullets?: BulletRule;
  images?: ImageRule;
  brand?: TextRule;
  subtitle?: TextRule;
  /** GTIN lengths the channel takes and the field each goes to. */
  gtin?: { fieldByLength: Record<number, string>; required: boolean; source: string };
  /** The connector's name for a field, where it is not the field's own (eBay: images → imageUrls). */
  wireNames?: Partial<Record<ContentField, string>>;
  /** Why the connector carries nothing yet (shown on the preview). */
  unsupported?: string;
}

/** The rules of each stored channel kind: handed to content/ by the rooms above (the registry's contentRulesOf). */
export type ContentRulesOf = (kind: ChannelKind) => ChannelContentRules;

/** A channel that carries no content (the Shopify anchor, where content comes from). */
export function carriesNothing(unsupported: string): ChannelContentRules {
  return { carried: {}, syncedByDefault: [], templates: { title: "{{title}}", description: "{{description}}" }, unsupported };
}
