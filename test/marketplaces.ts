// End-to-end set-up shared by app/sync/sync.e2e.test.ts and bench/sync.ts: a Shopify store
// (simulated) imported into the mirror, and one account on each marketplace (simulated), connected
// as real Channel rows whose connectors the registry builds. Nothing here fakes our own storage or
// queues: the simulators stand in only for Shopify and the marketplaces.
//
// Import this module only after DATABASE_URL is set (the app's modules read it when first loaded).
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Channel, ChannelKind, PrismaClient } from "@prisma/client";
import { adminClientForShop } from "~/anchor/admin-client.server";
import { apiVersionForAdmin } from "~/anchor/api-version";
import { importCatalog } from "~/anchor/bulk-import.server";
import { sealCredentials } from "~/lib/secrets.server";
import { sealedTokenColumns } from "~/sessions.server";
import { linkListings } from "~/csv/listing-links.server";
import { CONTENT_FIELDS } from "~/content/fields";
import { startAmazonSimulator, type AmazonSimulator, type AmazonSimulatorOptions } from "../simulators/amazon/server";
import { startEbaySimulator, type EbaySimulator } from "../simulators/ebay/server";
import { startShopifySimulator, type ShopifySimulator } from "../simulators/shopify/server";
import { startTikTokSimulator, type TikTokSimulator } from "../simulators/tiktok/server";
import { startWalmartSimulator, type WalmartSimulator } from "../simulators/walmart/server";
import { DEFAULT_SCOPES } from "~/lib/env.server";

export type Marketplace = "amazon" | "ebay" | "walmart" | "tiktok";
export const MARKETPLACES: readonly Marketplace[] = ["amazon", "ebay", "walmart", "tiktok"];
const KIND: Record<Marketplace, ChannelKind> = {
  amazon: "AMAZON",
  ebay: "EBAY",
  walmart: "WALMART",
  tiktok: "TIKTOK",
};

/** One Shopify variant and what it is called on each marketplace. */
export interface LinkedVariant {
  index: number;
  sku: string;
  variantShopifyId: string;
  itemShopifyId: string;
  productShopifyId: string;
  channelSku: Record<Marketplace, string>;
  /** The marketplace's own id where its API needs one (ASIN, TikTok product id). */
  externalId: Partial<Record<Marketplace, string>>;
}

export interface RigOptions {
  prisma: PrismaClient;
  catalog: {
    products: number;
    variantsPerProduct: number;
    locations: number;
    seed?: number;
  };
  /** The app's /webhooks route (test/app-webhook-server.ts). */
  webhookUrl: string;
  /** Shopify's leaky bucket refill, points/s (Shopify's standard plan: 100). */
  shopifyThrottleRate?: number;
  /** false: the channels sync no content fields (a stock benchmark without a first sync's content). */
  content?: false;
  amazon?: Partial<Omit<AmazonSimulatorOptions, "sellers">>;
  /** Indexes of the variants whose Amazon listing Amazon ships from its own warehouse (FBA). */
  fulfilledByAmazon?: number[];
  walmartFeedDelayMs?: number;
  /** Put a holding proxy (see startHoldingProxy) in front of these marketplaces' APIs. */
  proxied?: Marketplace[];
  /** What the marketplaces show before Anchorline's first push (visibly not what it will push). */
  initialQuantity?: number;
  initialPriceCents?: number;
  /**
   * Seed each marketplace with the anchor's own numbers instead (the whole pool, Shopify's price):
   * a store already in sync, for benchmarks that measure changes rather than the first sync.
   */
  initialFromAnchor?: boolean;
}

