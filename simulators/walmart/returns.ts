// Walmart's Returns Management (walmart-marketplace-returns-openapi-original.yml): the return orders
// (RMAs) buyers open on walmart.com for shipped units of a PO, stepping through the event tags
// Walmart documents, and GET /v3/returns (getReturns) listing them with the definition's filters.
// A refund moves the PO too: its units go to a `Refund` orderLineStatus with the line's `refund`
// charges, and the line's statusDate and the PO's last-modified time move, as getAllOrders shows.
import { readDate } from "./orders";
import type { WalmartAccount, WalmartLineStatus, WalmartOrderLineRecord, WalmartOrderRecord } from "./state";

/**
 * returnTrackingDetail.eventTag and the line status each stands for, from the "Returns status" table of
 * developer.walmart.com/us-marketplace/docs/returns-and-refunds-api-overview. REFUND_INITIATED is
 * not simulated: a refund here is issued at once.
 */
export const RETURN_EVENTS = {
  RETURN_INITIATED: { status: "INITIATED", description: "The return has been initiated by the customer." },
  RETURN_IN_TRANSIT: { status: "INITIATED", description: "The initiated return is in transit." },
  DELIVERED_AT_RETURN_CENTER: { status: "DELIVERED", description: "The return has been delivered to the Return Center." },
  REFUND_ISSUED: { status: "COMPLETED", description: "The return has been invoiced and the customer notified." },
  RETURN_CANCELLED: { status: "COMPLETED", description: "The return has been cancelled before completion." },
  INTRANSIT_AFTER_INVOICE: { status: "COMPLETED", description: "The refund has been issued and the return is in transit." },
  DELIVERED_AFTER_INVOICE: { status: "COMPLETED", description: "The refund has been issued and the return is delivered to the Return Center." },
} as const;
export type ReturnEventTag = keyof typeof RETURN_EVENTS;

/** Which event can follow which: the table's order, a refund before the parcel arrives included; cancelled only before delivery. */
const NEXT: Record<ReturnEventTag, readonly ReturnEventTag[]> = {
  RETURN_INITIATED: ["RETURN_IN_TRANSIT", "DELIVERED_AT_RETURN_CENTER", "REFUND_ISSUED", "RETURN_CANCELLED"],
  RETURN_IN_TRANSIT: ["DELIVERED_AT_RETURN_CENTER", "REFUND_ISSUED", "RETURN_CANCELLED"],
  DELIVERED_AT_RETURN_CENTER: ["REFUND_ISSUED"],
  REFUND_ISSUED: ["INTRANSIT_AFTER_INVOICE", "DELIVERED_AFTER_INVOICE"],
  INTRANSIT_AFTER_INVOICE: ["DELIVERED_AFTER_INVOICE"],
  DELIVERED_AFTER_INVOICE: [],
  RETURN_CANCELLED: [],
};
/** The events after which the parcel is at the return center. */
const DELIVERED: ReadonlySet<ReturnEventTag> = new Set(["DELIVERED_AT_RETURN_CENTER", "DELIVERED_AFTER_INVOICE"]);
const REFUNDED: ReadonlySet<ReturnEventTag> = new Set(["REFUND_ISSUED", "INTRANSIT_AFTER_INVOICE", "DELIVERED_AFTER_INVOICE"]);

/** returnReason: "Reason codes are: ARRIVED_LATE, AUTO_RETURN, ..." (getReturns). */
export const RETURN_REASONS = [
  "ARRIVED_LATE", "AUTO_RETURN", "BOUGHT_ANOTHER_SIZE_OR_COLOR", "BOUGHT_SOMEWHERE_ELSE", "DAMAGED", "DEFECTIVE", "DUPLICATE_ITEM",
  "INADEQUATE_QUALITY", "INCORRECT_ITEM", "LOST_AFTER_DELIVERY", "LOST_IN_TRANSIT", "LOWER_PRICE", "MISSING_PARTS", "NOT_AS_DESCRIBED",
  "NO_LONGER_WANTED", "RETURN_TO_SENDER", "SHIPPING_BOX_DAMAGED", "TRIED_TO_CANCEL", "WRONG_SIZE/POOR_FIT",
] as const; // prettier-ignore

