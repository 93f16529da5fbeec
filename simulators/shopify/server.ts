// The HTTP face of the simulator (node:http): Shopify's Admin GraphQL endpoint, bulk result files, and
// a small control API for demos. `startShopifySimulator` is the programmatic entry point.
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from "graphql";
import { BulkRunner, type BulkOptions } from "./bulk";
import { queryCost } from "./cost";
import { OfflineTokens, type TokenOptions } from "./oauth";
import { executeAdmin } from "./resolvers";
import type { ResolverContext } from "./resolvers/context";
import { adminSchema, SCHEMA_VERSION } from "./schema";
import { DEFAULT_SCOPES, Store, type ShopSpec, type ShopState } from "./store";
import { LeakyBucket, type ThrottleOptions } from "./throttle";
import { Webhooks, type WebhookOptions } from "./webhooks";

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The app's API secret: webhooks are signed with it, and token refreshes must carry it. */
  apiSecret: string;
  /** The app's client id; when given, token refreshes must carry it. */
  apiKey?: string;
  /** Scopes granted to the app (a shop's own `scopes` wins): refreshed tokens report them and the API enforces them. */
  scopes?: string;
  /** Access and refresh token lifetimes (default 3600 s and 90 days). */
  tokens?: TokenOptions;
  shops: ShopSpec[];
  webhookUrl?: WebhookOptions["webhookUrl"];
  /** X-Shopify-API-Version of webhooks: the version the app subscribed with (shopify.app.toml). Default 2026-10. */
  webhookApiVersion?: string;
  throttle?: ThrottleOptions;
  bulk?: BulkOptions;
  /** Clock for timestamps the store writes (updatedAt, createdAt of new records). */
  now?: () => number;
}

export interface RequestLogEntry {
  shop: string | null;
  status: number;
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  throttled: boolean;
}

export interface ShopifySimulator {
  url: string;
  /** GraphQL endpoint of a shop: `${url}/shops/<domain>/admin/api/<version>/graphql.json`. */
  adminUrl(shop: string, version?: string): string;
  store: Store;
  /** Offline tokens: which are live, and the refreshes granted. */
  tokens: OfflineTokens;
  /** Moves the simulator's clock (token expiry, timestamps) forward, as if `ms` had passed. */
  advanceClock(ms: number): void;
  deliveries: Webhooks;
  bucket(shop: string): LeakyBucket;
  requests: RequestLogEntry[];
  stop(): Promise<void>;
}

export const INVALID_TOKEN_BODY = '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}';
const ROUTE_GRAPHQL = /^(?:\/shops\/([^/]+))?\/admin\/api\/([^/]+)\/graphql\.json$/;
const ROUTE_TOKEN = /^(?:\/shops\/([^/]+))?\/admin\/oauth\/access_token$/;
const ROUTE_BULK = /^\/bulk-operations\/([^/]+)\/(\d+)\.jsonl$/;

/** graphql-js validation messages rewritten the way Shopify (graphql-ruby) words the common ones. */
export function shopifyStyleError(e: GraphQLError): Record<string, unknown> {
  const base = { locations: e.locations, path: e.path };
  let m = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(e.message);
  if (m)
    return { message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, ...base, extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] } };
  m = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"\./.exec(e.message);
  if (m)
    return {
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      ...base,
      extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] },
    };
  if (/cannot represent|Expected value of type|Expected type/.test(e.message)) {
    return { message: e.message, ...base, extensions: { code: "argumentLiteralsIncompatible", ...e.extensions } };
  }
  const json = e.toJSON();
  return { ...json, extensions: { code: "GRAPHQL_VALIDATION_FAILED", ...json.extensions } };
}

/** A control API body that does not say what the endpoint needs: answered 400, not 500. */
class ControlInputError extends Error {}

function idInput(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== "string") throw new ControlInputError(`${key} must be a GID or a decimal id string`);
  return value;
}

function saleLines(value: unknown): { variantId: string; quantity: number; locationId?: string }[] {
  if (!Array.isArray(value) || value.length === 0) throw new ControlInputError("lines must be a non-empty array");
  return value.map((line: unknown) => {
    if (typeof line !== "object" || line === null) throw new ControlInputError("each line must be an object");
    const entry = line as Record<string, unknown>;
    if (typeof entry.quantity !== "number" || !Number.isInteger(entry.quantity) || entry.quantity <= 0)
      throw new ControlInputError("quantity must be a positive integer");
    return {
      variantId: idInput(entry, "variantId"),
      quantity: entry.quantity,
      ...(entry.locationId !== undefined ? { locationId: idInput(entry, "locationId") } : {}),
    };
  });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-request-id": randomUUID(), ...headers });
  res.end(body);
}