export interface MarketplaceRig {
  domain: string;
  shopId: string;
  shopify: ShopifySimulator;
  amazon: AmazonSimulator;
  ebay: EbaySimulator;
  walmart: WalmartSimulator;
  tiktok: TikTokSimulator;
  channels: Record<Marketplace, Channel>;
  proxies: Partial<Record<Marketplace, HoldingProxy>>;
  variants: LinkedVariant[];
  /** Account ids on each marketplace (Amazon seller, eBay user, Walmart client id, TikTok shop cipher). */
  accounts: Record<Marketplace, string>;
  /** What the marketplace shows for a variant now (null: it has no such listing). */
  quantityOn(marketplace: Marketplace, variant: LinkedVariant): number | null;
  /** Shopify's own quantity of the variant now (the anchor): available summed over the store's locations, none below 0. */
  anchorQuantity(variant: LinkedVariant): number;
  priceOn(marketplace: Marketplace, variant: LinkedVariant): number | null;
  /** Links every variant on every marketplace (the merchant's listing import), but the `except` ones (by index). */
  linkAll(options?: { except?: number[] }): Promise<void>;
  stop(): Promise<void>;
}

export async function startMarketplaceRig(options: RigOptions): Promise<MarketplaceRig> {
  const { prisma } = options;
  const tag = randomUUID().slice(0, 8);
  const domain = `sync-${tag}.myshopify.com`;
  const accessToken = `shpat_${tag}`;
  const shopify = await startShopifySimulator({
    // What the app asks a merchant for (shopify.app.toml), as an install grants it.
    scopes: DEFAULT_SCOPES,
    apiKey: process.env.SHOPIFY_API_KEY!,
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    shops: [
      {
        domain,
        accessToken,
        catalog: {
          ...options.catalog,
          seed: options.catalog.seed ?? 11,
          stockedRatio: 1,
        },
      },
    ],
    webhookUrl: options.webhookUrl,
    webhookApiVersion: apiVersionForAdmin,
    ...(options.shopifyThrottleRate
      ? {
          throttle: {
            maximumAvailable: 2000,
            restoreRate: options.shopifyThrottleRate,
          },
        }
      : {}),
  });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = shopify.url;

  const state = shopify.store.shop(domain);
  const variants: LinkedVariant[] = state.variants.map((variant, index) => {
    const productIndex = state.products.findIndex((p) => p.id === variant.product.id);
    return {
      index,
      sku: variant.sku,
      variantShopifyId: variant.id,
      itemShopifyId: variant.inventoryItem.id,
      productShopifyId: variant.product.id,
      channelSku: {
        amazon: variant.sku,
        ebay: `EB-${variant.sku}`,
        walmart: `WM-${variant.sku}`,
        tiktok: `17${String(index).padStart(8, "0")}`,
      },
      externalId: {
        amazon: `B0${String(index).padStart(8, "0")}`,
        tiktok: `TTP-${productIndex}`,
      },
    };
  });
  const anchorQuantity = (v: LinkedVariant) =>
    state.locations.reduce((sum, l) => sum + Math.max(0, shopify.store.getLevel(domain, v.itemShopifyId, l.id)?.available ?? 0), 0);
  const anchorPrice = (v: LinkedVariant) => Math.round(Number(state.variants[v.index].price) * 100);
  const seeded = (v: LinkedVariant) =>
    options.initialFromAnchor
      ? { quantity: anchorQuantity(v), priceCents: anchorPrice(v) }
      : { quantity: options.initialQuantity ?? 999, priceCents: options.initialPriceCents ?? 100 };

  const accounts: Record<Marketplace, string> = {
    amazon: `A${tag.toUpperCase()}`,
    ebay: `seller-${tag}`,
    walmart: `wm-${tag}`,
    tiktok: `ROW_${tag}`,
  };
  const credentials = {
    amazon: {
      clientId: `amzn1.application-oa2-client.${tag}`,
      clientSecret: "lwa-secret",
      refreshToken: `Atzr|${tag}`,
    },
    ebay: {
      appId: `anchorline-${tag}`,
      certId: "cert-secret",
      refreshToken: `v^1.1#${tag}`,
    },
    walmart: { clientId: accounts.walmart, clientSecret: "walmart-secret" },
    tiktok: {
      appKey: `app-${tag}`,
      appSecret: "tiktok-secret",
      shopCipher: accounts.tiktok,
      accessToken: `TTP_${tag}`,
      refreshToken: `TTR_${tag}`,
    },
  } satisfies Record<Marketplace, Record<string, string>>;

  const amazon = await startAmazonSimulator({
    feedDelayMs: 50,
    ...options.amazon,
    sellers: [
      {
        sellerId: accounts.amazon,
        marketplaceId: "ATVPDKIKX0DER",
        ...credentials.amazon,
        listings: variants.map((v) => ({
          sku: v.channelSku.amazon,
          asin: v.externalId.amazon,
          ...seeded(v),
          productType: "PRODUCT",
          ...(options.fulfilledByAmazon?.includes(v.index) ? { fulfilledByAmazon: true } : {}),
        })),
      },
    ],
  });
  const ebay = await startEbaySimulator({
    accounts: [
      {
        userId: accounts.ebay,
        marketplaceId: "EBAY_US",
        ...credentials.ebay,
        listings: variants.map((v) => ({
          sku: v.channelSku.ebay,
          offerId: String(7_000_000 + v.index),
          ...seeded(v),
        })),
      },
    ],
  });
  const walmart = await startWalmartSimulator({
    feedDelayMs: options.walmartFeedDelayMs ?? 50,
    accounts: [
      {
        ...credentials.walmart,
        listings: variants.map((v) => ({
          sku: v.channelSku.walmart,
          ...seeded(v),
        })),
      },
    ],
  });
  const tiktok = await startTikTokSimulator({
    shops: [
      {
        ...credentials.tiktok,
        products: variants.map((v) => ({
          productId: v.externalId.tiktok!,
          skuId: v.channelSku.tiktok,
          sellerSku: v.sku,
          ...seeded(v),
        })),
      },
    ],
  });

  const proxies: Partial<Record<Marketplace, HoldingProxy>> = {};
  const apiUrl: Record<Marketplace, string> = {
    amazon: amazon.url,
    ebay: ebay.url,
    walmart: walmart.url,
    tiktok: tiktok.url,
  };
  for (const marketplace of options.proxied ?? []) {
    proxies[marketplace] = await startHoldingProxy(apiUrl[marketplace]);
    apiUrl[marketplace] = proxies[marketplace]!.url;
  }

  const shop = await prisma.shop.create({
    data: { domain, currencyCode: "USD" },
  });
  await prisma.session.create({
    data: {
      id: `offline_${domain}`,
      shop: domain,
      state: "installed",
      isOnline: false,
      // As the library stores an expiring offline token (expiringOfflineAccessTokens): 60 minutes,
      // with the refresh token the simulator issued beside it, both sealed.
      ...sealedTokenColumns(domain, { accessToken, refreshToken: `shprt_${accessToken}` }),
      expires: new Date(shopify.store.now() + 3600_000),
      refreshTokenExpires: new Date(shopify.store.now() + 90 * 24 * 3600_000),
    },
  });
  await importCatalog(domain, await adminClientForShop(domain, prisma), {
    prisma,
    pollIntervalMs: 20,
  });

  const region: Record<Marketplace, string | null> = {
    amazon: "ATVPDKIKX0DER",
    ebay: "EBAY_US",
    walmart: null,
    tiktok: null,
  };
  const names: Record<Marketplace, string> = {
    amazon: "Amazon US",
    ebay: "eBay US",
    walmart: "Walmart",
    tiktok: "TikTok Shop",
  };
  const channels = {} as Record<Marketplace, Channel>;
  for (const [priority, marketplace] of MARKETPLACES.entries()) {
    channels[marketplace] = await prisma.channel.create({
      data: {
        shopId: shop.id,
        kind: KIND[marketplace],
        accountId: accounts[marketplace],
        region: region[marketplace],
        name: names[marketplace],
        priority: priority + 1,
        credentialsCiphertext: sealCredentials(credentials[marketplace], shop.id),
        settings: {
          endpoints: { api: apiUrl[marketplace], auth: apiUrl[marketplace] },
          // The simulators finish a feed in ~50 ms; the production pace (30–60 s) would stall a flush.
          feedPollIntervalMs: 100,
          ...(options.content === false ? { content: { fields: Object.fromEntries(CONTENT_FIELDS.map((field) => [field, false])) } } : {}),
        },
      },
    });
  }

  const quantityOn = (marketplace: Marketplace, v: LinkedVariant): number | null => {
    switch (marketplace) {
      case "amazon":
        return amazon.state.listing(v.channelSku.amazon)?.quantity ?? null;
      case "ebay":
        return ebay.state.listing(v.channelSku.ebay)?.quantity ?? null;
      case "walmart":
        return walmart.account(accounts.walmart).listings.get(v.channelSku.walmart)?.quantity ?? null;
      case "tiktok":
        return tiktok.shop(accounts.tiktok).skus.get(v.channelSku.tiktok)?.quantity ?? null;
    }
  };
  const priceOn = (marketplace: Marketplace, v: LinkedVariant): number | null => {
    switch (marketplace) {
      case "amazon":
        return amazon.state.listing(v.channelSku.amazon)?.priceCents ?? null;
      case "ebay":
        return ebay.state.listing(v.channelSku.ebay)?.priceCents ?? null;
      case "walmart":
        return walmart.account(accounts.walmart).listings.get(v.channelSku.walmart)?.priceCents ?? null;
      case "tiktok":
        return tiktok.shop(accounts.tiktok).skus.get(v.channelSku.tiktok)?.priceCents ?? null;
    }
  };

  return {
    domain,
    shopId: shop.id,
    shopify,
    amazon,
    ebay,
    walmart,
    tiktok,
    channels,
    proxies,
    variants,
    accounts,
    quantityOn,
    anchorQuantity,
    priceOn,
    async linkAll({ except = [] } = {}) {
      for (const marketplace of MARKETPLACES) {
        const links = variants
          .filter((v) => !except.includes(v.index))
          .map((v) => ({
            sku: v.sku,
            channelSku: v.channelSku[marketplace],
            externalId: v.externalId[marketplace],
          }));
        const result = await linkListings(domain, channels[marketplace].id, links, "e2e", { prisma });
        if (!result.ok) throw new Error(`linking on ${marketplace} refused: ${JSON.stringify(result.problems.slice(0, 3))}`);
      }
    },
    async stop() {
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      await Promise.all([shopify.stop(), amazon.stop(), ebay.stop(), walmart.stop(), tiktok.stop()]);
    },
  };
}