/** Units of a PO line that reached the buyer: what a return can take back. */
const SHIPPED: ReadonlySet<WalmartLineStatus> = new Set(["Shipped", "Delivered", "Refund"]);

export interface WalmartReturnLineRecord {
  /** returnOrderLineNumber: 1, 2... within the return. */
  returnOrderLineNumber: number;
  /** The PO line the units came from (purchaseOrderLineNumber). */
  lineNumber: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  returnReason: string;
  /** Units refunded (refundedQty): all of the line's once refunded. */
  refundedQty: number;
}

export interface WalmartReturnRecord {
  returnOrderId: string;
  purchaseOrderId: string;
  customerOrderId: string;
  /** Epoch ms the buyer opened it: returnOrderDate. */
  returnOrderDate: number;
  /** Epoch ms of its newest event: what returnLastModifiedStartDate/EndDate filter on. */
  lastModified: number;
  /** "Is customer allowed to keep the product and not required to send it back" (isKeepIt): refunded at once. */
  keepIt: boolean;
  /** Every line of a return moves together; newest last. */
  events: Array<{ tag: ReturnEventTag; at: number }>;
  lines: WalmartReturnLineRecord[];
  buyer: { name: string; email: string };
}

/** A buyer sending back shipped units of a PO. */
export interface BuyerReturn {
  /** Which PO lines, and how many of their units (default: every unit still returnable). Omitted: every line. */
  lines?: Array<{ lineNumber: string; quantity?: number }>;
  reason?: (typeof RETURN_REASONS)[number];
  /** The buyer keeps the item and is refunded at once (isKeepIt): nothing comes back. */
  keepIt?: boolean;
  /** Epoch ms; defaults to now. */
  at?: number;
}

const DAY_MS = 86_400_000;
/** How long the buyer has to send it back (returnByDate): our assumption, Walmart's is per item. */
const RETURN_WINDOW_MS = 30 * DAY_MS;

export const lastEvent = (record: WalmartReturnRecord) => record.events[record.events.length - 1];
const unitsIn = (line: WalmartOrderLineRecord, statuses: ReadonlySet<WalmartLineStatus>) =>
  line.statuses.filter((s) => statuses.has(s.status)).reduce((n, s) => n + s.quantity, 0);

/** Units of a PO line shipped and not in a return still open or done (a cancelled return gives them back). */
function returnable(account: WalmartAccount, order: WalmartOrderRecord, line: WalmartOrderLineRecord): number {
  const inReturns = account.returns
    .filter((r) => r.purchaseOrderId === order.purchaseOrderId && lastEvent(r).tag !== "RETURN_CANCELLED")
    .flatMap((r) => r.lines)
    .filter((l) => l.lineNumber === line.lineNumber)
    .reduce((n, l) => n + l.quantity, 0);
  return unitsIn(line, SHIPPED) - inReturns;
}

/**
 * The buyer opens a return (RETURN_INITIATED) for shipped units of a PO's lines. Units not shipped
 * (Created, Acknowledged, Cancelled) or already in a return cannot be returned: asking throws,
 * naming where the units are. A keep-it return is refunded at once (REFUND_ISSUED).
 */
