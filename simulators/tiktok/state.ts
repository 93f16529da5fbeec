// One simulated TikTok shop: its app credentials, its tokens, its products (with their content) and SKUs, its orders.
import { randomBytes } from "node:crypto";
import { DEFAULT_SHIP_TO_STATE, salesTax } from "../common/sales-tax";

export interface TikTokProductSpec {
  productId: string;
  skuId: string;
  sellerSku: string;
  quantity: number;
  priceCents: number;
  /** The product's content before Anchorline touches it (the first SKU of a product that gives it wins). */
  title?: string;
  description?: string;
  /** The product's status (Search Products' list; the first SKU of a product that gives it wins). Default ACTIVATE. */
  productStatus?: ProductStatus;
  /** The SKU's barcode as Get Product shows it (`skus[].identifier_code`); most SKUs have none. */
  identifierCode?: { code: string; type: "GTIN" | "EAN" | "UPC" | "ISBN" | "JAN" };
  /**
   * Units TikTok holds for the SKU in its FBT warehouses (Fulfilled by TikTok), by FBT warehouse
   * id: set only for a SKU TikTok fulfils, which Search FBT Inventory then lists.
   */
  fbtStock?: Record<string, number>;
}

/**
 * A product's status, as Search Products filters and answers it ("Possible values: DRAFT, PENDING,
 * FAILED, ACTIVATE, SELLER_DEACTIVATED, PLATFORM_DEACTIVATED, FREEZE, DELETED": the SDK's
 * Product202309SearchProductsResponseDataProducts).
 */
