// An order as Get Order List (202309) returns it. TikTok lists one line item per unit sold, so
// an order of 3 units of one SKU has three line items.
import type { TikTokOrderRecord, TikTokShop } from "./state";

export function orderDocument(order: TikTokOrderRecord, shop: TikTokShop) {
  const sku = shop.skus.get(order.skuId)!;
  const price = (order.unitPriceCents / 100).toFixed(2);
  return {
    id: order.id,
    status: order.status,
    create_time: order.createTime,
    update_time: order.createTime,
    buyer_email: `buyer${order.id.slice(-4)}@scs.tiktokw.us`,
    payment: {
      currency: sku.currency,
      sub_total: ((order.unitPriceCents * order.quantity) / 100).toFixed(2),
      total_amount: ((order.unitPriceCents * order.quantity) / 100).toFixed(2),
    },
    recipient_address: { name: order.buyerName, full_address: "1 Main St, Culver City, CA 90230", region_code: "US", postal_code: "90230" },
    line_items: Array.from({ length: order.quantity }, (_, i) => ({
      id: `${order.id}${i}`,
      product_id: sku.productId,
      sku_id: sku.skuId,
      seller_sku: sku.sellerSku,
      sale_price: price,
      original_price: price,
      currency: sku.currency,
      display_status: order.status,
    })),
  };
}
