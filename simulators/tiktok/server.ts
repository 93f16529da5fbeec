// A local stand-in for TikTok Shop's Partner API (open-api.tiktokglobalshop.com, and the auth host
// auth.tiktok-shops.com on the same port). Every call is checked the way TikTok documents it:
// known path, app_key, sign present, timestamp within 5 minutes, signature, access token,
// shop_cipher, then the body's shape; failures answer in TikTok's envelope with its codes.
import { startHttpServer, type RunningServer, type SimRequest, type SimResponse } from "../common/http";
import { RateLimits } from "../common/token-bucket";
import { TikTokAuthorization, type TikTokAppRegistration, type TikTokSellerSpec } from "./authorization";
import { CODES, fail } from "./envelope";
import { malformedTikTokOrders, servedOrders, type TikTokMalformation } from "./malformed-orders";
import { routeFor, type Route } from "./routes";
import { commonQuery, reasons } from "./schemas";
import { signatureMatches } from "./signature";
import {
  TikTokShop,
  type BuyerCancellation,
  type BuyerOrder,
  type BuyerReturn,
  type ProductStatus,
  type ReturnStatus,
  type TikTokOrderRecord,
  type TikTokReturnRecord,
  type TikTokShopSpec,
} from "./state";
import { exchangeAuthCode, refreshTokens } from "./tokens";
import { webhooksOf, type TikTokWebhook } from "./webhooks";

export interface TikTokSimulatorOptions {
  port?: number;
  shops: TikTokShopSpec[];
  /** Calls per second per shop and path, and the burst. Assumption: TikTok publishes no numbers. */
  rateLimit?: { rate: number; burst: number };
  /** Apps registered in Partner Center, for the seller authorization page (authorization.ts). */
  apps?: TikTokAppRegistration[];
  /** Seller accounts that can sign in there, holding shops by cipher; by default one seller per shop. */
  sellers?: TikTokSellerSpec[];
}

export interface TikTokSimulator {
  url: string;
  requests: RunningServer["requests"];
  shop(shopCipher: string): TikTokShop;
  /** A buyer checks out: one line item per unit, FULFILLMENT_BY_SELLER unless told FULFILLMENT_BY_TIKTOK. */
  placeOrder(shopCipher: string, order: BuyerOrder): TikTokOrderRecord;
  /** The buyer (or `by`) cancels the whole order, or `units` of one SKU's line items; update_time moves. */
  cancelOrder(shopCipher: string, orderId: string, cancellation?: BuyerCancellation): TikTokOrderRecord;
  /** From now on the order searches and details send this order malformed (malformed-orders.ts), as a real platform could. */
  malformOrder(shopCipher: string, orderId: string, how: TikTokMalformation): void;
  /** The buyer asks for a refund or a return of units of a shipped order; update_time moves. */
  requestReturn(shopCipher: string, orderId: string, request: BuyerReturn): TikTokReturnRecord;
  /** The return's next step (AWAITING_BUYER_SHIP, BUYER_SHIPPED_ITEM, ...); its and the order's update_time move. */
  advanceReturn(shopCipher: string, returnId: string, status: ReturnStatus, at?: number): TikTokReturnRecord;
  /** TikTok's count of a SKU's sellable units in one of its FBT warehouses changes; the SKU becomes an FBT one if it was not. */
  setFbtQuantity(shopCipher: string, skuId: string, available: number, fbtWarehouseId?: string): void;
  /** The seller edits a SKU's quantity or price in Seller Center, outside Anchorline. */
  editListingByHand(shopCipher: string, skuId: string, edit: { quantity?: number; priceCents?: number }): void;
  /** The product's status changes (SELLER_DEACTIVATED, PLATFORM_DEACTIVATED, FREEZE, FAILED...; ACTIVATE again) with TikTok's reasons. */
  setProductStatus(shopCipher: string, productId: string, status: ProductStatus, reasons?: string[]): void;
  throttleNext(shopCipher: string, count?: number): void;
  /** The shop's current access token is past its expiry (105002 from now on). */
  expireAccessToken(shopCipher: string): void;
  /** The seller deauthorized the app: tokens and refresh tokens stop working. */
  revoke(shopCipher: string): void;
  /** A one-time authorization code for GET /api/v2/token/get, as TikTok's redirect would carry (10 minutes). */
  issueAuthCode(shopCipher: string): string;
  /** The authorization page's seller to sign in as, unless the page is told another (authorization.ts). */
  signInAs(sellerName: string): void;
  /** The shop's webhooks (Update Shop Webhook), as TikTok holds them. */
  webhooks(shopCipher: string): TikTokWebhook[];
  /** Resolves once every ORDER_STATUS_CHANGE sent to the shop so far was delivered or given up. */
  webhooksSettled(shopCipher: string): Promise<{ delivered: number; failed: number }>;
  stop(): Promise<void>;
}

