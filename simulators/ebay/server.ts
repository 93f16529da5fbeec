// The eBay simulator: the OAuth consent page and token endpoint (consent.ts, oauth.ts), getUser, Sell Inventory v1, Sell Fulfillment v1, the
// Post-Order API v2's cancellation and returns (post-order.ts) and the Notification API's
// destinations, ORDER_CONFIRMATION subscriptions and public keys (notifications.ts) on one local HTTP server. Every API request is checked, in the order eBay's gateway does it, for a
// valid Bearer token it issued, the scope the API needs, the call limits, and the request's shape
// against eBay's own OpenAPI definitions; every answer to a documented operation is checked
// against the documented response and any mismatch is kept in `responseViolations`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { startHttpServer, type SimRequest, type SimResponse } from "../common/http";
import { CONTRACTS_DIR, OpenApiContract } from "../common/openapi";
import { RateLimits } from "../common/token-bucket";
import {
  ebayErrors,
  insufficientScope,
  invalidAccessToken,
  methodNotAllowed,
  resourceNotFound,
  tooManyRequests,
  unreadableBody,
  type EbayError,
} from "./errors";
import { getOrders } from "./fulfillment";
import { createShippingFulfillment, getShippingFulfillment, getShippingFulfillments } from "./shipping";
import { bulkUpdatePriceQuantity, createOrReplaceInventoryItem, getInventoryItem, getInventoryItems, getOffers, type InventoryContext } from "./inventory";
import { servedOrders } from "./malformed-orders";
import { EbayNotifications, NOTIFICATION_BASE, type NotificationCaller, type SubscriptionRecord } from "./notifications";
import { handleTokenRequest, TOKEN_PATH, USER_ACCESS_TOKEN_SECONDS } from "./oauth";
import { AUTHORIZE_PATH, EbayConsent, getUser, IDENTITY_USER_PATH, type EbayConsentOptions } from "./consent";
import { POST_ORDER_BASE, postOrderToken, servePostOrder } from "./post-order";
import { EbaySimState, ENDED_STATUSES, type AccountRecord, type EndedStatus, type SimAccountSeed } from "./state";

export type { SimAccountSeed, SimListingSeed, ListingView } from "./state";
export { EbaySimState } from "./state";

/**
 * Default call limits per application, from eBay's "API Call Limits" table for the Sell APIs
 * (https://developer.ebay.com/develop/api/sell/api_call_limits): Inventory API 2,000,000 calls a
 * day, Fulfillment API 100,000 a day; "Refresh token grant: 50,000 requests/day" for the token
 * endpoint (https://developer.ebay.com/api-docs/static/oauth-rate-limits.html). The Post-Order
 * API is not in that table; its limits are per resource in the developer console, where an
 * integration that read them quotes 5,000 calls a day for post-order.return, the figure used here
 * for the whole API. The Notification API's figure is the simulator's own stand-in (not in that
 * table either). eBay publishes no per-second rate for these APIs; `SHORT_TERM` is the
 * simulator's own stand-in for the short-term throttling eBay applies without documenting it.
 */
export const DAILY_CALL_LIMITS = { inventory: 2_000_000, fulfillment: 100_000, postOrder: 5_000, notification: 10_000, token: 50_000 } as const;
export const SHORT_TERM = { requestsPerSecond: 25, burst: 50 } as const;

type ApiName = keyof typeof DAILY_CALL_LIMITS;

interface SellApi {
  name: Exclude<ApiName, "token" | "postOrder">;
  basePath: string;
  contract: OpenApiContract;
  /** Per operation, the OAuth scopes of which a token needs one (the operation's `security` in the definition). */
  scopes: Map<string, string[]>;
  /** The errorId a request that breaks the definition is answered with (the API's "invalid value"). */
  invalidRequestErrorId: number;
  domain: string;
}

export interface EbaySimulatorOptions {
  port?: number;
  accounts: SimAccountSeed[];
  /** Multiplies every call limit (0.01 makes throttling easy to reach in a test). */
  rateLimitScale?: number;
  accessTokenLifetimeSeconds?: number;
  /** Injected clock (revision days, token expiry, order times). */
  now?: () => number;
  /** The apps of eBay's developer console (keyset, RuName, accept and decline URLs) sellers consent to (consent.ts). */
  consent?: EbayConsentOptions;
}

