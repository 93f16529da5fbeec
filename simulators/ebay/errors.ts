// eBay's RESTful error shape: `{ errors: [{ errorId, domain, category, message, longMessage? }] }`
// ("Error" schema in every Sell API definition). The ids below are eBay's, from the definitions'
// x-response-codes where they list one; the others are noted where used.
import type { SimResponse } from "../common/http";

export interface EbayError {
  errorId: number;
  domain: string;
  category: "REQUEST" | "APPLICATION" | "BUSINESS";
  message: string;
  longMessage?: string;
  parameters?: Array<{ name: string; value: string }>;
}

export function ebayErrors(status: number, errors: EbayError[], headers?: Record<string, string>): SimResponse {
  return { status, body: { errors }, headers };
}

/** 401 for a missing, unknown or expired access token: eBay's OAuth domain error 1001. */
export function invalidAccessToken(): SimResponse {
  return ebayErrors(401, [
    {
      errorId: 1001,
      domain: "OAuth",
      category: "REQUEST",
      message: "Invalid access token",
      longMessage: "Invalid access token. Check the value of the Authorization HTTP request header.",
    },
  ]);
}

/** 403 when the token lacks the scope the API needs: eBay's ACCESS domain error 1100. */
export function insufficientScope(): SimResponse {
  return ebayErrors(403, [
    { errorId: 1100, domain: "ACCESS", category: "REQUEST", message: "Access denied", longMessage: "Insufficient permissions to fulfill the request." },
  ]);
}

/** 429 when a call limit is reached: eBay's ACCESS domain error 2001 ("Too many requests"). */
export function tooManyRequests(): SimResponse {
  return ebayErrors(429, [
    { errorId: 2001, domain: "ACCESS", category: "REQUEST", message: "Too many requests. The request limit has been reached for the resource." },
  ]);
}

/** A body that is not JSON at all: eBay's ACCESS domain error 2004 ("Invalid request"). */
export function unreadableBody(): SimResponse {
  return ebayErrors(400, [
    {
      errorId: 2004,
      domain: "ACCESS",
      category: "REQUEST",
      message: "Invalid request",
      longMessage: "Request has errors. The request body is not valid JSON.",
    },
  ]);
}

export function resourceNotFound(path: string): SimResponse {
  return ebayErrors(404, [{ errorId: 2002, domain: "ACCESS", category: "REQUEST", message: "Resource not found", longMessage: `No resource at ${path}.` }]);
}

export function methodNotAllowed(detail: string): SimResponse {
  return ebayErrors(405, [{ errorId: 2003, domain: "ACCESS", category: "REQUEST", message: "Method not allowed", longMessage: detail }]);
}