export const PRODUCT_STATUSES = ["DRAFT", "PENDING", "FAILED", "ACTIVATE", "SELLER_DEACTIVATED", "PLATFORM_DEACTIVATED", "FREEZE", "DELETED"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** What a product shows buyers, one per product whatever its SKUs. */
export interface TikTokProductContent {
  title: string;
  description: string;
  status: ProductStatus;
  /** Unix seconds: created (the order Search Products lists products in) and last changed. */
  createTime: number;
  updateTime: number;
  /** Partial edits accepted for this product (each one re-audited by TikTok). */
  edits: number;
  /**
   * Why TikTok's audit failed or the platform deactivated the product, as Get Product's
   * `audit_failed_reasons` (the SDK's Product202309GetProductResponseDataAuditFailedReasons:
   * position, reasons[], suggestions[]). Empty: nothing to say.
   */
  auditFailedReasons: { position: string; reasons: string[]; suggestions: string[] }[];
}

export interface TikTokShopSpec {
  appKey: string;
  appSecret: string;
  shopCipher: string;
  accessToken: string;
  refreshToken: string;
  products: TikTokProductSpec[];
  currency?: string;
}

export interface TikTokSku extends TikTokProductSpec {
  currency: string;
  /** Per FBT warehouse: units TikTok can sell, and units of FBT orders it has not shipped yet. */
  fbt?: Map<string, { available: number; reserved: number }>;
}

/** The FBT warehouse a SKU's units sit in when a test names none (id made up). */
export const DEFAULT_FBT_WAREHOUSE = "7300000000000000001";

/** Who ships: the seller from its own warehouse, or TikTok from its FBT warehouse (order `fulfillment_type`). */
export type FulfillmentType = "FULFILLMENT_BY_SELLER" | "FULFILLMENT_BY_TIKTOK";
/** Order and line item status as Get Order List names them (the ones the simulator reaches). */
export type TikTokOrderStatus = "AWAITING_SHIPMENT" | "AWAITING_COLLECTION" | "IN_TRANSIT" | "CANCELLED";
export type ShippingType = "TIKTOK" | "SELLER";

/** The shop's seller-shipping delivery option and its providers (ids made up; TikTok's are per market). */
export const SEND_BY_SELLER_OPTION = "7208502187360126763";
export const SHIPPING_PROVIDERS: ReadonlyArray<{ id: string; name: string }> = [
  { id: "6617675021119438849", name: "USPS" },
  { id: "6617675021119438850", name: "UPS" },
  { id: "6617675021119438851", name: "FedEx" },
  { id: "6617675021119438852", name: "DHL eCommerce" },
  { id: "6617675021119438853", name: "OnTrac" },
];

/** Line item `cancel_user` / order `cancellation_initiator`. */
export type CancelUser = "BUYER" | "SELLER" | "SYSTEM";

/** One unit sold: TikTok lists one line item per unit, each with its own status. */
export interface TikTokLineItemRecord {
  id: string;
  skuId: string;
  unitPriceCents: number;
  /** The unit's sales tax (`item_tax[].tax_amount`), charged at checkout for the order's ship-to state. */
  taxCents: number;
  /** Line item `display_status`. */
  status: TikTokOrderStatus;
  cancelUser?: CancelUser;
  cancelReason?: string;
}

export interface TikTokOrderRecord {
  id: string;
  /** Epoch seconds, as TikTok's create_time. */
  createTime: number;
  /** Epoch seconds of the last change (update_time): creation, then every cancellation. */
  updateTime: number;
  /** CANCELLED once every line item is cancelled; IN_TRANSIT / AWAITING_COLLECTION once its package ships. */
  status: TikTokOrderStatus;
  fulfillmentType: FulfillmentType;
  /** `shipping_type`: TIKTOK (TikTok's label, handed over by PICKUP/DROP_OFF) or SELLER (the seller's own carrier and tracking number). */
  shippingType: ShippingType;
  /** One package per order (`packages[].id`, line items' `package_id`); splitting is not modelled. */
  packageId: string;
  /** `delivery_option_id`: the seller-shipping option whose providers Get Shipping Providers lists. */
  deliveryOptionId: string;
  /** What Ship Package / Update Package Shipping Info recorded. */
  shipment?: { shippingProviderId: string; shippingProviderName: string; trackingNumber: string; shippedAt: number };
  lineItems: TikTokLineItemRecord[];
  oversold: boolean;
  buyerName: string;
  /** The US state the order ships to (`recipient_address`), which sets its sales tax. */
  shipToState: string;
  /** Its sales tax rate there (common/sales-tax.ts), as `item_tax[].tax_rate` says it. */
  taxRate: number;
  cancelTime?: number;
  cancellationInitiator?: CancelUser;
  cancelReason?: string;
}

export interface BuyerLine {
  skuId: string;
  quantity: number;
}

/** A buyer's checkout: one SKU (`skuId`, `quantity`) or several (`lines`). */
export type BuyerOrder = (BuyerLine | { lines: BuyerLine[] }) & {
  buyerName?: string;
  /** A US state of common/sales-tax.ts (default CA): sets the sales tax TikTok charges. */
  shipToState?: string;
  createTime?: number;
  /** FULFILLMENT_BY_TIKTOK: shipped from TikTok's warehouse, the seller's stock is not touched. Default: by seller. */
  fulfillmentType?: FulfillmentType;
  /** TIKTOK (default, as most US orders) or SELLER: who buys the label. */
  shippingType?: ShippingType;
};

/** A cancellation after the order was placed (before it ships). */
export interface BuyerCancellation {
  /**
   * Cancel only this many units (line items) of `skuId` (a partial cancellation); left out, the
   * whole order. Cancelling the last active units cancels the order.
   */
  units?: number;
  /** Which SKU's units a partial cancellation takes; needed when the order has several SKUs. */
  skuId?: string;
  /** Default BUYER. */
  by?: CancelUser;
  reason?: string;
  /** Epoch seconds of the change (the order's new update_time); now when left out. */
  at?: number;
}

/** Search Returns `return_type`: a refund without sending anything back, or a return then a refund. */
export type ReturnType = "REFUND" | "RETURN_AND_REFUND";
/**
 * Search Returns `return_status` (the request filter's list). Our reading of the steps: the seller
 * approves a RETURN_AND_REFUND (AWAITING_BUYER_SHIP), the buyer ships it (BUYER_SHIPPED_ITEM), the
 * seller receives it and accepts it (RETURN_OR_REFUND_REQUEST_SUCCESS: received, refund under way)
 * or refuses the parcel (REJECT_RECEIVE_PACKAGE), and the refund completes
 * (RETURN_OR_REFUND_REQUEST_COMPLETE). A REFUND has no parcel: approved (SUCCESS), then refunded.
 */
export const RETURN_STATUSES = [
  "RETURN_OR_REFUND_REQUEST_PENDING",
  "REFUND_OR_RETURN_REQUEST_REJECT",
  "AWAITING_BUYER_SHIP",
  "BUYER_SHIPPED_ITEM",
  "REJECT_RECEIVE_PACKAGE",
  "RETURN_OR_REFUND_REQUEST_SUCCESS",
  "RETURN_OR_REFUND_REQUEST_CANCEL",
  "RETURN_OR_REFUND_REQUEST_COMPLETE",
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** The steps a return may take from each status, by type. */
const RETURN_STEPS: Record<ReturnType, Partial<Record<ReturnStatus, ReturnStatus[]>>> = {
  RETURN_AND_REFUND: {
    RETURN_OR_REFUND_REQUEST_PENDING: ["AWAITING_BUYER_SHIP", "REFUND_OR_RETURN_REQUEST_REJECT", "RETURN_OR_REFUND_REQUEST_CANCEL"],
    AWAITING_BUYER_SHIP: ["BUYER_SHIPPED_ITEM", "RETURN_OR_REFUND_REQUEST_CANCEL"],
    BUYER_SHIPPED_ITEM: ["RETURN_OR_REFUND_REQUEST_SUCCESS", "REJECT_RECEIVE_PACKAGE"],
    RETURN_OR_REFUND_REQUEST_SUCCESS: ["RETURN_OR_REFUND_REQUEST_COMPLETE"],
  },
  REFUND: {
    RETURN_OR_REFUND_REQUEST_PENDING: ["RETURN_OR_REFUND_REQUEST_SUCCESS", "REFUND_OR_RETURN_REQUEST_REJECT", "RETURN_OR_REFUND_REQUEST_CANCEL"],
    RETURN_OR_REFUND_REQUEST_SUCCESS: ["RETURN_OR_REFUND_REQUEST_COMPLETE"],
  },
};

/** A return that ended without anything sent back or refunded: its line items may be asked for again. */
const RETURN_ENDED_EMPTY: ReadonlySet<ReturnStatus> = new Set(["REFUND_OR_RETURN_REQUEST_REJECT", "RETURN_OR_REFUND_REQUEST_CANCEL", "REJECT_RECEIVE_PACKAGE"]);

/** One buyer return or refund request (Search Returns `return_orders[]`), over some line items (units) of one order. */
export interface TikTokReturnRecord {
  id: string;
  orderId: string;
  type: ReturnType;
  status: ReturnStatus;
  /** The order's line items (one per unit) it covers: `return_line_items[].order_line_item_id`. */
  lineItemIds: string[];
  reason: string;
  createTime: number;
  updateTime: number;
}

/** A buyer's request after the order shipped. */
export interface BuyerReturn {
  type: ReturnType;
  /** Units (line items) of `skuId`; left out, every unit of the order not cancelled or returned. */
  units?: number;
  skuId?: string;
  reason?: string;
  /** Epoch seconds of the request (the order's new update_time); now when left out. */
  at?: number;
}

/** TikTok access tokens last 7 days (access_token_expire_in in the token answer). */
export const ACCESS_TOKEN_TTL_SECONDS = 7 * 86_400;
const REFRESH_TOKEN_TTL_SECONDS = 365 * 86_400;

export class TikTokShop {
  readonly skus = new Map<string, TikTokSku>();
  readonly products = new Map<string, TikTokProductContent>();
  readonly orders: TikTokOrderRecord[] = [];
  readonly returns: TikTokReturnRecord[] = [];
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: number;
  revoked = false;
  readonly authCodes = new Set<string>();
  private orderSeq = 0;
  private returnSeq = 0;

  constructor(readonly spec: TikTokShopSpec) {
    this.accessToken = spec.accessToken;
    this.refreshToken = spec.refreshToken;
    this.accessTokenExpiresAt = Math.floor(Date.now() / 1000) + ACCESS_TOKEN_TTL_SECONDS;
    for (const p of spec.products) {
      const fbt = p.fbtStock && new Map(Object.entries(p.fbtStock).map(([warehouse, available]) => [warehouse, { available, reserved: 0 }]));
      this.skus.set(p.skuId, { ...p, currency: spec.currency ?? "USD", fbt });
      if (!this.products.has(p.productId)) {
        const createTime = Math.floor(Date.now() / 1000) - spec.products.length + this.products.size;
        this.products.set(p.productId, {
          title: p.title ?? `Product ${p.productId}`,
          description: p.description ?? "",
          status: p.productStatus ?? "ACTIVATE",
          createTime,
          updateTime: createTime,
          edits: 0,
          auditFailedReasons: [],
        });
      }
    }
  }

  /** The seller edits a SKU's quantity or price in Seller Center, outside Anchorline. */
  editByHand(skuId: string, edit: { quantity?: number; priceCents?: number }): void {
    const sku = this.skus.get(skuId);
    if (!sku) throw new Error(`TikTok simulator: no SKU ${skuId}`);
    if (edit.quantity !== undefined) sku.quantity = edit.quantity;
    if (edit.priceCents !== undefined) sku.priceCents = edit.priceCents;
    this.products.get(sku.productId)!.updateTime = Math.floor(Date.now() / 1000);
  }

  /** The product's status changes (the seller or TikTok deactivates it, its audit fails), with TikTok's reasons. */
  setProductStatus(productId: string, status: ProductStatus, reasons: string[] = []): void {
    const product = this.products.get(productId);
    if (!product) throw new Error(`TikTok simulator: no product ${productId}`);
    product.status = status;
    product.auditFailedReasons = reasons.length ? [{ position: "product", reasons, suggestions: [] }] : [];
    product.updateTime = Math.floor(Date.now() / 1000);
  }

  skusOf(productId: string): TikTokSku[] {
    return [...this.skus.values()].filter((s) => s.productId === productId);
  }

  /** The test's hook: TikTok's count of the SKU's sellable units in one FBT warehouse changes (received, recounted). */
  setFbtQuantity(skuId: string, available: number, fbtWarehouseId = DEFAULT_FBT_WAREHOUSE): void {
    const sku = this.skus.get(skuId);
    if (!sku) throw new Error(`TikTok simulator: no SKU ${skuId} in ${this.spec.shopCipher}`);
    if (!Number.isInteger(available) || available < 0) throw new Error(`TikTok simulator: FBT quantity ${available} is not a whole number of at least 0`);
    sku.fbt ??= new Map();
    const stock = sku.fbt.get(fbtWarehouseId);
    if (stock) stock.available = available;
    else sku.fbt.set(fbtWarehouseId, { available, reserved: 0 });
  }

  /** New tokens, as a refresh or an authorization code exchange hands out; the old access token dies. */
  rotateTokens() {
    this.accessToken = `TTP_${randomBytes(16).toString("base64url")}`;
    this.refreshToken = `TTP_${randomBytes(16).toString("base64url")}`;
    const now = Math.floor(Date.now() / 1000);
    this.accessTokenExpiresAt = now + ACCESS_TOKEN_TTL_SECONDS;
    return {
      access_token: this.accessToken,
      access_token_expire_in: this.accessTokenExpiresAt,
      refresh_token: this.refreshToken,
      refresh_token_expire_in: now + REFRESH_TOKEN_TTL_SECONDS,
      open_id: `open_${this.spec.shopCipher}`,
      seller_name: `Shop ${this.spec.shopCipher}`,
      seller_base_region: "US",
      user_type: 0,
    };
  }

  /**
   * A simulated buyer: each SKU is decremented (never below 0; not for FBT orders, whose units
   * are TikTok's), an order is created with one line item per unit.
   */
  placeOrder(order: BuyerOrder): TikTokOrderRecord {
    const lines = "lines" in order ? order.lines : [{ skuId: order.skuId, quantity: order.quantity }];
    if (!lines.length || lines.some((l) => !Number.isInteger(l.quantity) || l.quantity < 1))
      throw new Error("TikTok simulator: an order needs at least one line of 1 or more units");
    const fulfillmentType = order.fulfillmentType ?? "FULFILLMENT_BY_SELLER";
    const shipToState = order.shipToState ?? DEFAULT_SHIP_TO_STATE;
    const taxRate = salesTax(shipToState, 0).rate;
    this.orderSeq += 1;
    const id = String(576_000_000_000_000_000n + BigInt(this.orderSeq));
    let oversold = false;
    const lineItems: TikTokLineItemRecord[] = [];
    for (const line of lines) {
      const sku = this.skus.get(line.skuId);
      if (!sku) throw new Error(`TikTok simulator: no SKU ${line.skuId} in ${this.spec.shopCipher}`);
      if (fulfillmentType === "FULFILLMENT_BY_SELLER") {
        oversold ||= line.quantity > sku.quantity;
        sku.quantity = Math.max(0, sku.quantity - line.quantity);
      } else {
        // TikTok ships from the FBT warehouses holding the SKU, in turn: its units move from
        // available to reserved until the package ships.
        let left = line.quantity;
        for (const stock of sku.fbt?.values() ?? []) {
          const taken = Math.min(left, stock.available);
          stock.available -= taken;
          stock.reserved += taken;
          left -= taken;
        }
      }
      for (let unit = 0; unit < line.quantity; unit++)
        lineItems.push({
          id: `${id}${lineItems.length}`,
          skuId: sku.skuId,
          unitPriceCents: sku.priceCents,
          // Each line item is one unit and carries its own tax, rounded per unit.
          taxCents: salesTax(shipToState, sku.priceCents).cents,
          status: "AWAITING_SHIPMENT",
        });
    }
    const createTime = order.createTime ?? Math.floor(Date.now() / 1000);
    const record: TikTokOrderRecord = {
      id,
      createTime,
      updateTime: createTime,
      status: "AWAITING_SHIPMENT",
      fulfillmentType,
      shippingType: order.shippingType ?? "TIKTOK",
      packageId: String(1_152_000_000_000_000_000n + BigInt(this.orderSeq)),
      deliveryOptionId: SEND_BY_SELLER_OPTION,
      lineItems,
      oversold,
      buyerName: order.buyerName ?? "Sam Buyer",
      shipToState,
      taxRate,
    };
    this.orders.push(record);
    return record;
  }

  /**
   * A cancellation before shipping: the line items named (all of them, or `units` of `skuId`) turn
   * CANCELLED with their cancel_user, the order's update_time moves, the units go back to the SKU
   * (seller-fulfilled orders), and the order turns CANCELLED when no line item is left active.
   */
  cancelOrder(orderId: string, cancellation: BuyerCancellation = {}): TikTokOrderRecord {
    const order = this.orders.find((o) => o.id === orderId);
    if (!order) throw new Error(`TikTok simulator: no order ${orderId} in ${this.spec.shopCipher}`);
    if (order.status !== "AWAITING_SHIPMENT") throw new Error(`TikTok simulator: order ${orderId} is ${order.status}, not AWAITING_SHIPMENT`);
    const active = order.lineItems.filter((i) => i.status === "AWAITING_SHIPMENT");
    let targets = active;
    if (cancellation.units !== undefined) {
      const skuIds = new Set(active.map((i) => i.skuId));
      const skuId = cancellation.skuId ?? (skuIds.size === 1 ? [...skuIds][0] : undefined);
      if (!skuId) throw new Error(`TikTok simulator: order ${orderId} has several SKUs; name the skuId to cancel units of`);
      const ofSku = active.filter((i) => i.skuId === skuId);
      if (!Number.isInteger(cancellation.units) || cancellation.units < 1 || cancellation.units > ofSku.length)
        throw new Error(`TikTok simulator: order ${orderId} has ${ofSku.length} active units of ${skuId}, cannot cancel ${cancellation.units}`);
      targets = ofSku.slice(ofSku.length - cancellation.units);
    }
    const by = cancellation.by ?? "BUYER";
    const reason = cancellation.reason ?? "No longer needed";
    for (const item of targets) {
      item.status = "CANCELLED";
      item.cancelUser = by;
      item.cancelReason = reason;
      const sku = this.skus.get(item.skuId);
      if (sku && order.fulfillmentType === "FULFILLMENT_BY_SELLER") sku.quantity += 1;
    }
    const at = cancellation.at ?? Math.floor(Date.now() / 1000);
    order.updateTime = Math.max(order.updateTime, at);
    if (order.lineItems.every((i) => i.status === "CANCELLED")) {
      order.status = "CANCELLED";
      order.cancelTime = order.updateTime;
      order.cancellationInitiator = by;
      order.cancelReason = reason;
    }
    return order;
  }

  /**
   * The package ships: its active line items and the order turn IN_TRANSIT (the seller's own
   * carrier, with its tracking number) or AWAITING_COLLECTION (TikTok's carrier collects), and the
   * order's update_time moves.
   */
  shipPackage(order: TikTokOrderRecord, status: "IN_TRANSIT" | "AWAITING_COLLECTION", shipment: NonNullable<TikTokOrderRecord["shipment"]>) {
    for (const item of order.lineItems) if (item.status === "AWAITING_SHIPMENT") item.status = status;
    order.status = status;
    order.shipment = shipment;
    order.updateTime = Math.max(order.updateTime, shipment.shippedAt);
  }

  /**
   * The buyer asks for a refund or a return of units of a shipped order (`units` of `skuId`, or
   * every unit not cancelled and not already in a return that is still open or went through): a
   * return in RETURN_OR_REFUND_REQUEST_PENDING, and the order's update_time moves. Refused before
   * the order ships (that is a cancellation) and for units it does not have.
   */
  requestReturn(orderId: string, request: BuyerReturn): TikTokReturnRecord {
    const order = this.orders.find((o) => o.id === orderId);
    if (!order) throw new Error(`TikTok simulator: no order ${orderId} in ${this.spec.shopCipher}`);
    if (order.status === "AWAITING_SHIPMENT" || order.status === "CANCELLED")
      throw new Error(`TikTok simulator: order ${orderId} is ${order.status}; a return needs a shipped order`);
    const taken = new Set(this.returns.filter((r) => r.orderId === orderId && !RETURN_ENDED_EMPTY.has(r.status)).flatMap((r) => r.lineItemIds));
    const open = order.lineItems.filter((i) => i.status !== "CANCELLED" && !taken.has(i.id) && (!request.skuId || i.skuId === request.skuId));
    const units = request.units ?? open.length;
    if (!Number.isInteger(units) || units < 1 || units > open.length)
      throw new Error(
        `TikTok simulator: order ${orderId} has ${open.length} units that can be returned${request.skuId ? ` of ${request.skuId}` : ""}, not ${units}`,
      );
    const at = request.at ?? Math.floor(Date.now() / 1000);
    this.returnSeq += 1;
    const record: TikTokReturnRecord = {
      id: String(4_035_000_000_000_000_000n + BigInt(this.returnSeq)),
      orderId,
      type: request.type,
      status: "RETURN_OR_REFUND_REQUEST_PENDING",
      lineItemIds: open.slice(0, units).map((i) => i.id),
      reason: request.reason ?? "ecom_order_delivered_refund_and_return_reason_not_as_described",
      createTime: at,
      updateTime: at,
    };
    this.returns.push(record);
    order.updateTime = Math.max(order.updateTime, at);
    return record;
  }

  /** The return takes its next step (RETURN_STEPS); the return's and the order's update_time move. */
  advanceReturn(returnId: string, status: ReturnStatus, at = Math.floor(Date.now() / 1000)): TikTokReturnRecord {
    const record = this.returns.find((r) => r.id === returnId);
    if (!record) throw new Error(`TikTok simulator: no return ${returnId} in ${this.spec.shopCipher}`);
    if (!RETURN_STEPS[record.type][record.status]?.includes(status))
      throw new Error(`TikTok simulator: a ${record.type} return in ${record.status} cannot go to ${status}`);
    record.status = status;
    record.updateTime = Math.max(record.updateTime, at);
    const order = this.orders.find((o) => o.id === record.orderId)!;
    order.updateTime = Math.max(order.updateTime, record.updateTime);
    return record;
  }
}
