// The request shapes the TikTok Shop simulator accepts. TikTok publishes no machine-readable
// spec (simulators/contracts/SOURCES.md, "Not found"), so these are written from its Partner Center
// reference pages for API version 202309 (titles as TikTok gives them), cross-checked against
// the model classes of TikTok's generated Node SDK named in SOURCES.md:
//   - "Sign your API request"            common query: app_key, timestamp, sign (+ shop_cipher)
//   - "Update Inventory" (202309)        POST /product/202309/products/{product_id}/inventory/update
//   - "Update Price" (202309)            POST /product/202309/products/{product_id}/prices/update
//   - "Inventory Search" (202309)        POST /product/202309/inventory/search
//   - "Get Product" (202309)             GET  /product/202309/products/{product_id}
//   - "Partial Edit Product" (202309)    POST /product/202309/products/{product_id}/partial_edit
//   - "Get Order List" (202309)          POST /order/202309/orders/search
//   - "Get Authorized Shops" (202309)    GET  /authorization/202309/shops
//   - "Get Order Detail" (202309)        GET  /order/202309/orders?ids=
//   - "Get Shipping Providers" (202309)  GET  /logistics/202309/delivery_options/{delivery_option_id}/shipping_providers
//   - "Ship Package" (202309)            POST /fulfillment/202309/packages/{package_id}/ship
//   - "Update Package Shipping Info" (202309) POST /fulfillment/202309/packages/{package_id}/shipping_info/update
//   - "Cancel Order" (202309)            POST /return_refund/202309/cancellations
//   - "Search Returns" (202309)          POST /return_refund/202309/returns/search
//                                        (body: ReturnRefund202309SearchReturnsRequestBody of the SDK)
//   - "Search Products" (202309)         POST /product/202309/products/search (query page_size 1-100,
//                                        page_token, category_version; body status, seller_skus,
//                                        create_time_ge/_le, update_time_ge/_le: SearchProductsRequestBody of the SDK)
//   - "Search FBT Inventory" (202408)    POST /fbt/202408/inventory/search (Fulfilled by TikTok; query
//                                        page_size 1-100, page_token; body fbt_warehouse_ids, goods_ids,
//                                        sku_ids: SearchFBTInventoryRequestBody of the SDK)
//   - "Authorization overview"           GET  /api/v2/token/get, /api/v2/token/refresh (auth host)
import { z } from "zod";
import { PRODUCT_STATUSES, RETURN_STATUSES } from "./state";

const digits = z.string().regex(/^\d+$/, "must be a decimal number");
/** Prices are decimal strings ("12.99"), not numbers. */
const decimalString = z.string().regex(/^\d+(\.\d{1,2})?$/, "must be a decimal string like 12.99");

export const commonQuery = z.object({
  app_key: z.string().min(1),
  timestamp: digits,
  sign: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"),
});

export const updateInventoryBody = z.object({
  skus: z
    .array(
      z.object({
        id: z.string().min(1),
        inventory: z.array(z.object({ warehouse_id: z.string().optional(), quantity: z.number().int().min(0) })).min(1),
      }),
    )
    .min(1),
});

export const updatePriceBody = z.object({
  skus: z
    .array(
      z.object({
        id: z.string().min(1),
        price: z.object({ amount: decimalString, currency: z.string().length(3), sale_price: decimalString.optional() }),
      }),
    )
    .min(1),
});

/**
 * Partial Edit Product: every top-level property optional, omitted ones left as they are. The
 * title's length is the US market's ("DE, ES, FR, IE, IT, JP, UK, US: [1, 255]"); the
 * description is HTML of at most 10,000 characters whose <img> must be TikTok-hosted. Properties
 * the simulator keeps no state for are taken as given; unknown ones are refused.
 */
export const partialEditBody = z
  .object({
    title: z.string().min(1).max(255).optional(),
    description: z
      .string()
      .max(10_000)
      .refine(
        (html) => ![...html.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/gi)].some((m) => !/^https:\/\/[^/]*(tiktokcdn|ibyteimg)/.test(m[1])),
        "<img> must use TikTok Shop image URLs",
      )
      .optional(),
    main_images: z
      .array(z.object({ uri: z.string().min(1) }))
      .min(1)
      .max(9)
      .optional(),
    brand_id: z.string().optional(),
    category_id: z.string().optional(),
    certifications: z.array(z.unknown()).optional(),
    external_product_id: z.string().max(999).optional(),
    is_cod_allowed: z.boolean().optional(),
    listing_platforms: z.array(z.string()).optional(),
    manufacturer_ids: z.array(z.string()).optional(),
    package_dimensions: z.unknown().optional(),
    package_weight: z.unknown().optional(),
    product_attributes: z.array(z.unknown()).optional(),
    replicated_products: z.array(z.unknown()).optional(),
    responsible_person_ids: z.array(z.string()).optional(),
    save_mode: z.enum(["AS_DRAFT", "LISTING"]).optional(),
    size_chart: z.unknown().optional(),
    skus: z.array(z.unknown()).optional(),
    video: z.unknown().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "at least one property to edit is required");

