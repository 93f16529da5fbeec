import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { NotFoundForShop } from "~/lib/errors";
import { recordAudit } from "~/lib/audit.server";
import type { ContentRulesOf } from "~/lib/content-rules";
import { shopIdOf } from "~/lib/shop-id.server";
import { adaptContent, contentOverrides, contentSettings, fieldMap, TEMPLATE_FIELDS, type FieldMapRow } from "~/content/adapt";
import { contentToPush } from "~/content/diff";
import { CONTENT_FIELDS, FIELD_LABELS, isContentField, type ContentIssue } from "~/content/fields";
import { sourceOf } from "~/content/listing-content";
import { unknownPlaceholders } from "~/content/template";
import { noteChange } from "~/recompute/index.server";

// The content preview screen's service: a product's content as each channel will receive it, with
// the validation results, before anything is sent; and the merchant's templates and field choices.

export { NotFoundForShop as ContentNotFound };

/** Products to pick from, by title (the first 50 matches). */
export async function contentProducts(shopDomain: string, query: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  return prisma.product.findMany({
    where: { shopId, ...(query ? { title: { contains: query, mode: "insensitive" } } : {}) },
    orderBy: { title: "asc" },
    take: 50,
    select: { id: true, title: true, vendor: true },
  });
}

export interface VariantPreview {
  variantId: string;
  title: string;
  sku: string | null;
  /** The channel's listing of this variant, if it has one: what is still to push and its state. */
  listing: { channelSku: string; syncState: string; pendingFields: string[] } | null;
  fields: Record<string, unknown>;
  issues: ContentIssue[];
  blocked: boolean;
}

export interface ChannelPreview {
  id: string;
  name: string;
  kind: string;
  unsupported: string | null;
  templates: Record<string, string>;
  map: Array<FieldMapRow & { label: string }>;
  variants: VariantPreview[];
}

/** What the product's content looks like on each connected channel; `contentRules` from the registry. */
export async function productContentPreview(shopDomain: string, productId: string, contentRules: ContentRulesOf, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const product = await prisma.product.findFirst({
    where: { id: productId, shopId },
    include: { variants: { orderBy: { shopifyId: "asc" }, include: { product: true, listings: true } } },
  });
  if (!product) throw new NotFoundForShop("Product");
  const channels = await prisma.channel.findMany({
    where: { shopId, status: { not: "DISCONNECTED" }, kind: { not: "SHOPIFY" } },
    orderBy: { priority: "asc" },
  });
  const previews: ChannelPreview[] = channels.map((channel) => {
    const settings = contentSettings(channel.settings);
    const rules = contentRules(channel.kind);
    const templates = Object.fromEntries(TEMPLATE_FIELDS.map((f) => [f, settings.templates[f] ?? rules.templates[f] ?? ""]));
    const variants = product.variants.map((variant): VariantPreview => {
      const listing = variant.listings.find((l) => l.channelId === channel.id) ?? null;
      const { desired } = adaptContent(rules, settings, sourceOf(variant), contentOverrides(listing?.overrides));
      const issues = desired?.issues ?? [];
      // Refusals the channel sent back on the last push are shown too.
      const stored = listing?.desiredContent as { issues?: ContentIssue[] } | null | undefined;
      const refused = (stored?.issues ?? []).filter((i) => i.field === "channel");
      return {
        variantId: variant.id,
        title: variant.title,
        sku: variant.sku,
        listing: listing
          ? {
              channelSku: listing.channelSku,
              syncState: listing.syncState,
              pendingFields: Object.keys(contentToPush(listing.desiredContent, listing.pushedContent) ?? {}),
            }
          : null,
        fields: desired?.fields ?? {},
        issues: [...issues, ...refused],
        blocked: [...issues, ...refused].some((i) => i.severity === "error"),
      };
    });
    return {
      id: channel.id,
      name: channel.name,
      kind: channel.kind,
      unsupported: rules.unsupported ?? null,
      templates,
      map: fieldMap(rules, settings).map((row) => ({ ...row, label: FIELD_LABELS[row.field] })),
      variants,
    };
  });
  return { product: { id: product.id, title: product.title, vendor: product.vendor }, channels: previews };
}

const templateText = z
  .string()
  .max(2000, "A template can be at most 2,000 characters")
  .refine((t) => unknownPlaceholders(t).length === 0, {
    message:
      "Unknown placeholder: use title, vendor, product_type, handle, tags, description, description_html, sku, barcode, variant_title, option1-3, options or metafields.namespace.key",
  });

export const ContentSettingsInput = z.object({
  channelId: z.string().min(1),
  productId: z.string().optional(),
  title: templateText,
  description: templateText,
  subtitle: templateText.optional(),
  syncedFields: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.string().refine(isContentField, { message: "Unknown content field" }))),
});
export type ContentSettingsForm = z.infer<typeof ContentSettingsInput>;

/**
 * Saves a channel's templates and synced fields (Channel.settings.content), records who did it,
 * and marks the content of the channel's listings for the recompute job, which pushes what
 * changed. Returns how many listings are being recomputed.
 */
export async function saveChannelContentSettings(
  shopDomain: string,
  input: ContentSettingsForm,
  actor: string,
  prisma: PrismaClient = defaultPrisma,
): Promise<{ recomputing: number }> {
  const shopId = await shopIdOf(prisma, shopDomain);
  // Scoped by shop: another shop's channel id is "not found", never updated.
  const channel = await prisma.channel.findFirst({ where: { id: input.channelId, shopId } });
  if (!channel) throw new NotFoundForShop("Channel");
  const synced = new Set(input.syncedFields);
  const settings = (channel.settings && typeof channel.settings === "object" && !Array.isArray(channel.settings) ? channel.settings : {}) as Record<
    string,
    unknown
  >;
  const content = {
    ...contentSettings(settings),
    fields: Object.fromEntries(CONTENT_FIELDS.map((f) => [f, synced.has(f)])),
    templates: { title: input.title, description: input.description, ...(input.subtitle !== undefined ? { subtitle: input.subtitle } : {}) },
  };
  await prisma.channel.update({ where: { id: channel.id }, data: { settings: { ...settings, content } as Prisma.InputJsonValue } });
  await recordAudit(prisma, {
    shopId,
    actor,
    action: "channel.content_settings_changed",
    subjectType: "channel",
    subjectId: channel.id,
    details: { fields: content.fields, templates: content.templates },
  });
  return { recomputing: await noteChange(shopId, { kind: "content", channelIds: [channel.id] }, { prisma }) };
}
