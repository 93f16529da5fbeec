// A local stand-in for Amazon's Selling Partner API (sellingpartnerapi-na.amazon.com), the Login
// with Amazon token endpoint (api.amazon.com/auth/o2/token) and Seller Central's consent page of
// the website authorization workflow (sellercentral.amazon.com/apps/authorize/consent): Listings Items 2021-08-01, Feeds
// 2021-06-30 with JSON_LISTINGS_FEED, Orders 2026-01-01, Orders v0's confirmShipment, FBA Inventory v1's
// getInventorySummaries and Reports 2021-06-30 with the returns report. Every request is checked against Amazon's
// own models first; every answer to a documented operation is checked against the documented
// response before it leaves.
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { startHttpServer, type RunningServer, type SimRequest, type SimResponse } from "../common/http";
import { RateLimits } from "../common/token-bucket";
import { checkAmazonRequest, usagePlans, type CheckedRequest, type UsagePlan } from "./contracts";
import { SellerCentralConsent, type AmazonAppSpec } from "./consent";
import { amazonError, invalidInput, tokenExpired, tokenInvalid, tokenMissing } from "./errors";
import { FbaInventoryPages } from "./fba-inventory";
import { ListingSearches } from "./search-listings";
import { feedBody, finishFeed, newDocumentId, newFeedId, processFeed, type FeedDocument, type FeedRecord } from "./feeds";
import { renderItem, submitPatches, type PatchOperation } from "./listings";
import { LwaTokens, ACCESS_TOKEN_TTL_SECONDS } from "./lwa";
import { malformedAmazonOrders, servedOrders, type AmazonMalformation } from "./malformed-orders";
import { eventBridgeEvent, ListingChangeNotices, NotificationDeliveries, orderChangeNotification, type OrderNotificationTarget } from "./notifications";
import {
  cancelOrder,
  cancelOrderItems,
  findOrder,
  OrderSearches,
  placeOrder,
  projectOrder,
  requestCancellation,
  type BuyerOrder,
  type PlacedOrder,
} from "./orders";
import { newReport, newReportDocumentId, refusalOf, reportBody, type CreateReportSpecification, type ReportRecord } from "./reports";
import { BuyerReturns, type BuyerReturn, type BuyerReturnRequest } from "./returns";
import { confirmShipment, type ConfirmedShipment, type ConfirmShipmentRequest } from "./shipments";
import { editByHand, nowIso, SellerState, submissionId, suppress, type ListingView, type SellerSpec } from "./state";

export interface AmazonSimulatorOptions {
  port?: number;
  sellers: SellerSpec[];
  /**
   * SP-API applications sellers can authorize through the consent page (consent.ts), each with its
   * LWA client and OAuth redirect URIs, as registered in the Solution Provider Portal.
   */
  apps?: AmazonAppSpec[];
  /** Multiplies every usage plan's rate and burst; 1 = Amazon's defaults. */
  rateLimitScale?: number;
  /** Exact plans for some operations (operationId → rate, burst), for tests that need a tight one. */
  usagePlanOverrides?: Record<string, UsagePlan>;
  /** Time a feed takes from IN_QUEUE to DONE (half of it queued). Amazon: minutes. */
  feedDelayMs?: number;
  /** Time a report takes from IN_QUEUE to DONE (half of it queued; its data is read in between). Amazon: minutes. */
  reportDelayMs?: number;
  tokenTtlSeconds?: number;
  /**
   * The clock of the rate limits, access tokens and authorization codes (epoch ms). Tests hand in one they advance
   * themselves, so a throttled client's wait refills the buckets without real time passing.
   */
  now?: () => number;
  /** Where ORDER_CHANGE notifications go (an EventBridge API destination); none: orders are only searched. */
  orderNotifications?: OrderNotificationTarget;
  /** Inventory summaries per getInventorySummaries page (default 50); tests lower it to see paging. */
  fbaInventoryPageSize?: number;
}

export interface ResponseCheck {
  operationId: string;
  status: number;
  errors: string[];
}