async function readBody(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function startShopifySimulator(options: SimulatorOptions): Promise<ShopifySimulator> {
  adminSchema(); // build the schema up front, not on the first request
  const store = new Store();
  if (options.now) store.now = options.now;
  const tokens = new OfflineTokens(store, { apiKey: options.apiKey, apiSecret: options.apiSecret, scopes: options.scopes ?? DEFAULT_SCOPES }, options.tokens);
  for (const spec of options.shops) {
    const shop = store.addShop({ ...spec, scopes: spec.scopes ?? options.scopes });
    tokens.install(shop, spec.accessToken, spec.refreshToken ?? `shprt_${spec.accessToken}`);
  }
  const deliveries = new Webhooks(store, { apiSecret: options.apiSecret, apiVersion: options.webhookApiVersion, webhookUrl: options.webhookUrl });
  const buckets = new Map<string, LeakyBucket>();
  const bucket = (domain: string): LeakyBucket => {
    let b = buckets.get(domain);
    if (!b) buckets.set(domain, (b = new LeakyBucket(options.throttle)));
    return b;
  };
  const requests: RequestLogEntry[] = [];
  let baseUrl = "";
  const bulk = new BulkRunner(store, () => baseUrl, options.bulk);

  function findShop(req: IncomingMessage, domainInPath: string | undefined, token: string | undefined): ShopState | null {
    if (domainInPath) return store.shops.get(decodeURIComponent(domainInPath)) ?? null;
    const host = (req.headers.host ?? "").split(":")[0];
    const byHost = store.shops.get(host);
    if (byHost) return byHost;
    return token ? tokens.use(token) : null;
  }

  async function token(req: IncomingMessage, res: ServerResponse, domainInPath: string | undefined): Promise<void> {
    const raw = await readBody(req);
    let form: Record<string, unknown>;
    try {
      form = (req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")
        ? Object.fromEntries(new URLSearchParams(raw))
        : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return send(res, 400, JSON.stringify({ error: "invalid_request", error_description: "The body is neither JSON nor a form" }));
    }
    const host = (req.headers.host ?? "").split(":")[0];
    const shop = domainInPath
      ? (store.shops.get(decodeURIComponent(domainInPath)) ?? null)
      : (store.shops.get(host) ?? (typeof form.refresh_token === "string" ? tokens.shopOfRefreshToken(form.refresh_token) : null));
    const answer = tokens.grant(shop, form);
    send(res, answer.status, JSON.stringify(answer.body));
  }

  // The simulator holds one version's schema (2026-10). A request naming another is answered as that
  // version and says so in X-Shopify-API-Version, as Shopify answers a request for a version it no
  // longer supports with the oldest one it does.
  async function graphql(req: IncomingMessage, res: ServerResponse, domainInPath: string | undefined): Promise<void> {
    const token = req.headers["x-shopify-access-token"];
    const shop = findShop(req, domainInPath, typeof token === "string" ? token : undefined);
    const log: RequestLogEntry = { shop: shop?.domain ?? null, status: 401, requestedQueryCost: null, actualQueryCost: null, throttled: false };
    requests.push(log);
    if (!shop || typeof token !== "string" || tokens.use(token) !== shop) return send(res, 401, INVALID_TOKEN_BODY);
    const headers = { "x-shopify-api-version": SCHEMA_VERSION };
    const raw = await readBody(req);
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = (req.headers["content-type"] ?? "").includes("application/graphql") ? { query: raw } : (JSON.parse(raw) as typeof body);
    } catch {
      body = {};
    }
    if (typeof body?.query !== "string") {
      log.status = 400;
      return send(res, 400, JSON.stringify({ errors: { query: "Required parameter missing or invalid" } }), headers);
    }
    log.status = 200;
    const b = bucket(shop.domain);
    const answer = (result: Record<string, unknown>, requested: number, actual: number | null) => {
      log.requestedQueryCost = requested;
      log.actualQueryCost = actual;
      const extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: b.status() } };
      send(res, 200, JSON.stringify({ ...result, extensions }), headers);
    };
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (e) {
      const err = e as GraphQLError;
      return answer({ errors: [{ message: err.message, locations: err.locations }] }, 0, 0);
    }
    const validationErrors = validate(adminSchema(), document);
    if (validationErrors.length) return answer({ errors: validationErrors.map(shopifyStyleError) }, 0, 0);
    const variables = (body.variables ?? undefined) as Record<string, unknown> | undefined;
    const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
    const requested = queryCost(adminSchema(), document, { variables, operationName });
    if (requested > b.maxQueryCost) {
      return answer(
        {
          errors: [
            {
              message: `Query cost is ${requested}, which exceeds the single query max cost limit (${b.maxQueryCost}).`,
              extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: b.maxQueryCost },
            },
          ],
        },
        requested,
        null,
      );
    }
    if (!b.take(requested)) {
      log.throttled = true;
      return answer(
        { errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }] },
        requested,
        null,
      );
    }
    const ctx: ResolverContext = { store, shop, startBulkQuery: (s, q, groupObjects) => bulk.start(s, q, groupObjects) };
    let result: ExecutionResult;
    try {
      result = await executeAdmin(document, ctx, variables, operationName);
    } catch (e) {
      b.refund(requested);
      return answer({ errors: [{ message: (e as Error).message }] }, requested, 0);
    }
    if (ctx.dropResponse) {
      req.socket.destroy();
      return;
    }
    const actual = document.definitions.some((d) => d.kind === "OperationDefinition" && d.operation === "mutation")
      ? requested
      : Math.min(requested, queryCost(adminSchema(), document, { variables, operationName, data: result.data ?? null }));
    b.refund(requested - actual);
    const out: Record<string, unknown> = {};
    if (result.errors?.length) out.errors = result.errors.map((e) => e.toJSON());
    if (result.data !== undefined) out.data = result.data;
    answer(out, requested, actual);
  }

  async function control(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    const json = async (): Promise<Record<string, unknown>> => {
      const parsed: unknown = JSON.parse((await readBody(req)) || "{}");
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ControlInputError("The body must be a JSON object");
      return parsed as Record<string, unknown>;
    };
    const [resource, id, action] = parts;
    if (req.method === "GET" && resource === "shops" && !id) {
      const shops = [...store.shops.values()].map((s) => ({
        domain: s.domain,
        products: s.products.length,
        variants: s.variants.length,
        locations: s.locations.map((l) => ({ id: l.id, name: l.name })),
      }));
      return send(res, 200, JSON.stringify(shops));
    }
    if (req.method === "POST" && resource === "shops" && id) {
      const domain = decodeURIComponent(id);
      const input = await json();
      if (action === "set-available") store.setAvailable(domain, idInput(input, "inventoryItemId"), idInput(input, "locationId"), Number(input.available));
      else if (action === "sell") return send(res, 200, JSON.stringify({ orderId: store.sell(domain, saleLines(input.lines)).id }));
      else return send(res, 404, '{"errors":"Not Found"}');
      return send(res, 200, '{"ok":true}');
    }
    if (req.method === "GET" && resource === "deliveries") {
      return send(res, 200, JSON.stringify(deliveries.log.map(({ body, ...d }) => ({ ...d, bodyBytes: body.length }))));
    }
    if (req.method === "POST" && resource === "deliveries" && id && action === "redeliver") {
      const input = await json();
      return send(res, 200, JSON.stringify({ seq: deliveries.redeliver(Number(id), { badHmac: !!input.badHmac }).seq }));
    }
    send(res, 404, '{"errors":"Not Found"}');
  }

  async function controlOrError(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    try {
      await control(req, res, parts);
    } catch (e) {
      if (!(e instanceof ControlInputError || e instanceof SyntaxError)) throw e;
      send(res, 400, JSON.stringify({ errors: e.message }));
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const handle = async () => {
      let m = ROUTE_GRAPHQL.exec(url.pathname);
      if (m) {
        if (req.method !== "POST") return send(res, 405, '{"errors":"Method Not Allowed"}');
        return graphql(req, res, m[1]);
      }
      m = ROUTE_TOKEN.exec(url.pathname);
      if (m) {
        if (req.method !== "POST") return send(res, 405, '{"errors":"Method Not Allowed"}');
        return token(req, res, m[1]);
      }
      m = ROUTE_BULK.exec(url.pathname);
      if (m && req.method === "GET") {
        const shop = store.shops.get(decodeURIComponent(m[1]));
        const file = shop && bulk.file(shop, m[2]);
        if (!file) return send(res, 404, '{"errors":"Not Found"}');
        res.writeHead(200, { "content-type": "application/jsonl" });
        createReadStream(file).pipe(res);
        return;
      }
      if (url.pathname.startsWith("/_simulator/")) return controlOrError(req, res, url.pathname.split("/").slice(2));
      send(res, 404, '{"errors":"Not Found"}');
    };
    handle().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ errors: String(e) }));
      else res.destroy();
    });
  });
  // Node closes idle keep-alive sockets after 5 s; a client reusing one just then gets ECONNRESET.
  // Clients (undici's fetch, the app's GraphQL client) keep sockets about as long, so the server
  // keeps them longer than any of its clients does.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${address.port}`;

  return {
    url: baseUrl,
    adminUrl: (shop, version = SCHEMA_VERSION) => `${baseUrl}/shops/${encodeURIComponent(shop)}/admin/api/${version}/graphql.json`,
    store,
    tokens,
    advanceClock(ms: number) {
      const before = store.now;
      store.now = () => before() + ms;
    },
    deliveries,
    bucket,
    requests,
    async stop() {
      await deliveries.settled();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      bulk.dispose();
    },
  };
}
