// eBay's Post-Order API v2 (https://api.ebay.com/post-order/v2/...) as far as the app uses it: the
// seller's cancellation (cancellations.ts) and buyers' returns (returns.ts). Its gateway differs
// from the Sell APIs' ("Post-Order API – Making a Call", developer.ebay.com/Devzone/post-order/
// concepts/MakingACall.html):
// - Authorization: "OAuth – Prefix a valid User access token with the string "IAF " (with a space)"
//   and "Auth'n'Auth – Prefix a valid eBay token with the word "TOKEN "". The simulator issues
//   OAuth user tokens only, so `IAF <token>` is the one form it honours: a `Bearer` header (the
//   Sell APIs' form) or a `TOKEN` one is refused with eBay's invalid-token 401. The page names no
//   OAuth scope for the API; any user access token the simulator issued will do.
// - X-EBAY-C-MARKETPLACE-ID is "Required" (a MarketplaceIdEnum value such as EBAY_US).
// - Content-Type "Must be JSON" on a request with a body.
import type { SimRequest, SimResponse } from "../common/http";
import { checkCancellationEligibility, createCancellation } from "./cancellations";
import { resourceNotFound, unreadableBody } from "./errors";
import { postOrderError } from "./post-order-errors";
import { getReturn, searchReturns } from "./returns";
import type { AccountRecord, EbaySimState } from "./state";

export const POST_ORDER_BASE = "/post-order/v2";

/** The bearer of a Post-Order request: `IAF <token>`, case as eBay writes it. */
export const postOrderToken = (request: SimRequest) => /^IAF (\S+)$/.exec(String(request.headers.authorization ?? ""))?.[1];

interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  operationId: string;
  serve: (state: EbaySimState, account: AccountRecord, request: SimRequest, params: string[]) => SimResponse;
}

const ROUTES: Route[] = [
  {
    method: "POST",
    pattern: /^\/cancellation\/check_eligibility$/,
    operationId: "checkCancellationEligibility",
    serve: (state, account, request) => checkCancellationEligibility(state, account, request.body),
  },
  {
    method: "POST",
    pattern: /^\/cancellation$/,
    operationId: "createCancellation",
    serve: (state, account, request) => createCancellation(state, account, request.body),
  },
  {
    method: "GET",
    pattern: /^\/return\/search$/,
    operationId: "searchReturns",
    serve: (state, account, request) => searchReturns(state, account, request.query),
  },
  {
    method: "GET",
    pattern: /^\/return\/([^/]+)$/,
    operationId: "getReturn",
    serve: (state, account, request, [returnId]) => getReturn(state, account, decodeURIComponent(returnId), request.query),
  },
];

/**
 * One Post-Order request, from a caller already authenticated and within its call limits: the
 * marketplace header and the body's format are checked, then the operation runs. Paths the
 * simulator does not model answer 404, as an unknown resource.
 */
export function servePostOrder(state: EbaySimState, account: AccountRecord, request: SimRequest): { operationId: string | null; answer: SimResponse } {
  const rest = request.path.slice(POST_ORDER_BASE.length);
  const route = ROUTES.find((r) => r.method === request.method && r.pattern.test(rest));
  if (!route) return { operationId: null, answer: resourceNotFound(request.path) };
  const marketplace = request.headers["x-ebay-c-marketplace-id"];
  if (typeof marketplace !== "string" || !/^EBAY_[A-Z_]+$/.test(marketplace)) {
    const domain = rest.startsWith("/cancellation") ? "cancelErrorDomain" : "returnErrorDomain";
    const answer = postOrderError(400, {
      domain,
      category: "REQUEST",
      message: "The X-EBAY-C-MARKETPLACE-ID header is required: the eBay site of the order, such as EBAY_US.",
      parameter: { name: "X-EBAY-C-MARKETPLACE-ID", value: String(marketplace ?? "") },
    });
    return { operationId: route.operationId, answer };
  }
  if (request.method === "POST" && request.invalidJson) return { operationId: route.operationId, answer: unreadableBody() };
  const params = route.pattern.exec(rest)!.slice(1);
  return { operationId: route.operationId, answer: route.serve(state, account, request, params) };
}