export interface AmazonSimulatorState {
  listing(sku: string, sellerId?: string): ListingView | undefined;
  /** The seller edits the listing's own quantity (DEFAULT channel) or price in Seller Central, outside Anchorline. */
  editListingByHand(sku: string, edit: { quantity?: number; priceCents?: number }, sellerId?: string): void;
  /** Amazon suppresses the listing with this reason (an ERROR issue, LISTING_SUPPRESSED); null reinstates it. */
  suppressListing(sku: string, reason: string | null, sellerId?: string): void;
  placeOrder(order: BuyerOrder & { sellerId?: string }): PlacedOrder;
  /** The buyer cancels the whole unshipped order: CANCELLED, every item's units come back. */
  cancelOrder(orderId: string, sellerId?: string): void;
  /** The buyer cancels these SKUs' items of an unshipped order (each item whole); the rest stays. */
  cancelOrderItems(orderId: string, skus: string[], sellerId?: string): void;
  /** The buyer only asks to cancel: nothing is cancelled until the seller acts. */
  requestCancellation(orderId: string, sellerId?: string): void;
  /** From now on searchOrders and getOrder send this order malformed (malformed-orders.ts), as a real platform could. */
  malformOrder(orderId: string, how: AmazonMalformation): void;
  /** The seller confirms in Seller Central that every unshipped unit left in one UPS package (confirmShipment's rules). */
  shipOrder(orderId: string, sellerId?: string): void;
  /** The buyer asks to send back units of a shipped item (returns.ts): Approved at once; the order itself does not change. */
  requestReturn(orderId: string, request: BuyerReturnRequest & { sellerId?: string }): BuyerReturn;
  /** The return's parcel reaches the seller (an FBA one: Amazon's warehouse, whose count goes up). */
  receiveReturn(amazonRmaId: string, sellerId?: string): BuyerReturn;
  /** The seller refunds the return (by default the units' price: Completed). */
  refundReturn(amazonRmaId: string, options?: { amountCents?: number; sellerId?: string }): BuyerReturn;
  returns(sellerId?: string): BuyerReturn[];
  reports(sellerId?: string): ReportRecord[];
  /** Processes every queued report now, for tests that hold reports with a long reportDelayMs. */
  finishReports(): void;
  /** The next `count` reports asked for end FATAL ("The report was aborted due to a fatal error"). */
  failNextReports(count?: number): void;
  /**
   * Where ORDER_CHANGE, LISTINGS_ITEM_MFN_QUANTITY_CHANGE and LISTINGS_ITEM_STATUS_CHANGE
   * notifications go from now on (the seller's EventBridge API destination).
   */
  sendOrderNotificationsTo(target: OrderNotificationTarget | undefined): void;
  /** Resolves once every notification sent so far was delivered or given up. */
  notificationsSettled(): Promise<{ delivered: number; failed: number }>;
  feeds(sellerId?: string): FeedRecord[];
  /** Every package the seller confirmed through confirmShipment (carrier, tracking number, items), oldest first. */
  shipments(sellerId?: string): ConfirmedShipment[];
  /** Processes every queued feed now, for tests that hold feeds with a long feedDelayMs. */
  finishFeeds(): void;
  /** Access tokens issued so far stop working, as after their hour. */
  expireAccessTokens(sellerId?: string): void;
  /** The seller de-authorises the app: refresh token refused, access tokens dead. */
  revokeAuthorization(sellerId?: string): void;
  /** Who is signed in to Seller Central when the consent page opens (default: the first seller). */
  signInToSellerCentral(sellerId: string): void;
  seller(sellerId?: string): SellerState;
}

export interface AmazonSimulator {
  url: string;
  state: AmazonSimulatorState;
  requests: RunningServer["requests"];
  /** Every answer to a documented operation, with what checkResponse said about it. */
  responseChecks: ResponseCheck[];
  stop(): Promise<void>;
}

/** What the operation handlers are given. */
interface Call {
  seller: SellerState;
  check: CheckedRequest;
  request: SimRequest;
}

const first = <T>(values: T[]) => values[0];