export interface EbaySimulator {
  url: string;
  state: EbaySimState;
  requests: Array<{ method: string; path: string; status: number; at: number }>;
  /** Every API request that reached an operation: which one, its body, its query (Sell APIs) and the status answered. */
  calls: Array<{ operationId: string; status: number; body: unknown; query?: string }>;
  /** Answers that did not match eBay's documented response shape (should stay empty). */
  responseViolations: string[];
  /** The Notification API: destinations, subscriptions, eBay's signing key and the deliveries. */
  notifications: EbayNotifications;
  /** A seller's subscriptions, as the Notification API holds them. */
  subscriptions(userId: string): SubscriptionRecord[];
  /** User consent: the consent page's seller, codes and the grants sellers gave (revokeAccess). */
  consent: EbayConsent;
  stop(): Promise<void>;
}

// Product.aspects is declared `type: string` in eBay's definition, yet its own description (and the
// live API) use an object of name -> array of values: { "Brand": ["GoPro"] }.
const INVENTORY_CORRECTIONS = {
  "/components/schemas/Product/properties/aspects": { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
};

// Destination.deliveryConfig is declared `type: string` in the Notification API's definition, yet
// its description points at the DeliveryConfig type, the one createDestination takes: an object.
const NOTIFICATION_CORRECTIONS = {
  "/components/schemas/Destination/properties/deliveryConfig": {
    type: "object",
    properties: { endpoint: { type: "string" }, verificationToken: { type: "string" } },
  },
};

/**
 * Notification API operations made as the application (client credentials grant, "OAuth scope ...
 * api_scope" on each method's page): a seller's user token is refused them. Subscriptions take either.
 */
const APPLICATION_ONLY = new Set([
  "getPublicKey",
  "getTopic",
  "getTopics",
  "getDestinations",
  "createDestination",
  "getDestination",
  "updateDestination",
  "deleteDestination",
  "getConfig",
  "updateConfig",
]);

function sellApis(): SellApi[] {
  return [
    {
      name: "inventory",
      basePath: "/sell/inventory/v1",
      contract: new OpenApiContract("ebay-sell/sell_inventory_v1_oas3.json", "/sell/inventory/v1", { corrections: INVENTORY_CORRECTIONS }),
      scopes: operationScopes("ebay-sell/sell_inventory_v1_oas3.json"),
      invalidRequestErrorId: 25709,
      domain: "API_INVENTORY",
    },
    {
      name: "fulfillment",
      basePath: "/sell/fulfillment/v1",
      contract: new OpenApiContract("ebay-sell/sell_fulfillment_v1_oas3.json", "/sell/fulfillment/v1"),
      scopes: operationScopes("ebay-sell/sell_fulfillment_v1_oas3.json"),
      invalidRequestErrorId: 30800,
      domain: "API_FULFILLMENT",
    },
  ];
}

/** operationId -> the scopes its `security` requirement lists (any one of them will do). */
function operationScopes(file: string): Map<string, string[]> {
  const doc = JSON.parse(readFileSync(path.join(CONTRACTS_DIR, file), "utf8")) as { paths: Record<string, Record<string, unknown>> };
  const scopes = new Map<string, string[]>();
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      const { operationId, security } = (op ?? {}) as { operationId?: string; security?: Array<Record<string, string[]>> };
      if (operationId)
        scopes.set(
          operationId,
          (security ?? []).flatMap((requirement) => Object.values(requirement).flat()),
        );
    }
  }
  return scopes;
}

