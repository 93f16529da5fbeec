import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import { sqlFor } from "~/lib/sql.server";
import type { Queues } from "~/queues.server";
import { WEBHOOK_PAYLOADS, type WebhookPayload, type WebhookTopic } from "~/webhooks/payloads";
import {
  type DeliveryMeta,
  applyInventoryItemUpdate,
  applyCollectionDelete,
  applyCollectionUpsert,
  applyInventoryLevelUpdate,
  applyLocationDelete,
  applyLocationUpsert,
  applyProductDelete,
  applyProductUpsert,
  queueCancellationForMarketplace,
  queueShipmentForMarketplace,
  recordShopifyOrder,
} from "~/anchor/webhook-handlers.server";
import { redactCustomer, reportCustomerData } from "./compliance.server";
import { onShopUninstalled, redactShop } from "./install.server";

interface Deps {
  prisma: PrismaClient;
  queues?: Queues;
  /** The delivery being applied (handlers that order or park what it reports read it). */
  delivery?: DeliveryMeta;
}

type Handler<T extends WebhookTopic> = (shopDomain: string, payload: WebhookPayload<T>, deps: Deps) => Promise<unknown>;
type Handlers = { [T in WebhookTopic]?: Handler<T> };

// What each topic does to Anchorline's state. Topics without a handler here stay QUEUED in
// WebhookDelivery: nothing is marked done that was not applied, so they can be replayed once a
// handler exists.
const HANDLERS: Handlers = {
  APP_UNINSTALLED: (shop, _payload, deps) => onShopUninstalled(shop, deps),
  APP_SCOPES_UPDATE: (shop, payload, { prisma }) => prisma.session.updateMany({ where: { shop }, data: { scope: payload.current.join(",") } }),
  SHOP_REDACT: (shop, _payload, deps) => redactShop(shop, deps),
  CUSTOMERS_REDACT: (_shop, payload, { prisma }) => redactCustomer(payload, prisma),
  CUSTOMERS_DATA_REQUEST: (_shop, payload, { prisma }) => reportCustomerData(payload, prisma),
  INVENTORY_LEVELS_UPDATE: applyInventoryLevelUpdate,
  INVENTORY_ITEMS_UPDATE: applyInventoryItemUpdate,
  PRODUCTS_CREATE: applyProductUpsert,
  PRODUCTS_UPDATE: applyProductUpsert,
  PRODUCTS_DELETE: applyProductDelete,
  COLLECTIONS_CREATE: applyCollectionUpsert,
  COLLECTIONS_UPDATE: applyCollectionUpsert,
  COLLECTIONS_DELETE: applyCollectionDelete,
  LOCATIONS_CREATE: applyLocationUpsert,
  LOCATIONS_UPDATE: applyLocationUpsert,
  LOCATIONS_DELETE: applyLocationDelete,
  ORDERS_CREATE: recordShopifyOrder,
  FULFILLMENTS_CREATE: queueShipmentForMarketplace,
  FULFILLMENTS_UPDATE: queueShipmentForMarketplace,
  ORDERS_CANCELLED: queueCancellationForMarketplace,
};

export type ApplyOutcome = "applied" | "already-applied" | "no-handler" | "missing";

/**
 * Applies one stored delivery (the webhooks queue's job). Safe to run twice. The delivery row is
 * read and settled with plain SQL (app/lib/sql.server.ts), as the route stores it: one of each per
 * change in Shopify, where Prisma's query compilation costs more CPU than the statements.
 */
export async function applyWebhookDelivery(webhookId: string, deps: Partial<Deps> = {}): Promise<ApplyOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  // X-Shopify-Triggered-At to the microsecond (a JS Date would keep milliseconds): it orders two
  // reports of one inventory level within the same second.
  const [delivery] = await sqlFor().rows<{ shopDomain: string; topic: string; state: string; payload: unknown; triggeredAt: string | null }>(
    `SELECT "shopDomain", topic, state::text AS state, payload, to_char("triggeredAt", 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "triggeredAt"
     FROM "WebhookDelivery" WHERE "webhookId" = $1`,
    [webhookId],
  );
  if (!delivery) return "missing";
  if (delivery.state === "PROCESSED") return "already-applied";

  const topic = delivery.topic as WebhookTopic;
  const handler = HANDLERS[topic] as Handler<WebhookTopic> | undefined;
  if (!handler) {
    logger.debug({ webhookId, topic }, "no handler for topic yet; delivery kept queued");
    return "no-handler";
  }
  // Stored payloads were validated on receipt; parsing again gives the handler its typed shape.
  const payload = WEBHOOK_PAYLOADS[topic].parse(delivery.payload);
  try {
    await handler(delivery.shopDomain, payload as never, { prisma, queues: deps.queues, delivery: { webhookId, triggeredAt: delivery.triggeredAt } });
  } catch (error) {
    await sqlFor().rows(`UPDATE "WebhookDelivery" SET state = 'FAILED', error = $2 WHERE "webhookId" = $1`, [webhookId, String(error)]);
    throw error;
  }
  // An UPDATE that may match nothing: shop/redact deletes the shop's deliveries, this one included.
  await sqlFor().rows(`UPDATE "WebhookDelivery" SET state = 'PROCESSED', "processedAt" = now() AT TIME ZONE 'UTC', error = NULL WHERE "webhookId" = $1`, [
    webhookId,
  ]);
  return "applied";
}