export function openReturn(account: WalmartAccount, purchaseOrderId: string, request: BuyerReturn = {}): WalmartReturnRecord {
  const order = account.orders.find((o) => o.purchaseOrderId === purchaseOrderId);
  if (!order) throw new Error(`Walmart simulator: no PO ${purchaseOrderId} on ${account.spec.clientId}`);
  const reason = request.reason ?? "NOT_AS_DESCRIBED";
  if (!RETURN_REASONS.includes(reason)) throw new Error(`Walmart simulator: returnReason ${reason} is not one of Walmart's codes`);
  const asked: Array<{ lineNumber: string; quantity?: number }> =
    request.lines ?? order.lines.filter((l) => returnable(account, order, l) > 0).map((l) => ({ lineNumber: l.lineNumber }));
  if (asked.length === 0) throw new Error(`Walmart simulator: PO ${purchaseOrderId} has no shipped units left to return`);
  const lines = asked.map((want, i): WalmartReturnLineRecord => {
    const line = order.lines.find((l) => l.lineNumber === want.lineNumber);
    if (!line) throw new Error(`Walmart simulator: PO ${purchaseOrderId} has no line ${want.lineNumber}`);
    const open = returnable(account, order, line);
    const quantity = want.quantity ?? open;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > open)
      throw new Error(
        `Walmart simulator: line ${line.lineNumber} of PO ${purchaseOrderId} has ${open} shipped units to return (${line.statuses.map((s) => `${s.quantity} ${s.status}`).join(", ")}), not ${quantity}`,
      );
    return {
      returnOrderLineNumber: i + 1,
      lineNumber: line.lineNumber,
      sku: line.sku,
      quantity,
      unitPriceCents: line.unitPriceCents,
      returnReason: reason,
      refundedQty: 0,
    };
  });
  const at = Math.max(request.at ?? Date.now(), order.orderDate);
  const record: WalmartReturnRecord = {
    returnOrderId: String(103_738_000_000 + (account.returns.length + 1) * 7907),
    purchaseOrderId,
    customerOrderId: order.customerOrderId,
    returnOrderDate: at,
    lastModified: at,
    keepIt: request.keepIt ?? false,
    events: [{ tag: "RETURN_INITIATED", at }],
    lines,
    buyer: order.buyer,
  };
  account.returns.push(record);
  if (record.keepIt) advanceReturn(account, record.returnOrderId, "REFUND_ISSUED", at);
  return record;
}

/**
 * The return's next event (NEXT): a step out of order throws. REFUND_ISSUED refunds every unit of
 * the return: its lines' refundedQty, and on the PO the units move to `Refund` with the line's
 * refund charges, the statusDate and the PO's last-modified time moving to the refund.
 */
export function advanceReturn(account: WalmartAccount, returnOrderId: string, tag: ReturnEventTag, at = Date.now()): WalmartReturnRecord {
  const record = account.returns.find((r) => r.returnOrderId === returnOrderId);
  if (!record) throw new Error(`Walmart simulator: no return ${returnOrderId} on ${account.spec.clientId}`);
  const current = lastEvent(record).tag;
  if (!NEXT[current].includes(tag) || (record.keepIt && tag !== "REFUND_ISSUED"))
    throw new Error(`Walmart simulator: return ${returnOrderId} at ${current}${record.keepIt ? " (keep it)" : ""} cannot go to ${tag}`);
  const when = Math.max(at, record.lastModified);
  record.events.push({ tag, at: when });
  record.lastModified = when;
  if (tag === "REFUND_ISSUED") {
    const order = account.orders.find((o) => o.purchaseOrderId === record.purchaseOrderId)!;
    for (const line of record.lines) {
      line.refundedQty = line.quantity;
      refundUnits(
        order,
        order.lines.find((l) => l.lineNumber === line.lineNumber)!,
        line.quantity,
        record.returnOrderId,
        when,
      );
    }
  }
  return record;
}

/** Refunded units of a PO line leave Delivered, then Shipped, for a Refund entry; the refund's charge is the units' price, negative. */
function refundUnits(order: WalmartOrderRecord, line: WalmartOrderLineRecord, quantity: number, returnOrderId: string, at: number) {
  let left = quantity;
  for (const status of ["Delivered", "Shipped"] as const) {
    for (const entry of line.statuses) {
      if (entry.status !== status || left === 0) continue;
      const taken = Math.min(entry.quantity, left);
      entry.quantity -= taken;
      left -= taken;
    }
  }
  const refunded = line.statuses.find((s) => s.status === "Refund");
  if (refunded) refunded.quantity += quantity - left;
  else line.statuses.push({ status: "Refund", quantity: quantity - left });
  line.statuses = line.statuses.filter((s) => s.quantity > 0);
  line.refund ??= { refundId: `RF-${order.purchaseOrderId}-${line.lineNumber}`, charges: [] };
  line.refund.charges.push({ reason: "Customer returned item", amountCents: -line.unitPriceCents * quantity });
  line.returnOrderId = returnOrderId;
  const when = Math.max(at, order.lastModified);
  line.statusDate = when;
  order.lastModified = when;
}

