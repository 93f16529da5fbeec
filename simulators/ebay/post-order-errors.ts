// The Post-Order API's error body, which is not the Sell APIs' `{ errors: [...] }`: "Error
// Response" (developer.ebay.com/Devzone/post-order/ErrorResponse.html) gives
// `{ errorMessage: { error: [{ errorId, domain, severity, category, message, parameter: [{ value,
// name }], longMessage, httpStatusCode }] } }`, the domain being e.g. cancelErrorDomain or
// returnErrorDomain. eBay's "Errors by Number" for this API was not found, so the simulator gives no
// errorId it would have to invent: a caller reads the status, the message and the parameter.
import type { SimResponse } from "../common/http";

export interface PostOrderError {
  domain: "cancelErrorDomain" | "returnErrorDomain";
  category: "REQUEST" | "APPLICATION" | "BUSINESS";
  message: string;
  parameter?: { name: string; value: string };
}

export function postOrderError(status: number, error: PostOrderError): SimResponse {
  const { parameter, ...rest } = error;
  return {
    status,
    body: {
      errorMessage: {
        error: [{ ...rest, severity: "ERROR", ...(parameter ? { parameter: [parameter] } : {}), longMessage: error.message, httpStatusCode: String(status) }],
      },
    },
  };
}
