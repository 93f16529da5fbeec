// What the simulated eBay knows: seller accounts (with the app keys and refresh token each one
// granted), one listing per SKU (an inventory item and its published offer), the orders buyers
// placed, and how often each listing was revised today.
import { randomBytes } from "node:crypto";
import { DEFAULT_SHIP_TO_STATE, salesTax } from "../common/sales-tax";
import { malformedEbayOrders, type EbayMalformation } from "./malformed-orders";

/**
 * "Each listing can be revised up to 250 times in one calendar day" (Inventory API definition,
 * bulkUpdatePriceQuantity description, sell_inventory_v1_oas3.json 1.18.0). eBay does not say
 * which time zone its calendar day is in; the simulator counts UTC days, as the connector does.
 */
export const REVISIONS_PER_LISTING_PER_DAY = 250;

export interface SimListingSeed {
  sku: string;
  /** The SKU's offer; left out with `offer: false`. */
  offerId?: string;
  /**
   * false: an inventory item the seller has not offered yet (no offer, so no price and no
   * listing; getOffers finds none). Default: one published offer.
   */
  offer?: false;
  /** The inventory item's ship-to-home quantity, and the offer's availableQuantity unless `offerQuantity` says otherwise. */
  quantity: number;
  offerQuantity?: number;
  priceCents: number;
  /** Defaults to the marketplace's currency. */
  currency?: string;
  title?: string;
  description?: string;
  aspects?: Record<string, string[]>;
  /** The product's identifiers, each an array as eBay's Product.upc, .ean and .isbn are. */
  upc?: string[];
  ean?: string[];
  isbn?: string[];
  /** Revisions already made today (to reach the daily cap without 250 calls). */
  revisionsToday?: number;
}

export interface SimAccountSeed {
  userId: string;
  marketplaceId: string;
  appId: string;
  certId: string;
  refreshToken: string;
  listings: SimListingSeed[];
  /** Scopes the seller consented to; defaults to the Inventory and Fulfillment scopes. */
  scopes?: string[];
}

export const API_SCOPE = "https://api.ebay.com/oauth/api_scope";
export const SELL_INVENTORY_SCOPE = "https://api.ebay.com/oauth/api_scope/sell.inventory";
export const SELL_FULFILLMENT_SCOPE = "https://api.ebay.com/oauth/api_scope/sell.fulfillment";

const CURRENCY_OF_MARKETPLACE: Record<string, string> = {
  EBAY_US: "USD",
  EBAY_MOTORS: "USD",
  EBAY_CA: "CAD",
  EBAY_GB: "GBP",
  EBAY_AU: "AUD",
  EBAY_DE: "EUR",
  EBAY_FR: "EUR",
  EBAY_IT: "EUR",
  EBAY_ES: "EUR",
};

export interface AccountRecord {
  userId: string;
  marketplaceId: string;
  appId: string;
  certId: string;
  refreshToken: string;
  refreshTokenRevoked: boolean;
  scopes: string[];
}

export interface ListingRecord {
  userId: string;
  sku: string;
  /** "" when the item has no offer (`offered` false). */
  offerId: string;
  /** The item has an offer (published); false: an inventory item only. */
  offered: boolean;
  listingId: string;
  marketplaceId: string;
  /** The inventory item's shipToLocationAvailability.quantity. */
  itemQuantity: number;
  /** The offer's availableQuantity. */
  offerQuantity: number;
  priceCents: number;
  currency: string;
  offerStatus: "PUBLISHED" | "UNPUBLISHED";
  /** eBay put the listing on hold for a policy violation (ListingDetails.listingOnHold): hidden, purchases blocked. */
  onHold?: boolean;
  /** The listing was ended (by the seller: ENDED, INACTIVE; by eBay: EBAY_ENDED), ListingStatusEnum's words. */
  ended?: EndedStatus;
  /** The inventory item's `product` container, kept as eBay would return it. */
  product: Record<string, unknown>;
  condition: string;
  revisionsByDay: Map<string, number>;
}

/** ListingStatusEnum values of a listing that no longer sells (https://developer.ebay.com/api-docs/sell/inventory/types/slr:ListingStatusEnum). */
export const ENDED_STATUSES = ["ENDED", "EBAY_ENDED", "INACTIVE"] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];

