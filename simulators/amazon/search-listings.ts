// searchListingsItems, GET /listings/2021-08-01/items/{sellerId} (listingsItems_2021-08-01.json):
// the seller's listings in one marketplace, each rendered like getListingsItem for the datasets
// asked for (includedData, "summaries" by default), `pageSize` items a page ("maximum": 20,
// default 10; the definition's schema refuses more) and a `pagination.nextToken` until the last
// page. As the definition says, "The maximum number of items (SKUs) that can be returned and
// paged through is 1000": past the 1000th item there is no nextToken, whatever numberOfResults
// says. Filters: createdAfter/createdBefore, lastUpdatedAfter/lastUpdatedBefore (inclusive, ISO
// 8601), withStatus/withoutStatus (BUYABLE, DISCOVERABLE); sortBy sku, createdDate or
// lastUpdatedDate (default lastUpdatedDate, DESC: our assumption), sortOrder.
import { randomBytes } from "node:crypto";
import type { SimResponse } from "../common/http";
import { invalidInput } from "./errors";
import { renderItem } from "./listings";
import { listingStatus, type ListingRecord, type SellerState } from "./state";

/** "The maximum number of items (SKUs) that can be returned and paged through is 1000." */
export const SEARCH_LISTINGS_MAX_ITEMS = 1000;
const PAGE_SIZE_DEFAULT = 10;
/** How long a nextToken stays good: our assumption (the definition says nothing). */
const PAGE_TOKEN_TTL_MS = 5 * 60_000;

interface HeldPage {
  sellerId: string;
  skus: string[];
  offset: number;
  numberOfResults: number;
  createdAt: number;
}

const SORT_KEYS: Record<string, (r: ListingRecord) => string> = {
  sku: (r) => r.sku,
  createdDate: (r) => r.createdAt,
  lastUpdatedDate: (r) => r.updatedAt,
};

export class ListingSearches {
  private readonly pages = new Map<string, HeldPage>();

  constructor(private readonly now: () => number) {}

  answer(seller: SellerState, query: URLSearchParams): SimResponse {
    const marketplaceId = seller.marketplaceId;
    if (!(query.get("marketplaceIds") ?? "").split(",").includes(marketplaceId))
      return invalidInput([`marketplaceIds: ${query.get("marketplaceIds")} is not a marketplace the seller participates in.`]);
    const pageSize = Number(query.get("pageSize") ?? PAGE_SIZE_DEFAULT);
    const includedData = (query.get("includedData") ?? "").split(",").filter(Boolean);

    let page: HeldPage;
    const token = query.get("pageToken");
    if (token) {
      const held = this.pages.get(token);
      if (!held || held.sellerId !== seller.spec.sellerId) return invalidInput([`pageToken: ${token} is not a valid token.`]);
      if (this.now() - held.createdAt > PAGE_TOKEN_TTL_MS) {
        this.pages.delete(token);
        return invalidInput([`pageToken: ${token} has expired.`]);
      }
      page = held;
    } else {
      const selected = this.select(seller, query);
      if (!selected.ok) return invalidInput([selected.message]);
      page = { sellerId: seller.spec.sellerId, skus: selected.skus, offset: 0, numberOfResults: selected.skus.length, createdAt: this.now() };
    }

    const reachable = Math.min(page.skus.length, SEARCH_LISTINGS_MAX_ITEMS);
    const skus = page.skus.slice(page.offset, Math.min(page.offset + pageSize, reachable));
    const items = skus.flatMap((sku) => {
      const record = seller.listings.get(sku);
      return record ? [renderItem(seller, record, includedData)] : [];
    });
    let nextToken: string | undefined;
    if (page.offset + pageSize < reachable) {
      nextToken = randomBytes(24).toString("base64url");
      this.pages.set(nextToken, { ...page, offset: page.offset + pageSize, createdAt: this.now() });
    }
    return { status: 200, body: { numberOfResults: page.numberOfResults, items, ...(nextToken ? { pagination: { nextToken } } : {}) } };
  }

  private select(seller: SellerState, query: URLSearchParams): { ok: true; skus: string[] } | { ok: false; message: string } {
    const bounds: Array<[string, (r: ListingRecord) => string, "after" | "before"]> = [
      ["createdAfter", (r) => r.createdAt, "after"],
      ["createdBefore", (r) => r.createdAt, "before"],
      ["lastUpdatedAfter", (r) => r.updatedAt, "after"],
      ["lastUpdatedBefore", (r) => r.updatedAt, "before"],
    ];
    let records = [...seller.listings.values()];
    for (const [name, valueOf, side] of bounds) {
      const raw = query.get(name);
      if (raw === null) continue;
      const at = Date.parse(raw);
      if (Number.isNaN(at)) return { ok: false, message: `${name}: ${raw} is not an ISO 8601 date-time.` };
      records = records.filter((r) => (side === "after" ? Date.parse(valueOf(r)) >= at : Date.parse(valueOf(r)) <= at));
    }
    const statuses = (r: ListingRecord) => listingStatus(r, seller.marketplaceId);
    const withStatus = (query.get("withStatus") ?? "").split(",").filter(Boolean);
    const withoutStatus = (query.get("withoutStatus") ?? "").split(",").filter(Boolean);
    records = records.filter((r) => withStatus.every((s) => statuses(r).includes(s)) && !withoutStatus.some((s) => statuses(r).includes(s)));
    const key = SORT_KEYS[query.get("sortBy") ?? "lastUpdatedDate"];
    const direction = (query.get("sortOrder") ?? "DESC") === "ASC" ? 1 : -1;
    // Ties keep SKU order, so paging is stable.
    records.sort((a, b) => (key(a) < key(b) ? -direction : key(a) > key(b) ? direction : a.sku < b.sku ? -1 : 1));
    return { ok: true, skus: records.map((r) => r.sku) };
  }
}
