// FBA Inventory API v1 getInventorySummaries (GET /fba/inventory/v1/summaries, fbaInventory.json)
// over the seller's FBA listings: Amazon's own count of the units in its warehouses, the stock an
// FBA order lowers. The parameter rules are the model's descriptions: granularityType Marketplace
// with the marketplace as granularityId, startDateTime ("summaries that have changed after",
// no earlier than 18 months back; sellerSkus and sellerSku then ignored), sellerSkus (up to 50,
// checked by the model) before sellerSku, details=true for inventoryDetails ("This object will not
// appear if the details parameter in the request is false"), and nextToken paging whose tokens
// "expire 30 seconds after being created".
import { randomBytes } from "node:crypto";
import type { SimResponse } from "../common/http";
import { invalidInput } from "./errors";
import { buyableQuantity, type ListingRecord, type SellerState } from "./state";

/** Summaries per page. Amazon does not document it; 50 is what it returns (our choice, as sellerSkus' own limit). */
export const FBA_INVENTORY_PAGE_SIZE = 50;
/** "The string token will expire 30 seconds after being created." */
export const NEXT_TOKEN_TTL_MS = 30_000;
/** startDateTime: "no earlier than 18 months prior to the date and time when you call the API". */
const EIGHTEEN_MONTHS_MS = 548 * 86_400_000;

interface Page {
  sellerId: string;
  marketplaceId: string;
  skus: string[];
  offset: number;
  details: boolean;
  createdAt: number;
}

/** FNSKU: Amazon's label id of a unit in its warehouse ("X00" + 7 characters for a seller-labelled unit). */
export function fnSkuOf(record: ListingRecord): string {
  let hash = 0;
  for (const ch of record.sku) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `X00${hash.toString(36).toUpperCase().padStart(7, "0").slice(-7)}`;
}

/**
 * Units of FBA orders Amazon has taken but not shipped (not cancelled): reserved for customer
 * orders (ReservedQuantity.pendingCustomerOrderQuantity), no longer fulfillable. The simulator
 * never ships FBA orders, so every unshipped unit of one is such a unit.
 */
function pendingCustomerOrderUnits(seller: SellerState, sku: string): number {
  let units = 0;
  for (const { order } of seller.orders) {
    if (order.fulfillment.fulfilledBy !== "AMAZON" || order.fulfillment.fulfillmentStatus === "CANCELLED" || order.fulfillment.fulfillmentStatus === "SHIPPED")
      continue;
    for (const item of order.orderItems) {
      if (item.product.sellerSku === sku && !item.cancellation?.cancellationExecution) units += item.quantityOrdered;
    }
  }
  return units;
}

function summaryOf(seller: SellerState, record: ListingRecord, details: boolean) {
  const fulfillable = buyableQuantity(record) ?? 0;
  const reserved = pendingCustomerOrderUnits(seller, record.sku);
  const name = record.attributes.item_name?.[0]?.value;
  return {
    ...(record.asin ? { asin: record.asin } : {}),
    fnSku: fnSkuOf(record),
    sellerSku: record.sku,
    condition: "NewItem",
    ...(details
      ? {
          inventoryDetails: {
            fulfillableQuantity: fulfillable,
            inboundWorkingQuantity: 0,
            inboundShippedQuantity: 0,
            inboundReceivingQuantity: 0,
            reservedQuantity: {
              totalReservedQuantity: reserved,
              pendingCustomerOrderQuantity: reserved,
              pendingTransshipmentQuantity: 0,
              fcProcessingQuantity: 0,
            },
            researchingQuantity: { totalResearchingQuantity: 0, researchingQuantityBreakdown: [] },
            unfulfillableQuantity: {
              totalUnfulfillableQuantity: 0,
              customerDamagedQuantity: 0,
              warehouseDamagedQuantity: 0,
              distributorDamagedQuantity: 0,
              carrierDamagedQuantity: 0,
              defectiveQuantity: 0,
              expiredQuantity: 0,
            },
          },
        }
      : {}),
    lastUpdatedTime: record.updatedAt,
    ...(typeof name === "string" ? { productName: name } : {}),
    totalQuantity: fulfillable + reserved,
  };
}

