import { Prisma, type PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import type { WebhookPayload } from "~/webhooks/payloads";

// Shopify's mandatory compliance topics. The only personal data Anchorline holds is the buyer on
// marketplace orders it imports (name, email, shipping address); nothing else is about a customer.

function ordersOfCustomer(shopDomain: string, email: string | null | undefined, shopifyOrderIds: string[]) {
  return {
    shop: { domain: shopDomain },
    OR: [...(email ? [{ buyerEmail: email }] : []), { shopifyOrderId: { in: shopifyOrderIds } }],
  };
}

/**
 * customers/data_request: gather what we hold about the customer and record it in the shop's
 * activity log, where the merchant can read it and pass it on (Shopify sends the request to us;
 * the merchant answers the customer).
 */
export async function reportCustomerData(payload: WebhookPayload<"CUSTOMERS_DATA_REQUEST">, prisma: PrismaClient = defaultPrisma): Promise<{ orders: number }> {
  const shop = await prisma.shop.findUnique({ where: { domain: payload.shop_domain }, select: { id: true } });
  if (!shop) return { orders: 0 };
  const orders = await prisma.channelOrder.findMany({
    where: ordersOfCustomer(payload.shop_domain, payload.customer.email, payload.orders_requested),
    select: {
      externalOrderId: true,
      shopifyOrderId: true,
      buyerName: true,
      buyerEmail: true,
      shippingAddress: true,
      orderedAt: true,
      channel: { select: { kind: true, name: true } },
    },
  });
  await prisma.auditEvent.create({
    data: {
      shopId: shop.id,
      actor: "shopify",
      action: "customer.data_request",
      subjectType: "customer",
      subjectId: payload.customer.id ?? undefined,
      details: { orders: orders.map((o) => ({ ...o, orderedAt: o.orderedAt.toISOString() })) },
    },
  });
  return { orders: orders.length };
}

/** customers/redact: erase the customer's personal data from the orders we imported. */
export async function redactCustomer(payload: WebhookPayload<"CUSTOMERS_REDACT">, prisma: PrismaClient = defaultPrisma): Promise<{ orders: number }> {
  const shop = await prisma.shop.findUnique({ where: { domain: payload.shop_domain }, select: { id: true } });
  if (!shop) return { orders: 0 };
  const { count } = await prisma.channelOrder.updateMany({
    where: ordersOfCustomer(payload.shop_domain, payload.customer.email, payload.orders_to_redact),
    data: { buyerName: null, buyerEmail: null, shippingAddress: Prisma.DbNull },
  });
  // The audit trail says that it happened, not whom it was about.
  await prisma.auditEvent.create({
    data: {
      shopId: shop.id,
      actor: "shopify",
      action: "customer.redact",
      subjectType: "customer",
      subjectId: payload.customer.id ?? undefined,
      details: { orders: count },
    },
  });
  return { orders: count };
}