export const inventorySearchBody = z
  .object({ sku_ids: z.array(z.string()).optional(), product_ids: z.array(z.string()).optional() })
  .refine((b) => b.sku_ids?.length || b.product_ids?.length, "sku_ids or product_ids is required");

export const ordersSearchQuery = z.object({
  page_size: digits.refine((v) => Number(v) >= 1 && Number(v) <= 100, "must be 1-100"),
  page_token: z.string().optional(),
  sort_field: z.enum(["create_time", "update_time"]).optional(),
  sort_order: z.enum(["ASC", "DESC"]).optional(),
});

/**
 * A Search Orders time filter: Unix seconds, int64. A string or a fraction is refused with the
 * words TikTok answers ("param create_time_ge type invalid,actual type is:string,expected type
 * is:int64", quoted in EcomPHP/tiktokshop-php issue 23).
 */
const epochSeconds = (name: string) =>
  z
    .number({ error: (issue) => `param ${name} type invalid,actual type is:${typeof issue.input},expected type is:int64` })
    .int({ error: () => `param ${name} type invalid,actual type is:float,expected type is:int64` })
    .min(0, `param ${name} must not be negative`);

interface TimeRanges {
  create_time_ge?: number;
  create_time_lt?: number;
  update_time_ge?: number;
  update_time_lt?: number;
}

/** A search's `_ge` must be before its `_lt`, for creation and update times alike (Search Orders, Search Returns). */
function refuseEmptyTimeRanges(body: TimeRanges, ctx: z.RefinementCtx): void {
  for (const field of ["create_time", "update_time"] as const) {
    const from = body[`${field}_ge`];
    const to = body[`${field}_lt`];
    if (from !== undefined && to !== undefined && from >= to) {
      ctx.addIssue({ code: "custom", path: [`${field}_ge`], message: `${field}_ge must be earlier than ${field}_lt` });
    }
  }
}

/**
 * Search Orders filters: `*_ge` "on or after", `*_lt` "before" (Unix seconds). A range whose
 * `_ge` is not before its `_lt` is refused (our reading: TikTok's page does not say what it answers).
 */
export const ordersSearchBody = z
  .object({
    order_status: z.string().optional(),
    create_time_ge: epochSeconds("create_time_ge").optional(),
    create_time_lt: epochSeconds("create_time_lt").optional(),
    update_time_ge: epochSeconds("update_time_ge").optional(),
    update_time_lt: epochSeconds("update_time_lt").optional(),
  })
  .strict()
  .superRefine(refuseEmptyTimeRanges);

/** Get Order Detail: `ids`, comma-separated, "up to 50". */
export const orderDetailQuery = z.object({
  ids: z
    .string()
    .min(1, "ids is required")
    .refine((v) => v.split(",").length <= 50, "at most 50 ids"),
});

/**
 * Ship Package: `handover_method` PICKUP | DROP_OFF with an optional `pickup_slot` (TikTok's
 * carrier), or `self_shipment` { shipping_provider_id, tracking_number } for SEND_BY_SELLER
 * packages ("you must input a shipping_provider_id ... a tracking_number"). Unknown properties refused.
 */
export const shipPackageBody = z
  .object({
    handover_method: z.enum(["PICKUP", "DROP_OFF"]).optional(),
    pickup_slot: z.object({ start_time: z.number().int(), end_time: z.number().int() }).strict().optional(),
    self_shipment: z
      .object({ shipping_provider_id: digits, tracking_number: z.string().trim().min(1).max(100) })
      .strict()
      .optional(),
  })
  .strict();

/** Update Package Shipping Info: the new shipping_provider_id and tracking_number, both needed. */
export const updatePackageShippingInfoBody = z.object({ shipping_provider_id: digits, tracking_number: z.string().trim().min(1).max(100) }).strict();

/**
 * Cancel Order (by the seller): `order_id`, `cancel_reason` (a reason key of the "Return API
 * Overview" list), and for a partial cancellation `order_line_item_ids` or `skus` { sku_id, quantity }.
 * Requiring order_id and cancel_reason is our reading; the page marks neither.
 */
