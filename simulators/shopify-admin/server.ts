import { execute, GraphQLError, parse, validate, type DocumentNode } from "graphql";
import { startHttpServer, type RunningServer } from "../common/http";
import { bulkLines } from "./bulk";
import { CostBucket, requestedQueryCost } from "./cost";
import { rootValue, type BulkOperationRecord, type ResolverContext } from "./resolvers";
import { adminSchema } from "./schema";
import { seedCatalog, ShopState, type CatalogSpec } from "./store";
import { createWebhookSender, inventoryLevelPayload, type WebhookSender } from "./webhooks";

// A local stand-in for Shopify's Admin GraphQL API: POST /admin/api/<version>/graphql.json, run
// against Shopify's schema, with Shopify's throttle, bulk operations and webhooks.

export interface SimulatorOptions {
  port?: number;
  /** The app's client secret: signs webhooks. */
  apiSecret: string;
  shops: { domain: string; accessToken: string; catalog?: CatalogSpec }[];
  /** Where webhooks go (the app's /webhooks). Settable later with setWebhookUrl. */
  webhookUrl?: string;
  throttle?: { maximumAvailable: number; restoreRate: number };
}

export interface ShopifySimulator {
  url: string;
  server: RunningServer;
  shop(domain: string): ShopState;
  webhooks: WebhookSender;
  setWebhookUrl(url: string): void;
  /** Changes an available quantity as a merchant or a POS sale would, and sends the webhook. */
  setAvailable(domain: string, itemId: string, locationId: string, available: number): Promise<void>;
  stop(): Promise<void>;
}

interface ShopRuntime {
  state: ShopState;
  bucket: CostBucket;
  idempotency: ResolverContext["idempotency"];
  bulkOperations: Map<string, BulkOperationRecord>;
  bulkFiles: Map<string, string>;
  latestBulk: string | null;
}

const INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)";

export async function startShopifySimulator(options: SimulatorOptions): Promise<ShopifySimulator> {
  const schema = adminSchema();
  const shops = new Map<string, ShopRuntime>();
  for (const spec of options.shops) {
    const state = new ShopState(spec.domain, spec.accessToken);
    if (spec.catalog) seedCatalog(state, spec.catalog);
    shops.set(spec.domain, {
      state,
      bucket: new CostBucket(options.throttle?.maximumAvailable, options.throttle?.restoreRate),
      idempotency: new Map(),
      bulkOperations: new Map(),
      bulkFiles: new Map(),
      latestBulk: null,
    });
  }
  let webhookUrl = options.webhookUrl;
  let apiVersion = "2026-10";
  const webhooks = createWebhookSender(() => webhookUrl, options.apiSecret, apiVersion);
  let baseUrl = "";

  const levelChanged = (shop: ShopState) => (itemId: string, locationId: string, level: { available: number; updatedAt: string }) => {
    void webhooks.send("inventory_levels/update", shop.domain, inventoryLevelPayload(itemId, locationId, level.available, level.updatedAt));
  };

  const contextFor = (runtime: ShopRuntime, bulk: boolean): ResolverContext => ({
    shop: runtime.state,
    bulk,
    idempotency: runtime.idempotency,
    onLevelChanged: levelChanged(runtime.state),
    bulkOperation: (id) => runtime.bulkOperations.get(id === "latest" ? (runtime.latestBulk ?? "") : id),
    startBulkOperation: (query) => {
      const id = runtime.state.newId();
      const record: BulkOperationRecord = { id, status: "RUNNING", query, objectCount: 0, url: null, errorCode: null, createdAt: new Date().toISOString(), completedAt: null };
      runtime.bulkOperations.set(id, record);
      runtime.latestBulk = id;
      // Shopify runs it in the background; here it runs on the next tick and the poll sees COMPLETED.
      setImmediate(() => {
        try {
          const result = execute({ schema, document: parse(query), rootValue: rootValue(contextFor(runtime, true)), contextValue: contextFor(runtime, true) });
          if ("then" in result) throw new Error("bulk query resolved asynchronously");
          if (result.errors?.length) throw result.errors[0];
          const lines = [...bulkLines(result.data as Record<string, unknown>)];
          runtime.bulkFiles.set(id, lines.join("\n") + (lines.length ? "\n" : ""));
          Object.assign(record, { status: "COMPLETED", objectCount: lines.length, url: `${baseUrl}/bulk/${runtime.state.domain}/${id}.jsonl`, completedAt: new Date().toISOString() });
        } catch (error) {
          Object.assign(record, { status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", completedAt: new Date().toISOString() });
          void error;
        }
      });
      return record;
    },
  });

  const server = await startHttpServer(async (request) => {
    const bulkFile = /^\/bulk\/([^/]+)\/(\d+)\.jsonl$/.exec(request.path);
    if (bulkFile && request.method === "GET") {
      const file = shops.get(bulkFile[1])?.bulkFiles.get(bulkFile[2]);
      return file === undefined ? { status: 404, body: { errors: "Not Found" } } : { status: 200, raw: file, headers: { "content-type": "application/jsonl" } };
    }
    const match = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/.exec(request.path);
    if (!match) return { status: 404, body: { errors: "Not Found" } };
    if (request.method !== "POST") return { status: 405, body: { errors: "Method not allowed" } };
    apiVersion = match[1];
    const domain = String(request.headers.host ?? "");
    const runtime = [...shops.values()].find((s) => s.state.accessToken === request.headers["x-shopify-access-token"] && (domain.includes(".myshopify.com") ? domain === s.state.domain : true));
    if (!runtime) return { status: 401, body: { errors: INVALID_TOKEN } };
    if (request.invalidJson || !request.body || typeof (request.body as { query?: unknown }).query !== "string") {
      return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
    }
    const { query, variables } = request.body as { query: string; variables?: Record<string, unknown> };
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { status: 200, body: { errors: [{ message: (error as GraphQLError).message, extensions: { code: "PARSE_ERROR" } }] } };
    }
    const problems = validate(schema, document);
    if (problems.length) return { status: 200, body: { errors: problems.map((p) => ({ message: p.message, locations: p.locations, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) } };

    const cost = requestedQueryCost(document, variables ?? {});
    if (!runtime.bucket.tryTake(cost)) {
      return {
        status: 200,
        body: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }], extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: runtime.bucket.status() } } },
      };
    }
    const context = contextFor(runtime, false);
    const result = await execute({ schema, document, variableValues: variables, rootValue: rootValue(context), contextValue: context });
    return {
      status: 200,
      body: {
        ...(result.errors?.length ? { errors: result.errors.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions })) } : {}),
        data: result.data ?? null,
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: runtime.bucket.status() } },
      },
    };
  }, options.port ?? 0);
  baseUrl = server.url;

  return {
    url: server.url,
    server,
    webhooks,
    shop: (domain) => {
      const runtime = shops.get(domain);
      if (!runtime) throw new Error(`No simulated shop ${domain}`);
      return runtime.state;
    },
    setWebhookUrl: (url) => {
      webhookUrl = url;
    },
    async setAvailable(domain, itemId, locationId, available) {
      const state = shops.get(domain)!.state;
      const level = state.setLevel(itemId, locationId, available);
      await webhooks.send("inventory_levels/update", domain, inventoryLevelPayload(itemId, locationId, available, level.updatedAt));
    },
    stop: () => server.close(),
  };
}
