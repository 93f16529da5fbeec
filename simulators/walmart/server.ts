// A local stand-in for Walmart Marketplace's REST API (marketplace.walmartapis.com). Every request
// is checked against Walmart's own OpenAPI definitions before anything else (so a missing
// WM_SEC.ACCESS_TOKEN / WM_QOS.CORRELATION_ID / WM_SVC.NAME header is refused with the reason), and
// every answer to a documented operation is checked against the documented response.
import { randomUUID } from "node:crypto";
import { startHttpServer, type RunningServer, type SimRequest, type SimResponse } from "../common/http";
import { multipartBoundary, parseMultipart } from "../common/multipart";
import { RateLimits } from "../common/token-bucket";
import { checkWalmartRequest, walmartContracts, type CheckedRequest } from "./contracts";
import { notFound, unauthorized, walmartError } from "./errors";
import { feedStatusBody, ITEM_FEED_TYPES, readFeedFile, type FeedRecord, type FeedType } from "./feeds";
import { budgetFor } from "./limits";
import { cancelOrderLines, shipOrderLines } from "./order-actions";
import { malformedWalmartOrders, servedOrders, type WalmartMalformation } from "./malformed-orders";
import { WalmartNotifications, type WalmartSubscription } from "./notifications";
import { listItems, publication } from "./items";
import { listOrders, orderDocument } from "./orders";
import { advanceReturn, listReturns, openReturn, type BuyerReturn, type ReturnEventTag, type WalmartReturnRecord } from "./returns";
import { WalmartAccount, type BuyerCancellation, type BuyerOrder, type UnpublishedStatus, type WalmartAccountSpec, type WalmartOrderRecord } from "./state";
import { TokenIssuer, TOKEN_TTL_SECONDS } from "./tokens";
import { listInventories } from "./inventories";
import { listWfsInventory, setWfsQuantity } from "./wfs-inventory";

export interface WalmartSimulatorOptions {
  port?: number;
  accounts: WalmartAccountSpec[];
  /** Multiplies every call budget (see limits.ts); 1 = Walmart's. */
  rateLimitScale?: number;
  /** How long a feed stays INPROGRESS before its items are applied. Walmart: minutes. */
  feedDelayMs?: number;
  tokenTtlSeconds?: number;
}

export interface ResponseCheck {
  operationId: string;
  status: number;
  errors: string[];
}

export interface WalmartSimulator {
  url: string;
  requests: RunningServer["requests"];
  /** Every answer to a documented operation, with what checkResponse said about it. */
  responseChecks: ResponseCheck[];
  account(clientId: string): WalmartAccount;
  placeOrder(clientId: string, order: BuyerOrder): WalmartOrderRecord;
  /** The buyer cancels the PO, or some units of some of its lines; its last-modified time moves. */
  cancelOrder(clientId: string, purchaseOrderId: string, cancellation?: BuyerCancellation): WalmartOrderRecord;
  /** The buyer opens a return (RMA) for shipped units of the PO (returns.ts); a keep-it return is refunded at once. */
  returnOrder(clientId: string, purchaseOrderId: string, request?: BuyerReturn): WalmartReturnRecord;
  /** The return's next event (RETURN_IN_TRANSIT, DELIVERED_AT_RETURN_CENTER, REFUND_ISSUED...); a refund moves the PO's lines and last-modified time. */
  advanceReturn(clientId: string, returnOrderId: string, tag: ReturnEventTag, at?: number): WalmartReturnRecord;
  /** From now on getAllOrders and getAnOrder send this PO malformed (malformed-orders.ts), as a real platform could. */
  malformOrder(clientId: string, purchaseOrderId: string, how: WalmartMalformation): void;
  /** Walmart's count of a WFS item's units in its fulfillment centers changes (wfs-inventory.ts); the item becomes a WFS one if it was not. */
  setWfsQuantity(clientId: string, sku: string, quantity: number): void;
  /** The seller edits the item's quantity or price in Seller Center, outside Anchorline. */
  editListingByHand(clientId: string, sku: string, edit: { quantity?: number; priceCents?: number }): void;
  /** Walmart unpublishes the item with these reasons (UNPUBLISHED, or SYSTEM_PROBLEM); null publishes it again. */
  unpublishListing(clientId: string, sku: string, unpublished: { status?: UnpublishedStatus; reasons: string[] } | null): void;
  /** What the seller shipped through shippingUpdates: one entry per line and tracking number. */
  shipments(clientId: string, purchaseOrderId?: string): WalmartShipment[];
  /** The next `count` API calls of the account answer 429, whatever the buckets hold. */
  throttleNext(clientId: string, count?: number): void;
  expireTokens(clientId: string): void;
  revokeCredentials(clientId: string): void;
  feeds(clientId: string): FeedRecord[];
  /** The account's Notifications API subscriptions (createSubscription), as Walmart holds them. */
  subscriptions(clientId: string): WalmartSubscription[];
  /** Resolves once every event sent to the account's subscriptions so far was delivered or given up. */
  notificationsSettled(clientId: string): Promise<{ delivered: number; failed: number }>;
  stop(): Promise<void>;
}

