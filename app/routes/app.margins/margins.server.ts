import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { formatMoney } from "~/channels/money";
import defaultPrisma from "~/db.server";
import { percent } from "~/engine/explain";
import { RequestRefused } from "~/lib/errors";
import type { FieldErrors } from "~/lib/forms";

// The Margins screen: per channel, how many listings sit under their fee-inclusive floor and the
// average margin, then every listing at SKU level (price, fees, shipping, cost, margin, floor),
// from ListingMargin, which the recompute writes for every listing it computes
// (app/recompute/margins.server.ts). Paged by page number with the total, unprofitable first,
// then the thinnest margins: the rows a merchant acts on come first.

export const MARGINS_PAGE = 50;
/** 10,000 pages of 50 is 500,000 listings: more than a shop lists; beyond is a typo. */
const MAX_PAGE = 10_000;

export const MarginsQuery = z.object({
  // Blank: every channel. Checked against the shop's channels by marginsPage.
  channelId: z.string().trim().max(64, "Channel must be one of this shop's channels").optional().default(""),
  underFloor: z.enum(["", "1"], { message: 'Under floor only is "1" (only listings under their floor) or blank' }).optional().default(""),
  page: z.coerce
    .number({ error: "Page must be a number" })
    .int({ error: "Page must be a whole number" })
    .min(1, { error: `Page must be between 1 and ${MAX_PAGE}` })
    .max(MAX_PAGE, { error: `Page must be between 1 and ${MAX_PAGE}` })
    .optional()
    .default(1),
});

export type MarginsFilters = z.infer<typeof MarginsQuery>;

/** A filter that parses but names nothing of this shop's (another shop's channel), refused on its field. */
export class MarginsFilterRefused extends RequestRefused {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors).join("; "));
    this.name = "MarginsFilterRefused";
  }
}

export const COST_UNKNOWN = "cost unknown — set it in Shopify";

interface SummaryRow {
  channelId: string;
  listings: number;
  underFloor: number;
  costUnknown: number;
  averageMarginBps: number | null;
}

export async function marginsPage(shopDomain: string, filters: MarginsFilters, prisma: PrismaClient = defaultPrisma) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true, currencyCode: true } });
  const shopId = shop.id;
  const channels = await prisma.channel.findMany({ where: { shopId }, orderBy: [{ priority: "asc" }, { name: "asc" }], select: { id: true, name: true } });
  if (filters.channelId && !channels.some((c) => c.id === filters.channelId)) {
    // Another shop's channel reads as one that does not exist.
    throw new MarginsFilterRefused({ channelId: "Channel must be one of this shop's channels" });
  }
  const money = (cents: number | null) => (cents === null ? null : formatMoney(cents, shop.currencyCode));

  const summaryRows = await prisma.$queryRaw<SummaryRow[]>(Prisma.sql`
    SELECT "channelId", count(*)::int AS listings, (count(*) FILTER (WHERE unprofitable))::int AS "underFloor",
           (count(*) FILTER (WHERE "costCents" IS NULL))::int AS "costUnknown", round(avg("marginBps"))::int AS "averageMarginBps"
    FROM "ListingMargin" WHERE "shopId" = ${shopId} GROUP BY "channelId"`);
  const summaryOf = new Map(summaryRows.map((row) => [row.channelId, row]));
  const summary = channels.map((c) => {
    const row = summaryOf.get(c.id);
    return {
      channelId: c.id,
      channelName: c.name,
      listings: row?.listings ?? 0,
      underFloor: row?.underFloor ?? 0,
      costUnknown: row?.costUnknown ?? 0,
      averageMargin: row?.averageMarginBps === null || row === undefined ? null : percent(row.averageMarginBps),
    };
  });

  const where: Prisma.ListingMarginWhereInput = {
    shopId,
    ...(filters.channelId ? { channelId: filters.channelId } : {}),
    ...(filters.underFloor ? { unprofitable: true } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.listingMargin.count({ where }),
    prisma.listingMargin.findMany({
      where,
      orderBy: [{ unprofitable: "desc" }, { marginBps: { sort: "asc", nulls: "first" } }, { listingId: "asc" }],
      skip: (filters.page - 1) * MARGINS_PAGE,
      take: MARGINS_PAGE,
      include: { listing: { select: { channelSku: true, variant: { select: { sku: true, title: true, product: { select: { title: true } } } } } } },
    }),
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return {
    currencyCode: shop.currencyCode,
    channels,
    summary,
    total,
    page: filters.page,
    pages: Math.max(1, Math.ceil(total / MARGINS_PAGE)),
    rows: rows.map((m) => ({
      listingId: m.listingId,
      sku: m.listing.variant.sku ?? m.listing.channelSku,
      product: `${m.listing.variant.product.title} – ${m.listing.variant.title}`,
      channelName: channelName.get(m.channelId) ?? "",
      price: money(m.priceCents),
      fees: money(m.feeCents),
      shipping: money(m.shippingCents),
      cost: m.costCents === null ? COST_UNKNOWN : money(m.costCents),
      margin: m.marginCents === null ? COST_UNKNOWN : `${money(m.marginCents)} (${percent(m.marginBps ?? 0)})`,
      floor: m.floorCents === null ? (m.costCents === null ? COST_UNKNOWN : "none: fees take the whole price") : money(m.floorCents),
      underFloor: m.unprofitable,
      cause: m.cause,
      why: `/app/inventory?explain=${encodeURIComponent(m.listingId)}`,
    })),
  };
}