export interface OrderRecord {
  userId: string;
  orderId: string;
  sku: string;
  offerId: string;
  listingId: string;
  title: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
  createdAt: number;
  modifiedAt: number;
  cancelled: boolean;
  /** When the buyer asked to cancel (cancelState IN_PROGRESS until the cancellation completes). */
  cancelRequestedAt?: number;
  /** When the cancellation completed (cancelStatus.cancelledDate); the buyer is refunded in full. */
  cancelledAt?: number;
  /** The buyer took more than the listing had: the oversell the app must catch. */
  oversold: boolean;
  /** The US state the order ships to (shipTo.contactAddress.stateOrProvince), which sets its tax. */
  shipToState: string;
  /** The line's sales tax, charged at checkout, which eBay collects and remits ('eBay Collect and Remit'). */
  taxCents: number;
  /** Units the order took from the item and from the offer (never below zero), given back on cancel. */
  taken: { item: number; offer: number };
  buyerUsername: string;
  /** Shipping fulfillments the seller created (createShippingFulfillment), oldest first. */
  fulfillments: ShippingFulfillmentRecord[];
  /** Refunds of the line after it shipped (LineItemRefund), oldest first; amounts, never units. */
  lineRefunds: LineRefundRecord[];
  /** The seller's own cancellation (Post-Order POST /cancellation), when the seller cancelled it. */
  sellerCancellation?: { cancelId: string; reason?: string; at: number };
}

/** A simulated buyer's order: `quantity` units of one SKU, shipped to a US state of common/sales-tax.ts (CA when left out). */
export interface BuyerOrder {
  userId: string;
  sku: string;
  quantity: number;
  shipToState?: string;
}

/** One refund issued for the order's line: LineItemRefund in sell_fulfillment_v1_oas3.json. */
export interface LineRefundRecord {
  refundId: string;
  /** eBay's own reference (OrderRefund.refundReferenceId, "not returned until the refund has been issued"). */
  refundReferenceId: string;
  amountCents: number;
  refundedAt: number;
}

/** Cents refunded so far for the order's line (after shipping; a cancellation is refunded at order level). */
export const lineRefundedCents = (order: OrderRecord) => order.lineRefunds.reduce((n, r) => n + r.amountCents, 0);

/** One package the seller marked shipped: ShippingFulfillment in sell_fulfillment_v1_oas3.json. */
export interface ShippingFulfillmentRecord {
  fulfillmentId: string;
  lineItems: Array<{ lineItemId: string; quantity: number }>;
  shippedDate: string;
  shippingCarrierCode?: string;
  shipmentTrackingNumber?: string;
}

/**
 * One return request (Post-Order API, ReturnSummaryType and ReturnDetailType): the buyer sends
 * `quantity` units of the order's line back. `state` takes ReturnStateEnum values, `status`
 * ReturnStatusEnum values; `history` is the detail's responseHistory, oldest first.
 */
export interface ReturnRecord {
  returnId: string;
  userId: string;
  orderId: string;
  /** The listing (ReturnItemType.itemId) and the line item's transaction (transactionId: the line item id). */
  itemId: string;
  transactionId: string;
  quantity: number;
  reason: string;
  createdAt: number;
  state: string;
  status: string;
  history: Array<{ activity: string; author: "BUYER" | "SELLER" | "SYSTEM"; at: number; fromState: string; toState: string }>;
  deliveredAt?: number;
  refund?: { amountCents: number; at: number };
}

/** The return states a return walks through to its parcel back at the seller (ReturnStateEnum), with the activity and status of each step. */
const RETURN_STEPS = [
  { toState: "ITEM_READY_TO_SHIP", status: "READY_FOR_SHIPPING", activity: "SELLER_APPROVE_REQUEST", author: "SELLER" },
  { toState: "ITEM_SHIPPED", status: "ITEM_SHIPPED", activity: "BUYER_MARK_RETURN_SHIPPED", author: "BUYER" },
  { toState: "ITEM_DELIVERED", status: "ITEM_DELIVERED", activity: "NOTIFIED_DELIVERED", author: "SYSTEM" },
] as const;

