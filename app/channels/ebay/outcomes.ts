// How eBay's refusals become a SKU's push outcome, shared by the price-quantity and content pushes.
import type { PushOutcome } from "../connector";
import { ChannelError } from "../connector";
import { REVISIONS_PER_LISTING_PER_DAY } from "./rules";

/** A call that failed for one SKU (or its whole batch) as that SKU's outcome; credentials failures stop everything. */
export function failureOutcome(sku: string, error: unknown): PushOutcome {
  if (!(error instanceof ChannelError)) throw error;
  if (error.details.authFailed) throw error;
  return error.retryable
    ? { channelSku: sku, status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs }
    : { channelSku: sku, status: "rejected", message: error.message, code: error.details.code };
}

export const isNotFound = (error: unknown) => error instanceof ChannelError && error.details.status === 404;

/** eBay answered and refused the whole call (throttled, or a request it would not take): nothing was revised. */
export const refusedWhole = (error: unknown) => {
  const status = error instanceof ChannelError ? error.details.status : undefined;
  return status !== undefined && status >= 400 && status < 500;
};

/**
 * A listing at its cap is a `retry` until the next UTC day, not a `rejected`: the change is right
 * and will go through tomorrow by itself, so the outbox keeps it and the merchant is not alerted
 * for something nobody needs to fix.
 */
export const capMessage = `eBay allows ${REVISIONS_PER_LISTING_PER_DAY} revisions of a listing per day; this one has had them`;