/** Polls `check` until it holds; the last failure's message says what was still wrong. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * An HTTP pass-through to a marketplace that can be told to swallow requests: a held request gets
 * no answer until `dropHeld()` resets its connection, as when the worker process that sent it dies
 * (or the network eats the answer). It stands between our connector and the simulator only.
 */
export interface HoldingProxy {
  url: string;
  /** From now on, after `pass` matching requests went through, the next `count` matching ones are held. */
  hold(match: (method: string, path: string) => boolean, options?: { pass?: number; count?: number }): void;
  /** From now on, the next `count` matching requests are answered `status` by the proxy itself (a marketplace's 5xx storm). */
  failNext(match: (method: string, path: string) => boolean, options: { count: number; status?: number }): void;
  /** Requests answered with a failure so far (failNext). */
  readonly failed: number;
  /** Requests held so far (each one sent by a connector that is now waiting forever). */
  readonly held: number;
  dropHeld(): void;
  close(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  let rule: {
    match: (method: string, path: string) => boolean;
    pass: number;
    left: number;
  } | null = null;
  const heldRequests: IncomingMessage[] = [];
  let heldCount = 0;
  let failing: { match: (method: string, path: string) => boolean; left: number; status: number } | null = null;
  let failedCount = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://proxy").pathname;
    if (failing && failing.left > 0 && failing.match(req.method ?? "GET", path)) {
      failing.left--;
      failedCount++;
      req.resume();
      res.writeHead(failing.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "Service Unavailable (test proxy)" }));
      return;
    }
    if (rule && rule.left > 0 && rule.match(req.method ?? "GET", path) && rule.pass-- <= 0) {
      rule.left--;
      heldCount++;
      heldRequests.push(req);
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold(match, { pass = 0, count = 1 } = {}) {
      rule = { match, pass, left: count };
    },
    get held() {
      return heldCount;
    },
    failNext(match, { count, status = 503 }) {
      failing = { match, left: count, status };
    },
    get failed() {
      return failedCount;
    },
    dropHeld() {
      for (const req of heldRequests.splice(0)) req.socket.destroy();
    },
    close() {
      for (const req of heldRequests.splice(0)) req.socket.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
