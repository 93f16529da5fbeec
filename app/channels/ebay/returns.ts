// Buyers' returns, which the Fulfillment API does not show: a return opened, shipped back or
// delivered to the seller leaves the order's lastModifiedDate where it was (only its refund moves
// it), so the order stream never sees a parcel come back. They are the Post-Order API's
// (post-order.ts), and its search filters by the day a return was opened, not by when it last
// changed. So fetchOrders keeps what the returns said in its own cursor (ReturnsState), and every
// RETURNS_READ_EVERY_MS reads again every return opened in the last RETURNS_WINDOW_MS (the open
// ones, then the closed ones: a return only moves from open to closed, so none falls between the
// two searches). A return whose parcel reached the seller, or whose buyer was refunded, grows its
// order's counts; each order whose counts grew is owed, and fetchOrders reads it again (getOrders
// by id) and sends it back with the counts folded into its lines, as returnedQuantity and
// refundedQuantity. The import sees it changed and restocks per the channel's setting, once.
//
// Received: the return's state is ITEM_DELIVERED ("the return item has been received by the
// seller"), or it was once. A return refunded or closed after its parcel arrived no longer says
// so in the search, so the first time one is seen past delivery its detail is read (GET
// /return/{returnId}) for a step to ITEM_DELIVERED in its responseHistory; a buyer who kept the
// item (ITEM_KEPT) or a return closed before shipping never counts as received. Refunded: the
// refund has been issued (sellerTotalRefund or buyerTotalRefund carry an actualRefundAmount, "only
// returned after a refund has been issued"), for the return's units. Orders sold before the
// returns' origin (the import's first window) are not Anchorline's to restock and are never sent
// back; a read that fails never holds up the orders.
import { ChannelError } from "../connector";
import { addReturnUnits, grownOrders, type ReturnCounts } from "../return-counts";
import type { EbayConnectorContext } from "./context";
import type { EbayOrder, EbayOrderPage } from "./orders";
import { returnStatesPassed, searchReturns, type ReturnSummary } from "./post-order";
import { GET_ORDERS_MAX_IDS, RETURN_SEARCH_MAX_LIMIT, RETURNS_WINDOW_MS } from "./rules";

/** One return as last read: [order id, listing id, transaction id, units, received 0/1, refunded 0/1, "state/status"]. */
type SeenReturn = [string, string, string, number, 0 | 1, 0 | 1, string];

export interface ReturnsState {
  /** Orders created before this (ISO) were sold before Anchorline took the stock in hand: not restocked. */
  origin: string;
  /** When the returns were last read in full (epoch ms). */
  readAt?: number;
  /** Every return opened in the window at the last read, by returnId. */
  returns: Record<string, SeenReturn>;
  /** Orders whose counts grew and that are still to be sent back, oldest first. */
  owed: string[];
  /** Why the last read failed, kept for whoever reads the cursor; cleared by the next success. */
  failure?: string;
}

export const startReturns = (origin: string): ReturnsState => ({ origin, returns: {}, owed: [] });

/** Pages of one search read per call, our bound: 20 × 200 returns opened in 89 days. */
const MAX_PAGES = 20;
/** Return details read per call, our bound; the others are read on the next call. */
const MAX_DETAILS_PER_READ = 20;

/** ReturnStateEnum states a return is in before its parcel could have reached the seller (or when it never will: ITEM_KEPT). */
const BEFORE_DELIVERY = new Set([
  "INITIAL",
  "RETURN_REQUESTED",
  "RETURN_REQUEST_TIMEOUT",
  "RETURN_REJECTED",
  "RMA_PENDING",
  "RETURN_LABEL_PENDING",
  "RETURN_LABEL_PENDING_TIMEOUT",
  "RETURN_LABEL_REQUESTED",
  "RETURN_LABEL_REQUESTED_TIMEOUT",
  "ITEM_READY_TO_SHIP",
  "ITEM_SHIPPED",
  "ITEM_KEPT",
]);
const DELIVERED = "ITEM_DELIVERED";

const refundIssued = (r: ReturnSummary) =>
  (r.sellerTotalRefund?.actualRefundAmount?.value ?? 0) > 0 || (r.buyerTotalRefund?.actualRefundAmount?.value ?? 0) > 0;

/** Units received and refunded per order and line (listing:transaction), every return added up. */
function countsOf(returns: Record<string, SeenReturn>): ReturnCounts {
  const counts: ReturnCounts = {};
  for (const [orderId, itemId, transactionId, units, received, refunded] of Object.values(returns)) {
    addReturnUnits(counts, orderId, `${itemId}:${transactionId}`, units, received === 1, refunded === 1);
  }
  return counts;
}