/** The order's one line item id (the simulator's orders have one line each). */
export const lineItemIdOf = (order: Pick<OrderRecord, "orderId">) => `${order.orderId.replace(/-/g, "")}1`;

/** Units of the order's line in its shipping fulfillments. */
export const shippedUnits = (order: OrderRecord) => order.fulfillments.reduce((n, f) => n + f.lineItems.reduce((m, l) => m + l.quantity, 0), 0);

/** OrderFulfillmentStatus: NOT_STARTED, IN_PROGRESS (some units shipped) or FULFILLED. */
export function fulfillmentStatusOf(order: OrderRecord): "NOT_STARTED" | "IN_PROGRESS" | "FULFILLED" {
  const shipped = shippedUnits(order);
  return shipped === 0 ? "NOT_STARTED" : shipped >= order.quantity ? "FULFILLED" : "IN_PROGRESS";
}

export interface AccessTokenRecord {
  userId: string;
  appId: string;
  scopes: string[];
  expiresAt: number;
}

/** An application token (client credentials grant): the app's, no seller's. */
export interface ApplicationTokenRecord {
  appId: string;
  scopes: string[];
  expiresAt: number;
}

/** The public view of one listing, for tests and the demo. */
export interface ListingView {
  userId: string;
  sku: string;
  offerId: string;
  /** What the listing shows buyers. */
  quantity: number;
  itemQuantity: number;
  offerQuantity: number;
  priceCents: number;
  currency: string;
  status: string;
  title?: string;
  description?: string;
  aspects?: Record<string, string[]>;
}

