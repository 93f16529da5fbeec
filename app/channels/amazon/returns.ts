// Returns of seller-fulfilled orders. The Orders API has none, and a return does not change the
// order it reads: Amazon lists them in the Reports API's GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE
// (reports_2021-06-30.json: createReport, getReport until it is done, getReportDocument, then the
// tab-delimited file, gzip-compressed when compressionAlgorithm says so), one row per return
// request with the columns of "Returns reports attributes". FBA returns go back to Amazon's
// warehouse and are never in it, which is right: they never were Shopify's stock.
//
// How a return reaches an order imported long ago, with the least machinery: fetchOrders keeps
// this report's state in its own cursor (ReturnsState). Every so often (RETURNS_REPORT_EVERY_MS)
// it asks for the report over the last RETURNS_WINDOW_MS; on a later poll, once Amazon has made
// it, it reads it, and every order whose units received or refunded grew since the report before
// is owed: fetchOrders reads it again (getOrder) and sends it back with the counts folded into its
// lines (withReturns). The import then sees the order changed, as for a cancellation, and the
// write-back restocks per the channel's setting, once. A poll never waits for a report, and a
// report that fails leaves the orders alone: it is asked for again on its schedule, and why it
// failed stays in the cursor (ReturnsState.failure). The report needs the app's "Inventory and
// Order Tracking" role (or the restricted "Direct to Consumer Shipping"); without it Amazon
// refuses createReport and no return is read.
import { ChannelError, type ImportedOrder } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import { addReturnUnits, grownOrders, type ReturnCounts } from "../return-counts";
import type { DocumentLocation, SpApiClient } from "./sp-client";

export const RETURNS_REPORT_TYPE = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE";

/**
 * How often the report is asked for. Our choice: a return reaches the seller days after it is
 * asked for, so an hour more is little, and it is 24 of createReport's 1,440 calls a day (0.0167
 * per second, burst 15, reports_2021-06-30.json) for each account.
 */
export const RETURNS_REPORT_EVERY_MS = 3_600_000;

const DAY_MS = 86_400_000;
/**
 * "You can request up to 60 days of data in a single report" (Flat File Returns Report by Return
 * Date, "Returns reports attributes"). A day less, so the range Amazon measures to its own "now"
 * (dataEndTime left out: "The default is now") is never over it. A return is listed by the day it
 * was asked for, so its parcel and refund are seen for 59 days after that.
 */
export const RETURNS_WINDOW_MS = 59 * DAY_MS;

export interface ReturnsState {
  /**
   * Orders created before this (the import's first window) were sold before Anchorline took
   * Shopify's stock in hand: their returns are not Anchorline's to give back.
   */
  origin: string;
  /** When the last report was asked for (epoch ms), and the one awaited. */
  askedAt?: number;
  pending?: string;
  /** Per order id, per SKU, as the last report read said. */
  counts: ReturnCounts;
  /** Orders whose counts grew and that are still to be sent back, oldest first. */
  owed: string[];
  /** Why the last step failed, kept for whoever reads the cursor; cleared by the next success. */
  failure?: string;
}

interface Report {
  processingStatus: "CANCELLED" | "DONE" | "FATAL" | "IN_PROGRESS" | "IN_QUEUE";
  reportDocumentId?: string;
}

export interface ReturnRow {
  orderId: string;
  /** The order's day (epoch ms, UTC midnight), when the report's "Order date" reads as one. */
  orderedOn: number | null;
  sku: string;
  quantity: number;
  received: boolean;
  refunded: boolean;
}

export const startReturns = (origin: string): ReturnsState => ({ origin, counts: {}, owed: [] });

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** "10-Jul-2025", as a document Amazon served writes its dates; ISO dates too. Null when neither. */
export function reportDay(text: string): number | null {
  const dmy = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text.trim());
  if (dmy) {
    const month = MONTHS.indexOf(dmy[2].toLowerCase());
    return month < 0 ? null : Date.UTC(Number(dmy[3]), month, Number(dmy[1]));
  }
  const iso = Date.parse(text.trim());
  return Number.isNaN(iso) ? null : iso - (iso % DAY_MS);
}

/**
 * The report's rows, by the documented column names (their order is not relied on). A row
 * without an order, a SKU or a whole number of units says nothing that can be counted: skipped.
 * Blank fields may be a single space, as in documents Amazon served.
 */
export function parseReturnsReport(text: string): ReturnRow[] {
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (!header) return [];
  const columns = header.split("\t").map((name) => name.trim().toLowerCase());
  const at = (cells: string[], name: string) => (cells[columns.indexOf(name.toLowerCase())] ?? "").trim();
  return lines.flatMap((line) => {
    const cells = line.split("\t");
    const quantity = Number(at(cells, "Return quantity"));
    const orderId = at(cells, "Order ID");
    const sku = at(cells, "Merchant SKU");
    if (!orderId || !sku || !Number.isInteger(quantity) || quantity <= 0) return [];
    const refundedAmount = Number(at(cells, "Refunded Amount").replace(/[^0-9.]/g, ""));
    return [
      {
        orderId,
        orderedOn: reportDay(at(cells, "Order date")),
        sku,
        quantity,
        // The parcel reached the seller: its units are back on the shelf.
        received: at(cells, "Return delivery date") !== "",
        // Any refund of the return refunds its units, a restocking fee kept or not.
        refunded: refundedAmount > 0,
      },
    ];
  });
}

