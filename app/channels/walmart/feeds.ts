// The bulk path: one feed file per batch (POST /v3/feeds?feedType=...), then GET
// /v3/feeds/{feedId}?includeDetails=true until Walmart has processed it, and each SKU's own
// ingestion status becomes its outcome. Walmart says item results exist "only after the entire
// feed is processed" (priceBulkUploads), so nothing is `accepted` before that.
import { ChannelError, type FeedPolling, type PushOutcome } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";

/**
 * inventory and price: the feed types of updateBulkInventory and priceBulkUploads (inventory and
 * prices definitions). MP_MAINTENANCE: the item maintenance feed of Bulk Item Setup
 * (itemBulkUploads in Walmart's Item Management definition,
 * simulators/contracts/walmart-marketplace/walmart-marketplace-items-openapi-original.yml; the feeds
 * definition lists item feeds only as feedType "item" in getAllFeedStatuses).
 */
export type FeedType = "inventory" | "price" | "MP_MAINTENANCE";

interface IngestionError {
  type?: string;
  code?: string;
  description?: string;
}

interface FeedStatus {
  feedStatus?: "RECEIVED" | "INPROGRESS" | "PROCESSED" | "ERROR";
  itemsReceived?: number;
  ingestionErrors?: { ingestionError?: IngestionError[] };
  itemDetails?: {
    itemIngestionStatus?: Array<{ sku?: string; index?: number; ingestionStatus: string; ingestionErrors?: { ingestionError?: IngestionError[] } }>;
  };
}

/** Item details come 1000 at a time at most (getFeedItemStatus `limit`). */
const DETAIL_PAGE = 1000;

const describe = (errors: IngestionError[] | undefined) => (errors ?? []).map((e) => [e.code, e.description].filter(Boolean).join(": ")).join("; ");

async function submit(client: WalmartClient, feedType: FeedType, file: unknown, retry: RetryOptions): Promise<string> {
  // The file is rebuilt for every attempt: a FormData body is consumed by the first send.
  const answer = await withRetry(() => {
    const form = new FormData();
    form.append("file", new Blob([JSON.stringify(file)], { type: "application/json" }), `${feedType}.json`);
    return client.request<{ feedId: string }>({ method: "POST", path: "/v3/feeds", query: { feedType }, form });
  }, retry);
  return answer.feedId;
}

async function details(client: WalmartClient, feedId: string, retry: RetryOptions): Promise<FeedStatus> {
  const path = `/v3/feeds/${encodeURIComponent(feedId)}`;
  const first = await withRetry(
    () => client.request<FeedStatus>({ method: "GET", path, query: { includeDetails: "true", offset: "0", limit: String(DETAIL_PAGE) } }),
    retry,
  );
  const items = [...(first.itemDetails?.itemIngestionStatus ?? [])];
  while (first.feedStatus === "PROCESSED" && items.length < (first.itemsReceived ?? 0)) {
    const page = await withRetry(
      () => client.request<FeedStatus>({ method: "GET", path, query: { includeDetails: "true", offset: String(items.length), limit: String(DETAIL_PAGE) } }),
      retry,
    );
    const more = page.itemDetails?.itemIngestionStatus ?? [];
    if (!more.length) break;
    items.push(...more);
  }
  return { ...first, itemDetails: { itemIngestionStatus: items } };
}

/** Walmart refused the feed with a wait longer than a job holds (withRetry's maxDelayMs): the hourly feed quota is spent. */
const quotaSpent = (error: unknown) => error instanceof ChannelError && error.details.status === 429;

/**
 * Submits the file and waits for its per-SKU results; `skus` are in the file's order. When the
 * feed quota is spent, `otherwise` (the same changes as single calls) carries them instead of
 * leaving them to wait up to an hour for it.
 */
export async function runFeed(
  client: WalmartClient,
  feedType: FeedType,
  file: unknown,
  skus: string[],
  polling: FeedPolling,
  retry: RetryOptions,
  otherwise?: () => Promise<PushOutcome[]>,
): Promise<PushOutcome[]> {
  let feedId: string;
  try {
    feedId = await submit(client, feedType, file, retry);
  } catch (error) {
    if (otherwise && quotaSpent(error)) return otherwise();
    throw error;
  }
  const deadline = Date.now() + polling.timeoutMs;
  let status = await details(client, feedId, retry);
  while (status.feedStatus !== "PROCESSED" && status.feedStatus !== "ERROR" && Date.now() < deadline) {
    await polling.sleep(polling.intervalMs);
    status = await details(client, feedId, retry);
  }
  if (status.feedStatus === "ERROR") {
    const message = `feed ${feedId} failed: ${describe(status.ingestionErrors?.ingestionError) || "no reason given"}`;
    return skus.map((channelSku) => ({ channelSku, status: "rejected", message, code: "FEED_ERROR" }));
  }
  if (status.feedStatus !== "PROCESSED") {
    // Still running: say so and let the next round resend (quantities, prices and item content
    // are all absolute values, so a resend cannot double anything).
    return skus.map((channelSku) => ({
      channelSku,
      status: "retry",
      message: `feed ${feedId} still ${status.feedStatus ?? "unknown"}`,
      retryAfterMs: polling.intervalMs,
    }));
  }
  const byIndex = new Map((status.itemDetails?.itemIngestionStatus ?? []).map((item, i) => [item.index ?? i, item]));
  return skus.map((channelSku, index): PushOutcome => {
    const item = byIndex.get(index);
    if (!item || (item.sku && item.sku !== channelSku)) return { channelSku, status: "retry", message: `feed ${feedId} reported nothing for this SKU` };
    const reason = describe(item.ingestionErrors?.ingestionError) || item.ingestionStatus;
    switch (item.ingestionStatus) {
      case "SUCCESS":
        return { channelSku, status: "accepted" };
      case "DATA_ERROR":
        return { channelSku, status: "rejected", message: reason, code: item.ingestionErrors?.ingestionError?.[0]?.code ?? "DATA_ERROR" };
      default: // SYSTEM_ERROR, TIMEOUT_ERROR, INPROGRESS: Walmart's side, worth another go
        return { channelSku, status: "retry", message: reason };
    }
  });
}