export async function startEbaySimulator(options: EbaySimulatorOptions): Promise<EbaySimulator> {
  const now = options.now ?? Date.now;
  const state = new EbaySimState(options.accounts, now);
  const scale = options.rateLimitScale ?? 1;
  const limits = new RateLimits(now);
  const apis = sellApis();
  const responseViolations: string[] = [];
  const calls: EbaySimulator["calls"] = [];
  const lifetime = options.accessTokenLifetimeSeconds ?? USER_ACCESS_TOKEN_SECONDS;
  const notifications = new EbayNotifications(now);
  const consent = new EbayConsent(state, options.consent);
  state.orderPlacedListeners.push((order) => notifications.orderPlaced(order));
  const notificationContract = new OpenApiContract("ebay-sell/commerce_notification_v1_oas3.json", NOTIFICATION_BASE, {
    corrections: NOTIFICATION_CORRECTIONS,
  });
  const notificationScopes = operationScopes("ebay-sell/commerce_notification_v1_oas3.json");

  /** Both the short-term rate and the daily quota must have room; the daily bucket refills over a day. */
  const takeCall = (appId: string, api: ApiName): boolean => {
    const daily = Math.max(1, Math.floor(DAILY_CALL_LIMITS[api] * scale));
    const shortTerm = limits.take(`${appId}:${api}:rate`, SHORT_TERM.requestsPerSecond * scale, Math.max(1, Math.floor(SHORT_TERM.burst * scale)));
    if (!shortTerm.ok) return false;
    return limits.take(`${appId}:${api}:day`, daily / 86_400, daily).ok;
  };

  /** The caller of a token it issued, still valid: a Sell API takes it as `Bearer <token>`, the Post-Order API as `IAF <token>`. */
  const authenticate = (token: string | undefined): { account: AccountRecord; scopes: string[]; appId: string } | null => {
    const record = token ? state.accessTokens.get(token) : undefined;
    if (!record || record.expiresAt <= now()) return null;
    const account = state.accounts.get(record.userId);
    return account ? { account, scopes: record.scopes, appId: record.appId } : null;
  };

  const serveSellApi = (api: SellApi, request: SimRequest): SimResponse => {
    const caller = authenticate(/^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ""))?.[1]);
    if (!caller) return invalidAccessToken();
    // A token with none of the API's scopes is refused before anything else is looked at.
    const apiScopes = new Set([...api.scopes.values()].flat());
    if (!caller.scopes.some((s) => apiScopes.has(s))) return insufficientScope();
    if (!takeCall(caller.appId, api.name)) return tooManyRequests();
    if (request.invalidJson) return unreadableBody();

    const check = api.contract.checkRequest({ method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body });
    if (!check.ok) {
      if (check.status === 404) return resourceNotFound(request.path);
      if (check.status === 405) return methodNotAllowed(check.errors.join("; "));
      return ebayErrors(
        400,
        check.errors.map((reason): EbayError => ({
          errorId: api.invalidRequestErrorId,
          domain: api.domain,
          category: "REQUEST",
          message: `Invalid request. ${reason}`,
          longMessage: reason,
        })),
      );
    }
    const needed = api.scopes.get(check.operationId) ?? [];
    if (needed.length && !caller.scopes.some((s) => needed.includes(s))) return insufficientScope();
    const answer = dispatch(check.operationId, check.pathParams, request, { state, account: caller.account }, api.domain);
    calls.push({ operationId: check.operationId, status: answer.status, body: request.body, query: request.query.toString() });
    // 207 Multi-Status documents no schema of its own; its body is the 200 body's shape.
    const documentedStatus = answer.status === 207 ? 200 : answer.status;
    if (answer.status < 400) {
      for (const v of api.contract.checkResponse(check.operationId, documentedStatus, answer.body))
        responseViolations.push(`${check.operationId} ${answer.status}: ${v}`);
    }
    return servedOrders(state.malformedOrders, check.operationId, answer);
  };

  /** The caller of a Notification API request: an application token it issued, or a seller's user token. */
  const notificationCaller = (token: string | undefined): (NotificationCaller & { scopes: string[] }) | null => {
    const app = token ? state.applicationTokens.get(token) : undefined;
    if (app) return app.expiresAt > now() ? { appId: app.appId, userId: null, scopes: app.scopes } : null;
    const user = authenticate(token);
    return user ? { appId: user.appId, userId: user.account.userId, scopes: user.scopes } : null;
  };

  const serveNotificationApi = async (request: SimRequest): Promise<SimResponse> => {
    const caller = notificationCaller(/^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ""))?.[1]);
    if (!caller) return invalidAccessToken();
    if (!takeCall(caller.appId, "notification")) return tooManyRequests();
    if (request.invalidJson) return unreadableBody();
    const check = notificationContract.checkRequest({
      method: request.method,
      path: request.path,
      query: request.query,
      headers: request.headers,
      body: request.body,
    });
    if (!check.ok) {
      if (check.status === 404) return resourceNotFound(request.path);
      if (check.status === 405) return methodNotAllowed(check.errors.join("; "));
      return ebayErrors(
        400,
        check.errors.map((reason): EbayError => ({ errorId: 195000, domain: "API_NOTIFICATION", category: "REQUEST", message: reason })),
      );
    }
    const needed = notificationScopes.get(check.operationId) ?? [];
    if (needed.length && !caller.scopes.some((s) => needed.includes(s))) return insufficientScope();
    if (APPLICATION_ONLY.has(check.operationId) && caller.userId !== null) return insufficientScope();
    const id = Object.values(check.pathParams)[0] ?? "";
    const answer = await (async (): Promise<SimResponse> => {
      switch (check.operationId) {
        case "getPublicKey":
          return notifications.publicKey(id);
        case "createDestination":
          return notifications.putDestination(caller.appId, request.body);
        case "updateDestination":
          return notifications.putDestination(caller.appId, request.body, id);
        case "getDestinations":
          return notifications.listDestinations(caller.appId);
        case "getDestination":
          return notifications.getDestination(caller.appId, id);
        case "deleteDestination":
          return notifications.deleteDestination(caller.appId, id);
        case "createSubscription":
          return notifications.createSubscription(caller, request.body);
        case "getSubscriptions":
          return notifications.listSubscriptions(caller);
        case "deleteSubscription":
          return notifications.deleteSubscription(caller, id);
        case "getConfig":
          return notifications.getConfig(caller.appId);
        case "updateConfig":
          return notifications.updateConfig(caller.appId, request.body);
        default:
          return ebayErrors(501, [{ errorId: 195000, domain: "API_NOTIFICATION", category: "APPLICATION", message: `${check.operationId} is not simulated.` }]);
      }
    })();
    calls.push({ operationId: check.operationId, status: answer.status, body: request.body });
    if (answer.status < 300 && answer.body !== undefined) {
      for (const v of notificationContract.checkResponse(check.operationId, answer.status, answer.body))
        responseViolations.push(`${check.operationId} ${answer.status}: ${v}`);
    }
    return answer;
  };

  const servePostOrderApi = (request: SimRequest): SimResponse => {
    const caller = authenticate(postOrderToken(request));
    if (!caller) return invalidAccessToken();
    if (!takeCall(caller.appId, "postOrder")) return tooManyRequests();
    const { operationId, answer } = servePostOrder(state, caller.account, request);
    if (operationId) calls.push({ operationId, status: answer.status, body: request.body });
    return answer;
  };

  const server = await startHttpServer((request) => {
    if (request.path === TOKEN_PATH) {
      const client = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ""))?.[1] ?? "anonymous";
      if (!takeCall(client, "token")) return tooManyRequests();
      return handleTokenRequest(state, request, lifetime, consent);
    }
    if (request.path === AUTHORIZE_PATH) return consent.serveAuthorize(request);
    if (request.path === IDENTITY_USER_PATH || `${request.path}/` === IDENTITY_USER_PATH) {
      const caller = authenticate(/^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ""))?.[1]);
      return caller ? getUser(caller) : invalidAccessToken();
    }
    if (request.path.startsWith(CONTROL_PATH)) return control(state, request);
    if (request.path.startsWith(`${POST_ORDER_BASE}/`)) return servePostOrderApi(request);
    if (request.path.startsWith(`${NOTIFICATION_BASE}/`)) return serveNotificationApi(request);
    const api = apis.find((a) => request.path === a.basePath || request.path.startsWith(`${a.basePath}/`));
    if (!api) return resourceNotFound(request.path);
    return serveSellApi(api, request);
  }, options.port ?? 0);

  return {
    url: server.url,
    state,
    requests: server.requests,
    calls,
    responseViolations,
    notifications,
    subscriptions: (userId) => [...notifications.subscriptions.values()].filter((s) => s.userId === userId),
    consent,
    stop: () => server.close(),
  };
}

