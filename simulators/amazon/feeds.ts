// The Feeds API's JSON_LISTINGS_FEED: feed documents uploaded to a pre-signed URL, feeds that move
// IN_QUEUE → IN_PROGRESS → DONE (or FATAL) on their own, and a processing report in the format of
// listings-feed-processing-report-schema-v2.json, served gzip-compressed as Amazon serves results.
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { checkListingsFeed, checkProcessingReport } from "./contracts";
import { submitPatches, type PatchOperation } from "./listings";
import { nowIso, type ListingIssue, type SellerState } from "./state";

export interface FeedDocument {
  feedDocumentId: string;
  sellerId: string;
  contentType: string;
  /** The query string that makes the pre-signed URL valid (S3 refuses the URL without it). */
  signature: string;
  content?: string | Buffer;
  compressionAlgorithm?: "GZIP";
}

export interface FeedRecord {
  feedId: string;
  sellerId: string;
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  createdTime: string;
  processingStatus: "IN_QUEUE" | "IN_PROGRESS" | "DONE" | "FATAL" | "CANCELLED";
  processingStartTime?: string;
  processingEndTime?: string;
  resultFeedDocumentId?: string;
  /** The report's own problems against its schema: should stay empty (tests assert it). */
  reportErrors: string[];
}

interface FeedMessage {
  messageId: number;
  sku: string;
  operationType: "UPDATE" | "PARTIAL_UPDATE" | "PATCH" | "DELETE";
  productType?: string;
  attributes?: Record<string, Array<Record<string, unknown>>>;
  patches?: PatchOperation[];
}

interface ReportIssue {
  messageId?: number;
  sku?: string;
  code?: string;
  severity: ListingIssue["severity"];
  message: string;
  attributeName?: string;
}

export const newDocumentId = () => `amzn1.tortuga.4.na.${randomBytes(12).toString("hex")}`;
export const newFeedId = () => String(50_000_000_000 + Math.floor(Math.random() * 9_999_999_999));

function applyMessage(seller: SellerState, message: FeedMessage): ListingIssue[] {
  const productType = message.productType ?? seller.listings.get(message.sku)?.productType ?? "PRODUCT";
  switch (message.operationType) {
    case "DELETE":
      seller.listings.delete(message.sku);
      return [];
    case "PATCH":
      return outcomeIssues(submitPatches(seller, message.sku, productType, message.patches ?? []));
    case "PARTIAL_UPDATE":
      // "PARTIAL_UPDATE is equivalent to using PATCH with the replace op" (the feed schema).
      return outcomeIssues(
        submitPatches(
          seller,
          message.sku,
          productType,
          Object.entries(message.attributes ?? {}).map(([name, value]) => ({ op: "replace", path: `/attributes/${name}`, value })),
        ),
      );
    case "UPDATE": {
      const outcome = submitPatches(
        seller,
        message.sku,
        productType,
        Object.entries(message.attributes ?? {}).map(([name, value]) => ({ op: "replace", path: `/attributes/${name}`, value })),
      );
      const record = seller.listings.get(message.sku);
      // UPDATE replaces the whole attribute set: drop what the message did not carry.
      if (outcome.status === "ACCEPTED" && record)
        for (const name of Object.keys(record.attributes)) if (!(name in (message.attributes ?? {}))) delete record.attributes[name];
      return outcomeIssues(outcome);
    }
  }
}

const outcomeIssues = (submission: { status: string; issues: ListingIssue[] }) => submission.issues;

function parseDocument(content: string | Buffer | undefined): { document?: unknown; errors: string[] } {
  if (content === undefined) return { errors: ["The feed document was never uploaded."] };
  try {
    return { document: JSON.parse(content.toString()), errors: [] };
  } catch {
    return { errors: ["The feed document is not valid JSON."] };
  }
}

/** Runs the feed against the seller's listings and returns the processing report document. */
export function processFeed(
  seller: SellerState,
  feed: FeedRecord,
  input: FeedDocument | undefined,
): { status: "DONE" | "FATAL"; report: Record<string, unknown> } {
  const header = { sellerId: seller.spec.sellerId, version: "2.0", feedId: feed.feedId };
  const fatal = (messages: string[]) => ({
    status: "FATAL" as const,
    report: {
      header,
      issues: messages.map((message) => ({ severity: "ERROR", message })),
      summary: { errors: messages.length, warnings: 0, messagesProcessed: 0, messagesAccepted: 0, messagesInvalid: 0 },
    },
  });
  const parsed = parseDocument(input?.content);
  if (parsed.errors.length) return fatal(parsed.errors);
  const schemaErrors = checkListingsFeed(parsed.document);
  if (schemaErrors.length) return fatal(schemaErrors.map((e) => `The feed document does not conform to the JSON_LISTINGS_FEED schema: ${e}`));
  const document = parsed.document as { header: { sellerId: string }; messages: FeedMessage[] };
  if (document.header.sellerId !== seller.spec.sellerId)
    return fatal([`The sellerId '${document.header.sellerId}' in the feed header does not match the seller that submitted the feed.`]);

  const issues: ReportIssue[] = [];
  let accepted = 0;
  for (const message of document.messages) {
    const found = applyMessage(seller, message);
    if (!found.some((i) => i.severity === "ERROR")) accepted++;
    for (const issue of found) {
      issues.push({
        messageId: message.messageId,
        sku: message.sku,
        code: issue.code,
        severity: issue.severity,
        message: issue.message,
        ...(issue.attributeNames?.[0] ? { attributeName: issue.attributeNames[0] } : {}),
      });
    }
  }
  const processed = document.messages.length;
  return {
    status: "DONE",
    report: {
      header,
      issues,
      summary: {
        errors: issues.filter((i) => i.severity === "ERROR").length,
        warnings: issues.filter((i) => i.severity === "WARNING").length,
        messagesProcessed: processed,
        messagesAccepted: accepted,
        messagesInvalid: processed - accepted,
      },
    },
  };
}

/** Stores the report as a GZIP result document and finishes the feed. */
export function finishFeed(feed: FeedRecord, outcome: ReturnType<typeof processFeed>, documents: Map<string, FeedDocument>) {
  feed.reportErrors = checkProcessingReport(outcome.report);
  const result: FeedDocument = {
    feedDocumentId: newDocumentId(),
    sellerId: feed.sellerId,
    contentType: "application/json",
    signature: randomBytes(16).toString("hex"),
    content: gzipSync(JSON.stringify(outcome.report)),
    compressionAlgorithm: "GZIP",
  };
  documents.set(result.feedDocumentId, result);
  feed.resultFeedDocumentId = result.feedDocumentId;
  feed.processingStatus = outcome.status;
  feed.processingEndTime = nowIso();
}

export function feedBody(feed: FeedRecord): Record<string, unknown> {
  return {
    feedId: feed.feedId,
    feedType: feed.feedType,
    marketplaceIds: feed.marketplaceIds,
    createdTime: feed.createdTime,
    processingStatus: feed.processingStatus,
    ...(feed.processingStartTime ? { processingStartTime: feed.processingStartTime } : {}),
    ...(feed.processingEndTime ? { processingEndTime: feed.processingEndTime } : {}),
    ...(feed.resultFeedDocumentId ? { resultFeedDocumentId: feed.resultFeedDocumentId } : {}),
  };
}
