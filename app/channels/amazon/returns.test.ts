import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAmazonSimulator, type AmazonSimulator, type AmazonSimulatorOptions } from "../../../simulators/amazon/server";
import type { Connector, ImportedOrder } from "../connector";
import { createAmazonConnector } from "./index";
import { countsOf, parseReturnsReport, startReturns, withReturns } from "./returns";

const SELLER = "A2SELLER0001";
const US = "ATVPDKIKX0DER";
const CREDENTIALS = { clientId: "amzn1.application-oa2-client.anchor", clientSecret: "lwa-secret", refreshToken: "Atzr|anchor-refresh" };
const DAY_MS = 86_400_000;

let sim: AmazonSimulator | undefined;
const running = () => sim!;
let clock: number;

async function start(overrides: Partial<AmazonSimulatorOptions> = {}) {
  sim = await startAmazonSimulator({
    sellers: [
      {
        sellerId: SELLER,
        marketplaceId: US,
        ...CREDENTIALS,
        listings: [
          { sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01", productType: "KITCHEN" },
          { sku: "KET-FBA", quantity: 9, priceCents: 3499, asin: "B0KETFBA01", productType: "KITCHEN", fulfilledByAmazon: true },
        ],
      },
    ],
    // Reports wait until the test lets them through (finishReports), as Amazon's take minutes.
    reportDelayMs: 600_000,
    now: () => clock,
    ...overrides,
  });
}

/** A connector asking for the returns report on every call, as the tests' schedule allows. */
function connector(returnsReportEveryMs = 0): Connector {
  return createAmazonConnector(
    { accountId: SELLER, region: US, credentials: CREDENTIALS, endpoints: { api: running().url, auth: running().url } },
    {
      retry: { sleep: async (ms) => void (clock += ms), baseDelayMs: 1, attempts: 3 },
      returnsReportEveryMs,
      now: () => clock,
    },
  );
}

/** Fetches with the cursor carried over, as the import does. */
function reader(amazon: Connector) {
  let cursor: string | null = null;
  return async () => {
    const page = await amazon.fetchOrders(cursor);
    cursor = page.cursor;
    return page.orders;
  };
}

const calls = (operation: string) => running().responseChecks.filter((c) => c.operationId === operation);
/** Every createReport sent, throttled ones too (a 429 never reaches the operation), by status. */
const reportsAskedFor = () =>
  running()
    .requests.filter((r) => r.method === "POST" && r.path === "/reports/2021-06-30/reports")
    .map((r) => r.status);
const counts = (orders: ImportedOrder[]) => orders.map((o) => [o.externalOrderId, o.lines.map((l) => [l.channelSku, l.returnedQuantity, l.refundedQuantity])]);

beforeEach(() => {
  clock = Date.now();
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("Amazon returns report, read", () => {
  // The header as documented ("Returns reports attributes") and a row as a document Amazon served
  // writes one (a public copy): dates as 10-Jul-2025, blank fields as one space, CRLF line ends.
  const header = [
    "Order ID",
    "Order date",
    "Return request date",
    "Return request status",
    "Amazon RMA ID",
    "Merchant RMA ID",
    "Label type",
    "Label cost",
    "Currency code",
    "Return carrier",
    "Tracking ID",
    "Label to be paid by",
    "A-to-Z Claim",
    "Is prime",
    "ASIN",
    "Merchant SKU",
    "Item Name",
    "Return quantity",
    "Return Reason",
    "In policy",
    "Return type",
    "Resolution",
    "Invoice number",
    "Return delivery date",
    "Order Amount",
    "Order quantity",
    "SafeT Action reason",
    "SafeT claim id",
    "SafeT claim state",
    "SafeT claim creation time",
    "SafeT claim reimbursement amount",
    "Refunded Amount",
  ].join("\t");
  const row = (orderId: string, sku: string, quantity: string, delivered: string, refunded: string) =>
    [orderId, "10-Jul-2025", "14-Jul-2025", "Approved", "DfqRyqfBRRMA", " ", "AmazonPrePaidLabel", "4.14", "USD", "USPS", "92020903", "Seller", "N", "N"]
      .concat([
        "B0DFN2HN9N",
        sku,
        "Necklace",
        quantity,
        "AMZ-PG-WJ-TOO-SMALL",
        "Y",
        "C-Returns",
        "StandardRefund",
        " ",
        delivered,
        "21.38",
        "2",
        "",
        "",
        "",
        "",
        "",
      ])
      .concat([refunded])
      .join("\t");

  it("given two return requests of one order's SKU, one received and refunded, one only requested, and a row without units, when read, then the order's SKU counts 1 received and 1 refunded", () => {
    const text = [
      header,
      row("113-6277818-6289068", "PANEC-925SS-IT", "1", "18-Jul-2025", "10.69"),
      row("113-6277818-6289068", "PANEC-925SS-IT", "1", " ", ""),
      row("113-6277818-6289068", "PANEC-925SS-IT", " ", "18-Jul-2025", "10.69"),
      "",
    ].join("\r\n");
    const rows = parseReturnsReport(text);
    expect(rows.map((r) => [r.orderId, r.orderedOn, r.sku, r.quantity, r.received, r.refunded])).toEqual([
      ["113-6277818-6289068", Date.UTC(2025, 6, 10), "PANEC-925SS-IT", 1, true, true],
      ["113-6277818-6289068", Date.UTC(2025, 6, 10), "PANEC-925SS-IT", 1, false, false],
    ]);
    expect(countsOf(rows)).toEqual({ "113-6277818-6289068": { "PANEC-925SS-IT": [1, 1] } });
  });

  it("given an order with a cancelled line and two lines of one SKU, when its counts are folded in, then units fill the lines in turn and the refunded count includes the cancelled units", () => {
    const state = { ...startReturns(new Date().toISOString()), counts: { "111-1": { A: [3, 1] as [number, number], B: [1, 1] as [number, number] } } };
    const order: ImportedOrder = {
      externalOrderId: "111-1",
      status: "SHIPPED",
      orderedAt: new Date(),
      lines: [
        { channelSku: "A", quantity: 2 },
        { channelSku: "A", quantity: 2 },
        { channelSku: "B", quantity: 3, cancelledQuantity: 2 },
        { channelSku: "C", quantity: 1 },
      ],
    };
    expect(withReturns(order, state).lines.map((l) => [l.channelSku, l.returnedQuantity, l.refundedQuantity])).toEqual([
      ["A", 2, 1],
      ["A", 1, 0],
      ["B", 1, 3],
      ["C", undefined, undefined],
    ]);
    expect(withReturns({ ...order, externalOrderId: "111-2" }, state)).toEqual({ ...order, externalOrderId: "111-2" });
  });
});

describe("Amazon connector: returns through the Reports API", () => {
  it("given a shipped order of 3 already fetched, when the buyer returns 2 and the parcel arrives, then a later fetch sends the order back with 2 received; after the refund with 2 refunded; then never again while nothing grows", async () => {
    await start();
    const fetchOrders = reader(connector());
    const { orderId } = running().state.placeOrder({ sku: "KET-RED", quantity: 3 });
    running().state.shipOrder(orderId);
    expect(counts(await fetchOrders())).toEqual([[orderId, [["KET-RED", undefined, undefined]]]]);

    const rma = running().state.requestReturn(orderId, { sku: "KET-RED", quantity: 2 }).amazonRmaId;
    running().state.receiveReturn(rma);
    // The report asked for on the last fetch ends when it was asked for ("dataEndTime ... The default is now"), before the return.
    running().state.finishReports();
    expect(await fetchOrders()).toEqual([]);
    running().state.finishReports();
    const received = await fetchOrders();
    expect(counts(received)).toEqual([[orderId, [["KET-RED", 2, 0]]]]);
    expect(received[0]).toMatchObject({ status: "SHIPPED", fulfilledByMarketplace: false, lines: [{ quantity: 3, cancelledQuantity: 0 }] });

    running().state.refundReturn(rma);
    running().state.finishReports();
    expect(counts(await fetchOrders())).toEqual([[orderId, [["KET-RED", 2, 2]]]]);

    running().state.finishReports();
    expect(await fetchOrders()).toEqual([]);
    // One report per fetch (the tests' schedule), each read once; the order read back twice.
    expect([calls("createReport").length, calls("getOrder").length]).toEqual([5, 2]);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given an FBA order and a seller-fulfilled one the buyers return, when fetched after the reports, then only the seller-fulfilled one comes back: the returns report does not hold FBA returns", async () => {
    await start();
    const fetchOrders = reader(connector());
    const fba = running().state.placeOrder({ sku: "KET-FBA", quantity: 2 }).orderId;
    const own = running().state.placeOrder({ sku: "KET-RED", quantity: 1 }).orderId;
    running().state.shipOrder(own);
    expect(await fetchOrders()).toHaveLength(2);
    running().state.receiveReturn(running().state.requestReturn(fba, { sku: "KET-FBA", quantity: 2 }).amazonRmaId);
    running().state.receiveReturn(running().state.requestReturn(own, { sku: "KET-RED", quantity: 1 }).amazonRmaId);
    running().state.finishReports();
    // The report asked for before the returns may already hold them once it is done (it was
    // fetched on its next read), so what comes back is counted over both reads.
    const afterFirst = await fetchOrders();
    running().state.finishReports();
    expect(counts([...afterFirst, ...(await fetchOrders())])).toEqual([[own, [["KET-RED", 1, 0]]]]);
    expect(calls("getOrder")).toHaveLength(1);
  });

  it("given an order sold before the import began, when the buyer returns it, then it is read once to see its date and never sent back", async () => {
    await start();
    const { orderId } = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    running().state.shipOrder(orderId);
    running().state.receiveReturn(running().state.requestReturn(orderId, { sku: "KET-RED", quantity: 1 }).amazonRmaId);
    // Connected two days later: its first window (a day) starts after the sale.
    clock += 2 * DAY_MS;
    const fetchOrders = reader(connector());
    expect(await fetchOrders()).toEqual([]);
    running().state.finishReports();
    expect(await fetchOrders()).toEqual([]);
    running().state.finishReports();
    expect(await fetchOrders()).toEqual([]);
    expect(calls("getOrder")).toHaveLength(1);
  });

  it("given the hourly schedule, when fetched again within the hour, then no second report is asked for; an hour later one is", async () => {
    await start();
    const fetchOrders = reader(connector(3_600_000));
    await fetchOrders();
    running().state.finishReports();
    await fetchOrders();
    expect(calls("createReport")).toHaveLength(1);
    clock += 3_600_000;
    await fetchOrders();
    expect(calls("createReport")).toHaveLength(2);
    // The first found no return in its range, the last 59 days.
    const [first] = running().state.reports();
    expect([first.processingStatus, Math.round((Date.parse(first.createdTime) - Date.parse(first.dataStartTime)) / DAY_MS)]).toEqual(["CANCELLED", 59]);
  });

  it("given createReport's burst is spent and a report ends FATAL, when fetched, then the orders still come and the report is asked for again once Amazon allows it", async () => {
    await start({ usagePlanOverrides: { createReport: { rate: 1 / 60, burst: 1 } } });
    const fetchOrders = reader(connector());
    running().state.failNextReports();
    const { orderId } = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    expect(await fetchOrders()).toHaveLength(1);
    running().state.finishReports();
    running().state.cancelOrder(orderId);
    // The FATAL report is dropped and a new one refused (429, a minute's wait): the cancellation still comes.
    expect((await fetchOrders()).map((o) => o.cancelled)).toEqual([true]);
    expect(reportsAskedFor()).toEqual([202, 429]);
    clock += 60_000;
    await fetchOrders();
    expect(reportsAskedFor()).toEqual([202, 429, 202]);
  });
});
