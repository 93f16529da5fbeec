import type { CurrencyCode, OrderCreateTaxLineInput } from "~/types/admin.types";
import type {
  CreateMarketplaceOrderMutation,
  CreateMarketplaceOrderMutationVariables,
  OrderByAnchorlineTagQuery,
  OrderByAnchorlineTagQueryVariables,
} from "~/types/admin.generated";
import { ANCHORLINE_SOURCE_NAME } from "~/queues.server";
import { ShopifyAdminError, type AdminClient } from "./admin-client.server";
import { gid, idFromGid } from "./gid";

// Marketplace orders as Shopify orders ("orders in Shopify", a channel setting): created with
// orderCreate (Admin API 2026-10), tagged with the marketplace and its order id, at the
// marketplace's prices and with its sales tax on each line (lineTaxLines). Inventory is not decremented by the order itself (inventoryBehaviour
// BYPASS): the write-back has taken the units already, at the location the rules chose, once per
// cause with compare-and-set (writeback.server.ts); decrementing again here would sell them twice.
//
// orderCreate takes no idempotency key (its description does not document @idempotent in
// 2026-10), so "exactly once" is ours: each order carries a tag of its own, and a retry after an
// answer that may have been lost looks the order up by that tag before creating it again.
// (Shopify's order search is eventually consistent: a lookup within seconds of a lost answer may
// miss the order; the retry runs after the queue's backoff, not at once.)

const CREATE = `#graphql
mutation CreateMarketplaceOrder($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name }
    userErrors { field message code }
  }
}`;

const BY_TAG = `#graphql
query OrderByAnchorlineTag($query: String!) {
  orders(first: 1, query: $query) { nodes { id name } }
}`;

export interface MarketplaceOrderLineForShopify {
  variantShopifyId: string;
  /** Units put in the Shopify order (those not cancelled). */
  quantity: number;
  /** Unit price. */
  priceCents: number | null;
  sku: string;
  /** Sales tax on those units, in the order's currency; null: the marketplace stated none. */
  taxCents?: number | null;
  /** The marketplace collects and remits that tax; null: unknown. */
  taxCollectedByMarketplace?: boolean | null;
}

export interface MarketplaceOrderForShopify {
  /** Anchorline's own id of the order (ChannelOrder.id): the tag that makes it findable. */
  anchorlineOrderId: string;
  marketplace: string;
  /** The marketplace's name as the merchant knows it ("Amazon"), for the tax lines' titles. */
  marketplaceLabel: string;
  externalOrderId: string;
  currencyCode: string | null;
  email: string | null;
  processedAt: Date;
  lines: MarketplaceOrderLineForShopify[];
}

const money = (cents: number, currencyCode: string) => ({ shopMoney: { amount: (cents / 100).toFixed(2), currencyCode: currencyCode as CurrencyCode } });

/**
 * A marketplace line's sales tax as orderCreate takes it (OrderCreateTaxLineInput, Admin 2026-10):
 * its amount (priceSet), the `rate` the schema requires ("The proportion of the item price that
 * the tax represents as a decimal": the tax over the line's price, to 4 places) and `channelLiable`
 * ("Whether the channel that submitted the tax line is liable for remitting"): true where the
 * marketplace collects and remits it as a US marketplace facilitator, so the merchant's books never
 * count tax they never hold as tax they owe; false where the merchant remits it; null ("unknown
 * liability") where the marketplace did not say. No tax line without a tax, a currency to
 * state it in, or a price to take its rate from.
 */
export function lineTaxLines(line: MarketplaceOrderLineForShopify, currency: string | null, marketplaceLabel: string): OrderCreateTaxLineInput[] {
  const lineCents = (line.priceCents ?? 0) * line.quantity;
  if (!line.taxCents || line.taxCents <= 0 || !currency || lineCents <= 0) return [];
  const collected = line.taxCollectedByMarketplace;
  return [
    {
      title: collected ? `Sales tax (collected and remitted by ${marketplaceLabel})` : "Sales tax",
      rate: String(Number((line.taxCents / lineCents).toFixed(4))),
      priceSet: money(line.taxCents, currency),
      // Sent even when unknown: left out, the schema's default (false) would say the merchant remits it.
      channelLiable: collected ?? null,
    },
  ];
}

/** The tag that names an Anchorline order in Shopify (searchable with orders(query: "tag:…")). */
export const anchorlineOrderTag = (anchorlineOrderId: string) => `anchorline-${anchorlineOrderId}`;

/** The Shopify order already created for this Anchorline order, if any (its numeric id). */
export async function findShopifyOrder(admin: AdminClient, anchorlineOrderId: string): Promise<string | null> {
  const answer = await admin.request<OrderByAnchorlineTagQuery, OrderByAnchorlineTagQueryVariables>(BY_TAG, {
    query: `tag:${anchorlineOrderTag(anchorlineOrderId)}`,
  });
  const found = answer.orders.nodes[0];
  return found ? idFromGid(found.id) : null;
}

/** Creates the Shopify order; its numeric id. Shopify's refusal (userErrors) is thrown as not retryable. */
export async function createShopifyOrder(admin: AdminClient, order: MarketplaceOrderForShopify): Promise<string> {
  const currency = order.currencyCode ?? undefined;
  const answer = await admin.request<CreateMarketplaceOrderMutation, CreateMarketplaceOrderMutationVariables>(CREATE, {
    order: {
      lineItems: order.lines.map((line) => {
        const taxLines = lineTaxLines(line, order.currencyCode, order.marketplaceLabel);
        return {
          variantId: gid("ProductVariant", line.variantShopifyId),
          quantity: line.quantity,
          ...(line.priceCents !== null && currency ? { priceSet: money(line.priceCents, currency) } : {}),
          ...(taxLines.length ? { taxLines } : {}),
        };
      }),
      tags: ["anchorline", order.marketplace, anchorlineOrderTag(order.anchorlineOrderId)],
      sourceName: ANCHORLINE_SOURCE_NAME,
      sourceIdentifier: `${order.marketplace}:${order.externalOrderId}`,
      poNumber: order.externalOrderId,
      note: `${order.marketplace} order ${order.externalOrderId}, imported by Anchorline`,
      processedAt: order.processedAt.toISOString(),
      // Only what the marketplace shares: its (often relayed) buyer email, never made up.
      ...(order.email ? { email: order.email } : {}),
      ...(currency ? { currency: currency as CurrencyCode } : {}),
    },
    options: { inventoryBehaviour: "BYPASS", sendReceipt: false, sendFulfillmentReceipt: false },
  });
  const payload = answer.orderCreate;
  if (!payload?.order) {
    const message = payload?.userErrors.map((e) => `${e.field?.join(".") ?? "order"}: ${e.message}`).join("; ") || "Shopify created no order";
    throw new ShopifyAdminError(`orderCreate refused: ${message}`, { retryable: false });
  }
  return idFromGid(payload.order.id);
}