/** The simulator's own routes (not eBay's), for a demo running it as a separate process. */
export const CONTROL_PATH = "/_simulator/";

/**
 * POST /_simulator/orders {userId, sku, quantity}: a buyer places an order (201 {orderId, oversold}).
 * POST /_simulator/orders/{orderId}/cancel: the buyer's cancellation completes (204).
 * POST /_simulator/orders/{orderId}/cancel-request: the buyer only asks to cancel (204).
 * POST /_simulator/orders/{orderId}/refund {amountCents?}: the shipped line is refunded, in whole
 * or in part (201 with the refund; 400 when eBay would not: not shipped, cancelled, too much).
 * POST /_simulator/orders/{orderId}/ship: the seller ships what is left in Seller Hub (201).
 * POST /_simulator/orders/{orderId}/returns {quantity}: the buyer opens a return (201 with it).
 * POST /_simulator/returns/{returnId}/deliver and .../refund: the parcel reaches the seller; the
 * seller refunds it (200 with the return). A step eBay would not take is 400.
 * POST /_simulator/listings/{userId}/{sku}/edit {quantity?, priceCents?}: the seller edits the
 * listing in Seller Hub, outside Anchorline (204).
 * POST /_simulator/listings/{userId}/{sku}/health {onHold?, ended?}: eBay holds the listing for a
 * policy violation, or it is ended (ENDED, EBAY_ENDED, INACTIVE; null: live again) (204).
 */
