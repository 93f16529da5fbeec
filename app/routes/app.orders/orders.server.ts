import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { RequestRefused } from "~/lib/errors";
import type { FieldErrors } from "~/lib/forms";
import { shopIdOf } from "~/lib/shop-id.server";
import { ORDER_STATES, type OrderStateFilter, orderState, shopifyOrderUrl } from "./order-state";

// The orders screen: marketplace orders, newest first, with what Anchorline did with each in the
// merchant's words (taken off Shopify, waiting, failed and why, shipped by the marketplace,
// cancelled, oversold). Pages are keyset-paginated (a cursor, never an offset) on
// (orderedAt, id), so a shop with a million orders reads one page of rows however deep it pages.

export const ORDERS_PAGE = 50;

export const OrdersQuery = z.object({
  // Blank: every channel. Checked against the shop's channels by ordersPage.
  channelId: z.string().trim().max(64, "Channel must be one of this shop's channels").optional().default(""),
  // Blank: any state.
  state: z
    .enum(["", ...ORDER_STATES], {
      message: "State must be taken off Shopify (written), waiting, failed, shipped by the marketplace (marketplace), cancelled or oversold",
    })
    .optional()
    .default(""),
  after: z.string().trim().max(64, "Not a page cursor").optional().default(""),
});

export type OrdersFilters = z.infer<typeof OrdersQuery>;

export const RetryOrderInput = z.object({ orderId: z.string().trim().min(1, "Which order?") });

/** A filter value that parses but names nothing of this shop's (another shop's channel). */
export class FilterRefused extends RequestRefused {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors).join("; "));
    this.name = "FilterRefused";
  }
}

const notFailed: Prisma.ChannelOrderWhereInput = { writeback: { not: "FAILED" } };

/** Each filter as a query, matching the state orderState gives (in the same order of precedence). */
const STATE_WHERE: Record<OrderStateFilter, Prisma.ChannelOrderWhereInput> = {
  failed: { writeback: "FAILED" },
  marketplace: { ...notFailed, fulfilledByMarketplace: true },
  cancelled: { ...notFailed, fulfilledByMarketplace: false, OR: [{ cancelledAt: { not: null } }, { lines: { some: { cancelledQuantity: { gt: 0 } } } }] },
  waiting: { writeback: "PENDING", fulfilledByMarketplace: false, cancelledAt: null },
  written: { writeback: "WRITTEN", fulfilledByMarketplace: false, cancelledAt: null },
  oversold: { oversold: true },
};

export async function ordersPage(shopDomain: string, filters: OrdersFilters, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const channels = await prisma.channel.findMany({
    where: { shopId, kind: { not: "SHOPIFY" } },
    orderBy: [{ priority: "asc" }, { name: "asc" }],
    select: { id: true, name: true },
  });
  // Another shop's channel reads as one that does not exist.
  if (filters.channelId && !channels.some((c) => c.id === filters.channelId)) {
    throw new FilterRefused({ channelId: "Channel must be one of this shop's channels" });
  }
  const where: Prisma.ChannelOrderWhereInput = {
    AND: [{ shopId }, filters.channelId ? { channelId: filters.channelId } : {}, filters.state ? STATE_WHERE[filters.state] : {}],
  };
  // A cursor of another shop (or none at all) finds no row to start after: an empty page.
  const after = filters.after ? await prisma.channelOrder.findFirst({ where: { id: filters.after, shopId }, select: { id: true } }) : null;
  const orders =
    filters.after && !after
      ? []
      : await prisma.channelOrder.findMany({
          where,
          orderBy: [{ orderedAt: "desc" }, { id: "desc" }],
          // One more than a page tells whether there is a next page without counting the orders.
          take: ORDERS_PAGE + 1,
          ...(after ? { cursor: { id: after.id }, skip: 1 } : {}),
          select: {
            id: true,
            externalOrderId: true,
            status: true,
            orderedAt: true,
            channelId: true,
            shopifyOrderId: true,
            writeback: true,
            writebackAttempts: true,
            writebackMessage: true,
            cancelledAt: true,
            fulfilledByMarketplace: true,
            oversold: true,
            shippedBackAt: true,
            carrier: true,
            trackingNumber: true,
            marketplaceMessage: true,
            lines: { orderBy: { channelSku: "asc" }, select: { channelSku: true, quantity: true, cancelledQuantity: true } },
          },
        });
  const page = orders.slice(0, ORDERS_PAGE);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  return {
    channels,
    orders: page.map((o) => ({
      id: o.id,
      externalOrderId: o.externalOrderId,
      channelName: channelName.get(o.channelId) ?? "",
      status: o.status,
      orderedAt: o.orderedAt.toISOString(),
      items: o.lines.map((l) => `${l.quantity} × ${l.channelSku}`).join(", "),
      shopifyOrderUrl: shopifyOrderUrl(o.shopifyOrderId),
      state: orderState(o),
    })),
    nextCursor: orders.length > ORDERS_PAGE ? page[page.length - 1].id : null,
  };
}
