// The Reports API 2021-06-30 (reports_2021-06-30.json): createReport asks for a report, which
// moves IN_QUEUE → IN_PROGRESS → DONE on its own (CANCELLED when there is nothing to report:
// "an automatic cancellation if there is no data to return", the Report model's processingStatus),
// getReport says how far it is, getReportDocument gives the document's pre-signed URL, served
// gzip-compressed (compressionAlgorithm GZIP). The data is read when processing starts, as a
// report shows what was true then. Only the returns report is served (returns.ts).
import { randomBytes } from "node:crypto";
import { RETURNS_REPORT_TYPE } from "./returns";

/**
 * "You can request up to 60 days of data in a single report" (Flat File Returns Report by Return
 * Date, "Returns reports attributes"). How Amazon refuses more is not documented: a 400 here.
 */
export const RETURNS_REPORT_MAX_DAYS = 60;
const DAY_MS = 86_400_000;

export interface CreateReportSpecification {
  reportType: string;
  marketplaceIds: string[];
  dataStartTime?: string;
  dataEndTime?: string;
  reportOptions?: Record<string, string>;
}

export interface ReportRecord {
  reportId: string;
  sellerId: string;
  reportType: string;
  marketplaceIds: string[];
  dataStartTime: string;
  dataEndTime: string;
  createdTime: string;
  processingStatus: "IN_QUEUE" | "IN_PROGRESS" | "DONE" | "CANCELLED" | "FATAL";
  processingStartTime?: string;
  processingEndTime?: string;
  reportDocumentId?: string;
  /** What was read when processing started; null when there was nothing. */
  content?: string | null;
}

export const newReportId = () => String(50_000_000_000 + Math.floor(Math.random() * 9_999_999_999));
export const newReportDocumentId = () => `amzn1.spdoc.1.4.na.${randomBytes(16).toString("hex")}`;

/**
 * Why the specification is refused (the model already checked its shape and date-time formats),
 * or null. The model's rules: both times "must be prior to or equal to the current date and
 * time", and both default to now; an end before the start is no range.
 */
export function refusalOf(spec: CreateReportSpecification, sellerMarketplaceId: string, now: number): string | null {
  if (spec.reportType !== RETURNS_REPORT_TYPE) return `Invalid reportType ${spec.reportType}: this simulator serves only ${RETURNS_REPORT_TYPE}.`;
  if (!spec.marketplaceIds.includes(sellerMarketplaceId))
    return `marketplaceIds ${spec.marketplaceIds.join(",")} do not include a marketplace the seller participates in.`;
  const start = spec.dataStartTime ? Date.parse(spec.dataStartTime) : now;
  const end = spec.dataEndTime ? Date.parse(spec.dataEndTime) : now;
  if (start > now) return `dataStartTime ${spec.dataStartTime} must be prior to or equal to the current date and time.`;
  if (end > now) return `dataEndTime ${spec.dataEndTime} must be prior to or equal to the current date and time.`;
  if (end < start) return `dataEndTime ${spec.dataEndTime ?? "(now)"} is before dataStartTime ${spec.dataStartTime ?? "(now)"}.`;
  if (end - start > RETURNS_REPORT_MAX_DAYS * DAY_MS) return `${spec.reportType} covers at most ${RETURNS_REPORT_MAX_DAYS} days of data in a single report.`;
  return null;
}

export function newReport(sellerId: string, spec: CreateReportSpecification, now: number): ReportRecord {
  const at = new Date(now).toISOString();
  return {
    reportId: newReportId(),
    sellerId,
    reportType: spec.reportType,
    marketplaceIds: spec.marketplaceIds,
    dataStartTime: spec.dataStartTime ? new Date(spec.dataStartTime).toISOString() : at,
    dataEndTime: spec.dataEndTime ? new Date(spec.dataEndTime).toISOString() : at,
    createdTime: at,
    processingStatus: "IN_QUEUE",
  };
}

/** The Report as getReport answers it (the model's Report: no field it does not define). */
export function reportBody(report: ReportRecord): Record<string, unknown> {
  return {
    reportId: report.reportId,
    reportType: report.reportType,
    marketplaceIds: report.marketplaceIds,
    dataStartTime: report.dataStartTime,
    dataEndTime: report.dataEndTime,
    createdTime: report.createdTime,
    processingStatus: report.processingStatus,
    ...(report.processingStartTime ? { processingStartTime: report.processingStartTime } : {}),
    ...(report.processingEndTime ? { processingEndTime: report.processingEndTime } : {}),
    ...(report.reportDocumentId ? { reportDocumentId: report.reportDocumentId } : {}),
  };
}
