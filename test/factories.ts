// Test data builders. Every test works in shops of its own (random domains), so test files can
// share one database and run in parallel without seeing each other's rows.
import { createHmac, randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { installShopSession } from "./admin-request";

const DAY_MS = 86_400_000;

export function uniqueShopDomain(label = "shop"): string {
  return `${label}-${randomUUID().slice(0, 8)}.myshopify.com`;
}

/** A shop with at least one row in every shop-owned table, as a merchant in full use would have. */
export async function seedShopWithEveryModel(prisma: PrismaClient, domain = uniqueShopDomain()) {
  const shop = await prisma.shop.create({ data: { domain, name: "Every Model Goods" } });
  const shopId = shop.id;
  await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "s", accessToken: "shpat_test", scope: "read_products" } });
  const warehouse = await prisma.location.create({ data: { shopId, shopifyId: "9007199254740993", name: "Warehouse" } });
  const dropShipper = await prisma.location.create({ data: { shopId, shopifyId: "2", name: "Vendor", isDropShip: true, vendorShareBps: 8000 } });
  const product = await prisma.product.create({ data: { shopId, shopifyId: "10", title: "Kettle", vendor: "Acme", tags: ["kitchen"] } });
  const collection = await prisma.collection.create({ data: { shopId, shopifyId: "20", handle: "kitchen-essentials", title: "Kitchen essentials" } });
  await prisma.collectionProduct.create({ data: { shopId, collectionId: collection.id, productId: product.id } });
  const variant = await prisma.variant.create({
    data: { shopId, productId: product.id, shopifyId: "100", title: "Red", sku: "KET-RED", priceCents: 4999, mapCents: 3999 },
  });
  const bundle = await prisma.variant.create({
    data: { shopId, productId: product.id, shopifyId: "101", title: "Two-pack", sku: "KET-2", priceCents: 8999, isBundle: true },
  });
  await prisma.bundleComponent.create({ data: { shopId, bundleId: bundle.id, componentId: variant.id, unitsPerBundle: 2 } });
  const item = await prisma.inventoryItem.create({ data: { shopId, shopifyId: "1000", variantId: variant.id, sku: "KET-RED", costCents: 2000 } });
  await prisma.inventoryLevel.create({ data: { shopId, inventoryItemId: item.id, locationId: warehouse.id, available: 12 } });
  await prisma.inventoryLevel.create({ data: { shopId, inventoryItemId: item.id, locationId: dropShipper.id, available: 40 } });
  const amazon = await prisma.channel.create({
    data: { shopId, kind: "AMAZON", accountId: "A1SELLER", region: "ATVPDKIKX0DER", name: "Amazon US", priority: 1 },
  });
  const ebay = await prisma.channel.create({ data: { shopId, kind: "EBAY", accountId: "seller1", region: "EBAY_US", name: "eBay US", priority: 2 } });
  await prisma.locationChannel.create({ data: { shopId, locationId: dropShipper.id, channelId: amazon.id, eligible: false } });
  const listing = await prisma.listing.create({
    data: { shopId, channelId: amazon.id, variantId: variant.id, channelSku: "KET-RED", desiredQuantity: 8, desiredVersion: 1, syncState: "PENDING" },
  });
  // Yesterday's scheduled velocity recompute, finished.
  await prisma.velocityRun.create({
    data: { shopId, day: "2026-12-05", startedAt: new Date("2026-12-05T03:00:00Z"), finishedAt: new Date("2026-12-05T03:00:02Z"), variants: 1, listings: 1 },
  });
  // A push of long ago (outside every window the Overview and the weekly report look at), and a weekly report sent.
  await prisma.listingPush.create({
    data: { shopId, channelId: amazon.id, listingId: listing.id, at: new Date("2026-01-02T10:00:00Z"), outcome: "ACKNOWLEDGED", latencyMs: 4000 },
  });
  await prisma.healthReport.create({
    data: { shopId, week: "2026-01-05", claimedAt: new Date("2026-01-12T06:00:00Z"), sentAt: new Date("2026-01-12T06:00:01Z"), recipients: 1 },
  });
  // Its margin at the desired price: 54.99 less 15 % fees and 5.00 shipping over a 20.00 cost.
  await prisma.listingMargin.create({
    data: {
      listingId: listing.id,
      shopId,
      channelId: amazon.id,
      priceCents: 5499,
      feeCents: 825,
      shippingCents: 500,
      costCents: 2000,
      marginCents: 2174,
      marginBps: 3953,
      floorCents: 2941,
      unprofitable: false,
    },
  });
  await prisma.discoveredListing.create({
    data: { shopId, channelId: amazon.id, channelSku: "KET-RED", outcome: "LINKED", linkedBy: "SKU", variantId: variant.id, seenAt: new Date() },
  });
  // A merchant's visit to eBay's consent page, come back and used.
  await prisma.consentAttempt.create({
    data: {
      id: `consent-${shopId}`,
      shopId,
      kind: "EBAY",
      name: "eBay US",
      expiresAt: new Date(Date.now() + 60_000),
      usedAt: new Date(),
      outcome: "eBay connected",
      channelId: ebay.id,
    },
  });
  await prisma.bufferRule.create({
    data: { shopId, channelId: amazon.id, scope: "CHANNEL", kind: "VELOCITY", leadTimeDays: new Prisma.Decimal(2), safetyStock: 4 },
  });
  await prisma.allocationRule.create({ data: { shopId, channelId: ebay.id, scope: "CHANNEL", kind: "CAP", units: 5 } });
  await prisma.priceRule.create({ data: { shopId, channelId: amazon.id, scope: "CHANNEL", differentialBps: 1000, rounding: "CENTS_99" } });
  await prisma.parityEdge.create({ data: { shopId, watcherId: amazon.id, watchedId: ebay.id } });
  const promotion = await prisma.promotion.create({
    data: {
      shopId,
      name: "Flash sale",
      // A draft planned ahead of now, so a test can launch it (a window already over is refused),
      // and more than 48 hours ahead, so launching it does not yet withhold its reserve.
      startsAt: new Date(Date.now() + 3 * DAY_MS),
      endsAt: new Date(Date.now() + 4 * DAY_MS),
      discountKind: "PERCENT",
      discountValue: 2000,
      reserveUnits: 5,
    },
  });
  await prisma.promotionChannel.create({ data: { shopId, promotionId: promotion.id, channelId: ebay.id } });
  await prisma.promotionVariant.create({ data: { shopId, promotionId: promotion.id, variantId: variant.id } });
  const order = await prisma.channelOrder.create({
    data: {
      shopId,
      channelId: ebay.id,
      externalOrderId: "12-34567-89012",
      status: "PAID",
      orderedAt: new Date(),
      buyerName: "Ada Buyer",
      buyerEmail: "ada@example.com",
      shippingAddress: { city: "Leeds" },
      shopifyOrderId: "5001",
    },
  });
  await prisma.channelOrderLine.create({ data: { shopId, orderId: order.id, listingId: listing.id, channelSku: "KET-RED", quantity: 1 } });
  await prisma.sale.create({
    data: { shopId, variantId: variant.id, channelId: ebay.id, quantity: 1, soldAt: new Date(), sourceKey: `channel-order:${order.id}` },
  });
  const alert = await prisma.alert.create({
    data: { shopId, kind: "OVERSELL", dedupeKey: `oversell:${order.id}`, title: "Oversold", channelId: ebay.id, listingId: listing.id },
  });
  const route = await prisma.alertRoute.create({ data: { shopId, transport: "EMAIL", target: "ops@example.com" } });
  await prisma.alertDelivery.create({ data: { shopId, alertId: alert.id, routeId: route.id } });
  await prisma.auditEvent.create({ data: { shopId, actor: "worker", action: "listing.pushed", subjectType: "listing", subjectId: listing.id } });
  await prisma.importRun.create({ data: { shopId, kind: "initial-import", total: 10, done: 3 } });
  await prisma.inventoryAdjustment.create({
    data: { shopId, sourceKey: `channel-order-line:${order.id}`, variantId: variant.id, locationId: warehouse.id, delta: -1 },
  });
  await prisma.webhookDelivery.create({ data: { webhookId: randomUUID(), shopDomain: domain, topic: "PRODUCTS_UPDATE", payload: {} } });
  // A level delivered before its item (never mirrored here, so never applied)
  await prisma.parkedInventoryUpdate.create({
    data: { shopId, webhookId: randomUUID(), itemShopifyId: "1099", locationShopifyId: "2", available: 3, shopifyUpdatedAt: new Date() },
  });
  // The drop shipper as a vendor with a feed (decision 0026); not paused, never stale: it counts as before.
  const vendor = await prisma.vendor.create({ data: { shopId, locationId: dropShipper.id, name: "Vendor" } });
  const feed = await prisma.vendorFeed.create({ data: { shopId, vendorId: vendor.id, source: "UPLOAD", mapping: { sku: "sku", quantity: "qty" } } });
  await prisma.vendorFeedRun.create({ data: { shopId, feedId: feed.id, status: "SUCCEEDED", rowsRead: 1, matched: 1 } });
  await prisma.vendorItem.create({ data: { shopId, vendorId: vendor.id, inventoryItemId: item.id, costCents: 1500, leadTimeDays: 3 } });
  return { shop, variant, listing, order, channels: { amazon, ebay } };
}

