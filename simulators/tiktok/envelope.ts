// TikTok's answer envelope `{ code, message, request_id, data }`, code 0 on success, and the error
// codes this simulator gives, from TikTok's "Common errors" page
// (partner.tiktokshop.com/docv2/page/common-errors) where known. Codes for product-level refusals
// are not on that page; ours are marked.
import { randomBytes } from "node:crypto";
import type { SimResponse } from "../common/http";

export const CODES = {
  ok: 0,
  tooManyRequests: 36009002, // HTTP 429
  invalidParams: 36009004, // overloaded: missing sign, bad timestamp, bad app_key, bad params
  invalidPath: 36009009, // HTTP 404
  accessTokenInvalid: 105001,
  accessTokenExpired: 105002,
  signatureInvalid: 106001,
  refreshTokenInvalid: 36004004, // listed among authentication failures; exact wording approximated
  // Ours (approximations): a product or SKU the shop does not have.
  productNotFound: 12052048,
  skuNotInProduct: 12052049,
  // Ours (approximations): order actions the order's or package's state does not allow, unknown ids.
  orderNotFound: 21011001,
  orderStatusInvalid: 21011002,
  packageNotFound: 21011003,
  packageStatusInvalid: 21011004,
  shippingProviderInvalid: 21011005,
  deliveryOptionNotFound: 21011006,
} as const;

function requestId(): string {
  return new Date().toISOString().replace(/\D/g, "").slice(0, 14) + randomBytes(9).toString("hex").toUpperCase();
}

export function ok(data: unknown): SimResponse {
  return { status: 200, body: { code: CODES.ok, message: "Success", request_id: requestId(), data } };
}

export function fail(status: number, code: number, message: string, data: unknown = null, headers?: Record<string, string>): SimResponse {
  return { status, headers, body: { code, message, request_id: requestId(), data } };
}
