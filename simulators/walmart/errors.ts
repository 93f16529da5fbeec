// Walmart's error body: `{ errors: [{ code, field, description, info, severity, category }] }`, the
// GatewayError shape every definition in simulators/contracts/walmart-marketplace declares.
import type { SimResponse } from "../common/http";

export interface WalmartError {
  code: string;
  field?: string;
  description: string;
  info?: string;
  severity?: "INFO" | "WARN" | "ERROR";
  category?: "APPLICATION" | "SYSTEM" | "REQUEST" | "DATA";
}

export function walmartError(status: number, errors: WalmartError[], headers?: Record<string, string>): SimResponse {
  return {
    status,
    headers,
    body: { errors: errors.map((e) => ({ severity: "ERROR", category: "DATA", causes: [], errorIdentifiers: {}, ...e })) },
  };
}

export const unauthorized = (info: string) =>
  walmartError(401, [{ code: "UNAUTHORIZED.GMP_GATEWAY_API", field: "UNAUTHORIZED", description: "Unauthorized", info, category: "REQUEST" }]);

export const notFound = (what: string, info: string) =>
  walmartError(404, [{ code: `CONTENT_NOT_FOUND.${what}`, description: "Not Found", info, category: "DATA" }]);