const money = (cents: number) => ({ currencyAmount: cents / 100, currencyUnit: "USD" });
const each = (quantity: number) => ({ unitOfMeasure: "EACH", measurementValue: quantity });
const iso = (ms: number) => new Date(ms).toISOString();

/** One return order as getReturns lists it. */
export function returnDocument(record: WalmartReturnRecord) {
  const last = lastEvent(record);
  const status = RETURN_EVENTS[last.tag].status;
  const delivered = record.events.some((e) => DELIVERED.has(e.tag));
  const refunded = REFUNDED.has(last.tag);
  const [firstName, ...rest] = record.buyer.name.split(" ");
  return {
    returnOrderId: record.returnOrderId,
    customerEmailId: record.buyer.email,
    customerName: { firstName, lastName: rest.join(" ") },
    customerOrderId: record.customerOrderId,
    ...(record.keepIt ? {} : { refundMode: "POST_DELIVERY" }),
    returnOrderDate: iso(record.returnOrderDate),
    returnByDate: iso(record.returnOrderDate + RETURN_WINDOW_MS),
    returnType: "REFUND",
    totalRefundAmount: money(record.lines.reduce((n, l) => n + l.unitPriceCents * l.quantity, 0)),
    returnLineGroups: [
      {
        groupNo: 1,
        returnLines: record.lines.map((l) => ({ returnOrderLineNumber: l.returnOrderLineNumber })),
        labels: [],
        returnExpectedFlag: !record.keepIt,
      },
    ],
    returnOrderLines: record.lines.map((line) => ({
      returnOrderLineNumber: line.returnOrderLineNumber,
      salesOrderLineNumber: Number(line.lineNumber),
      returnReason: line.returnReason,
      purchaseOrderId: record.purchaseOrderId,
      purchaseOrderLineNumber: Number(line.lineNumber),
      item: { sku: line.sku, productName: `Product ${line.sku}` },
      charges: [{ chargeCategory: "PRODUCT", chargeName: "ItemPrice", chargePerUnit: money(line.unitPriceCents), isDiscount: false, isBillable: true }],
      unitPrice: money(line.unitPriceCents),
      chargeTotals: [
        { name: "lineUnitPrice", value: money(line.unitPriceCents) },
        { name: "lineSubTotal", value: money(line.unitPriceCents * line.quantity) },
        { name: "lineTotal", value: money(line.unitPriceCents * line.quantity) },
      ],
      cancellableQty: status === "INITIATED" ? line.quantity : 0,
      quantity: each(line.quantity),
      returnExpectedFlag: !record.keepIt,
      isKeepIt: record.keepIt,
      lastItem: false,
      refundedQty: line.refundedQty,
      rechargeableQty: 0,
      ...(refunded ? { refundChannel: "WALMART_SETTLED_REFUND" } : {}),
      returnTrackingDetail: record.events
        .map((e, i) => ({ sequenceNo: i, eventTag: e.tag, eventDescription: RETURN_EVENTS[e.tag].description, eventTime: iso(e.at) }))
        .reverse(),
      status,
      statusTime: iso(last.at),
      currentDeliveryStatus: delivered
        ? "DELIVERED"
        : record.events.some((e) => e.tag === "RETURN_IN_TRANSIT" || e.tag === "INTRANSIT_AFTER_INVOICE")
          ? "IN_TRANSIT"
          : "NOT_SHIPPED",
      ...(refunded ? { currentRefundStatus: "REFUND_COMPLETED" } : {}),
      currentTrackingStatuses: [
        { status, statusTime: iso(last.at), ...(refunded ? { currentRefundStatus: "REFUND_COMPLETED" } : {}), quantity: each(line.quantity) },
      ],
    })),
    returnChannel: { channelName: "ONLINE" },
  };
}