function control(state: EbaySimState, request: SimRequest): SimResponse {
  const parts = request.path.slice(CONTROL_PATH.length).split("/").filter(Boolean).map(decodeURIComponent);
  if (request.method === "POST" && parts[0] === "listings" && parts.length === 4) return listingControl(state, request, parts);
  if (request.method === "POST" && (parts[0] === "returns" || (parts[0] === "orders" && ["ship", "returns"].includes(parts[2] ?? "")))) {
    return afterSaleControl(state, request, parts);
  }
  if (request.method !== "POST" || parts[0] !== "orders") return { status: 404, body: { message: `no simulator route ${request.method} ${request.path}` } };
  try {
    if (parts.length === 1) {
      const { userId, sku, quantity } = (request.body ?? {}) as { userId?: unknown; sku?: unknown; quantity?: unknown };
      if (typeof userId !== "string" || typeof sku !== "string" || !Number.isInteger(quantity) || (quantity as number) < 1) {
        return { status: 400, body: { message: "an order needs userId, sku and a whole quantity of at least 1" } };
      }
      return { status: 201, body: state.placeOrder({ userId, sku, quantity: quantity as number }) };
    }
    if (parts.length === 3 && parts[2] === "cancel") {
      state.cancelOrder(parts[1]);
      return { status: 204 };
    }
    if (parts.length === 3 && parts[2] === "refund") {
      const { amountCents } = (request.body ?? {}) as { amountCents?: unknown };
      if (amountCents !== undefined && !Number.isInteger(amountCents)) return { status: 400, body: { message: "amountCents must be a whole number" } };
      try {
        return { status: 201, body: state.refundLine(parts[1], amountCents as number | undefined) };
      } catch (error) {
        if (!state.orders.some((o) => o.orderId === parts[1])) throw error;
        return { status: 400, body: { message: error instanceof Error ? error.message : String(error) } };
      }
    }
    if (parts.length === 3 && parts[2] === "cancel-request") {
      state.requestCancellation(parts[1]);
      return { status: 204 };
    }
  } catch (error) {
    return { status: 404, body: { message: error instanceof Error ? error.message : String(error) } };
  }
  return { status: 404, body: { message: `no simulator route ${request.method} ${request.path}` } };
}