export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export class EbaySimState {
  readonly accounts = new Map<string, AccountRecord>();
  readonly orders: OrderRecord[] = [];
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly applicationTokens = new Map<string, ApplicationTokenRecord>();
  /** Called after each order a buyer places (the Notification API's ORDER_CONFIRMATION). */
  readonly orderPlacedListeners: Array<(order: OrderRecord) => void> = [];
  /** Buyers' return requests (Post-Order API), oldest first. */
  readonly returnRequests: ReturnRecord[] = [];
  /** The orders a test asked getOrders to send malformed (malformOrder). */
  readonly malformedOrders = malformedEbayOrders();
  private readonly listingsByKey = new Map<string, ListingRecord>();
  private orderSeq = 0;
  private postOrderSeq = 0;

  constructor(
    seeds: SimAccountSeed[],
    readonly now: () => number,
  ) {
    for (const seed of seeds) {
      this.accounts.set(seed.userId, {
        userId: seed.userId,
        marketplaceId: seed.marketplaceId,
        appId: seed.appId,
        certId: seed.certId,
        refreshToken: seed.refreshToken,
        refreshTokenRevoked: false,
        scopes: seed.scopes ?? [API_SCOPE, SELL_INVENTORY_SCOPE, SELL_FULFILLMENT_SCOPE],
      });
      seed.listings.forEach((l, i) => this.addListing(seed, l, i));
    }
  }

  private addListing(account: SimAccountSeed, seed: SimListingSeed, index: number) {
    const product: Record<string, unknown> = { title: seed.title ?? `Item ${seed.sku}` };
    if (seed.description !== undefined) product.description = seed.description;
    if (seed.aspects !== undefined) product.aspects = seed.aspects;
    for (const identifier of ["upc", "ean", "isbn"] as const) if (seed[identifier]) product[identifier] = seed[identifier];
    const offered = seed.offer !== false;
    if (offered && !seed.offerId) throw new Error(`eBay simulator: listing ${seed.sku} needs an offerId (or offer: false)`);
    const record: ListingRecord = {
      userId: account.userId,
      sku: seed.sku,
      offerId: offered ? seed.offerId! : "",
      offered,
      listingId: String(110_000_000_000 + this.listingsByKey.size + index),
      marketplaceId: account.marketplaceId,
      itemQuantity: seed.quantity,
      offerQuantity: seed.offerQuantity ?? seed.quantity,
      priceCents: seed.priceCents,
      currency: seed.currency ?? CURRENCY_OF_MARKETPLACE[account.marketplaceId] ?? "USD",
      offerStatus: offered ? "PUBLISHED" : "UNPUBLISHED",
      product,
      condition: "NEW",
      revisionsByDay: new Map(seed.revisionsToday ? [[utcDay(this.now()), seed.revisionsToday]] : []),
    };
    this.listingsByKey.set(`${account.userId}\u0000${seed.sku}`, record);
  }

  listingRecord(userId: string, sku: string): ListingRecord | undefined {
    return this.listingsByKey.get(`${userId}\u0000${sku}`);
  }

  listingByOffer(userId: string, offerId: string): ListingRecord | undefined {
    for (const l of this.listingsByKey.values()) if (l.offered && l.userId === userId && l.offerId === offerId) return l;
    return undefined;
  }

  /** The seller's inventory items, in the order they were created (getInventoryItems pages through them). */
  listingsOf(userId: string): ListingRecord[] {
    return [...this.listingsByKey.values()].filter((l) => l.userId === userId);
  }

  /** The seller's own hand in Seller Hub: the listing's quantity (item and offer) or price typed there, outside Anchorline. */
  editListingByHand(userId: string, sku: string, edit: { quantity?: number; priceCents?: number }): void {
    const l = this.listingRecord(userId, sku);
    if (!l) throw new Error(`eBay simulator: no listing ${sku} for ${userId}`);
    if (edit.quantity !== undefined) {
      l.itemQuantity = edit.quantity;
      l.offerQuantity = edit.quantity;
    }
    if (edit.priceCents !== undefined) l.priceCents = edit.priceCents;
  }

  /** eBay holds the listing for a policy violation, or it is ended (by the seller or eBay); both cleared: it sells again. */
  setListingHealth(userId: string, sku: string, health: { onHold?: boolean; ended?: EndedStatus | null }): void {
    const l = this.listingRecord(userId, sku);
    if (!l) throw new Error(`eBay simulator: no listing ${sku} for ${userId}`);
    if (health.onHold !== undefined) l.onHold = health.onHold;
    if (health.ended !== undefined) l.ended = health.ended ?? undefined;
  }

  private findListing(sku: string, userId?: string): ListingRecord | undefined {
    if (userId) return this.listingRecord(userId, sku);
    for (const l of this.listingsByKey.values()) if (l.sku === sku) return l;
    return undefined;
  }

  /**
   * What buyers see: "the quantity specified on a listing will be the minimum value between these
   * two fields" (item and offer; "Bulk updates" guide,
   * https://developer.ebay.com/api-docs/sell/static/inventory/bulk-updates.html). The definition's
   * ShipToLocationAvailability note says the offer's overrides the item's; the two agree whenever
   * the offer's is the smaller, and the guide is the later text.
   */
  listedQuantity(l: ListingRecord): number {
    return Math.min(l.itemQuantity, l.offerQuantity);
  }

  /** eBay's listing status words: a published offer with nothing left shows OUT_OF_STOCK. */
  listingStatus(l: ListingRecord): "ACTIVE" | "OUT_OF_STOCK" | EndedStatus {
    if (l.ended) return l.ended;
    return this.listedQuantity(l) > 0 ? "ACTIVE" : "OUT_OF_STOCK";
  }

  listing(sku: string, userId?: string): ListingView | undefined {
    const l = this.findListing(sku, userId);
    if (!l) return undefined;
    return {
      userId: l.userId,
      sku: l.sku,
      offerId: l.offerId,
      quantity: this.listedQuantity(l),
      itemQuantity: l.itemQuantity,
      offerQuantity: l.offerQuantity,
      priceCents: l.priceCents,
      currency: l.currency,
      status: this.listingStatus(l),
      title: l.product.title as string | undefined,
      description: l.product.description as string | undefined,
      aspects: l.product.aspects as Record<string, string[]> | undefined,
    };
  }

  revisions(sku: string, userId?: string): number {
    return this.findListing(sku, userId)?.revisionsByDay.get(utcDay(this.now())) ?? 0;
  }

  /** Counts one revision of a live listing; false (and nothing counted) once today's cap is reached. */
  takeRevision(l: ListingRecord): boolean {
    const day = utcDay(this.now());
    const used = l.revisionsByDay.get(day) ?? 0;
    if (used >= REVISIONS_PER_LISTING_PER_DAY) return false;
    l.revisionsByDay.set(day, used + 1);
    return true;
  }

  /** From now on getOrders sends this order malformed (malformed-orders.ts), as a real platform could. */
  malformOrder(orderId: string, how: EbayMalformation): void {
    if (!this.orders.some((o) => o.orderId === orderId)) throw new Error(`no order ${orderId}`);
    this.malformedOrders.malform(orderId, how);
  }

  /** A simulated buyer: takes the units (never below zero) and records the order. */
  placeOrder({ userId, sku, quantity, shipToState = DEFAULT_SHIP_TO_STATE }: BuyerOrder): { orderId: string; oversold: boolean } {
    const l = this.listingRecord(userId, sku);
    if (!l?.offered) throw new Error(`no listing ${sku} for ${userId}`);
    const oversold = quantity > this.listedQuantity(l);
    const taken = { item: Math.min(quantity, l.itemQuantity), offer: Math.min(quantity, l.offerQuantity) };
    l.itemQuantity -= taken.item;
    l.offerQuantity -= taken.offer;
    const at = this.now();
    this.orderSeq += 1;
    // eBay order ids look like "12-34567-89012".
    const orderId = `${10 + (this.orderSeq % 90)}-${10000 + this.orderSeq}-${60000 + ((this.orderSeq * 7919) % 40000)}`;
    this.orders.push({
      userId,
      orderId,
      sku,
      offerId: l.offerId,
      listingId: l.listingId,
      title: String(l.product.title ?? sku),
      quantity,
      unitPriceCents: l.priceCents,
      currency: l.currency,
      createdAt: at,
      modifiedAt: at,
      cancelled: false,
      oversold,
      shipToState,
      taxCents: salesTax(shipToState, l.priceCents * quantity).cents,
      taken,
      buyerUsername: `buyer_${this.orderSeq}`,
      fulfillments: [],
      lineRefunds: [],
    });
    const placed = this.orders[this.orders.length - 1];
    for (const listener of this.orderPlacedListeners) listener(placed);
    return { orderId, oversold };
  }

  /**
   * The buyer asks to cancel: eBay shows cancelState IN_PROGRESS (CancelStatus) and the order is
   * modified, but nothing is cancelled and no unit comes back until the cancellation completes.
   */
  requestCancellation(orderId: string): void {
    const order = this.orders.find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    if (order.cancelled || order.cancelRequestedAt !== undefined) return;
    order.cancelRequestedAt = this.now();
    order.modifiedAt = order.cancelRequestedAt;
  }

  /**
   * The buyer's cancellation completes before shipping (a request, if any, approved): the whole
   * order is CANCELED (eBay cancels orders, not lines), refunded in full, modified, and the units
   * come back.
   */
  cancelOrder(orderId: string): void {
    const order = this.orders.find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    if (order.cancelled) return;
    this.completeCancellation(order);
  }

  /**
   * The seller cancels the order (Post-Order POST /cancellation, once cancellations.ts found it
   * eligible): done at once, as the seller's own cancellation is, so the Fulfillment API shows it
   * CANCELED, refunded in full and modified, and the units come back.
   */
  cancelBySeller(orderId: string, reason: string | undefined): { cancelId: string } {
    const order = this.orders.find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    if (order.cancelled) throw new Error(`order ${orderId} is already cancelled`);
    const cancelId = this.nextPostOrderId();
    order.sellerCancellation = { cancelId, reason, at: this.now() };
    this.completeCancellation(order);
    return { cancelId };
  }

  private completeCancellation(order: OrderRecord): void {
    order.cancelled = true;
    order.cancelRequestedAt ??= this.now();
    order.cancelledAt = this.now();
    order.modifiedAt = order.cancelledAt;
    const l = this.listingRecord(order.userId, order.sku);
    if (l) {
      l.itemQuantity += order.taken.item;
      l.offerQuantity += order.taken.offer;
    }
  }

  /** Post-Order ids (cancelId, returnId) are numbers as text, "5" and nine digits. */
  private nextPostOrderId(): string {
    this.postOrderSeq += 1;
    return String(5_000_000_000 + this.postOrderSeq);
  }

  /**
   * The seller refunds the buyer for (part of) the order's line after it shipped (a return, an
   * item not as described): eBay shows it as a LineItemRefund in lineItems[].refunds and an
   * OrderRefund in paymentSummary.refunds, the order PARTIALLY_REFUNDED or FULLY_REFUNDED, and
   * modified. Amounts only: eBay's refund says nothing of units. Left out, the amount is what is
   * left of the line's cost. Refused: an order not shipped (a cancellation refunds those), a
   * cancelled one, an amount not positive, or more than the line has left to refund.
   */
  refundLine(orderId: string, amountCents?: number): LineRefundRecord {
    const order = this.orders.find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    if (order.cancelled) throw new Error(`order ${orderId} is cancelled: its refund was the cancellation's`);
    if (shippedUnits(order) === 0) throw new Error(`order ${orderId} has not shipped: a refund before shipping is a cancellation`);
    const left = order.unitPriceCents * order.quantity - lineRefundedCents(order);
    const amount = amountCents ?? left;
    if (!Number.isInteger(amount) || amount <= 0) throw new Error(`a refund needs a whole number of cents above 0, not ${amountCents}`);
    if (amount > left) throw new Error(`order ${orderId} has ${left} cents left to refund, not ${amount}`);
    const at = this.now();
    const seq = order.lineRefunds.length + 1;
    const refund: LineRefundRecord = {
      refundId: `5${order.orderId.replace(/-/g, "")}${seq}`,
      refundReferenceId: `${order.orderId.replace(/-/g, "").slice(-8)}R${seq}`,
      amountCents: amount,
      refundedAt: at,
    };
    order.lineRefunds.push(refund);
    order.modifiedAt = at;
    return structuredClone(refund);
  }

  /**
   * The seller marks what is left of the order shipped in Seller Hub (a shipping fulfillment with a
   * USPS tracking number), as createShippingFulfillment would record it; the order is modified.
   */
  shipOrder(orderId: string): ShippingFulfillmentRecord {
    const order = this.orders.find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    if (order.cancelled) throw new Error(`order ${orderId} is cancelled`);
    const left = order.quantity - shippedUnits(order);
    if (left <= 0) throw new Error(`order ${orderId} has shipped every unit`);
    const at = this.now();
    const trackingNumber = `9400${order.orderId.replace(/-/g, "")}${order.fulfillments.length + 1}`;
    const fulfillment: ShippingFulfillmentRecord = {
      fulfillmentId: trackingNumber,
      lineItems: [{ lineItemId: lineItemIdOf(order), quantity: left }],
      shippedDate: new Date(at).toISOString(),
      shippingCarrierCode: "USPS",
      shipmentTrackingNumber: trackingNumber,
    };
    order.fulfillments.push(fulfillment);
    order.modifiedAt = at;
    return structuredClone(fulfillment);
  }

  /**
   * A buyer opens a return for `quantity` units of the order's line (RETURN_REQUESTED, status
   * RETURN_REQUESTED). Opening or moving a return does not change the order the Fulfillment API
   * shows; only the refund does (refundReturn). Refused: an order not shipped or cancelled, a
   * quantity not a whole number of at least 1, or more units than shipped and not already in a
   * return.
   */
  openReturn(orderId: string, quantity: number, reason = "NO_LONGER_NEED_ITEM"): ReturnRecord {
    const order = this.orders.find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    if (order.cancelled) throw new Error(`order ${orderId} is cancelled: nothing was sent to return`);
    if (!Number.isInteger(quantity) || quantity < 1) throw new Error(`a return needs a whole number of units of at least 1, not ${quantity}`);
    const inReturns = this.returnRequests.filter((r) => r.orderId === orderId).reduce((n, r) => n + r.quantity, 0);
    const returnable = shippedUnits(order) - inReturns;
    if (quantity > returnable) throw new Error(`order ${orderId} has ${returnable} shipped unit(s) not already in a return, not ${quantity}`);
    const at = this.now();
    const record: ReturnRecord = {
      returnId: this.nextPostOrderId(),
      userId: order.userId,
      orderId,
      itemId: order.listingId,
      transactionId: lineItemIdOf(order),
      quantity,
      reason,
      createdAt: at,
      state: "RETURN_REQUESTED",
      status: "RETURN_REQUESTED",
      history: [{ activity: "BUYER_CREATE_RETURN", author: "BUYER", at, fromState: "INITIAL", toState: "RETURN_REQUESTED" }],
    };
    this.returnRequests.push(record);
    return structuredClone(record);
  }

  /**
   * The return's parcel reaches the seller: the seller approves it (ITEM_READY_TO_SHIP), the
   * buyer ships it (ITEM_SHIPPED) and the carrier delivers it (ITEM_DELIVERED), each step the
   * return has not taken yet, each in the detail's responseHistory. Refused once delivered or closed.
   */
  deliverReturn(returnId: string): ReturnRecord {
    const record = this.returnRecord(returnId);
    const from = RETURN_STEPS.findIndex((step) => step.toState === record.state);
    if (record.state !== "RETURN_REQUESTED" && from < 0) throw new Error(`return ${returnId} is ${record.state}: its parcel cannot be delivered now`);
    if (record.state === "ITEM_DELIVERED") throw new Error(`return ${returnId} was delivered already`);
    const at = this.now();
    for (const step of RETURN_STEPS.slice(from + 1)) {
      record.history.push({ activity: step.activity, author: step.author, at, fromState: record.state, toState: step.toState });
      record.state = step.toState;
      record.status = step.status;
    }
    record.deliveredAt = at;
    return structuredClone(record);
  }

  /**
   * The seller refunds the return's units (SELLER_ISSUE_REFUND) and the return closes (CLOSED):
   * the refund also shows on the order as a LineItemRefund of the units' price (refundLine),
   * which modifies the order. A return can be refunded before its parcel arrives; it then never
   * shows as delivered. Refused once closed.
   */
  refundReturn(returnId: string): ReturnRecord {
    const record = this.returnRecord(returnId);
    if (record.state === "CLOSED") throw new Error(`return ${returnId} is closed`);
    const order = this.orders.find((o) => o.orderId === record.orderId)!;
    const left = order.unitPriceCents * order.quantity - lineRefundedCents(order);
    const refund = this.refundLine(record.orderId, Math.min(left, order.unitPriceCents * record.quantity));
    record.refund = { amountCents: refund.amountCents, at: refund.refundedAt };
    record.history.push({ activity: "SELLER_ISSUE_REFUND", author: "SELLER", at: refund.refundedAt, fromState: record.state, toState: "CLOSED" });
    record.state = "CLOSED";
    record.status = "CLOSED";
    return structuredClone(record);
  }

  private returnRecord(returnId: string): ReturnRecord {
    const record = this.returnRequests.find((r) => r.returnId === returnId);
    if (!record) throw new Error(`no return ${returnId}`);
    return record;
  }

  /** What the seller shipped for an order (carrier, tracking number, units), for tests. */
  shippingFulfillments(orderId: string): ShippingFulfillmentRecord[] {
    const order = this.orders.find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    return structuredClone(order.fulfillments);
  }

  revokeRefreshToken(userId: string): void {
    const account = this.accounts.get(userId);
    if (!account) throw new Error(`no account ${userId}`);
    account.refreshTokenRevoked = true;
    for (const [token, record] of this.accessTokens) if (record.userId === userId) this.accessTokens.delete(token);
  }

  /** Every access token issued so far, the applications' too, expires now (the next API call answers 401). */
  expireAccessTokens(): void {
    for (const record of this.accessTokens.values()) record.expiresAt = this.now() - 1;
    for (const record of this.applicationTokens.values()) record.expiresAt = this.now() - 1;
  }

  issueApplicationToken(appId: string, scopes: string[], lifetimeSeconds: number): string {
    // eBay application tokens start like user tokens ("v^1.1#"); the rest is opaque.
    const token = `v^1.1#i^1#app#${randomBytes(24).toString("base64url")}`;
    this.applicationTokens.set(token, { appId, scopes, expiresAt: this.now() + lifetimeSeconds * 1000 });
    return token;
  }

  issueAccessToken(account: AccountRecord, scopes: string[], lifetimeSeconds: number): string {
    // eBay user tokens start with "v^1.1#"; the rest is opaque.
    const token = `v^1.1#i^1#sim#${randomBytes(24).toString("base64url")}`;
    this.accessTokens.set(token, { userId: account.userId, appId: account.appId, scopes, expiresAt: this.now() + lifetimeSeconds * 1000 });
    return token;
  }
}