/** The nextTokens handed out, each bound to the seller and the result set it pages through. */
export class FbaInventoryPages {
  private readonly pages = new Map<string, Page>();

  constructor(
    private readonly now: () => number,
    private readonly pageSize = FBA_INVENTORY_PAGE_SIZE,
  ) {}

  answer(seller: SellerState, query: URLSearchParams): SimResponse {
    const marketplaceId = seller.marketplaceId;
    const marketplaceIds = (query.get("marketplaceIds") ?? "").split(",");
    if (!marketplaceIds.includes(marketplaceId))
      return invalidInput([`marketplaceIds: ${query.get("marketplaceIds")} is not a marketplace the seller participates in.`]);
    // Granularity: "When granularityType is Marketplace, specify the marketplaceId" (Granularity.granularityId).
    if (query.get("granularityId") !== marketplaceId)
      return invalidInput([`granularityId: ${query.get("granularityId")} is not the marketplace asked for (${marketplaceId}).`]);
    const details = query.get("details") === "true";

    const token = query.get("nextToken");
    let page: Page;
    if (token) {
      const held = this.pages.get(token);
      if (!held || held.sellerId !== seller.spec.sellerId || held.marketplaceId !== marketplaceId)
        return invalidInput([`nextToken: ${token} is not a valid token.`]);
      if (this.now() - held.createdAt > NEXT_TOKEN_TTL_MS) {
        this.pages.delete(token);
        return invalidInput([`nextToken: ${token} has expired.`]);
      }
      this.pages.delete(token);
      page = { ...held, details };
    } else {
      const selected = this.select(seller, query);
      if (!selected.ok) return selected.refusal;
      page = { sellerId: seller.spec.sellerId, marketplaceId, skus: selected.skus, offset: 0, details, createdAt: this.now() };
    }

    const skus = page.skus.slice(page.offset, page.offset + this.pageSize);
    const inventorySummaries = skus.flatMap((sku) => {
      const record = seller.listings.get(sku);
      return record ? [summaryOf(seller, record, page.details)] : [];
    });
    let nextToken: string | undefined;
    if (page.offset + this.pageSize < page.skus.length) {
      nextToken = randomBytes(24).toString("base64url");
      this.pages.set(nextToken, { ...page, offset: page.offset + this.pageSize, createdAt: this.now() });
    }
    return {
      status: 200,
      body: {
        payload: { granularity: { granularityType: "Marketplace", granularityId: marketplaceId }, inventorySummaries },
        ...(nextToken ? { pagination: { nextToken } } : {}),
      },
    };
  }

  /** The FBA SKUs the query asks about, in a stable order (by SKU). */
  private select(seller: SellerState, query: URLSearchParams): { ok: true; skus: string[] } | { ok: false; refusal: SimResponse } {
    const fba = [...seller.listings.values()].filter((r) => r.fulfilledByAmazon).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    const start = query.get("startDateTime");
    if (start) {
      const at = Date.parse(start);
      if (at < this.now() - EIGHTEEN_MONTHS_MS) return { ok: false, refusal: invalidInput([`startDateTime: ${start} is more than 18 months ago.`]) };
      // sellerSkus and sellerSku are ignored with startDateTime (the operation's description).
      return { ok: true, skus: fba.filter((r) => Date.parse(r.updatedAt) > at).map((r) => r.sku) };
    }
    const many = query
      .getAll("sellerSkus")
      .flatMap((v) => v.split(","))
      .filter(Boolean);
    const one = query.get("sellerSku");
    const wanted = many.length > 0 ? new Set(many) : one ? new Set([one]) : null;
    return { ok: true, skus: fba.filter((r) => !wanted || wanted.has(r.sku)).map((r) => r.sku) };
  }
}