/** "Invalid timestamp ... must not be earlier than 5 minutes before the current time" (Common errors). */
const MAX_SKEW_SECONDS = 300;

export async function startTikTokSimulator(options: TikTokSimulatorOptions): Promise<TikTokSimulator> {
  const shops = new Map(options.shops.map((spec) => [spec.shopCipher, new TikTokShop(spec)]));
  const authorization = new TikTokAuthorization(shops, options);
  const limits = new RateLimits();
  const { rate, burst } = options.rateLimit ?? { rate: 10, burst: 20 };
  const forced = new Map<string, number>();
  const malformedByShop = new Map<string, ReturnType<typeof malformedTikTokOrders>>();
  const malformedOf = (cipher: string) => {
    let malformed = malformedByShop.get(cipher);
    if (!malformed) malformedByShop.set(cipher, (malformed = malformedTikTokOrders()));
    return malformed;
  };

  const shopOf = (cipher: string) => {
    const shop = shops.get(cipher);
    if (!shop) throw new Error(`TikTok simulator: no shop ${cipher}`);
    return shop;
  };

  /** The checks every Partner API call goes through, in TikTok's order: a refusal, or the shop. */
  const gate = (request: SimRequest, route: Route): { refusal: SimResponse } | { shop: TikTokShop } => {
    const common = commonQuery.safeParse(Object.fromEntries(request.query));
    const appKey = request.query.get("app_key");
    const candidates = [...shops.values()].filter((s) => s.spec.appKey === appKey);
    if (!appKey || candidates.length === 0) return { refusal: fail(400, CODES.invalidParams, "Invalid credentials. Invalid `app_key` query parameter.") };
    if (!request.query.get("sign"))
      return { refusal: fail(400, CODES.invalidParams, "Missing credentials. The request does not include a required signature in the query.") };
    if (!common.success) return { refusal: fail(400, CODES.invalidParams, `Invalid params: ${reasons(common.error)}`) };
    const skew = Math.abs(Math.floor(Date.now() / 1000) - Number(common.data.timestamp));
    if (skew > MAX_SKEW_SECONDS)
      return {
        refusal: fail(
          400,
          CODES.invalidParams,
          `Invalid timestamp. The value of the \`timestamp\` query parameter must be within 5 minutes of the current time (off by ${skew} s).`,
        ),
      };
    if (!signatureMatches(candidates[0].spec.appSecret, request.path, request.query, request.rawBody)) {
      return { refusal: fail(401, CODES.signatureInvalid, "Invalid credentials. The 'sign' query parameter is invalid.") };
    }
    const token = String(request.headers["x-tts-access-token"] ?? "");
    // One token can reach several shops of a seller (authorization.ts): the one the call names.
    const reached = candidates.filter((s) => s.accessToken === token && !s.revoked);
    const shop = reached.find((s) => s.spec.shopCipher === request.query.get("shop_cipher")) ?? reached[0];
    if (!shop) return { refusal: fail(401, CODES.accessTokenInvalid, "Invalid credentials. The 'x-tts-access-token' header is invalid.") };
    if (shop.accessTokenExpiresAt <= Math.floor(Date.now() / 1000)) {
      return { refusal: fail(401, CODES.accessTokenExpired, "Expired credentials. The 'access_token' or 'x-tts-access-token' header has expired.") };
    }
    const cipher = request.query.get("shop_cipher");
    if (route.shopScoped && cipher !== shop.spec.shopCipher)
      return { refusal: fail(400, CODES.invalidParams, `Invalid identifier. The \`shop_cipher\` query parameter is ${cipher ? "invalid" : "missing"}.`) };
    if (!route.shopScoped && cipher)
      return { refusal: fail(400, CODES.invalidParams, "Unexpected identifier. The `shop_cipher` query parameter is not required for this request.") };
    const pending = forced.get(shop.spec.shopCipher) ?? 0;
    const taken = pending > 0 ? { ok: false as const, retryAfterMs: 1000 } : limits.take(`${shop.spec.shopCipher}:${route.name}`, rate, burst);
    if (pending > 0) forced.set(shop.spec.shopCipher, pending - 1);
    if (!taken.ok) return { refusal: fail(429, CODES.tooManyRequests, "Too many requests. You've made too many requests in a short period of time.") };
    return { shop };
  };

  const handler = (request: SimRequest): SimResponse => {
    if (request.method === "GET" && request.path === "/api/v2/token/refresh") return refreshTokens(shops, request.query);
    if (request.method === "GET" && request.path === "/api/v2/token/get") return exchangeAuthCode(shops, authorization, request.query);
    const authorizationPage = authorization.handle(request);
    if (authorizationPage) return authorizationPage;
    const found = routeFor(request.method, request.path);
    if (!found) return fail(404, CODES.invalidPath, `Invalid path. ${request.method} ${request.path} is not a Partner API path.`);
    const passed = gate(request, found.route);
    if ("refusal" in passed) return passed.refusal;
    if (request.invalidJson) return fail(400, CODES.invalidParams, "Invalid params: the body is not JSON");
    const answer =
      found.route.name === "shops"
        ? authorization.authorizedShops(passed.shop)
        : servedOrders(malformedOf(passed.shop.spec.shopCipher), found.route.name, found.route.handle(passed.shop, request, found.params));
    // A call that moved an order's status (shipped, cancelled) announces it, after the answer is made.
    webhooksOf(passed.shop).announceChanges();
    return answer;
  };

  /** A buyer's act on the shop, then ORDER_STATUS_CHANGE for the orders whose status it moved. */
  const announcing = <T>(cipher: string, act: (shop: TikTokShop) => T): T => {
    const shop = shopOf(cipher);
    const result = act(shop);
    webhooksOf(shop).announceChanges();
    return result;
  };

  const server = await startHttpServer(handler, options.port);
  return {
    url: server.url,
    requests: server.requests,
    shop: shopOf,
    placeOrder: (cipher, order) => announcing(cipher, (shop) => shop.placeOrder(order)),
    cancelOrder: (cipher, orderId, cancellation) => announcing(cipher, (shop) => shop.cancelOrder(orderId, cancellation)),
    malformOrder: (cipher, orderId, how) => {
      if (!shopOf(cipher).orders.some((o) => o.id === orderId)) throw new Error(`TikTok simulator: no order ${orderId} in ${cipher}`);
      malformedOf(cipher).malform(orderId, how);
    },
    requestReturn: (cipher, orderId, request) => shopOf(cipher).requestReturn(orderId, request),
    advanceReturn: (cipher, returnId, status, at) => shopOf(cipher).advanceReturn(returnId, status, at),
    setFbtQuantity: (cipher, skuId, available, fbtWarehouseId) => shopOf(cipher).setFbtQuantity(skuId, available, fbtWarehouseId),
    editListingByHand: (cipher, skuId, edit) => shopOf(cipher).editByHand(skuId, edit),
    setProductStatus: (cipher, productId, status, reasons) => shopOf(cipher).setProductStatus(productId, status, reasons),
    throttleNext: (cipher, count = 1) => forced.set(cipher, count),
    expireAccessToken: (cipher) => {
      shopOf(cipher).accessTokenExpiresAt = 0;
    },
    revoke: (cipher) => {
      shopOf(cipher).revoked = true;
    },
    issueAuthCode: (cipher) => authorization.issueCode(shopOf(cipher).spec.appKey, [cipher]),
    signInAs: (sellerName) => authorization.signInAs(sellerName),
    webhooks: (cipher) => [...webhooksOf(shopOf(cipher)).webhooks.values()],
    webhooksSettled: (cipher) => webhooksOf(shopOf(cipher)).settled(),
    stop: () => server.close(),
  };
}