export async function startAmazonSimulator(options: AmazonSimulatorOptions): Promise<AmazonSimulator> {
  const sellers = new Map(options.sellers.map((spec) => [spec.sellerId, new SellerState(spec)]));
  const now = options.now ?? Date.now;
  const consent = new SellerCentralConsent(options.apps ?? [], (sellerId) => sellerOf(sellerId), now);
  const tokens = new LwaTokens(sellers, options.tokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS, now, consent);
  const plans = usagePlans();
  const scale = options.rateLimitScale ?? 1;
  const limits = new RateLimits(now);
  const feedDelayMs = options.feedDelayMs ?? 100;
  const documents = new Map<string, FeedDocument>();
  const feeds = new Map<string, FeedRecord>();
  /** Feeds not yet processed, by id: what finishes each one (on its timer, or finishFeeds()). */
  const pendingFeeds = new Map<string, () => void>();
  const searches = new OrderSearches();
  const fbaInventory = new FbaInventoryPages(now, options.fbaInventoryPageSize);
  const listingSearches = new ListingSearches(now);
  const notifications = new NotificationDeliveries(options.orderNotifications);
  const listingNotices = new ListingChangeNotices(() => sellers.values(), notifications);
  const timers = new Set<NodeJS.Timeout>();
  const responseChecks: ResponseCheck[] = [];
  const shipments: Array<ConfirmedShipment & { sellerId: string }> = [];
  const malformed = malformedAmazonOrders();
  const reportDelayMs = options.reportDelayMs ?? 100;
  const reports = new Map<string, ReportRecord>();
  /** Reports not yet processed, by id: what finishes each one (on its timer, or finishReports()). */
  const pendingReports = new Map<string, () => void>();
  const buyerReturns = new BuyerReturns();
  let fatalReports = 0;
  let baseUrl = "";

  const sellerOf = (sellerId?: string) => {
    const seller = sellerId ? sellers.get(sellerId) : first([...sellers.values()]);
    if (!seller) throw new Error(`Amazon simulator: no seller ${sellerId ?? "(none configured)"}`);
    return seller;
  };
  const planOf = (operationId: string): UsagePlan => {
    const plan = options.usagePlanOverrides?.[operationId] ?? plans.get(operationId) ?? { rate: 1, burst: 1 };
    if (options.usagePlanOverrides?.[operationId]) return plan;
    return { rate: plan.rate * scale, burst: Math.max(1, Math.floor(plan.burst * scale)) };
  };
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const sameSeller = (call: Call) => !call.check.pathParams.sellerId || call.check.pathParams.sellerId === call.seller.spec.sellerId;
  const denied = () => amazonError(403, "Unauthorized", "Access to requested resource is denied.", "");
  const marketplaceOk = (call: Call) => (call.check.query.get("marketplaceIds") ?? "").split(",").includes(call.seller.marketplaceId);
  const wrongMarketplace = (call: Call) =>
    invalidInput([`marketplaceIds: ${call.check.query.get("marketplaceIds")} is not a marketplace the seller participates in.`]);

  const operations: Record<string, (call: Call) => SimResponse> = {
    getListingsItem: (call) => {
      if (!sameSeller(call)) return denied();
      if (!marketplaceOk(call)) return wrongMarketplace(call);
      const record = call.seller.listings.get(call.check.pathParams.sku);
      if (!record) return amazonError(404, "NOT_FOUND", `SKU '${call.check.pathParams.sku}' not found in marketplace ${call.seller.marketplaceId}`);
      const includedData = (call.check.query.get("includedData") ?? "").split(",").filter(Boolean);
      return { status: 200, body: renderItem(call.seller, record, includedData) };
    },
    // The seller's listings, a page at a time (search-listings.ts): what listing discovery reads.
    searchListingsItems: (call) => (sameSeller(call) ? listingSearches.answer(call.seller, call.check.query) : denied()),
    patchListingsItem: (call) => {
      if (!sameSeller(call)) return denied();
      if (!marketplaceOk(call)) return wrongMarketplace(call);
      const body = call.request.body as { productType: string; patches: PatchOperation[] };
      const sku = call.check.pathParams.sku;
      const preview = call.check.query.get("mode") === "VALIDATION_PREVIEW";
      const outcome = submitPatches(preview ? call.seller.preview() : call.seller, sku, body.productType, body.patches);
      const wantsIssues = (call.check.query.get("includedData") ?? "issues").split(",").includes("issues");
      return {
        status: 200,
        body: {
          sku,
          status: preview && outcome.status === "ACCEPTED" ? "VALID" : outcome.status,
          submissionId: submissionId(),
          ...(wantsIssues ? { issues: outcome.issues } : {}),
        },
      };
    },
    createFeedDocument: (call) => {
      const { contentType } = call.request.body as { contentType: string };
      const document: FeedDocument = {
        feedDocumentId: newDocumentId(),
        sellerId: call.seller.spec.sellerId,
        contentType,
        signature: randomBytes(16).toString("hex"),
      };
      documents.set(document.feedDocumentId, document);
      return { status: 201, body: { feedDocumentId: document.feedDocumentId, url: documentUrl(document) } };
    },
    createFeed: (call) => {
      const spec = call.request.body as { feedType: string; marketplaceIds: string[]; inputFeedDocumentId: string };
      const input = documents.get(spec.inputFeedDocumentId);
      if (!input || input.sellerId !== call.seller.spec.sellerId) return invalidInput([`inputFeedDocumentId ${spec.inputFeedDocumentId} does not exist.`]);
      if (spec.feedType !== "JSON_LISTINGS_FEED") return invalidInput([`feedType ${spec.feedType} is not simulated (only JSON_LISTINGS_FEED).`]);
      if (!spec.marketplaceIds.includes(call.seller.marketplaceId))
        return invalidInput([`marketplaceIds ${spec.marketplaceIds.join(",")} do not include the seller's marketplace.`]);
      const feed: FeedRecord = {
        feedId: newFeedId(),
        sellerId: call.seller.spec.sellerId,
        feedType: spec.feedType,
        marketplaceIds: spec.marketplaceIds,
        inputFeedDocumentId: spec.inputFeedDocumentId,
        createdTime: nowIso(),
        processingStatus: "IN_QUEUE",
        reportErrors: [],
      };
      feeds.set(feed.feedId, feed);
      const seller = call.seller;
      const start = () => {
        if (feed.processingStatus !== "IN_QUEUE") return;
        feed.processingStatus = "IN_PROGRESS";
        feed.processingStartTime = nowIso();
      };
      const finish = () => {
        if (!pendingFeeds.delete(feed.feedId)) return;
        start();
        finishFeed(feed, processFeed(seller, feed, documents.get(feed.inputFeedDocumentId)), documents);
        listingNotices.announce();
      };
      pendingFeeds.set(feed.feedId, finish);
      later(feedDelayMs / 2, () => {
        start();
        later(feedDelayMs / 2, finish);
      });
      return { status: 202, body: { feedId: feed.feedId } };
    },
    getFeed: (call) => {
      const feed = feeds.get(call.check.pathParams.feedId);
      if (!feed || feed.sellerId !== call.seller.spec.sellerId) return amazonError(404, "NotFound", `Feed ${call.check.pathParams.feedId} not found.`);
      return { status: 200, body: feedBody(feed) };
    },
    getFeedDocument: (call) => {
      const document = documents.get(call.check.pathParams.feedDocumentId);
      if (!document || document.sellerId !== call.seller.spec.sellerId)
        return amazonError(404, "NotFound", `Feed document ${call.check.pathParams.feedDocumentId} not found.`);
      return {
        status: 200,
        body: {
          feedDocumentId: document.feedDocumentId,
          url: documentUrl(document),
          ...(document.compressionAlgorithm ? { compressionAlgorithm: document.compressionAlgorithm } : {}),
        },
      };
    },
    searchOrders: (call) => {
      const answer = searches.search(call.seller, call.check.query);
      return answer.ok ? { status: 200, body: answer.body } : invalidInput([answer.reason]);
    },
    // Orders 2026-01-01 getOrder: the order with the datasets asked for (includedData), as searchOrders gives it.
    getOrder: (call) => {
      const order = findOrder(call.seller, call.check.pathParams.orderId);
      if (!order) return amazonError(404, "NotFound", `Order ${call.check.pathParams.orderId} not found.`);
      const included = new Set((call.check.query.get("includedData") ?? "").split(",").filter(Boolean));
      return { status: 200, body: { order: projectOrder(order, included) } };
    },
    // FBA Inventory v1 getInventorySummaries (fba-inventory.ts): Amazon's count of the seller's FBA units.
    getInventorySummaries: (call) => fbaInventory.answer(call.seller, call.check.query),
    // Orders v0 confirmShipment (shipments.ts): 204 and the order moves, or the refusal.
    confirmShipment: (call) => shipOrder(call.seller, call.check.pathParams.orderId, call.request.body as ConfirmShipmentRequest),
    // Reports 2021-06-30 (reports.ts): the returns report, processed on its own after reportDelayMs.
    createReport: (call) => {
      const spec = call.request.body as CreateReportSpecification;
      const refusal = refusalOf(spec, call.seller.marketplaceId, Date.now());
      if (refusal) return invalidInput([refusal]);
      const report = newReport(call.seller.spec.sellerId, spec, Date.now());
      reports.set(report.reportId, report);
      const fatal = fatalReports > 0;
      if (fatal) fatalReports--;
      const start = () => {
        if (report.processingStatus !== "IN_QUEUE") return;
        report.processingStatus = "IN_PROGRESS";
        report.processingStartTime = nowIso();
        report.content = buyerReturns.report(report.sellerId, report.marketplaceIds, Date.parse(report.dataStartTime), Date.parse(report.dataEndTime));
      };
      const finish = () => {
        if (!pendingReports.delete(report.reportId)) return;
        start();
        report.processingEndTime = nowIso();
        if (fatal) report.processingStatus = "FATAL";
        else if (!report.content) report.processingStatus = "CANCELLED";
        else {
          const document: FeedDocument = {
            feedDocumentId: newReportDocumentId(),
            sellerId: report.sellerId,
            contentType: "text/plain;charset=UTF-8",
            signature: randomBytes(16).toString("hex"),
            content: gzipSync(report.content),
            compressionAlgorithm: "GZIP",
          };
          documents.set(document.feedDocumentId, document);
          report.reportDocumentId = document.feedDocumentId;
          report.processingStatus = "DONE";
        }
      };
      pendingReports.set(report.reportId, finish);
      later(reportDelayMs / 2, () => {
        start();
        later(reportDelayMs / 2, finish);
      });
      return { status: 202, body: { reportId: report.reportId } };
    },
    getReport: (call) => {
      const report = reports.get(call.check.pathParams.reportId);
      if (!report || report.sellerId !== call.seller.spec.sellerId) return amazonError(404, "NotFound", `Report ${call.check.pathParams.reportId} not found.`);
      return { status: 200, body: reportBody(report) };
    },
    getReportDocument: (call) => {
      const id = call.check.pathParams.reportDocumentId;
      const owned = [...reports.values()].some((r) => r.reportDocumentId === id && r.sellerId === call.seller.spec.sellerId);
      const document = documents.get(id);
      if (!owned || !document) return amazonError(404, "NotFound", `Report document ${id} not found.`);
      return { status: 200, body: { reportDocumentId: id, url: documentUrl(document), compressionAlgorithm: "GZIP" } };
    },
  };
  /** Of Orders v0 only confirmShipment is served: the rest is what 2026-01-01 replaced. */
  const servedFromV0 = new Set(["confirmShipment"]);

  /** A package confirmed (confirmShipment's operation, or the seller in Seller Central): the order moves, ORDER_CHANGE goes out. */
  const shipOrder = (seller: SellerState, orderId: string, request: ConfirmShipmentRequest): SimResponse => {
    const done = confirmShipment(seller, orderId, request);
    if (done.shipment && done.order) {
      shipments.push({ ...done.shipment, sellerId: seller.spec.sellerId });
      notifications.send(eventBridgeEvent(orderChangeNotification(seller, done.order, "OrderStatusChange")));
    }
    return done.answer;
  };

  const documentUrl = (document: FeedDocument) => `${baseUrl}/tortuga/${encodeURIComponent(document.feedDocumentId)}?X-Amz-Signature=${document.signature}`;

  /** The pre-signed document URLs: plain S3 behaviour, no SP-API token, XML errors. */
  const serveDocument = (request: SimRequest): SimResponse => {
    const document = documents.get(decodeURIComponent(request.path.slice("/tortuga/".length)));
    const s3Error = (status: number, code: string, message: string): SimResponse => ({
      status,
      headers: { "content-type": "application/xml" },
      raw: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    });
    if (!document || request.query.get("X-Amz-Signature") !== document.signature) return s3Error(403, "AccessDenied", "Access Denied");
    if (request.method === "PUT") {
      // The signature covers the content type given to createFeedDocument: another one is refused.
      if (String(request.headers["content-type"] ?? "") !== document.contentType)
        return s3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
      document.content = request.rawBody;
      return { status: 200, raw: "" };
    }
    if (request.method !== "GET") return s3Error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    if (document.content === undefined) return s3Error(404, "NoSuchKey", "The specified key does not exist.");
    return { status: 200, headers: { "content-type": document.contentType }, raw: document.content };
  };

  const handler = (request: SimRequest): SimResponse => {
    if (request.method === "POST" && request.path === "/auth/o2/token") return tokens.handle(request);
    if (request.method === "GET" && request.path === "/apps/authorize/consent") return consent.consentPage(request);
    const confirming = /^\/apps\/authorize\/confirm\/([^/]+)$/.exec(request.path);
    if (request.method === "POST" && confirming) return consent.decide(request, decodeURIComponent(confirming[1]));
    if (request.path.startsWith("/tortuga/")) return serveDocument(request);
    if (request.invalidJson) return invalidInput(["The request body is not valid JSON."]);
    const check = checkAmazonRequest({ method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body });
    if (!check.ok) {
      if (check.status === 400) return invalidInput(check.errors);
      return amazonError(check.status, check.status === 404 ? "NotFound" : "MethodNotAllowed", check.errors.join("; "));
    }
    const token = tokens.check(request.headers["x-amz-access-token"]);
    if (!token.ok) return token.reason === "missing" ? tokenMissing() : token.reason === "expired" ? tokenExpired() : tokenInvalid();
    const plan = planOf(check.operationId);
    // "The x-amzn-RateLimit-Limit response header returns the usage plan rate limits that were
    // applied to the requested operation" (every operation's description).
    const rateHeader = { "x-amzn-RateLimit-Limit": String(plan.rate), "x-amzn-RequestId": randomBytes(8).toString("hex") };
    const taken = limits.take(`${token.seller.spec.sellerId}:${check.operationId}`, plan.rate, plan.burst);
    if (!taken.ok) return amazonError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", undefined, rateHeader);
    const operation = check.model === "ordersV0.json" && !servedFromV0.has(check.operationId) ? undefined : operations[check.operationId];
    if (!operation) return amazonError(501, "NotImplemented", `${check.operationId} is a valid SP-API operation that this simulator does not serve.`);
    const answer = operation({ seller: token.seller, check, request });
    if (request.method !== "GET") listingNotices.announce();
    const errors = check.contract.checkResponse(check.operationId, answer.status, answer.body);
    responseChecks.push({ operationId: check.operationId, status: answer.status, errors });
    if (errors.length) return amazonError(500, "InternalFailure", `simulator answer off the model: ${errors.join("; ")}`);
    const served = servedOrders(malformed, check.operationId, answer);
    return { ...served, headers: { ...rateHeader, ...(served.headers ?? {}) } };
  };

  const server = await startHttpServer(handler, options.port);
  baseUrl = server.url;
  const feedsOf = (sellerId?: string) => {
    const id = sellerOf(sellerId).spec.sellerId;
    return [...feeds.values()].filter((f) => f.sellerId === id);
  };
  return {
    url: server.url,
    requests: server.requests,
    responseChecks,
    state: {
      listing: (sku, sellerId) => {
        const seller = sellerOf(sellerId);
        const record = seller.listings.get(sku);
        return record ? seller.view(record) : undefined;
      },
      editListingByHand: (sku, edit, sellerId) => {
        const seller = sellerOf(sellerId);
        const record = seller.listings.get(sku);
        if (!record) throw new Error(`Amazon simulator: no listing ${sku}`);
        editByHand(record, seller.marketplaceId, edit);
        listingNotices.announce();
      },
      suppressListing: (sku, reason, sellerId) => {
        const record = sellerOf(sellerId).listings.get(sku);
        if (!record) throw new Error(`Amazon simulator: no listing ${sku}`);
        suppress(record, reason);
        listingNotices.announce();
      },
      placeOrder: ({ sellerId, ...order }) => {
        const seller = sellerOf(sellerId);
        const placed = placeOrder(seller, order);
        notifications.send(eventBridgeEvent(orderChangeNotification(seller, placed.order, "OrderStatusChange")));
        listingNotices.announce();
        return placed;
      },
      cancelOrder: (orderId, sellerId) => {
        const seller = sellerOf(sellerId);
        const order = cancelOrder(seller, orderId);
        notifications.send(eventBridgeEvent(orderChangeNotification(seller, order, "OrderStatusChange")));
        listingNotices.announce();
      },
      cancelOrderItems: (orderId, skus, sellerId) => {
        const seller = sellerOf(sellerId);
        const order = cancelOrderItems(seller, orderId, skus);
        notifications.send(eventBridgeEvent(orderChangeNotification(seller, order, "OrderStatusChange")));
        listingNotices.announce();
      },
      requestCancellation: (orderId, sellerId) => {
        const seller = sellerOf(sellerId);
        const order = requestCancellation(seller, orderId);
        notifications.send(eventBridgeEvent(orderChangeNotification(seller, order, "BuyerRequestedChange")));
      },
      shipOrder: (orderId, sellerId) => {
        const seller = sellerOf(sellerId);
        const order = findOrder(seller, orderId);
        if (!order) throw new Error(`Amazon simulator: no order ${orderId}`);
        const unshipped = order.orderItems
          .filter((i) => !i.cancellation?.cancellationExecution)
          .map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantityOrdered - (i.fulfillment?.quantityFulfilled ?? 0) }))
          .filter((i) => i.quantity > 0);
        const answer = shipOrder(seller, orderId, {
          marketplaceId: order.salesChannel.marketplaceId,
          packageDetail: {
            packageReferenceId: String((order.packages?.length ?? 0) + 1),
            carrierCode: "UPS",
            trackingNumber: `1Z${randomBytes(8).toString("hex").toUpperCase()}`,
            shipDate: nowIso(),
            orderItems: unshipped,
          },
        });
        if (answer.status !== 204) throw new Error(`Amazon simulator: order ${orderId} cannot ship: ${JSON.stringify(answer.body)}`);
      },
      requestReturn: (orderId, { sellerId, ...request }) => buyerReturns.request(sellerOf(sellerId), orderId, request),
      receiveReturn: (amazonRmaId, sellerId) => {
        const received = buyerReturns.receive(sellerOf(sellerId), amazonRmaId);
        listingNotices.announce();
        return received;
      },
      refundReturn: (amazonRmaId, refund = {}) => buyerReturns.refund(sellerOf(refund.sellerId), amazonRmaId, refund.amountCents),
      returns: (sellerId) => buyerReturns.of(sellerOf(sellerId).spec.sellerId),
      reports: (sellerId) => {
        const id = sellerOf(sellerId).spec.sellerId;
        return [...reports.values()].filter((r) => r.sellerId === id);
      },
      finishReports: () => {
        for (const finish of [...pendingReports.values()]) finish();
      },
      failNextReports: (count = 1) => {
        fatalReports += count;
      },
      malformOrder: (orderId, how) => {
        if (![...sellers.values()].some((seller) => findOrder(seller, orderId))) throw new Error(`Amazon simulator: no order ${orderId}`);
        malformed.malform(orderId, how);
      },
      sendOrderNotificationsTo: (target) => {
        notifications.target = target;
        listingNotices.baseline();
      },
      notificationsSettled: async () => {
        await notifications.settled();
        return { delivered: notifications.delivered, failed: notifications.failed };
      },
      feeds: feedsOf,
      shipments: (sellerId) => {
        const id = sellerOf(sellerId).spec.sellerId;
        return shipments.filter((s) => s.sellerId === id).map(({ sellerId: _seller, ...shipment }) => shipment);
      },
      finishFeeds: () => {
        for (const finish of [...pendingFeeds.values()]) finish();
      },
      expireAccessTokens: (sellerId) => tokens.expireAll(sellerOf(sellerId).spec.sellerId),
      revokeAuthorization: (sellerId) => tokens.revoke(sellerOf(sellerId)),
      signInToSellerCentral: (sellerId) => {
        consent.signedIn = sellerOf(sellerId).spec.sellerId;
      },
      seller: sellerOf,
    },
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await server.close();
    },
  };
}
