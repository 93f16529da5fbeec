// What every operation of one eBay connector shares (connector.ts builds it once per connector):
// the client for one seller account on one marketplace, the clock, the revision counter and the
// offer ids looked up so far. Each operation is a module-level function taking it first.
import type { EbayClient } from "./client";
import type { RevisionCounter } from "./revisions.server";

export interface OrderPolling {
  /** Orders modified this recently wait for the next poll (EbayConnectorOptions.orderSettleMs). */
  settleMs: number;
  /** Orders per getOrders page, at most GET_ORDERS_MAX_LIMIT. */
  pageSize: number;
  /** With no cursor yet, how far back the first poll reaches. */
  initialLookbackMs: number;
  /** How often the buyers' returns are read (returns.ts; EbayConnectorOptions.returnsReadEveryMs). */
  returnsEveryMs: number;
}

export interface EbayConnectorContext {
  client: EbayClient;
  marketplaceId: string;
  now: () => number;
  /** The account's revision counter, made on first use: no Redis connection until something is pushed. */
  revisions: () => RevisionCounter;
  /** Each SKU's offer id on this marketplace (null: it has none), looked up once per connector. */
  offerIds: Map<string, string | null>;
  orderPolling: OrderPolling;
}
