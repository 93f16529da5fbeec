// The Partner API paths the simulator serves, each with the shape check of its body (schemas.ts)
// and what it does to the shop.
import type { SimRequest, SimResponse } from "../common/http";
import { CODES, fail, ok } from "./envelope";
import { orderDocument, returnDocument } from "./orders";
import {
  cancelOrderBody,
  fbtInventorySearchBody,
  fbtInventorySearchQuery,
  inventorySearchBody,
  orderDetailQuery,
  ordersSearchBody,
  ordersSearchQuery,
  partialEditBody,
  productsSearchBody,
  productsSearchQuery,
  reasons,
  returnsSearchBody,
  returnsSearchQuery,
  shipPackageBody,
  updateInventoryBody,
  updatePackageShippingInfoBody,
  updatePriceBody,
} from "./schemas";
import { shopIdOf, webhooksOf } from "./webhooks";
import { SEND_BY_SELLER_OPTION, SHIPPING_PROVIDERS, type TikTokOrderRecord, type TikTokReturnRecord, type TikTokShop } from "./state";

export interface Route {
  name: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  pattern: RegExp;
  shopScoped: boolean;
  handle(shop: TikTokShop, request: SimRequest, params: string[]): SimResponse;
}

const invalid = (message: string) => fail(400, CODES.invalidParams, `Invalid params: ${message}`);

/** SKUs named in a body that are not the product's: the whole update is refused, nothing applied. */
function foreignSkus(shop: TikTokShop, productId: string, ids: string[]): SimResponse | null {
  const own = new Set(shop.skusOf(productId).map((s) => s.skuId));
  if (own.size === 0) return fail(404, CODES.productNotFound, `Product ${productId} does not exist in this shop.`);
  const foreign = ids.filter((id) => !own.has(id));
  if (!foreign.length) return null;
  const errors = foreign.map((id) => ({ code: CODES.skuNotInProduct, message: `SKU ${id} does not belong to product ${productId}.`, detail: { sku_id: id } }));
  return fail(400, CODES.skuNotInProduct, `SKU ${foreign.join(", ")} does not belong to product ${productId}.`, { errors });
}

const packageOf = (shop: TikTokShop, packageId: string) => shop.orders.find((o) => o.packageId === packageId);
const noPackage = (packageId: string) => fail(404, CODES.packageNotFound, `Package ${packageId} does not exist in this shop.`);
const providerOf = (id: string) => SHIPPING_PROVIDERS.find((p) => p.id === id);
const badProvider = (id: string) =>
  fail(400, CODES.shippingProviderInvalid, `shipping_provider_id ${id} is not a shipping provider of this package's delivery option.`);

const ORDER_PAGE_TOKEN = (offset: number) => Buffer.from(`offset:${offset}`).toString("base64url");
const offsetOf = (token: string | undefined) => (token ? Number(Buffer.from(token, "base64url").toString("utf8").split(":")[1]) || 0 : 0);
/** A page token this simulator gave, or null for one it did not (TikTok's are opaque: a made-up one is refused). */
const givenOffset = (token: string | undefined): number | null => {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match && ORDER_PAGE_TOKEN(Number(match[1])) === token ? Number(match[1]) : null;
};