/** Units received and refunded per order and SKU, every return request of each added up. */
export function countsOf(rows: ReturnRow[]): ReturnCounts {
  const counts: ReturnCounts = {};
  for (const row of rows) addReturnUnits(counts, row.orderId, row.sku, row.quantity, row.received, row.refunded);
  return counts;
}

/** The orders whose counts grew (grownOrders), but not those sold before `origin` (by the report's day, a day's margin for its time zone). */
function grownSinceOrigin(before: ReturnCounts, after: ReturnCounts, rows: ReturnRow[], origin: string): string[] {
  const originDay = Date.parse(origin) - (Date.parse(origin) % DAY_MS);
  const tooOld = new Set(rows.filter((r) => r.orderedOn !== null && r.orderedOn < originDay - DAY_MS).map((r) => r.orderId));
  return grownOrders(before, after).filter((orderId) => !tooOld.has(orderId));
}

/**
 * The order with its return counts on its lines, a SKU's units filling its lines in turn: units
 * received back (returnedQuantity) and refunded (refundedQuantity, its cancelled units included,
 * as the connector interface counts them). An order the report does not name is left as it is.
 */
export function withReturns(order: ImportedOrder, state: ReturnsState): ImportedOrder {
  const counts = state.counts[order.externalOrderId];
  if (!counts || order.unreadable) return order;
  const left = new Map(Object.entries(counts).map(([sku, [received, refunded]]) => [sku, { received, refunded }]));
  return {
    ...order,
    lines: order.lines.map((line) => {
      const units = left.get(line.channelSku);
      if (!units) return line;
      const cancelled = line.cancelledQuantity ?? 0;
      const received = Math.min(units.received, line.quantity - cancelled);
      const refunded = Math.min(units.refunded, line.quantity - cancelled);
      units.received -= received;
      units.refunded -= refunded;
      return { ...line, returnedQuantity: received, refundedQuantity: cancelled + refunded };
    }),
  };
}

/**
 * One step of the report's life, taken on each poll: read the awaited report if Amazon is done
 * with it, and ask for the next when it is due. Never throws a marketplace's failure: the orders
 * must not wait for returns. A failure that may heal (429, 5xx) is tried on the next poll; one
 * that will not (a report gone, a refusal) waits for the next report's turn.
 */
export async function advanceReturns(
  client: SpApiClient,
  marketplaceId: string,
  retry: RetryOptions,
  state: ReturnsState,
  now: number,
  everyMs: number = RETURNS_REPORT_EVERY_MS,
): Promise<ReturnsState> {
  let next = state;
  try {
    if (next.pending) next = await readReport(client, retry, next, next.pending);
    if (!next.pending && now - (next.askedAt ?? -Infinity) >= everyMs) {
      const { reportId } = await withRetry(
        () =>
          client.call<{ reportId: string }>({
            operation: "createReport",
            endpoint: "reports",
            body: { reportType: RETURNS_REPORT_TYPE, marketplaceIds: [marketplaceId], dataStartTime: new Date(now - RETURNS_WINDOW_MS).toISOString() },
          }),
        retry,
      );
      next = { ...next, pending: reportId, askedAt: now };
    }
    return next.failure ? { ...next, failure: undefined } : next;
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    return error.retryable ? { ...next, failure: error.message } : { ...next, pending: undefined, askedAt: now, failure: error.message };
  }
}

async function readReport(client: SpApiClient, retry: RetryOptions, state: ReturnsState, reportId: string): Promise<ReturnsState> {
  const report = await withRetry(() => client.call<Report>({ operation: "getReport", endpoint: "reports", path: { reportId } }), retry);
  switch (report.processingStatus) {
    case "FATAL":
      return { ...state, pending: undefined };
    case "CANCELLED":
      // "an automatic cancellation if there is no data to return" (Report.processingStatus): no return in the window.
      return { ...state, pending: undefined, counts: {} };
    case "DONE": {
      const documentId = report.reportDocumentId ?? "";
      const text = await withRetry(async () => {
        const location = await client.call<DocumentLocation>({ operation: "getReportDocument", endpoint: "reports", path: { reportDocumentId: documentId } });
        return client.download(location);
      }, retry);
      const rows = parseReturnsReport(text);
      const counts = countsOf(rows);
      const owed = grownSinceOrigin(state.counts, counts, rows, state.origin).filter((id) => !state.owed.includes(id));
      return { ...state, pending: undefined, counts, owed: [...state.owed, ...owed] };
    }
    default:
      // IN_QUEUE or IN_PROGRESS: Amazon takes minutes; the next poll looks again.
      return state;
  }
}
