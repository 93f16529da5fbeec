import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { moduleOfKind } from "~/channels/registry";
import defaultPrisma from "~/db.server";
import { saveListingLinks } from "~/sync/listing-links.server";
import type { Queues } from "~/queues.server";
import { NotFoundForShop } from "~/lib/errors";

// Which Shopify variant each marketplace listing sells. A link names the variant by its Shopify
// SKU (what merchants know and what their spreadsheets hold) and the listing by the channel's own
// SKU and, where the channel needs one to address it, its id (ASIN, TikTok product id...), and
// who ships it: the merchant (from Shopify's pool, the default) or the marketplace from its own
// warehouse (Amazon FBA: never pushed a quantity, its own stock read and shown instead). Checked
// here, saved by the one writer of links (sync/listing-links.server.ts), as discovery's are.

/** Who ships a listing's orders, as a links file writes it (column fulfilled_by). */
export const FULFILLED_BY = ["merchant", "marketplace"] as const;
export type FulfilledBy = (typeof FULFILLED_BY)[number];

export const ListingLinkInput = z.object({
  sku: z.string().trim().min(1, "SKU is required"),
  channelSku: z.string().trim().min(1, "Channel SKU is required").max(100, "Channel SKU is at most 100 characters"),
  externalId: z
    .string()
    .trim()
    .max(100, "External id is at most 100 characters")
    .optional()
    .transform((v) => v || null),
  /** Left out or blank: a new link is the merchant's, an existing one keeps what it was. */
  fulfilledBy: z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v.trim().toLowerCase() : undefined),
    z.enum(FULFILLED_BY, { error: 'Fulfilled by is "merchant" (from Shopify\'s stock) or "marketplace" (its own warehouse, e.g. Amazon FBA)' }).optional(),
  ),
});
export type ListingLink = z.input<typeof ListingLinkInput>;

export interface LinkProblem {
  /** 1-based, as a spreadsheet numbers its rows. */
  line: number;
  field: string;
  message: string;
}

export type LinkResult = { ok: true; linked: number } | { ok: false; problems: LinkProblem[] };

/**
 * Links listings to variants, all or nothing: one bad line (a malformed field, an unknown SKU, a
 * channel SKU given twice) refuses the whole set with every problem listed by line, so a merchant
 * fixes the file once instead of finding half of it imported.
 */
export async function linkListings(
  shopDomain: string,
  channelId: string,
  links: ListingLink[],
  actor: string,
  deps: { prisma?: PrismaClient; queues?: Queues; lines?: readonly number[] } = {},
): Promise<LinkResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const channel = await prisma.channel.findFirst({ where: { id: channelId, shopId: shop.id }, select: { id: true, kind: true, name: true } });
  if (!channel) throw new NotFoundForShop("Channel");
  const ownFulfilment = moduleOfKind(channel.kind)?.marketplaceFulfilment ?? null;

  // A CSV import numbers its links by file line (header and blank lines skipped), so every
  // problem, "already on line N" included, names the line the merchant sees.
  const lineOf = (index: number) => deps.lines?.[index] ?? index + 1;
  const problems: LinkProblem[] = [];
  const parsed = links.map((link, index) => {
    const result = ListingLinkInput.safeParse(link);
    if (!result.success)
      for (const issue of result.error.issues) problems.push({ line: lineOf(index), field: String(issue.path[0] ?? "row"), message: issue.message });
    return result.success ? result.data : null;
  });

  const skus = [...new Set(parsed.flatMap((p) => (p ? [p.sku] : [])))];
  const variants = await prisma.variant.findMany({ where: { shopId: shop.id, sku: { in: skus } }, select: { id: true, sku: true } });
  const variantsBySku = new Map<string, string[]>();
  for (const v of variants) variantsBySku.set(v.sku!, [...(variantsBySku.get(v.sku!) ?? []), v.id]);

  const seenChannelSkus = new Map<string, number>();
  parsed.forEach((link, index) => {
    if (!link) return;
    const line = lineOf(index);
    const matches = variantsBySku.get(link.sku) ?? [];
    if (matches.length === 0) problems.push({ line, field: "sku", message: `No variant in the store has SKU ${link.sku}` });
    if (matches.length > 1)
      problems.push({ line, field: "sku", message: `${matches.length} variants share SKU ${link.sku}: give each a distinct SKU in Shopify first` });
    if (link.fulfilledBy === "marketplace" && !ownFulfilment)
      problems.push({ line, field: "fulfilledBy", message: `${channel.name} has no fulfilment of its own: its listings ship from your stock (merchant)` });
    const earlier = seenChannelSkus.get(link.channelSku);
    if (earlier) problems.push({ line, field: "channelSku", message: `Channel SKU ${link.channelSku} is already on line ${earlier}` });
    else seenChannelSkus.set(link.channelSku, line);
  });
  if (problems.length > 0) return { ok: false, problems };

  await saveListingLinks(
    prisma,
    shop.id,
    channel.id,
    parsed.map((link) => ({
      variantId: variantsBySku.get(link!.sku)![0],
      channelSku: link!.channelSku,
      externalId: link!.externalId,
      fulfilledByMarketplace: link!.fulfilledBy === undefined ? undefined : link!.fulfilledBy === "marketplace",
    })),
    { actor, source: "csv", queues: deps.queues },
  );
  return { ok: true, linked: parsed.length };
}