export interface WalmartShipment {
  purchaseOrderId: string;
  lineNumber: string;
  sku: string;
  quantity: number;
  /** `carrierName.carrier`, or `otherCarrier` when the carrier is not on Walmart's list. */
  carrier?: string;
  otherCarrier?: string;
  methodCode: string;
  trackingNumber: string;
  trackingURL?: string;
  shipDateTime: number;
}

/** Required on every Marketplace call (WM_* header parameters of each definition). */
const REQUIRED_HEADERS = ["WM_SEC.ACCESS_TOKEN", "WM_QOS.CORRELATION_ID", "WM_SVC.NAME"];

const FEED_PAGE_DEFAULT = 50; // getFeedItemStatus `limit` default
const FEED_PAGE_MAX = 1000; // "limit ... max 1000" in the same definition

export async function startWalmartSimulator(options: WalmartSimulatorOptions): Promise<WalmartSimulator> {
  // Parsed now, not on the first request: the definitions are megabytes of YAML, and parsing them
  // mid-traffic stalls every server in the process for a second.
  walmartContracts();
  const accounts = new Map(options.accounts.map((spec) => [spec.clientId, new WalmartAccount(spec)]));
  const tokens = new TokenIssuer(accounts, options.tokenTtlSeconds ?? TOKEN_TTL_SECONDS);
  const limits = new RateLimits();
  const scale = options.rateLimitScale ?? 1;
  const feedDelayMs = options.feedDelayMs ?? 50;
  const forcedThrottles = new Map<string, number>();
  const feedsByAccount = new Map<string, Map<string, FeedRecord>>();
  const timers = new Set<NodeJS.Timeout>();
  const responseChecks: ResponseCheck[] = [];
  const notificationsByAccount = new Map<string, WalmartNotifications>();
  const notificationsOf = (account: WalmartAccount) => {
    let notifications = notificationsByAccount.get(account.spec.clientId);
    // Walmart's partnerId is the seller's; the simulator's accounts are known by their client id.
    if (!notifications) notificationsByAccount.set(account.spec.clientId, (notifications = new WalmartNotifications(account.spec.clientId)));
    return notifications;
  };

  const accountOf = (clientId: string) => {
    const account = accounts.get(clientId);
    if (!account) throw new Error(`Walmart simulator: no account ${clientId}`);
    return account;
  };
  const malformedByAccount = new Map<string, ReturnType<typeof malformedWalmartOrders>>();
  const malformedOf = (clientId: string) => {
    let malformed = malformedByAccount.get(clientId);
    if (!malformed) malformedByAccount.set(clientId, (malformed = malformedWalmartOrders()));
    return malformed;
  };
  const feedsOf = (clientId: string) => {
    let feeds = feedsByAccount.get(clientId);
    if (!feeds) feedsByAccount.set(clientId, (feeds = new Map()));
    return feeds;
  };

  const throttled = (account: WalmartAccount, key: string): SimResponse | null => {
    const forced = forcedThrottles.get(account.spec.clientId) ?? 0;
    const budget = budgetFor(key, scale);
    const taken = forced > 0 ? { ok: false as const, retryAfterMs: 1000 } : limits.take(`${account.spec.clientId}:${key}`, budget.rate, budget.burst);
    if (forced > 0) forcedThrottles.set(account.spec.clientId, forced - 1);
    if (taken.ok) return null;
    // Walmart answers 429 and says when the bucket refills; Retry-After is what its bulk-update
    // pages tell callers to honour.
    return walmartError(
      429,
      [{ code: "TOO_MANY_REQUESTS.GMP_GATEWAY_API", description: "Too Many Requests", info: `${key} budget exhausted`, category: "REQUEST" }],
      {
        "retry-after": String(Math.ceil(taken.retryAfterMs / 1000)),
        "x-current-token-count": "0",
        "x-next-replenish-time": String(Date.now() + taken.retryAfterMs),
      },
    );
  };

  const submitFeed = (account: WalmartAccount, feedType: FeedType, request: SimRequest): SimResponse => {
    const boundary = multipartBoundary(request.headers["content-type"]);
    const file = boundary ? parseMultipart(request.rawBody, boundary).find((p) => p.name === "file") : undefined;
    if (!file)
      return walmartError(400, [
        { code: "INVALID_REQUEST_CONTENT.GMP_GATEWAY_API", field: "file", description: "multipart/form-data with a `file` part is required" },
      ]);
    const feed: FeedRecord = {
      feedId: `${randomUUID().replace(/-/g, "").toUpperCase()}@AQMB`,
      feedType,
      submittedAt: Date.now(),
      processed: false,
      ...readFeedFile(account, feedType, file.content),
    };
    feedsOf(account.spec.clientId).set(feed.feedId, feed);
    const timer = setTimeout(() => {
      timers.delete(timer);
      for (const item of feed.items) if (item.outcome === "SUCCESS") item.apply();
      feed.processed = true;
    }, feedDelayMs);
    timers.add(timer);
    return { status: 200, body: { feedId: feed.feedId } };
  };

  const operations: Record<string, (account: WalmartAccount, check: CheckedRequest, request: SimRequest) => SimResponse> = {
    getInventory: (account, check) => {
      const sku = check.query.get("sku")!;
      const listing = account.listings.get(sku);
      if (!listing) return notFound("GMP_INVENTORY_API", `sku ${sku} not found`);
      return { status: 200, body: { sku, quantity: { unit: "EACH", amount: listing.quantity } } };
    },
    updateInventoryForAnItem: (account, check, request) => {
      const sku = check.query.get("sku")!;
      const amount = (request.body as { quantity: { amount: number } }).quantity.amount;
      const listing = account.listings.get(sku);
      if (!listing) return notFound("GMP_INVENTORY_API", `sku ${sku} not found`);
      if (!Number.isInteger(amount) || amount < 0) {
        return walmartError(400, [
          {
            code: "INVALID_REQUEST_CONTENT.GMP_INVENTORY_API",
            field: "quantity.amount",
            description: `quantity ${amount} must be a whole number of at least 0`,
          },
        ]);
      }
      listing.quantity = amount;
      return { status: 200, body: { sku, quantity: { unit: "EACH", amount } } };
    },
    updatePrice: (account, _check, request) => {
      const body = request.body as { sku: string; pricing: Array<{ currentPriceType: string; currentPrice: { amount?: number } }> };
      const listing = account.listings.get(body.sku);
      if (!listing) return notFound("GMP_PRICE_API", `sku ${body.sku} not found`);
      const base = body.pricing.find((p) => p.currentPriceType === "BASE") ?? body.pricing[0];
      const amount = base?.currentPrice.amount;
      if (typeof amount !== "number" || amount <= 0) {
        return walmartError(400, [
          { code: "INVALID_REQUEST_CONTENT.GMP_PRICE_API", field: "pricing.currentPrice.amount", description: "a price above 0 is required" },
        ]);
      }
      listing.priceCents = Math.round(amount * 100);
      return {
        status: 200,
        body: {
          mart: "WALMART_US",
          sku: body.sku,
          message: "Thank you. Your price has been updated. Please allow up to five minutes for this change to be reflected on the site.",
        },
      };
    },
    updateBulkInventory: (account, _check, request) => submitFeed(account, "inventory", request),
    priceBulkUploads: (account, _check, request) => submitFeed(account, "price", request),
    getFeedItemStatus: (account, check) => {
      const feed = feedsOf(account.spec.clientId).get(check.pathParams.feedId);
      if (!feed) return notFound("GMP_FEED_API", `feed ${check.pathParams.feedId} not found`);
      const offset = Number(check.query.get("offset") ?? 0) || 0;
      const limit = Math.min(FEED_PAGE_MAX, Number(check.query.get("limit") ?? FEED_PAGE_DEFAULT) || FEED_PAGE_DEFAULT);
      return { status: 200, body: feedStatusBody(feed, check.query.get("includeDetails") === "true", offset, limit) };
    },
    getAllFeedStatuses: (account) => {
      const feeds = [...feedsOf(account.spec.clientId).values()];
      return {
        status: 200,
        body: {
          totalResults: feeds.length,
          offset: 0,
          limit: 50,
          results: {
            feed: feeds.slice(0, 50).map((f) => ({
              feedId: f.feedId,
              feedType: f.feedType,
              feedStatus: f.processed ? "PROCESSED" : "INPROGRESS",
              feedDate: f.submittedAt,
              itemsReceived: f.items.length,
            })),
          },
        },
      };
    },
    getAnOrder: (account, check) => {
      const order = account.orders.find((o) => o.purchaseOrderId === check.pathParams.purchaseOrderId);
      if (!order) return notFound("GMP_ORDER_API", `purchaseOrderId ${check.pathParams.purchaseOrderId} not found`);
      // getAnOrder's definition gives orderDate as a date-time string, where getAllOrders' is epoch ms.
      return { status: 200, body: { ...orderDocument(order), orderDate: new Date(order.orderDate).toISOString() } };
    },
    shippingUpdates: (account, check, request) => shipOrderLines(account, check.pathParams.purchaseOrderId, request.body),
    cancelOrderLines: (account, check, request) => cancelOrderLines(account, check.pathParams.purchaseOrderId, request.body),
    getReturns: (account, check) => {
      const listing = listReturns(account.returns, check.query);
      if (!listing.ok) return walmartError(400, [{ code: "INVALID_REQUEST_CONTENT.GMP_RETURNS_API", field: listing.field, description: listing.message }]);
      return { status: 200, body: listing.body };
    },
    getAllItems: (account, check) => {
      const listing = listItems(account, check.query);
      if (!listing.ok) return walmartError(400, [{ code: "INVALID_REQUEST_CONTENT.GMP_ITEM_QUERY_API", field: listing.field, description: listing.message }]);
      return { status: 200, body: listing.body };
    },
    getMultiNodeInventoryForAllSkuAndAllShipNodes: (account, check) => {
      const listing = listInventories(account, check.query);
      if (!listing.ok) return walmartError(400, [{ code: "INVALID_REQUEST_CONTENT.GMP_INVENTORY_API", field: listing.field, description: listing.message }]);
      return { status: 200, body: listing.body };
    },
    getWFSInventory: (account, check) => {
      const listing = listWfsInventory(account, check.query);
      if (!listing.ok) return walmartError(400, [{ code: "INVALID_REQUEST_CONTENT.GMP_INVENTORY_API", field: listing.field, description: listing.message }]);
      return { status: 200, body: listing.body };
    },
    createSubscription: (account, _check, request) => notificationsOf(account).create(request.body),
    getAllSubscriptions: (account, check) => notificationsOf(account).list(check.query),
    deleteSubscription: (account, check) => notificationsOf(account).delete(check.pathParams.subscriptionId),
    getAllOrders: (account, check) => {
      const listing = listOrders(account.orders, check.query);
      if (!listing.ok) return walmartError(400, [{ code: "INVALID_REQUEST_CONTENT.GMP_ORDER_API", field: listing.field, description: listing.message }]);
      return { status: 200, body: listing.body };
    },
  };

  /**
   * Item feeds (itemBulkUploads) and getAnItem belong to Walmart's Item Management definition,
   * which is not among the copied contracts: their headers are checked here by hand, as every
   * Marketplace definition declares them, before the account, the budget and the operation.
   */
  const handByHand = (request: SimRequest, budgetKey: string, operation: (account: WalmartAccount) => SimResponse): SimResponse => {
    const missing = REQUIRED_HEADERS.filter((name) => !request.headers[name.toLowerCase()]);
    if (missing.length)
      return walmartError(
        400,
        missing.map((name) => ({ code: "INVALID_REQUEST.GMP_GATEWAY_API", description: `header parameter ${name} is required`, category: "REQUEST" as const })),
      );
    const account = tokens.accountFor(String(request.headers["wm_sec.access_token"] ?? ""));
    if (!account) return unauthorized("Unauthorized token or Invalid consumer/channel type");
    return throttled(account, budgetKey) ?? operation(account);
  };

  const getAnItem = (account: WalmartAccount, sku: string, query: URLSearchParams): SimResponse => {
    if (query.get("productIdType") !== "SKU") {
      return walmartError(400, [
        {
          code: "INVALID_REQUEST_CONTENT.GMP_ITEM_QUERY_API",
          field: "productIdType",
          description: "the simulator looks items up by SKU only (productIdType=SKU)",
        },
      ]);
    }
    const listing = account.listings.get(sku);
    if (!listing) return notFound("GMP_ITEM_QUERY_API", `sku ${sku} not found`);
    const item = {
      mart: "WALMART_US",
      sku,
      gtin: listing.gtin,
      productName: listing.content.productName,
      productType: listing.productType,
      price: { currency: "USD", amount: listing.priceCents / 100 },
      ...publication(listing),
      lifecycleStatus: "ACTIVE",
    };
    return { status: 200, body: { ItemResponse: [item], totalItems: 1 } };
  };

  const handler = (request: SimRequest): SimResponse => {
    if (request.method === "POST" && request.path === "/v3/token") return tokens.handle(request);
    const itemFeed = request.query.get("feedType") ?? "";
    if (request.method === "POST" && request.path === "/v3/feeds" && ITEM_FEED_TYPES.has(itemFeed)) {
      return handByHand(request, `feed:${itemFeed}`, (account) => submitFeed(account, itemFeed as FeedType, request));
    }
    const itemPath = /^\/v3\/items\/([^/]+)$/.exec(request.path);
    if (request.method === "GET" && itemPath)
      return handByHand(request, "getAnItem", (account) => getAnItem(account, decodeURIComponent(itemPath[1]), request.query));
    const check = checkWalmartRequest(request);
    if (!check.ok) {
      const code = check.status === 400 ? "INVALID_REQUEST.GMP_GATEWAY_API" : "NOT_FOUND.GMP_GATEWAY_API";
      return walmartError(
        check.status,
        check.errors.map((description) => ({ code, description, category: "REQUEST" as const })),
      );
    }
    const account = tokens.accountFor(String(request.headers["wm_sec.access_token"] ?? ""));
    if (!account) return unauthorized("Unauthorized token or Invalid consumer/channel type");
    const feedType = request.query.get("feedType");
    const budgetKey = check.operationId === "updateBulkInventory" || check.operationId === "priceBulkUploads" ? `feed:${feedType}` : check.operationId;
    const limited = throttled(account, budgetKey);
    if (limited) return limited;
    const operation = operations[check.operationId];
    if (!operation)
      return walmartError(501, [{ code: "NOT_IMPLEMENTED.SIMULATOR", description: `${check.operationId} is valid but not simulated`, category: "SYSTEM" }]);
    const answer = operation(account, check, request);
    if (answer.status === 200) {
      const errors = check.contract.checkResponse(check.operationId, answer.status, answer.body);
      responseChecks.push({ operationId: check.operationId, status: answer.status, errors });
      if (errors.length) return walmartError(500, [{ code: "SIMULATOR_OFF_CONTRACT", description: errors.join("; "), category: "SYSTEM" }]);
    }
    return servedOrders(malformedOf(account.spec.clientId), check.operationId, answer);
  };

  const server = await startHttpServer(handler, options.port);
  return {
    url: server.url,
    requests: server.requests,
    responseChecks,
    account: accountOf,
    placeOrder: (clientId, order) => {
      const account = accountOf(clientId);
      const placed = account.placeOrder(order);
      notificationsOf(account).poCreated(placed);
      return placed;
    },
    cancelOrder: (clientId, purchaseOrderId, cancellation) => accountOf(clientId).cancelOrder(purchaseOrderId, cancellation),
    returnOrder: (clientId, purchaseOrderId, request) => openReturn(accountOf(clientId), purchaseOrderId, request),
    advanceReturn: (clientId, returnOrderId, tag, at) => advanceReturn(accountOf(clientId), returnOrderId, tag, at),
    malformOrder: (clientId, purchaseOrderId, how) => {
      if (!accountOf(clientId).orders.some((o) => o.purchaseOrderId === purchaseOrderId))
        throw new Error(`Walmart simulator: no PO ${purchaseOrderId} on ${clientId}`);
      malformedOf(clientId).malform(purchaseOrderId, how);
    },
    setWfsQuantity: (clientId, sku, quantity) => setWfsQuantity(accountOf(clientId), sku, quantity),
    editListingByHand: (clientId, sku, edit) => {
      const listing = accountOf(clientId).listings.get(sku);
      if (!listing) throw new Error(`Walmart simulator: no item ${sku}`);
      if (edit.quantity !== undefined) listing.quantity = edit.quantity;
      if (edit.priceCents !== undefined) listing.priceCents = edit.priceCents;
    },
    unpublishListing: (clientId, sku, unpublished) => {
      const listing = accountOf(clientId).listings.get(sku);
      if (!listing) throw new Error(`Walmart simulator: no item ${sku}`);
      listing.unpublished = unpublished ? { status: unpublished.status ?? "UNPUBLISHED", reasons: unpublished.reasons } : undefined;
    },
    shipments: (clientId, purchaseOrderId) =>
      accountOf(clientId)
        .orders.filter((o) => !purchaseOrderId || o.purchaseOrderId === purchaseOrderId)
        .flatMap((order) =>
          order.lines.flatMap((line) =>
            line.statuses
              .filter((s) => s.status === "Shipped" && s.trackingInfo)
              .map((s): WalmartShipment => ({
                purchaseOrderId: order.purchaseOrderId,
                lineNumber: line.lineNumber,
                sku: line.sku,
                quantity: s.quantity,
                ...s.trackingInfo!.carrierName,
                methodCode: s.trackingInfo!.methodCode,
                trackingNumber: s.trackingInfo!.trackingNumber,
                trackingURL: s.trackingInfo!.trackingURL,
                shipDateTime: s.trackingInfo!.shipDateTime,
              })),
          ),
        ),
    throttleNext: (clientId, count = 1) => forcedThrottles.set(clientId, count),
    expireTokens: (clientId) => tokens.expireTokens(clientId),
    revokeCredentials: (clientId) => {
      accountOf(clientId).revoked = true;
    },
    feeds: (clientId) => [...feedsOf(clientId).values()],
    subscriptions: (clientId) => [...notificationsOf(accountOf(clientId)).subscriptions.values()],
    notificationsSettled: (clientId) => notificationsOf(accountOf(clientId)).settled(),
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await server.close();
    },
  };
}
