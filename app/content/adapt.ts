// A listing's content as one channel will receive it: the field map decides which fields go, the
// templates and transforms make them, the channel's rules check them, and the result is named the
// way the channel's connector takes it (Listing.desiredContent).
import { z } from "zod";
import type { ChannelContentRules } from "~/lib/content-rules";
import { CONTENT_FIELDS, FIELD_SHARING, isContentField, type ContentField, type ContentIssue, type DesiredContent, type FieldSharing } from "./fields";
import { renderTemplate, type ContentSource } from "./template";
import { listValue, paragraphsOf, sanitizeHtml, stripHtml, truncateAtWord } from "./transforms";
import { validateContent, type ContentValues } from "./validate";

export const TEMPLATE_FIELDS = ["title", "description", "subtitle"] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** Where bullets come from unless the channel names another metafield. */
export const DEFAULT_BULLETS_METAFIELD = "custom.bullets";

const ContentSettingsSchema = z.object({
  fields: z.record(z.string(), z.boolean()).optional(),
  templates: z.record(z.string(), z.string()).optional(),
  bulletsMetafield: z.string().min(1).optional(),
});

/** The merchant's content settings of one channel (Channel.settings.content). */
export interface ContentSettings {
  fields: Partial<Record<ContentField, boolean>>;
  templates: Partial<Record<TemplateField, string>>;
  bulletsMetafield: string;
}

/** Channel.settings.content, with anything malformed ignored (the defaults apply instead). */
export function contentSettings(channelSettings: unknown): ContentSettings {
  const raw = channelSettings && typeof channelSettings === "object" ? (channelSettings as Record<string, unknown>).content : undefined;
  const parsed = ContentSettingsSchema.safeParse(raw ?? {});
  const value = parsed.success ? parsed.data : {};
  const fields: Partial<Record<ContentField, boolean>> = {};
  for (const [name, on] of Object.entries(value.fields ?? {})) if (isContentField(name)) fields[name] = on;
  const templates: Partial<Record<TemplateField, string>> = {};
  for (const [name, template] of Object.entries(value.templates ?? {}))
    if ((TEMPLATE_FIELDS as readonly string[]).includes(name)) templates[name as TemplateField] = template;
  return { fields, templates, bulletsMetafield: value.bulletsMetafield ?? DEFAULT_BULLETS_METAFIELD };
}

export interface FieldMapRow {
  field: ContentField;
  sharing: FieldSharing;
  /** The channel's connector can send it. */
  carried: boolean;
  /** It goes to this channel (carried, and on by default or by the merchant's choice). */
  synced: boolean;
  /** Why it does not go, when it does not. */
  reason?: string;
}

/** The field map of one channel: its marketplace's defaults with the merchant's overrides laid over. */
export function fieldMap(rules: ChannelContentRules, settings: ContentSettings): FieldMapRow[] {
  return CONTENT_FIELDS.map((field) => {
    const carried = rules.carried[field] === true;
    const wanted = settings.fields[field] ?? rules.syncedByDefault.includes(field);
    const synced = carried && wanted;
    const reason = synced ? undefined : !carried ? (rules.unsupported ?? "this channel's connector does not send this field") : "turned off for this channel";
    return { field, sharing: FIELD_SHARING[field], carried, synced, ...(reason ? { reason } : {}) };
  });
}

/**
 * The names (as the channel's connector takes them, Listing.desiredContent's keys) of the fields
 * the merchant turned off for this channel: never sent, whatever a desired content computed
 * before they were turned off still holds. A field left to its default is not among them.
 */
export function turnedOffWireNames(rules: ChannelContentRules, settings: ContentSettings): Set<string> {
  const names = new Set<string>();
  for (const field of CONTENT_FIELDS) {
    if (settings.fields[field] !== false) continue;
    names.add(rules.wireNames?.[field] ?? field);
    if (field === "gtin") for (const wire of Object.values(rules.gtin?.fieldByLength ?? {})) names.add(wire);
  }
  return names;
}

function template(rules: ChannelContentRules, settings: ContentSettings, field: TemplateField): string {
  return settings.templates[field] ?? rules.templates[field] ?? "";
}

function withoutCharacters(text: string, characters: readonly string[] = []): string {
  let out = text;
  for (const c of characters) out = out.split(c).join("");
  return out.replace(/\s{2,}/g, " ").trim();
}

function adaptDescription(rules: ChannelContentRules, rendered: string): string {
  const rule = rules.description;
  if (!rule) return rendered;
  if (rule.html !== "strip") {
    const kept = sanitizeHtml(rendered, rule.html);
    // HTML cut mid-way would leave tags open: a description too long as HTML goes as plain text.
    if (Array.from(kept).length <= rule.max) return kept;
  }
  return truncateAtWord(stripHtml(rendered), rule.max);
}