/** getReturns' `limit`: "Defaults to 10" and "Cannot be larger than 200". */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 200;
const STATUSES = ["INITIATED", "DELIVERED", "COMPLETED"];
const RETURN_TYPES = ["REFUND", "REPLACEMENT"];
/** The filters a nextCursor carries to the next page (limit and offset are its own). */
const CARRIED = [
  "returnOrderId", "customerOrderId", "status", "replacementInfo", "returnType", "returnCreationStartDate", "returnCreationEndDate",
  "returnLastModifiedStartDate", "returnLastModifiedEndDate",
]; // prettier-ignore

export type ReturnListing = { ok: true; body: unknown } | { ok: false; field: string; message: string };

/**
 * One page of return orders for the query: "If no filters are provided, the API returns all return
 * orders for the seller, starting with the most recently created"; date filters inclusive at both
 * ends (not documented either way). `nextCursor` is a query string to append to /v3/returns, as in
 * the definition's example ("?sellerId=151&limit=10&offset=10"), carrying the filters.
 */
export function listReturns(returns: WalmartReturnRecord[], query: URLSearchParams): ReturnListing {
  const dates: Record<string, number | null> = {};
  for (const field of ["returnCreationStartDate", "returnCreationEndDate", "returnLastModifiedStartDate", "returnLastModifiedEndDate"]) {
    const date = readDate(query, field);
    if (!date.ok) return date;
    dates[field] = date.ms;
  }
  for (const [start, end] of [
    ["returnCreationStartDate", "returnCreationEndDate"],
    ["returnLastModifiedStartDate", "returnLastModifiedEndDate"],
  ]) {
    if (dates[start] !== null && dates[end] !== null && dates[start]! > dates[end]!)
      return { ok: false, field: end, message: `${end} ${query.get(end)} is before ${start} ${query.get(start)}` };
  }
  const status = query.get("status");
  if (status && !STATUSES.includes(status)) return { ok: false, field: "status", message: `status ${status} is not one of ${STATUSES.join(", ")}` };
  const returnType = query.get("returnType");
  if (returnType && !RETURN_TYPES.includes(returnType))
    return { ok: false, field: "returnType", message: `returnType ${returnType} is not one of ${RETURN_TYPES.join(", ")}` };
  const replacementInfo = query.get("replacementInfo");
  if (replacementInfo && replacementInfo !== "true" && replacementInfo !== "false")
    return { ok: false, field: "replacementInfo", message: `replacementInfo ${replacementInfo} is neither true nor false` };
  const limitRaw = query.get("limit");
  const limit = limitRaw === null ? DEFAULT_LIMIT : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    return { ok: false, field: "limit", message: `limit ${limitRaw} must be a whole number from 1 to ${MAX_LIMIT}` };
  const offset = Number(query.get("offset") ?? 0) || 0;

  const within = (ms: number, start: number | null, end: number | null) => (start === null || ms >= start) && (end === null || ms <= end);
  const returnOrderId = query.get("returnOrderId");
  const customerOrderId = query.get("customerOrderId");
  const matching = returns
    .filter(
      (r) =>
        (!returnOrderId || r.returnOrderId === returnOrderId) &&
        (!customerOrderId || r.customerOrderId === customerOrderId) &&
        (!status || RETURN_EVENTS[lastEvent(r).tag].status === status) &&
        (!returnType || returnType === "REFUND") &&
        within(r.returnOrderDate, dates.returnCreationStartDate, dates.returnCreationEndDate) &&
        within(r.lastModified, dates.returnLastModifiedStartDate, dates.returnLastModifiedEndDate),
    )
    .sort((a, b) => b.returnOrderDate - a.returnOrderDate || b.returnOrderId.localeCompare(a.returnOrderId));
  const page = matching.slice(offset, offset + limit);
  let nextCursor = "";
  if (offset + limit < matching.length) {
    const next = new URLSearchParams({ limit: String(limit), offset: String(offset + limit) });
    for (const name of CARRIED) {
      const value = query.get(name);
      if (value) next.set(name, value);
    }
    nextCursor = `?${next.toString()}`;
  }
  return { ok: true, body: { meta: { totalCount: matching.length, limit, nextCursor }, returnOrders: page.map(returnDocument) } };
}
