// bulkUpdatePriceQuantity: what one listing's change looks like in the request, and how the
// per-item `responses[]` become one outcome per SKU.
import type { PushOutcome } from "../connector";
import { describeEbayError, type EbayErrorDetail } from "./errors";
import { RETRYABLE_ERROR_IDS } from "./rules";

/** One element of BulkPriceQuantity.requests (PriceQuantity in the Inventory API definition). */
export interface PriceQuantity {
  sku?: string;
  shipToLocationAvailability?: { quantity: number };
  offers?: Array<{ offerId: string; availableQuantity?: number; price?: { value: string; currency: string } }>;
}

/** One element of BulkPriceQuantityResponse.responses. */
export interface PriceQuantityResponse {
  sku?: string;
  offerId?: string;
  statusCode?: number;
  errors?: EbayErrorDetail[];
  warnings?: EbayErrorDetail[];
}

/**
 * A quantity goes to the inventory item's ship-to-home quantity and, when the offer is known, to
 * the offer's availableQuantity too: an offer's own availableQuantity overrides the item's
 * (ShipToLocationAvailability.quantity note), so setting only the item could leave the listing
 * showing the old number.
 */
export function quantityRequest(sku: string, quantity: number, offerId?: string | null): PriceQuantity {
  return {
    sku,
    shipToLocationAvailability: { quantity },
    ...(offerId ? { offers: [{ offerId, availableQuantity: quantity }] } : {}),
  };
}

/** A price lives on the offer only. */
export function priceRequest(offerId: string, price: { value: string; currency: string }): PriceQuantity {
  return { offers: [{ offerId, price }] };
}

/** The entries of a bulk answer that speak of this SKU (by SKU, or by one of its offers). */
export function entriesForSku(sku: string, offerIds: string[], responses: PriceQuantityResponse[]): PriceQuantityResponse[] {
  return responses.filter((r) => r.sku === sku || (r.offerId !== undefined && offerIds.includes(r.offerId)));
}

/** eBay refused every part of the SKU's change with a 4xx: the listing was not revised at all. */
export function refusedEntirely(entries: PriceQuantityResponse[]): boolean {
  return entries.length > 0 && entries.every((r) => r.statusCode !== undefined && r.statusCode >= 400 && r.statusCode < 500);
}

/** Every entry about the SKU must be 200 for the SKU to count as accepted. */
export function outcomeForSku(sku: string, offerIds: string[], responses: PriceQuantityResponse[]): PushOutcome {
  const mine = entriesForSku(sku, offerIds, responses);
  if (mine.length === 0) return { channelSku: sku, status: "retry", message: "eBay's answer did not mention this SKU" };
  const failed = mine.find((r) => r.statusCode !== 200);
  if (!failed) return { channelSku: sku, status: "accepted" };
  const error = failed.errors?.[0];
  const message = describeEbayError(error, `eBay answered ${failed.statusCode} for this SKU`);
  const healsByRetrying = (failed.statusCode ?? 500) >= 500 || (error?.errorId !== undefined && RETRYABLE_ERROR_IDS.has(error.errorId));
  return healsByRetrying
    ? { channelSku: sku, status: "retry", message }
    : { channelSku: sku, status: "rejected", message, code: error?.errorId !== undefined ? String(error.errorId) : undefined };
}