function adaptBullets(rules: ChannelContentRules, settings: ContentSettings, source: ContentSource): string[] {
  const rule = rules.bullets;
  if (!rule) return [];
  const fromMetafield = listValue(source.product.content.metafields?.[settings.bulletsMetafield]).map((b) => stripHtml(b));
  const bullets = fromMetafield.length > 0 ? fromMetafield : paragraphsOf(source.product.descriptionHtml ?? "");
  return bullets
    .filter(Boolean)
    .slice(0, rule.maxCount)
    .map((b) => truncateAtWord(b, rule.maxLength));
}

/** Listing.overrides.content: what the merchant typed for this one listing, sent as typed. */
export function contentOverrides(listingOverrides: unknown): ContentValues {
  const raw = listingOverrides && typeof listingOverrides === "object" ? (listingOverrides as Record<string, unknown>).content : undefined;
  if (!raw || typeof raw !== "object") return {};
  const out: ContentValues = {};
  const r = raw as Record<string, unknown>;
  for (const key of ["title", "description", "subtitle", "brand"] as const) if (typeof r[key] === "string") out[key] = r[key];
  if (Array.isArray(r.bullets)) out.bullets = r.bullets.map(String);
  return out;
}

/** Content values for the synced fields: templates, transforms, then the listing's own overrides. */
export function adaptedValues(rules: ChannelContentRules, settings: ContentSettings, source: ContentSource, overrides: ContentValues = {}): ContentValues {
  const synced = new Set(
    fieldMap(rules, settings)
      .filter((r) => r.synced)
      .map((r) => r.field),
  );
  const values: ContentValues = {};
  if (synced.has("title") && rules.title) {
    values.title = truncateAtWord(withoutCharacters(renderTemplate(template(rules, settings, "title"), source), rules.title.forbidden), rules.title.max);
  }
  if (synced.has("subtitle") && rules.subtitle)
    values.subtitle = truncateAtWord(renderTemplate(template(rules, settings, "subtitle"), source), rules.subtitle.max);
  if (synced.has("description")) {
    // The template renders text; {{description_html}} brings Shopify's HTML for channels that keep it.
    values.description = adaptDescription(rules, renderTemplate(template(rules, settings, "description"), source));
  }
  if (synced.has("bullets")) values.bullets = adaptBullets(rules, settings, source);
  if (synced.has("images") && rules.images) values.images = (source.product.content.images ?? []).slice(0, rules.images.maxCount);
  if (synced.has("gtin")) values.gtin = source.variant.barcode?.replace(/\s+/g, "") || null;
  if (synced.has("brand") && rules.brand) values.brand = truncateAtWord(source.product.vendor ?? "", rules.brand.max);
  for (const [field, value] of Object.entries(overrides) as [keyof ContentValues, unknown][]) {
    if (synced.has(field) && value !== undefined) (values as Record<string, unknown>)[field] = value;
  }
  return values;
}

/** The values named as the channel's connector takes them; empty optional values are left out. */
export function toChannelFields(rules: ChannelContentRules, values: ContentValues): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const name = (field: ContentField) => rules.wireNames?.[field] ?? field;
  for (const field of ["title", "subtitle", "brand", "description"] as const) {
    const value = values[field];
    if (value !== undefined && (value !== "" || rules[field]?.required)) fields[name(field)] = value;
  }
  if (values.bullets && values.bullets.length > 0) fields[name("bullets")] = values.bullets;
  // No images is not an instruction to clear the channel's own: nothing is sent.
  if (values.images && values.images.length > 0) fields[name("images")] = values.images.map((i) => i.src);
  if (values.gtin && rules.gtin) {
    const wire = rules.gtin.fieldByLength[values.gtin.length];
    // The GTIN goes as the list the channel's product takes (eBay: upc: ["..."]).
    if (wire) fields[wire] = [values.gtin];
  }
  return fields;
}

export interface AdaptedContent {
  map: FieldMapRow[];
  values: ContentValues;
  /** null when the channel syncs no content field: nothing to store or push. */
  desired: DesiredContent | null;
}

/** Everything the preview shows and the outbox stores for one listing on one channel. */
export function adaptContent(rules: ChannelContentRules, settings: ContentSettings, source: ContentSource, overrides: ContentValues = {}): AdaptedContent {
  const map = fieldMap(rules, settings);
  const synced = new Set(map.filter((r) => r.synced).map((r) => r.field));
  if (synced.size === 0) return { map, values: {}, desired: null };
  const values = adaptedValues(rules, settings, source, overrides);
  const issues: ContentIssue[] = validateContent(rules, values, synced);
  return { map, values, desired: { fields: toChannelFields(rules, values), issues } };
}

export const hasBlockingIssue = (content: DesiredContent | null | undefined) => Boolean(content?.issues.some((i) => i.severity === "error"));
