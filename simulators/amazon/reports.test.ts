import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RETURNS_REPORT_COLUMNS, RETURNS_REPORT_TYPE } from "./returns";
import { startAmazonSimulator, type AmazonSimulator, type AmazonSimulatorOptions } from "./server";

// The Reports API 2021-06-30 and the buyer returns behind GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE.

const SELLER = "A3SIMSELLER";
const US = "ATVPDKIKX0DER";
const LWA = { clientId: "amzn1.application-oa2-client.sim", clientSecret: "sim-secret", refreshToken: "Atzr|sim-refresh" };
const DAY_MS = 86_400_000;

let sim: AmazonSimulator | undefined;
let clock: number;
const running = () => sim!;

interface Report {
  reportId: string;
  processingStatus: string;
  reportDocumentId?: string;
  dataStartTime?: string;
}

async function start(overrides: Partial<AmazonSimulatorOptions> = {}) {
  sim = await startAmazonSimulator({
    sellers: [
      {
        sellerId: SELLER,
        marketplaceId: US,
        ...LWA,
        listings: [
          { sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01", title: "Red kettle", productType: "KITCHEN" },
          { sku: "KET-FBA", quantity: 9, priceCents: 3499, asin: "B0KETFBA01", productType: "KITCHEN", fulfilledByAmazon: true },
        ],
      },
    ],
    reportDelayMs: 600_000,
    now: () => clock,
    ...overrides,
  });
}

async function sp(path: string, init: { method?: string; body?: unknown } = {}) {
  const grant = await fetch(`${running().url}/auth/o2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: LWA.refreshToken, client_id: LWA.clientId, client_secret: LWA.clientSecret }),
  });
  const { access_token } = (await grant.json()) as { access_token: string };
  return fetch(`${running().url}${path}`, {
    method: init.method ?? "GET",
    headers: { "x-amz-access-token": access_token, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

const createReport = (body: Record<string, unknown>) => sp("/reports/2021-06-30/reports", { method: "POST", body });
const returnsReport = (extra: Record<string, unknown> = {}) =>
  createReport({ reportType: RETURNS_REPORT_TYPE, marketplaceIds: [US], dataStartTime: new Date(Date.now() - 30 * DAY_MS).toISOString(), ...extra });
const getReport = async (reportId: string) => (await (await sp(`/reports/2021-06-30/reports/${reportId}`)).json()) as Report;

/** Asks for the returns report, lets it through and reads its rows by column name (null: CANCELLED). */
async function readReturnsReport(): Promise<Array<Record<string, string>> | null> {
  const { reportId } = (await (await returnsReport()).json()) as { reportId: string };
  running().state.finishReports();
  const report = await getReport(reportId);
  if (report.processingStatus === "CANCELLED") return null;
  expect(report.processingStatus).toBe("DONE");
  const document = (await (await sp(`/reports/2021-06-30/documents/${report.reportDocumentId}`)).json()) as { url: string; compressionAlgorithm?: string };
  expect(document.compressionAlgorithm).toBe("GZIP");
  const [header, ...lines] = gunzipSync(Buffer.from(await (await fetch(document.url)).arrayBuffer()))
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\t"));
  expect(header).toEqual([...RETURNS_REPORT_COLUMNS]);
  return lines.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
}

const lastUpdated = (orderId: string) =>
  running()
    .state.seller()
    .orders.find((o) => o.order.orderId === orderId)!.order.lastUpdatedTime;
const today = () => {
  const now = new Date();
  return `${String(now.getUTCDate()).padStart(2, "0")}-${now.toLocaleString("en-US", { month: "short", timeZone: "UTC" })}-${now.getUTCFullYear()}`;
};

beforeEach(() => {
  clock = Date.now();
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("Amazon simulator: buyer returns in GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", () => {
  it("given a shipped order of 3, when the buyer returns 2, the parcel arrives and the seller refunds, then each report shows the return as it stood (Approved with a delivery date, then Completed with the refunded amount) and the order itself never changes", async () => {
    await start();
    const { orderId } = running().state.placeOrder({ sku: "KET-RED", quantity: 3 });
    running().state.shipOrder(orderId);
    const shipped = lastUpdated(orderId);
    expect(await readReturnsReport()).toBeNull();

    const rma = running().state.requestReturn(orderId, { sku: "KET-RED", quantity: 2 }).amazonRmaId;
    running().state.receiveReturn(rma);
    const received = await readReturnsReport();
    expect(received).toEqual([
      expect.objectContaining({
        "Order ID": orderId,
        "Return request date": today(),
        "Return request status": "Approved",
        "Amazon RMA ID": rma,
        ASIN: "B0KETRED01",
        "Merchant SKU": "KET-RED",
        "Item Name": "Red kettle",
        "Return quantity": "2",
        "Return delivery date": today(),
        "Order Amount": "89.97",
        "Order quantity": "3",
        "Refunded Amount": "",
      }),
    ]);

    running().state.refundReturn(rma);
    expect(await readReturnsReport()).toEqual([
      expect.objectContaining({ "Amazon RMA ID": rma, "Return request status": "Completed", "Refunded Amount": "59.98" }),
    ]);
    // The Orders API knows nothing of returns: the order is as it was once shipped.
    expect(lastUpdated(orderId)).toBe(shipped);
    expect(running().state.listing("KET-RED")!.quantity).toBe(2);
  });

  it("given an FBA order, when the buyer returns a unit and it reaches Amazon's warehouse, then Amazon's count goes back up and the seller-fulfilled returns report leaves it out", async () => {
    await start();
    const { orderId } = running().state.placeOrder({ sku: "KET-FBA", quantity: 2 });
    const rma = running().state.requestReturn(orderId, { sku: "KET-FBA", quantity: 1 }).amazonRmaId;
    running().state.receiveReturn(rma);
    expect(running().state.listing("KET-FBA")!.quantity).toBe(8);
    expect(await readReturnsReport()).toBeNull();
  });

  it("given an unshipped order, or more units than shipped, or an unknown order, when the buyer asks to return them, then the simulator refuses", async () => {
    await start();
    const { orderId } = running().state.placeOrder({ sku: "KET-RED", quantity: 2 });
    expect(() => running().state.requestReturn(orderId, { sku: "KET-RED", quantity: 1 })).toThrow(/0 shipped/);
    running().state.shipOrder(orderId);
    running().state.requestReturn(orderId, { sku: "KET-RED", quantity: 1 });
    expect(() => running().state.requestReturn(orderId, { sku: "KET-RED", quantity: 2 })).toThrow(/2 shipped, 1 already in a return/);
    expect(() => running().state.requestReturn("111-0000000-0000000", { sku: "KET-RED", quantity: 1 })).toThrow(/no order/);
  });
});

describe("Amazon simulator: Reports API 2021-06-30", () => {
  it("given a returns report asked for, when it is followed with getReport, then it goes IN_QUEUE, IN_PROGRESS, DONE, and every answer conforms to the model", async () => {
    await start({ reportDelayMs: 200 });
    const { orderId } = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    running().state.shipOrder(orderId);
    running().state.requestReturn(orderId, { sku: "KET-RED", quantity: 1 });
    const created = await returnsReport();
    expect(created.status).toBe(202);
    const { reportId } = (await created.json()) as { reportId: string };
    const seen: string[] = [];
    for (let polls = 0; !seen.includes("DONE") && polls < 200; polls++) {
      const { processingStatus } = await getReport(reportId);
      if (seen.at(-1) !== processingStatus) seen.push(processingStatus);
      // getReport allows 2 per second: each poll is half a second on the simulator's clock.
      clock += 500;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(seen).toEqual(["IN_QUEUE", "IN_PROGRESS", "DONE"]);
    expect(await getReport(reportId)).toMatchObject({
      reportType: RETURNS_REPORT_TYPE,
      marketplaceIds: [US],
      reportDocumentId: expect.stringMatching(/^amzn1\.spdoc/),
    });
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given no return in the range, when the report is processed, then it is CANCELLED with no document, as the model says of a report with no data", async () => {
    await start();
    const { orderId } = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    running().state.shipOrder(orderId);
    running().state.requestReturn(orderId, { sku: "KET-RED", quantity: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Asked from now on: the return was requested before the range starts.
    const { reportId } = (await (await returnsReport({ dataStartTime: new Date().toISOString() })).json()) as { reportId: string };
    running().state.finishReports();
    const report = await getReport(reportId);
    expect(report.processingStatus).toBe("CANCELLED");
    expect(report.reportDocumentId).toBeUndefined();
  });

  it("given a report the simulator is told to abort, when processed, then FATAL with no document", async () => {
    await start();
    running().state.failNextReports();
    const { reportId } = (await (await returnsReport()).json()) as { reportId: string };
    running().state.finishReports();
    expect(await getReport(reportId)).toMatchObject({ processingStatus: "FATAL" });
    expect((await getReport(reportId)).reportDocumentId).toBeUndefined();
  });

  it("given specifications Amazon refuses (a report type not served, a start in the future, an end before the start, more than 60 days, a start that is no date-time, another seller's marketplace, no reportType), when created, then each is 400 InvalidInput and no report exists", async () => {
    await start();
    const now = Date.now();
    const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();
    const refused = [
      { reportType: "GET_NO_SUCH_REPORT", marketplaceIds: [US] },
      { reportType: RETURNS_REPORT_TYPE, marketplaceIds: [US], dataStartTime: iso(DAY_MS) },
      { reportType: RETURNS_REPORT_TYPE, marketplaceIds: [US], dataStartTime: iso(-DAY_MS), dataEndTime: iso(-2 * DAY_MS) },
      { reportType: RETURNS_REPORT_TYPE, marketplaceIds: [US], dataStartTime: iso(-61 * DAY_MS) },
      { reportType: RETURNS_REPORT_TYPE, marketplaceIds: [US], dataStartTime: "2026-13-01" },
      { reportType: RETURNS_REPORT_TYPE, marketplaceIds: ["A1F83G8C2ARO7P"] },
      { marketplaceIds: [US] },
    ];
    for (const body of refused) {
      const answer = await createReport(body);
      expect([answer.status, ((await answer.json()) as { errors: Array<{ code: string }> }).errors[0].code]).toEqual([400, "InvalidInput"]);
    }
    expect(running().state.reports()).toEqual([]);
    expect((await returnsReport({ dataStartTime: iso(-59 * DAY_MS) })).status).toBe(202);
  });

  it("given an unknown report or document, when read, then 404 NotFound; getReports, which the simulator does not serve, is 501", async () => {
    await start();
    expect((await sp("/reports/2021-06-30/reports/12345")).status).toBe(404);
    expect((await sp("/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.nothing")).status).toBe(404);
    expect((await sp(`/reports/2021-06-30/reports?reportTypes=${RETURNS_REPORT_TYPE}`)).status).toBe(501);
  });

  it("given createReport's plan in reports_2021-06-30.json (0.0167 per second, burst 15), when a 16th comes at once, then 429 QuotaExceeded with x-amzn-RateLimit-Limit 0.0167, and a minute later it passes", async () => {
    await start();
    for (let i = 0; i < 15; i++) expect((await returnsReport()).status).toBe(202);
    const throttled = await returnsReport();
    expect([throttled.status, throttled.headers.get("x-amzn-ratelimit-limit")]).toEqual([429, "0.0167"]);
    expect(((await throttled.json()) as { errors: Array<{ code: string }> }).errors[0].code).toBe("QuotaExceeded");
    clock += 60_000;
    expect((await returnsReport()).status).toBe(202);
  });
});
