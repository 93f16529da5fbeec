// SP-API's error body, `{ errors: [{ code, message, details }] }` (ErrorList in every model), and
// the codes Amazon uses with it.
import type { SimResponse } from "../common/http";

export function amazonError(status: number, code: string, message: string, details?: string, headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body: { errors: [{ code, message, ...(details !== undefined ? { details } : {}) }] } };
}

/** 400 for a request the model refuses: Amazon's InvalidInput, one error per reason. */
export function invalidInput(reasons: string[]): SimResponse {
  return {
    status: 400,
    body: { errors: reasons.map((details) => ({ code: "InvalidInput", message: "Request has missing or invalid parameters and cannot be parsed.", details })) },
  };
}

// SP-API answers 403 Unauthorized both for a token it never issued and for one that expired; the
// `details` tell them apart (see amzn/selling-partner-api-models issues #2333 and #4122).
export const tokenExpired = () => amazonError(403, "Unauthorized", "Access to requested resource is denied.", "The access token you provided has expired.");
export const tokenInvalid = () =>
  amazonError(403, "Unauthorized", "Access to requested resource is denied.", "The access token you provided is revoked, malformed or invalid.");
export const tokenMissing = () => amazonError(403, "MissingAuthenticationToken", "Access to requested resource is denied.");