/** Every return opened in the window, open ones first, each once (a return closing between the two searches is taken as closed). */
async function returnsInWindow(context: EbayConnectorContext, now: number): Promise<ReturnSummary[]> {
  const range = { from: new Date(now - RETURNS_WINDOW_MS), to: new Date(now) };
  const found = new Map<string, ReturnSummary>();
  for (const returnState of ["ALL_OPEN", "CLOSED"]) {
    // offset: "the number of entries to skip in the result set"; filed oldest first, so returns opened meanwhile come last.
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const answer = await searchReturns(context, { ...range, returnState, limit: RETURN_SEARCH_MAX_LIMIT, offset });
      for (const member of answer.members) found.set(member.returnId, member);
      offset += answer.members.length;
      if (answer.members.length === 0 || offset >= (answer.paginationOutput?.totalEntries ?? 0)) break;
    }
  }
  return [...found.values()];
}

/**
 * One reading of the returns, when due: every return of the window as it stands now, and the
 * orders whose counts grew owed. Never throws a marketplace's failure (the orders must not wait
 * for returns): one that may heal is tried on the next poll, one that will not waits for the next
 * reading's turn; either is kept in `failure`.
 */
export async function advanceReturns(context: EbayConnectorContext, state: ReturnsState, now: number, everyMs: number): Promise<ReturnsState> {
  if (now - (state.readAt ?? -Infinity) < everyMs) return state;
  try {
    const returns: Record<string, SeenReturn> = {};
    let details = 0;
    for (const r of await returnsInWindow(context, now)) {
      const before = state.returns[r.returnId];
      const said = `${r.state}/${r.status ?? ""}`;
      let received = before?.[4] === 1 || r.state === DELIVERED;
      if (!received && !BEFORE_DELIVERY.has(r.state) && before?.[6] !== said) {
        // Past delivery or closed, and not seen so before: its history tells whether the parcel arrived.
        if (details >= MAX_DETAILS_PER_READ) {
          if (before) returns[r.returnId] = before;
          continue;
        }
        details += 1;
        received = (await returnStatesPassed(context, r.returnId)).includes(DELIVERED);
      }
      const { itemId, transactionId, returnQuantity } = r.creationInfo.item;
      returns[r.returnId] = [r.orderId, itemId, transactionId ?? "", returnQuantity, received ? 1 : 0, refundIssued(r) ? 1 : 0, said];
    }
    const grown = grownOrders(countsOf(state.returns), countsOf(returns)).filter((id) => !state.owed.includes(id));
    return { origin: state.origin, readAt: now, returns, owed: [...state.owed, ...grown] };
  } catch (error) {
    if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
    return error.retryable ? { ...state, failure: error.message } : { ...state, readAt: now, failure: error.message };
  }
}

/**
 * The owed orders this page does not already carry, read again (getOrders by id, up to 50 in one
 * call). `done`: the owed orders settled, sent or not: one sold before the origin is not ours to
 * restock, one eBay no longer has is gone. A failure that may heal leaves them for the next call.
 */
export async function readOwedOrders(context: EbayConnectorContext, state: ReturnsState, inPage: Set<string>) {
  const done = new Set(state.owed.filter((id) => inPage.has(id)));
  const wanted = state.owed.filter((id) => !inPage.has(id)).slice(0, GET_ORDERS_MAX_IDS);
  if (wanted.length === 0) return { orders: [] as EbayOrder[], done, failure: undefined };
  try {
    const page = (await context.client.call("getOrders", (api) => api.sell.fulfillment.getOrders({ orderIds: wanted.join(",") }))) as EbayOrderPage;
    for (const id of wanted) done.add(id);
    const origin = Date.parse(state.origin);
    const orders = (page.orders ?? []).filter((o) => wanted.includes(o.orderId) && !(Date.parse(o.creationDate ?? "") < origin));
    return { orders, done, failure: undefined };
  } catch (error) {
    if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
    if (!error.retryable) for (const id of wanted) done.add(id);
    return { orders: [] as EbayOrder[], done, failure: error.message };
  }
}

/** Units of one line item given back: received back, refunded. */
export interface LineReturns {
  returned: number;
  refunded: number;
}

/**
 * Per line item of the order (by position), the units its returns gave back, or undefined for a
 * line no return names. A return names its line by listing (itemId) and transaction; the
 * transaction is the line item's id, and a listing sold on one line only needs no more.
 */
export function returnsOfLines(order: EbayOrder, state: ReturnsState | undefined): Array<LineReturns | undefined> {
  const items = order.lineItems ?? [];
  const mine = Object.values(state?.returns ?? {}).filter(([orderId]) => orderId === order.orderId);
  return items.map((item) => {
    const alone = items.filter((other) => other.legacyItemId === item.legacyItemId).length === 1;
    const matching = mine.filter(([, itemId, transactionId]) => itemId === item.legacyItemId && (transactionId === item.lineItemId || alone));
    if (matching.length === 0) return undefined;
    return matching.reduce(
      (sum, [, , , units, received, refunded]) => ({ returned: sum.returned + units * received, refunded: sum.refunded + units * refunded }),
      {
        returned: 0,
        refunded: 0,
      },
    );
  });
}
