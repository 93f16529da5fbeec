// The bulk path: one JSON_LISTINGS_FEED of PATCH messages, following the Feeds API's steps
// (createFeedDocument, upload to the pre-signed URL, createFeed, getFeed until it is done,
// getFeedDocument, download the processing report). Each message's issues in the report
// (listings-feed-processing-report-schema-v2.json) decide its SKU's outcome; nothing is accepted
// before the feed is DONE.
import type { FeedPolling, PushOutcome } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { ListingPatch } from "./patches";
import type { DocumentLocation, SpApiClient } from "./sp-client";

export interface FeedContext {
  client: SpApiClient;
  sellerId: string;
  marketplaceId: string;
  retry: RetryOptions;
  polling: FeedPolling;
}

/** The document is JSON in UTF-8; the upload must repeat this exact type (the pre-signed URL is signed for it). */
const FEED_CONTENT_TYPE = "application/json; charset=UTF-8";

interface FeedStatus {
  processingStatus: "CANCELLED" | "DONE" | "FATAL" | "IN_PROGRESS" | "IN_QUEUE";
  resultFeedDocumentId?: string;
}

interface ReportIssue {
  messageId?: number;
  code?: string;
  severity?: string;
  message?: string;
}

interface ProcessingReport {
  issues?: ReportIssue[];
}

const FINISHED = new Set(["CANCELLED", "DONE", "FATAL"]);

/** The feed document: messageId is the patch's position, plus one, so the report maps back. */
export function feedDocument(sellerId: string, patches: ListingPatch[]) {
  return {
    header: { sellerId, version: "2.0" },
    messages: patches.map((p, index) => ({ messageId: index + 1, sku: p.sku, operationType: "PATCH", productType: p.productType, patches: p.patches })),
  };
}

async function waitForFeed(context: FeedContext, feedId: string): Promise<FeedStatus | null> {
  const { polling } = context;
  for (let waited = 0; waited <= polling.timeoutMs; waited += polling.intervalMs) {
    const feed = await withRetry(() => context.client.call<FeedStatus>({ operation: "getFeed", endpoint: "feeds", path: { feedId } }), context.retry);
    if (FINISHED.has(feed.processingStatus)) return feed;
    await polling.sleep(polling.intervalMs);
  }
  return null;
}

async function readReport(context: FeedContext, documentId: string): Promise<ProcessingReport> {
  return withRetry(async () => {
    const location = await context.client.call<DocumentLocation>({ operation: "getFeedDocument", endpoint: "feeds", path: { feedDocumentId: documentId } });
    return JSON.parse(await context.client.download(location)) as ProcessingReport;
  }, context.retry);
}

/** Submits the patches as one feed and waits for each SKU's result. */
export async function runListingsFeed(context: FeedContext, patches: ListingPatch[]): Promise<PushOutcome[]> {
  const everyone = (outcome: (sku: string) => PushOutcome) => patches.map((p) => outcome(p.sku));
  const content = JSON.stringify(feedDocument(context.sellerId, patches));
  // A fresh document each attempt: its URL lasts five minutes ("This URL expires after 5
  // minutes", CreateFeedDocumentResponse.url in feeds_2021-06-30.json).
  const inputFeedDocumentId = await withRetry(async () => {
    const document = await context.client.call<DocumentLocation & { feedDocumentId: string }>({
      operation: "createFeedDocument",
      endpoint: "feeds",
      body: { contentType: FEED_CONTENT_TYPE },
    });
    await context.client.upload(document, content, FEED_CONTENT_TYPE);
    return document.feedDocumentId;
  }, context.retry);
  const { feedId } = await withRetry(
    () =>
      context.client.call<{ feedId: string }>({
        operation: "createFeed",
        endpoint: "feeds",
        body: { feedType: "JSON_LISTINGS_FEED", marketplaceIds: [context.marketplaceId], inputFeedDocumentId },
      }),
    context.retry,
  );

  const feed = await waitForFeed(context, feedId);
  if (!feed)
    return everyone((channelSku) => ({
      channelSku,
      status: "retry",
      message: `Amazon feed ${feedId} was still processing after ${context.polling.timeoutMs} ms`,
    }));
  if (feed.processingStatus !== "DONE") {
    // FATAL: "Some, none, or all of the operations within the feed may have completed" (Feed in
    // feeds_2021-06-30.json). Sending the same desired state again is harmless, so all retry.
    return everyone((channelSku) => ({ channelSku, status: "retry", message: `Amazon feed ${feedId} ended ${feed.processingStatus}` }));
  }
  const report = feed.resultFeedDocumentId ? await readReport(context, feed.resultFeedDocumentId) : {};
  const errors = new Map<number, ReportIssue[]>();
  for (const issue of report.issues ?? []) {
    if (issue.severity !== "ERROR" || issue.messageId === undefined) continue;
    errors.set(issue.messageId, [...(errors.get(issue.messageId) ?? []), issue]);
  }
  return patches.map((p, index): PushOutcome => {
    const found = errors.get(index + 1);
    if (!found) return { channelSku: p.sku, status: "accepted" };
    return { channelSku: p.sku, status: "rejected", message: found.map((i) => i.message ?? i.code).join("; "), code: found[0].code };
  });
}
