// The Post-Order API v2 calls the connector makes (the seller's cancellation, buyers' returns) and
// the parts of their answers it reads, parsed rather than cast. The ebay-api library's postOrder
// resources send the API's own Authorization form, "IAF <user access token>" ("Post-Order API –
// Making a Call": "OAuth – Prefix a valid User access token with the string "IAF ""), with the
// same OAuth token and X-EBAY-C-MARKETPLACE-ID as the Sell APIs; eBay names no further scope.
// eBay publishes no machine-readable definition of this API: the shapes below follow its reference
// pages (OrderEligibilityResult, CreateCancelResponse, GetSummaryResponse, GetDetailResponse).
import { z } from "zod";
import { ChannelError } from "../connector";
import type { EbayConnectorContext } from "./context";

const DateTime = z.object({ value: z.string() });
/** The Post-Order Amount: `value` is a number, not the Sell APIs' string. */
const Amount = z.object({ value: z.number(), currency: z.string().optional() });

/** OrderEligibilityResult (check_eligibility's answer, CreateCancelResponse.orderEligibilityResult). */
const Eligibility = z.object({
  eligible: z.boolean(),
  eligibleCancelReason: z.array(z.string()).optional(),
  failureReason: z.array(z.string()).optional(),
});
export type CancelEligibility = z.infer<typeof Eligibility>;

/** CreateCancelResponse: a cancelId, or (no cancelId) why the order may not be cancelled. */
const CreateCancelResponse = z.object({ cancelId: z.string().optional(), orderEligibilityResult: Eligibility.optional() });

/** TotalRefundAmountType: actualRefundAmount "is only returned after a refund has been issued". */
const TotalRefund = z.object({ actualRefundAmount: Amount.optional() }).optional();

/** ReturnSummaryType, the parts read: whose order and line, how many units, where the return stands, whether refunded. */
const ReturnSummary = z.object({
  returnId: z.string(),
  orderId: z.string(),
  state: z.string(),
  status: z.string().optional(),
  creationInfo: z.object({
    item: z.object({ itemId: z.string(), transactionId: z.string().optional(), returnQuantity: z.number().int().nonnegative() }),
    creationDate: DateTime,
  }),
  sellerTotalRefund: TotalRefund,
  buyerTotalRefund: TotalRefund,
});
export type ReturnSummary = z.infer<typeof ReturnSummary>;

/** GetSummaryResponse: "members ... returned as empty if no return requests match". */
const SearchAnswer = z.object({
  members: z.array(ReturnSummary).default([]),
  paginationOutput: z.object({ totalEntries: z.number().int().nonnegative() }).optional(),
});

/** GetDetailResponse (fieldgroups FULL, the default): the return's responseHistory, each step's toState. */
const DetailAnswer = z.object({ detail: z.object({ responseHistory: z.array(z.object({ toState: z.string().optional() })).default([]) }) });

/** An answer not in the documented shape will not read better by asking again. */
function parsed<T>(schema: z.ZodType<T>, answer: unknown, what: string): T {
  const result = schema.safeParse(answer);
  if (result.success) return result.data;
  const where = result.error.issues[0];
  throw new ChannelError(`eBay ${what}: an answer the connector cannot read (${where?.path.join(".") || "body"}: ${where?.message})`, { retryable: false });
}

export async function checkCancellationEligibility(context: EbayConnectorContext, legacyOrderId: string): Promise<CancelEligibility> {
  const answer = await context.client.call("checkCancellationEligibility", (api) => api.postOrder.cancellation.checkCancellationEligibility(legacyOrderId));
  return parsed(Eligibility, answer, "checkCancellationEligibility");
}

export interface CancelRequest {
  legacyOrderId: string;
  cancelReason: string;
  /** When the buyer paid ("should be included and set to true if the buyer has paid", with buyerPaidDate). */
  paidAt?: string;
}

export async function createCancellation(context: EbayConnectorContext, request: CancelRequest) {
  const payload = {
    legacyOrderId: request.legacyOrderId,
    cancelReason: request.cancelReason,
    ...(request.paidAt ? { buyerPaid: true, buyerPaidDate: { value: request.paidAt } } : {}),
  };
  const answer = await context.client.call("createCancellation", (api) => api.postOrder.cancellation.createCancellation(payload as never));
  return parsed(CreateCancelResponse, answer ?? {}, "createCancellation");
}

/** One page of the seller's returns opened in [from, to] in one ReturnCountFilterEnum class (ALL_OPEN, CLOSED). */
export async function searchReturns(context: EbayConnectorContext, query: { from: Date; to: Date; returnState: string; limit: number; offset: number }) {
  const params = {
    creation_date_range_from: query.from.toISOString(),
    creation_date_range_to: query.to.toISOString(),
    return_state: query.returnState,
    role: "SELLER",
    sort: "+FILING_DATE",
    limit: query.limit,
    offset: query.offset,
  };
  const answer = await context.client.call("searchReturns", (api) => api.postOrder.return.search(params as never));
  return parsed(SearchAnswer, answer, "searchReturns");
}

/** The states a return went through, from its detail's responseHistory (toState of each step). */
export async function returnStatesPassed(context: EbayConnectorContext, returnId: string): Promise<string[]> {
  const answer = await context.client.call("getReturn", (api) => api.postOrder.return.getReturn(returnId));
  return parsed(DetailAnswer, answer, "getReturn").detail.responseHistory.flatMap((step) => (step.toState ? [step.toState] : []));
}
