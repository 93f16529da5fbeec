// One simulated TikTok shop: its app credentials, its tokens, its products (with their content) and SKUs, its orders.
import { randomBytes } from "node:crypto";

export interface TikTokProductSpec {
  productId: string;
  skuId: string;
  sellerSku: string;
  quantity: number;
  priceCents: number;
  /** The product's content before Anchorline touches it (the first SKU of a product that gives it wins). */
  title?: string;
  description?: string;
}

/** What a product shows buyers, one per product whatever its SKUs. */
export interface TikTokProductContent {
  title: string;
  description: string;
  /** Partial edits accepted for this product (each one re-audited by TikTok). */
  edits: number;
}

export interface TikTokShopSpec {
  appKey: string;
  appSecret: string;
  shopCipher: string;
  accessToken: string;
  refreshToken: string;
  products: TikTokProductSpec[];
  currency?: string;
}

export interface TikTokSku extends TikTokProductSpec {
  currency: string;
}

export interface TikTokOrderRecord {
  id: string;
  /** Epoch seconds, as TikTok's create_time. */
  createTime: number;
  status: "AWAITING_SHIPMENT" | "CANCELLED";
  skuId: string;
  quantity: number;
  unitPriceCents: number;
  oversold: boolean;
  buyerName: string;
}

export interface BuyerOrder {
  skuId: string;
  quantity: number;
  buyerName?: string;
  createTime?: number;
}

/** TikTok access tokens last 7 days (access_token_expire_in in the token answer). */
export const ACCESS_TOKEN_TTL_SECONDS = 7 * 86_400;
const REFRESH_TOKEN_TTL_SECONDS = 365 * 86_400;

export class TikTokShop {
  readonly skus = new Map<string, TikTokSku>();
  readonly products = new Map<string, TikTokProductContent>();
  readonly orders: TikTokOrderRecord[] = [];
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: number;
  revoked = false;
  readonly authCodes = new Set<string>();
  private orderSeq = 0;

  constructor(readonly spec: TikTokShopSpec) {
    this.accessToken = spec.accessToken;
    this.refreshToken = spec.refreshToken;
    this.accessTokenExpiresAt = Math.floor(Date.now() / 1000) + ACCESS_TOKEN_TTL_SECONDS;
    for (const p of spec.products) {
      this.skus.set(p.skuId, { ...p, currency: spec.currency ?? "USD" });
      if (!this.products.has(p.productId))
        this.products.set(p.productId, { title: p.title ?? `Product ${p.productId}`, description: p.description ?? "", edits: 0 });
    }
  }

  skusOf(productId: string): TikTokSku[] {
    return [...this.skus.values()].filter((s) => s.productId === productId);
  }

  /** New tokens, as a refresh or an authorization code exchange hands out; the old access token dies. */
  rotateTokens() {
    this.accessToken = `TTP_${randomBytes(16).toString("base64url")}`;
    this.refreshToken = `TTP_${randomBytes(16).toString("base64url")}`;
    const now = Math.floor(Date.now() / 1000);
    this.accessTokenExpiresAt = now + ACCESS_TOKEN_TTL_SECONDS;
    return {
      access_token: this.accessToken,
      access_token_expire_in: this.accessTokenExpiresAt,
      refresh_token: this.refreshToken,
      refresh_token_expire_in: now + REFRESH_TOKEN_TTL_SECONDS,
      open_id: `open_${this.spec.shopCipher}`,
      seller_name: `Shop ${this.spec.shopCipher}`,
      seller_base_region: "US",
      user_type: 0,
    };
  }

  /** A simulated buyer: the SKU is decremented (never below 0), an order is created. */
  placeOrder(order: BuyerOrder): TikTokOrderRecord {
    const sku = this.skus.get(order.skuId);
    if (!sku) throw new Error(`TikTok simulator: no SKU ${order.skuId} in ${this.spec.shopCipher}`);
    const oversold = order.quantity > sku.quantity;
    sku.quantity = Math.max(0, sku.quantity - order.quantity);
    this.orderSeq += 1;
    const record: TikTokOrderRecord = {
      id: String(576_000_000_000_000_000n + BigInt(this.orderSeq)),
      createTime: order.createTime ?? Math.floor(Date.now() / 1000),
      status: "AWAITING_SHIPMENT",
      skuId: order.skuId,
      quantity: order.quantity,
      unitPriceCents: sku.priceCents,
      oversold,
      buyerName: order.buyerName ?? "Sam Buyer",
    };
    this.orders.push(record);
    return record;
  }
}