export const cancelOrderBody = z
  .object({
    order_id: digits,
    cancel_reason: z.string().regex(/^[a-z0-9_]+$/, "must be a cancel reason key such as seller_cancel_reason_out_of_stock"),
    order_line_item_ids: z.array(z.string().min(1)).min(1).optional(),
    skus: z
      .array(z.object({ sku_id: z.string().min(1), quantity: z.number().int().min(1) }).strict())
      .min(1)
      .optional(),
  })
  .strict()
  .refine((b) => !(b.order_line_item_ids && b.skus), "give order_line_item_ids or skus, not both");

/**
 * Search Returns query: page_size, page_token, sort_field (create_time, update_time), sort_order.
 * The 1-50 bound on page_size is our reading (Get Order List allows 100).
 */
export const returnsSearchQuery = z.object({
  page_size: digits.refine((v) => Number(v) >= 1 && Number(v) <= 50, "must be 1-50"),
  page_token: z.string().optional(),
  sort_field: z.enum(["create_time", "update_time"]).optional(),
  sort_order: z.enum(["ASC", "DESC"]).optional(),
});

/**
 * Search Returns filters, the properties of the SDK's request model and nothing else: ids are
 * lists of strings, statuses and types lists of TikTok's words, times Unix seconds as for orders.
 */
export const returnsSearchBody = z
  .object({
    order_ids: z.array(digits).min(1).optional(),
    return_ids: z.array(digits).min(1).optional(),
    buyer_user_ids: z.array(z.string().min(1)).optional(),
    return_status: z.array(z.enum(RETURN_STATUSES)).min(1).optional(),
    return_types: z
      .array(z.enum(["REFUND", "RETURN_AND_REFUND", "REPLACEMENT"]))
      .min(1)
      .optional(),
    arbitration_status: z.array(z.string().min(1)).optional(),
    seller_proposed_return_type: z.array(z.string().min(1)).optional(),
    locale: z.string().optional(),
    create_time_ge: epochSeconds("create_time_ge").optional(),
    create_time_lt: epochSeconds("create_time_lt").optional(),
    update_time_ge: epochSeconds("update_time_ge").optional(),
    update_time_lt: epochSeconds("update_time_lt").optional(),
  })
  .strict()
  .superRefine(refuseEmptyTimeRanges);

/**
 * Search Products query: page_size "The number of results to be returned per page. Valid range:
 * [1-100]" (required), page_token from a previous answer's next_page_token, category_version "v1"
 * or "v2" (US: v2, the 7-level category tree).
 */
export const productsSearchQuery = z.object({
  page_size: digits.refine((v) => Number(v) >= 1 && Number(v) <= 100, "must be 1-100"),
  page_token: z.string().optional(),
  category_version: z.enum(["v1", "v2"]).optional(),
});

/**
 * Search Products filters, the SDK request body's properties and nothing else: status ("Default:
 * ALL"), seller_skus, and creation and update times "on or after" (_ge) and "on or before" (_le),
 * Unix seconds as for orders.
 */
export const productsSearchBody = z
  .object({
    status: z.enum(["ALL", ...PRODUCT_STATUSES]).optional(),
    seller_skus: z.array(z.string().min(1)).min(1).optional(),
    create_time_ge: epochSeconds("create_time_ge").optional(),
    create_time_le: epochSeconds("create_time_le").optional(),
    update_time_ge: epochSeconds("update_time_ge").optional(),
    update_time_le: epochSeconds("update_time_le").optional(),
  })
  .strict();

/** Search FBT Inventory's query: "The number of results to be returned per page. Valid range: [1-100]." */
export const fbtInventorySearchQuery = z.object({
  page_size: digits.refine((v) => Number(v) >= 1 && Number(v) <= 100, "must be 1-100"),
  page_token: z.string().optional(),
});

/** Search FBT Inventory's filters, the SDK request body's properties and nothing else; none: everything. */
export const fbtInventorySearchBody = z
  .object({
    fbt_warehouse_ids: z.array(digits).min(1).optional(),
    goods_ids: z.array(digits).min(1).optional(),
    sku_ids: z.array(digits).min(1).optional(),
  })
  .strict();

export const tokenRefreshQuery = z.object({
  app_key: z.string().min(1),
  app_secret: z.string().min(1),
  refresh_token: z.string().min(1),
  grant_type: z.literal("refresh_token"),
});
export const tokenGetQuery = z.object({
  app_key: z.string().min(1),
  app_secret: z.string().min(1),
  auth_code: z.string().min(1),
  grant_type: z.literal("authorized_code"),
});

/** zod's complaints as one line for TikTok's `message`. */
export function reasons(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}
