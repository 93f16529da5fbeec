// An order as Get Order List (202309) returns it. TikTok lists one line item per unit sold, so
// an order of 3 units of one SKU has three line items; each carries its own display_status, and
// a cancelled one its cancel_user and cancel_reason (a partial cancellation cancels some of them).
// Field names from the Order202309GetOrderListResponseDataOrders / ...LineItems SDK models.
import type { TikTokOrderRecord, TikTokReturnRecord, TikTokShop } from "./state";

const money = (cents: number) => (cents / 100).toFixed(2);

/**
 * The order's sales tax as Get Order Detail (202309) carries it: per line item `item_tax[]` with
 * `tax_type` SALES_TAX ("US market sales tax. Currently only sales tax is available"), its
 * `tax_amount` and `tax_rate`; in `payment`, `product_tax` ("The tax on the total item price") and
 * `tax` ("Buyer paid total taxes for the order"), beside a `sub_total` that "for the US market ...
 * is pre-tax", and `total_amount = sub_total + shipping_fee + taxes + retail_delivery_fee`. The
 * rate is written as a decimal fraction ("0.0725"): the reference gives its type, not its form.
 * No shipping fee is charged, so there is no shipping_fee_tax.
 */
export function orderDocument(order: TikTokOrderRecord, shop: TikTokShop) {
  // What the buyer paid at checkout; a refund after a cancellation is not modelled here.
  const subTotal = order.lineItems.reduce((sum, i) => sum + i.unitPriceCents, 0);
  const tax = order.lineItems.reduce((sum, i) => sum + i.taxCents, 0);
  const currency = shop.skus.get(order.lineItems[0].skuId)!.currency;
  return {
    id: order.id,
    status: order.status,
    create_time: order.createTime,
    update_time: order.updateTime,
    fulfillment_type: order.fulfillmentType,
    // TikTok buys the label for most seller-shipped US orders too: shipping_type does not say who ships.
    shipping_type: order.shippingType,
    delivery_option_id: order.deliveryOptionId,
    packages: [{ id: order.packageId }],
    ...(order.shipment
      ? {
          tracking_number: order.shipment.trackingNumber,
          shipping_provider: order.shipment.shippingProviderName,
          shipping_provider_id: order.shipment.shippingProviderId,
        }
      : {}),
    is_buyer_request_cancel: false,
    ...(order.status === "CANCELLED"
      ? { cancel_time: order.cancelTime, cancellation_initiator: order.cancellationInitiator, cancel_reason: order.cancelReason }
      : {}),
    buyer_email: `buyer${order.id.slice(-4)}@scs.tiktokw.us`,
    payment: { currency, sub_total: money(subTotal), product_tax: money(tax), tax: money(tax), total_amount: money(subTotal + tax) },
    recipient_address: {
      name: order.buyerName,
      full_address: order.shipToState === "CA" ? "1 Main St, Culver City, CA 90230" : `1 Main St, Springfield, ${order.shipToState} 00000`,
      region_code: "US",
      postal_code: order.shipToState === "CA" ? "90230" : "00000",
    },
    line_items: order.lineItems.map((item) => {
      const sku = shop.skus.get(item.skuId)!;
      return {
        id: item.id,
        product_id: sku.productId,
        sku_id: sku.skuId,
        seller_sku: sku.sellerSku,
        sale_price: money(item.unitPriceCents),
        original_price: money(item.unitPriceCents),
        currency: sku.currency,
        ...(item.taxCents > 0 ? { item_tax: [{ tax_type: "SALES_TAX", tax_amount: money(item.taxCents), tax_rate: String(order.taxRate) }] } : {}),
        display_status: item.status,
        package_id: order.packageId,
        ...(order.shipment && item.status !== "CANCELLED"
          ? {
              tracking_number: order.shipment.trackingNumber,
              shipping_provider_id: order.shipment.shippingProviderId,
              shipping_provider_name: order.shipment.shippingProviderName,
            }
          : {}),
        ...(item.status === "CANCELLED" ? { cancel_user: item.cancelUser, cancel_reason: item.cancelReason } : {}),
      };
    }),
  };
}

/**
 * A return as Search Returns (202309) lists it (field names from the SDK's
 * ReturnRefund202309SearchReturnsResponseDataReturnOrders / ...ReturnLineItems): one
 * return_line_items entry per unit, each naming its order_line_item_id, sku_id and seller_sku.
 */
export function returnDocument(record: TikTokReturnRecord, shop: TikTokShop) {
  const order = shop.orders.find((o) => o.id === record.orderId)!;
  const items = record.lineItemIds.map((id) => order.lineItems.find((i) => i.id === id)!);
  const currency = shop.skus.get(items[0].skuId)!.currency;
  const refund = (cents: number) => ({ currency, refund_subtotal: money(cents), refund_shipping_fee: "0.00", refund_tax: "0.00", refund_total: money(cents) });
  return {
    return_id: record.id,
    order_id: record.orderId,
    role: "BUYER",
    return_type: record.type,
    return_status: record.status,
    return_reason: record.reason,
    return_reason_text: "Item not as described",
    create_time: record.createTime,
    update_time: record.updateTime,
    arbitration_status: "",
    ...(record.type === "RETURN_AND_REFUND" ? { shipment_type: "PLATFORM", handover_method: "DROP_OFF" } : {}),
    refund_amount: refund(items.reduce((sum, i) => sum + i.unitPriceCents, 0)),
    return_line_items: items.map((item, n) => {
      const sku = shop.skus.get(item.skuId)!;
      return {
        return_line_item_id: `${record.id}${n}`,
        order_line_item_id: item.id,
        sku_id: sku.skuId,
        seller_sku: sku.sellerSku,
        product_name: shop.products.get(sku.productId)?.title ?? "",
        sku_name: sku.sellerSku,
        refund_amount: refund(item.unitPriceCents),
      };
    }),
  };
}