export const ROUTES: Route[] = [
  {
    name: "shops",
    method: "GET",
    pattern: /^\/authorization\/202309\/shops$/,
    shopScoped: false,
    handle: (shop) =>
      ok({
        shops: [
          {
            id: shopIdOf(shop),
            name: `Shop ${shop.spec.shopCipher}`,
            region: "US",
            seller_type: "LOCAL",
            cipher: shop.spec.shopCipher,
            code: "USLC0001",
          },
        ],
      }),
  },
  {
    name: "inventoryUpdate",
    method: "POST",
    pattern: /^\/product\/202309\/products\/([^/]+)\/inventory\/update$/,
    shopScoped: true,
    handle: (shop, request, [productId]) => {
      const body = updateInventoryBody.safeParse(request.body);
      if (!body.success) return invalid(reasons(body.error));
      const refused = foreignSkus(
        shop,
        productId,
        body.data.skus.map((s) => s.id),
      );
      if (refused) return refused;
      for (const entry of body.data.skus) shop.skus.get(entry.id)!.quantity = entry.inventory.reduce((sum, i) => sum + i.quantity, 0);
      return ok({});
    },
  },
  {
    name: "pricesUpdate",
    method: "POST",
    pattern: /^\/product\/202309\/products\/([^/]+)\/prices\/update$/,
    shopScoped: true,
    handle: (shop, request, [productId]) => {
      const body = updatePriceBody.safeParse(request.body);
      if (!body.success) return invalid(reasons(body.error));
      const refused = foreignSkus(
        shop,
        productId,
        body.data.skus.map((s) => s.id),
      );
      if (refused) return refused;
      const wrongCurrency = body.data.skus.find((s) => s.price.currency !== shop.skus.get(s.id)!.currency);
      if (wrongCurrency) return invalid(`price.currency ${wrongCurrency.price.currency} is not the shop's currency`);
      for (const entry of body.data.skus) shop.skus.get(entry.id)!.priceCents = Math.round(Number(entry.price.amount) * 100);
      return ok({});
    },
  },
  {
    name: "partialEdit",
    method: "POST",
    pattern: /^\/product\/202309\/products\/([^/]+)\/partial_edit$/,
    shopScoped: true,
    handle: (shop, request, [productId]) => {
      const body = partialEditBody.safeParse(request.body);
      if (!body.success) return invalid(reasons(body.error));
      const product = shop.products.get(productId);
      if (!product) return fail(404, CODES.productNotFound, `Product ${productId} does not exist in this shop.`);
      // TikTok re-audits the edit and keeps the live version until it passes; here it passes at once.
      if (body.data.title !== undefined) product.title = body.data.title;
      if (body.data.description !== undefined) product.description = body.data.description;
      product.edits += 1;
      const skus = shop.skusOf(productId).map((s) => ({ id: s.skuId, seller_sku: s.sellerSku, external_sku_id: "", sales_attributes: [] }));
      return ok({ product_id: productId, skus, audit: { status: "AUDITING" } });
    },
  },
  {
    name: "inventorySearch",
    method: "POST",
    pattern: /^\/product\/202309\/inventory\/search$/,
    shopScoped: true,
    handle: (shop, request) => {
      const body = inventorySearchBody.safeParse(request.body);
      if (!body.success) return invalid(reasons(body.error));
      const skus = [...shop.skus.values()].filter((s) => body.data.sku_ids?.includes(s.skuId) || body.data.product_ids?.includes(s.productId));
      const products = [...new Set(skus.map((s) => s.productId))];
      return ok({
        inventory: products.map((productId) => ({
          product_id: productId,
          skus: skus
            .filter((s) => s.productId === productId)
            .map((s) => ({
              id: s.skuId,
              seller_sku: s.sellerSku,
              total_available_quantity: s.quantity,
              total_committed_quantity: 0,
              warehouse_inventory: [{ warehouse_id: "7000000000000000001", available_quantity: s.quantity, committed_quantity: 0 }],
            })),
        })),
      });
    },
  },
  {
    name: "product",
    method: "GET",
    pattern: /^\/product\/202309\/products\/([^/]+)$/,
    shopScoped: true,
    handle: (shop, _request, [productId]) => {
      const skus = shop.skusOf(productId);
      if (!skus.length) return fail(404, CODES.productNotFound, `Product ${productId} does not exist in this shop.`);
      const product = shop.products.get(productId)!;
      return ok({
        id: productId,
        status: product.status,
        title: product.title,
        description: product.description,
        create_time: product.createTime,
        update_time: product.updateTime,
        ...(product.auditFailedReasons.length ? { audit_failed_reasons: product.auditFailedReasons } : {}),
        skus: skus.map((s) => ({
          id: s.skuId,
          seller_sku: s.sellerSku,
          price: { currency: s.currency, sale_price: (s.priceCents / 100).toFixed(2), tax_exclusive_price: (s.priceCents / 100).toFixed(2) },
          inventory: [{ warehouse_id: "7000000000000000001", quantity: s.quantity }],
          ...(s.identifierCode ? { identifier_code: { ...s.identifierCode } } : {}),
        })),
      });
    },
  },
  {
    // Search Products: "Retrieve a list of products that meet the specified conditions. This API
    // will only return the key product properties" (no identifier_code: Get Product has it).
    name: "productsSearch",
    method: "POST",
    pattern: /^\/product\/202309\/products\/search$/,
    shopScoped: true,
    handle: (shop, request) => {
      const query = productsSearchQuery.safeParse({
        page_size: request.query.get("page_size") ?? undefined,
        page_token: request.query.get("page_token") ?? undefined,
        category_version: request.query.get("category_version") ?? undefined,
      });
      if (!query.success) return invalid(reasons(query.error));
      const offset = givenOffset(query.data.page_token);
      if (offset === null) return invalid("page_token is not a token a previous page returned");
      const body = productsSearchBody.safeParse(request.body ?? {});
      if (!body.success) return invalid(reasons(body.error));
      const f = body.data;
      const status = f.status ?? "ALL";
      const matching = [...shop.products]
        .filter(
          ([productId, p]) =>
            (status === "ALL" || p.status === status) &&
            (!f.seller_skus || shop.skusOf(productId).some((s) => f.seller_skus!.includes(s.sellerSku))) &&
            p.createTime >= (f.create_time_ge ?? 0) &&
            p.createTime <= (f.create_time_le ?? Infinity) &&
            p.updateTime >= (f.update_time_ge ?? 0) &&
            p.updateTime <= (f.update_time_le ?? Infinity),
        )
        .sort(([a, p], [b, q]) => p.createTime - q.createTime || a.localeCompare(b));
      const size = Number(query.data.page_size);
      return ok({
        products: matching.slice(offset, offset + size).map(([productId, p]) => ({
          id: productId,
          title: p.title,
          status: p.status,
          sales_regions: ["US"],
          create_time: p.createTime,
          update_time: p.updateTime,
          skus: shop.skusOf(productId).map((s) => ({
            id: s.skuId,
            seller_sku: s.sellerSku,
            // "sale_price ... Applicable only for cross-border sellers from China": a US seller's SKU has the tax-exclusive price.
            price: { currency: s.currency, tax_exclusive_price: (s.priceCents / 100).toFixed(2) },
            inventory: [{ warehouse_id: "7000000000000000001", quantity: s.quantity }],
          })),
        })),
        total_count: matching.length,
        next_page_token: offset + size < matching.length ? ORDER_PAGE_TOKEN(offset + size) : "",
      });
    },
  },
  {
    name: "ordersSearch",
    method: "POST",
    pattern: /^\/order\/202309\/orders\/search$/,
    shopScoped: true,
    handle: (shop, request) => {
      const query = ordersSearchQuery.safeParse({
        page_size: request.query.get("page_size") ?? undefined,
        page_token: request.query.get("page_token") ?? undefined,
        sort_field: request.query.get("sort_field") ?? undefined,
        sort_order: request.query.get("sort_order") ?? undefined,
      });
      if (!query.success) return invalid(reasons(query.error));
      const body = ordersSearchBody.safeParse(request.body ?? {});
      if (!body.success) return invalid(reasons(body.error));
      const { create_time_ge = 0, create_time_lt = Infinity, update_time_ge = 0, update_time_lt = Infinity, order_status } = body.data;
      const direction = query.data.sort_order === "ASC" ? 1 : -1; // TikTok's default is newest first
      const key = query.data.sort_field === "update_time" ? (o: TikTokOrderRecord) => o.updateTime : (o: TikTokOrderRecord) => o.createTime;
      // The result set as it is at this call: the page token is a position in it, so an order that
      // changes between two pages moves (sorted by update_time) and the ones after it shift.
      const matching = shop.orders
        .filter(
          (o) =>
            o.createTime >= create_time_ge &&
            o.createTime < create_time_lt &&
            o.updateTime >= update_time_ge &&
            o.updateTime < update_time_lt &&
            (!order_status || o.status === order_status),
        )
        .sort((a, b) => direction * (key(a) - key(b) || a.id.localeCompare(b.id)));
      const size = Number(query.data.page_size);
      const offset = offsetOf(query.data.page_token);
      const page = matching.slice(offset, offset + size);
      const more = offset + size < matching.length;
      return ok({
        orders: page.map((o) => orderDocument(o, shop)),
        total_count: matching.length,
        next_page_token: more ? ORDER_PAGE_TOKEN(offset + size) : "",
      });
    },
  },
  {
    name: "orderDetail",
    method: "GET",
    pattern: /^\/order\/202309\/orders$/,
    shopScoped: true,
    handle: (shop, request) => {
      const query = orderDetailQuery.safeParse({ ids: request.query.get("ids") ?? "" });
      if (!query.success) return invalid(reasons(query.error));
      const ids = query.data.ids.split(",");
      return ok({ orders: shop.orders.filter((o) => ids.includes(o.id)).map((o) => orderDocument(o, shop)) });
    },
  },
  {
    name: "shippingProviders",
    method: "GET",
    pattern: /^\/logistics\/202309\/delivery_options\/([^/]+)\/shipping_providers$/,
    shopScoped: true,
    handle: (shop, _request, [deliveryOptionId]) => {
      if (deliveryOptionId !== SEND_BY_SELLER_OPTION)
        return fail(404, CODES.deliveryOptionNotFound, `Delivery option ${deliveryOptionId} does not exist in this shop.`);
      return ok({ shipping_providers: SHIPPING_PROVIDERS.map((p) => ({ ...p })) });
    },
  },
  {
    name: "shipPackage",
    method: "POST",
    pattern: /^\/fulfillment\/202309\/packages\/([^/]+)\/ship$/,
    shopScoped: true,
    handle: (shop, request, [packageId]) => {
      const body = shipPackageBody.safeParse(request.body ?? {});
      if (!body.success) return invalid(reasons(body.error));
      const order = packageOf(shop, packageId);
      if (!order) return noPackage(packageId);
      if (order.fulfillmentType === "FULFILLMENT_BY_TIKTOK")
        return fail(400, CODES.packageStatusInvalid, `Package ${packageId} is fulfilled by TikTok; the seller cannot ship it.`);
      if (order.status !== "AWAITING_SHIPMENT")
        return fail(400, CODES.packageStatusInvalid, `Package ${packageId} cannot be shipped: its order is ${order.status}, not AWAITING_SHIPMENT.`);
      const now = Math.floor(Date.now() / 1000);
      if (order.shippingType === "SELLER") {
        // "For package with SEND_BY_SELLER as delivery_option ... you must input a shipping_provider_id ... a tracking_number".
        const self = body.data.self_shipment;
        if (!self) return invalid("self_shipment with shipping_provider_id and tracking_number is required for a SEND_BY_SELLER package");
        const provider = providerOf(self.shipping_provider_id);
        if (!provider) return badProvider(self.shipping_provider_id);
        shop.shipPackage(order, "IN_TRANSIT", {
          shippingProviderId: provider.id,
          shippingProviderName: provider.name,
          trackingNumber: self.tracking_number,
          shippedAt: now,
        });
        return ok({});
      }
      if (body.data.self_shipment) return invalid("self_shipment is only for SEND_BY_SELLER packages; this package ships with TikTok's carrier");
      if (!body.data.handover_method) return invalid("handover_method is required for a package TikTok's carrier collects");
      shop.shipPackage(order, "AWAITING_COLLECTION", {
        shippingProviderId: "7117858858072016686",
        shippingProviderName: "TikTok Shipping",
        trackingNumber: `TT${order.packageId.slice(-10)}`,
        shippedAt: now,
      });
      return ok({});
    },
  },
  {
    name: "updatePackageShippingInfo",
    method: "POST",
    pattern: /^\/fulfillment\/202309\/packages\/([^/]+)\/shipping_info\/update$/,
    shopScoped: true,
    handle: (shop, request, [packageId]) => {
      const body = updatePackageShippingInfoBody.safeParse(request.body ?? {});
      if (!body.success) return invalid(reasons(body.error));
      const order = packageOf(shop, packageId);
      if (!order) return noPackage(packageId);
      // "only applicable to orders (or packages) shipped by the seller ... that have already been shipped".
      if (order.shippingType !== "SELLER" || order.status !== "IN_TRANSIT" || !order.shipment)
        return fail(400, CODES.packageStatusInvalid, `Package ${packageId} has not been shipped by the seller; its shipping info cannot be updated.`);
      const provider = providerOf(body.data.shipping_provider_id);
      if (!provider) return badProvider(body.data.shipping_provider_id);
      order.shipment = { ...order.shipment, shippingProviderId: provider.id, shippingProviderName: provider.name, trackingNumber: body.data.tracking_number };
      order.updateTime = Math.max(order.updateTime, Math.floor(Date.now() / 1000));
      return ok({});
    },
  },
  {
    name: "cancelOrder",
    method: "POST",
    pattern: /^\/return_refund\/202309\/cancellations$/,
    shopScoped: true,
    handle: (shop, request) => {
      const body = cancelOrderBody.safeParse(request.body ?? {});
      if (!body.success) return invalid(reasons(body.error));
      const order = shop.orders.find((o) => o.id === body.data.order_id);
      if (!order) return fail(404, CODES.orderNotFound, `Order ${body.data.order_id} does not exist in this shop.`);
      if (order.status !== "AWAITING_SHIPMENT")
        return fail(400, CODES.orderStatusInvalid, `Order ${order.id} is ${order.status}; the seller can cancel only while it is AWAITING_SHIPMENT.`);
      const active = order.lineItems.filter((i) => i.status === "AWAITING_SHIPMENT");
      let wanted: Array<{ skuId: string; units: number }>;
      if (body.data.skus) wanted = body.data.skus.map((s) => ({ skuId: s.sku_id, units: s.quantity }));
      else if (body.data.order_line_item_ids) {
        const unknown = body.data.order_line_item_ids.filter((id) => !active.some((i) => i.id === id));
        if (unknown.length) return fail(400, CODES.orderStatusInvalid, `Line items ${unknown.join(", ")} are not active line items of order ${order.id}.`);
        const picked = active.filter((i) => body.data.order_line_item_ids!.includes(i.id));
        wanted = [...new Set(picked.map((i) => i.skuId))].map((skuId) => ({ skuId, units: picked.filter((i) => i.skuId === skuId).length }));
      } else wanted = [...new Set(active.map((i) => i.skuId))].map((skuId) => ({ skuId, units: active.filter((i) => i.skuId === skuId).length }));
      for (const want of wanted) {
        const left = active.filter((i) => i.skuId === want.skuId).length;
        if (want.units > left)
          return fail(400, CODES.orderStatusInvalid, `Order ${order.id} has ${left} active units of SKU ${want.skuId}, cannot cancel ${want.units}.`);
      }
      for (const want of wanted) shop.cancelOrder(order.id, { units: want.units, skuId: want.skuId, by: "SELLER", reason: body.data.cancel_reason });
      return ok({
        cancel_id: `4${order.id.slice(-12)}${order.lineItems.filter((i) => i.status === "CANCELLED").length}`,
        cancel_status: "CANCELLATION_REQUEST_COMPLETE",
      });
    },
  },
  {
    name: "returnsSearch",
    method: "POST",
    pattern: /^\/return_refund\/202309\/returns\/search$/,
    shopScoped: true,
    handle: (shop, request) => {
      const query = returnsSearchQuery.safeParse({
        page_size: request.query.get("page_size") ?? undefined,
        page_token: request.query.get("page_token") ?? undefined,
        sort_field: request.query.get("sort_field") ?? undefined,
        sort_order: request.query.get("sort_order") ?? undefined,
      });
      if (!query.success) return invalid(reasons(query.error));
      const body = returnsSearchBody.safeParse(request.body ?? {});
      if (!body.success) return invalid(reasons(body.error));
      const f = body.data;
      const direction = query.data.sort_order === "ASC" ? 1 : -1;
      const key = query.data.sort_field === "update_time" ? (r: TikTokReturnRecord) => r.updateTime : (r: TikTokReturnRecord) => r.createTime;
      const matching = shop.returns
        .filter(
          (r) =>
            (!f.order_ids || f.order_ids.includes(r.orderId)) &&
            (!f.return_ids || f.return_ids.includes(r.id)) &&
            (!f.return_status || f.return_status.includes(r.status)) &&
            (!f.return_types || f.return_types.includes(r.type)) &&
            r.createTime >= (f.create_time_ge ?? 0) &&
            r.createTime < (f.create_time_lt ?? Infinity) &&
            r.updateTime >= (f.update_time_ge ?? 0) &&
            r.updateTime < (f.update_time_lt ?? Infinity),
        )
        .sort((a, b) => direction * (key(a) - key(b) || a.id.localeCompare(b.id)));
      const size = Number(query.data.page_size);
      const offset = offsetOf(query.data.page_token);
      const page = matching.slice(offset, offset + size);
      return ok({
        return_orders: page.map((r) => returnDocument(r, shop)),
        total_count: matching.length,
        next_page_token: offset + size < matching.length ? ORDER_PAGE_TOKEN(offset + size) : "",
      });
    },
  },
  {
    // Search FBT Inventory: one entry per FBT goods (here: one per SKU TikTok fulfils, its
    // reference_code the seller SKU) and FBT warehouse, its SKUs' on-hand detail beside it.
    name: "fbtInventorySearch",
    method: "POST",
    pattern: /^\/fbt\/202408\/inventory\/search$/,
    shopScoped: true,
    handle: (shop, request) => {
      const query = fbtInventorySearchQuery.safeParse({
        page_size: request.query.get("page_size") ?? undefined,
        page_token: request.query.get("page_token") ?? undefined,
      });
      if (!query.success) return invalid(reasons(query.error));
      const body = fbtInventorySearchBody.safeParse(request.body ?? {});
      if (!body.success) return invalid(reasons(body.error));
      const f = body.data;
      const rows = [...shop.skus.values()]
        .flatMap((sku) => [...(sku.fbt ?? [])].map(([warehouse, stock]) => ({ sku, warehouse, stock, goodsId: fbtGoodsId(sku.skuId) })))
        .filter(
          (r) =>
            (!f.fbt_warehouse_ids || f.fbt_warehouse_ids.includes(r.warehouse)) &&
            (!f.goods_ids || f.goods_ids.includes(r.goodsId)) &&
            (!f.sku_ids || f.sku_ids.includes(r.sku.skuId)),
        )
        .sort((a, b) => a.goodsId.localeCompare(b.goodsId) || a.warehouse.localeCompare(b.warehouse));
      const size = Number(query.data.page_size);
      const offset = offsetOf(query.data.page_token);
      const onHand = (stock: { available: number; reserved: number }) => ({
        available_quantity: stock.available,
        reserved_quantity: stock.reserved,
        total_quantity: stock.available + stock.reserved,
      });
      return ok({
        inventory: rows.slice(offset, offset + size).map((r) => ({
          fbt_warehouse_id: r.warehouse,
          goods: {
            id: r.goodsId,
            name: shop.products.get(r.sku.productId)!.title,
            reference_code: r.sku.sellerSku,
            skus: [{ id: r.sku.skuId, on_hand_detail: onHand(r.stock) }],
          },
          in_transit_quantity: 0,
          on_hand_detail: { ...onHand(r.stock), unfulfillable_quantity: 0 },
        })),
        total_count: rows.length,
        next_page_token: offset + size < rows.length ? ORDER_PAGE_TOKEN(offset + size) : "",
      });
    },
  },
  // Event API 202309 (webhooks.ts): the shop's webhook addresses, per event type.
  { name: "getShopWebhooks", method: "GET", pattern: /^\/event\/202309\/webhooks$/, shopScoped: true, handle: (shop) => webhooksOf(shop).list() },
  {
    name: "updateShopWebhook",
    method: "PUT",
    pattern: /^\/event\/202309\/webhooks$/,
    shopScoped: true,
    handle: (shop, request) => webhooksOf(shop).update(request.body),
  },
  {
    name: "deleteShopWebhook",
    method: "DELETE",
    pattern: /^\/event\/202309\/webhooks$/,
    shopScoped: true,
    handle: (shop, request) => webhooksOf(shop).delete(request.body),
  },
];

/** The FBT goods id of a SKU TikTok fulfils (made up, as TikTok assigns its own). */
const fbtGoodsId = (skuId: string) => `9${skuId}`;

export function routeFor(method: string, path: string): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match && route.method === method) return { route, params: match.slice(1).map(decodeURIComponent) };
  }
  return null;
}
