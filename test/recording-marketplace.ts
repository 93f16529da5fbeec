// A marketplace for tests of the outbox flush and the jobs around it: records what it is sent and
// answers each listing as the test says. The connectors themselves are tested against the
// simulators in app/channels/<kind>/; this stands in only where the flush's own decisions are tested.
import type { ChannelLimits, Connector, ContentUpdate, MarketplaceKind, PriceUpdate, PushOutcome, QuantityUpdate } from "~/channels/connector";

export type PushKind = "quantity" | "price" | "content";
export type Answer = (channelSku: string, push: PushKind) => PushOutcome;

export const accepts: Answer = (channelSku) => ({ channelSku, status: "accepted" });

export class RecordingMarketplace implements Connector {
  readonly kind: MarketplaceKind;
  readonly limits: ChannelLimits;
  quantityCalls: QuantityUpdate[][] = [];
  priceCalls: PriceUpdate[][] = [];
  contentCalls: ContentUpdate[][] = [];

  constructor(
    private readonly answer: Answer = accepts,
    private readonly options: {
      kind?: MarketplaceKind;
      maxBatch?: number;
      limits?: Partial<ChannelLimits>;
      duringQuantities?: () => Promise<void>;
      duringContent?: () => Promise<void>;
    } = {},
  ) {
    this.kind = options.kind ?? "ebay";
    this.limits = { maxBatch: options.maxBatch ?? 25, requestsPerSecond: 1000, burst: 1000, ...options.limits };
  }

  async pushQuantities(updates: QuantityUpdate[]) {
    this.quantityCalls.push(updates);
    await this.options.duringQuantities?.();
    return updates.map((u) => this.answer(u.channelSku, "quantity"));
  }
  async pushPrices(updates: PriceUpdate[]) {
    this.priceCalls.push(updates);
    return updates.map((u) => this.answer(u.channelSku, "price"));
  }
  async pushContent(updates: ContentUpdate[]) {
    this.contentCalls.push(updates);
    await this.options.duringContent?.();
    return updates.map((u) => this.answer(u.channelSku, "content"));
  }
  async fetchOrders() {
    return { orders: [], cursor: "" };
  }
  async fetchListing() {
    return null;
  }
  async testConnection() {
    return { ok: true as const };
  }
}