/** A shop with every model whose offline session is stored, so adminRequest's requests for it authenticate. */
export async function seedShopInSession(prisma: PrismaClient) {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

/** Models (by Prisma name) that carry a shopId column: every one of them must be erasable by shop. */
export function shopOwnedModels(): string[] {
  return Prisma.dmmf.datamodel.models.filter((m) => m.fields.some((f) => f.name === "shopId")).map((m) => m.name);
}

/** How many rows of this shop remain, per table (including sessions and webhook deliveries). */
export async function rowsOfShop(prisma: PrismaClient, domain: string, shopId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of shopOwnedModels()) {
    const delegate = (prisma as unknown as Record<string, { count(args: unknown): Promise<number> }>)[model.charAt(0).toLowerCase() + model.slice(1)];
    counts[model] = await delegate.count({ where: { shopId } });
  }
  counts.Shop = await prisma.shop.count({ where: { id: shopId } });
  counts.Session = await prisma.session.count({ where: { shop: domain } });
  counts.WebhookDelivery = await prisma.webhookDelivery.count({ where: { shopDomain: domain } });
  return counts;
}

export function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/** A webhook request as Shopify sends it, signed with `secret` (the app's API secret). */
export function signedWebhookRequest(opts: {
  topic: string;
  shop: string;
  body: string;
  secret?: string;
  webhookId?: string;
  url?: string;
  triggeredAt?: string;
}): Request {
  const secret = opts.secret ?? process.env.SHOPIFY_API_SECRET ?? "";
  const hmac = createHmac("sha256", secret).update(opts.body, "utf8").digest("base64");
  return new Request(opts.url ?? "https://anchorline.test/webhooks", {
    method: "POST",
    body: opts.body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": opts.topic,
      "x-shopify-shop-domain": opts.shop,
      "x-shopify-hmac-sha256": hmac,
      "x-shopify-webhook-id": opts.webhookId ?? randomUUID(),
      "x-shopify-api-version": "2026-10",
      "x-shopify-triggered-at": opts.triggeredAt ?? new Date().toISOString(),
      "x-shopify-event-id": randomUUID(),
    },
  });
}