/** The seller's hand on a listing, and eBay's hold or end of it (control's list): bad input is 400, an unknown listing 404. */
function listingControl(state: EbaySimState, request: SimRequest, [, userId, sku, action]: string[]): SimResponse {
  if (!state.listingRecord(userId, sku)) return { status: 404, body: { message: `no listing ${sku} for ${userId}` } };
  const body = (request.body ?? {}) as Record<string, unknown>;
  const whole = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0);
  if (action === "edit") {
    if (!whole(body.quantity) || !whole(body.priceCents))
      return { status: 400, body: { message: "quantity and priceCents must be whole numbers of at least 0" } };
    state.editListingByHand(userId, sku, { quantity: body.quantity as number | undefined, priceCents: body.priceCents as number | undefined });
    return { status: 204 };
  }
  if (action === "health") {
    if (body.onHold !== undefined && typeof body.onHold !== "boolean") return { status: 400, body: { message: "onHold must be true or false" } };
    if (body.ended !== undefined && body.ended !== null && !ENDED_STATUSES.includes(body.ended as EndedStatus)) {
      return { status: 400, body: { message: `ended must be one of ${ENDED_STATUSES.join(", ")} or null` } };
    }
    state.setListingHealth(userId, sku, { onHold: body.onHold as boolean | undefined, ended: body.ended as EndedStatus | null | undefined });
    return { status: 204 };
  }
  return { status: 404, body: { message: `no simulator route ${request.method} ${request.path}` } };
}

/** Shipping and returns by hand (control's list): a step refused for a known order or return is 400, an unknown one 404. */
function afterSaleControl(state: EbaySimState, request: SimRequest, [kind, id, action]: string[]): SimResponse {
  const known = kind === "returns" ? state.returnRequests.some((r) => r.returnId === id) : state.orders.some((o) => o.orderId === id);
  if (!known) return { status: 404, body: { message: `no ${kind === "returns" ? "return" : "order"} ${id}` } };
  try {
    if (kind === "orders" && action === "ship") return { status: 201, body: state.shipOrder(id) };
    if (kind === "orders") {
      const { quantity } = (request.body ?? {}) as { quantity?: unknown };
      return { status: 201, body: state.openReturn(id, quantity as number) };
    }
    if (action === "deliver") return { status: 200, body: state.deliverReturn(id) };
    if (action === "refund") return { status: 200, body: state.refundReturn(id) };
  } catch (error) {
    return { status: 400, body: { message: error instanceof Error ? error.message : String(error) } };
  }
  return { status: 404, body: { message: `no simulator route ${request.method} ${request.path}` } };
}

function dispatch(operationId: string, params: Record<string, string>, request: SimRequest, context: InventoryContext, domain: string): SimResponse {
  switch (operationId) {
    case "bulkUpdatePriceQuantity":
      return bulkUpdatePriceQuantity(context, request.body as Parameters<typeof bulkUpdatePriceQuantity>[1]);
    case "getInventoryItem":
      return getInventoryItem(context, params.sku);
    case "getInventoryItems":
      return getInventoryItems(context, request.query, `http://${String(request.headers.host ?? "127.0.0.1")}`);
    case "createOrReplaceInventoryItem":
      return createOrReplaceInventoryItem(context, params.sku, request.body as Parameters<typeof createOrReplaceInventoryItem>[2]);
    case "getOffers":
      return getOffers(context, request.query);
    case "getOrders":
      return getOrders(context.state, context.account, request.query);
    case "createShippingFulfillment":
      return createShippingFulfillment(
        context.state,
        context.account,
        params.orderId,
        request.body as Parameters<typeof createShippingFulfillment>[3],
        `http://${String(request.headers.host ?? "127.0.0.1")}`,
      );
    case "getShippingFulfillments":
      return getShippingFulfillments(context.state, context.account, params.orderId);
    case "getShippingFulfillment":
      return getShippingFulfillment(context.state, context.account, params.orderId, params.fulfillmentId);
    default:
      // A documented operation the simulator does not model: say so rather than pretend.
      return ebayErrors(501, [{ errorId: 25001, domain, category: "APPLICATION", message: `A system error has occurred. ${operationId} is not simulated.` }]);
  }
}
