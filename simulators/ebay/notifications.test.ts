import { createHash, verify } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEbaySimulator, type EbaySimulator } from "./server";
import { ebayAccessToken } from "./test-helpers";

// The Notification API as the app meets it: an application token from the client credentials
// grant, a destination eBay validates with a challenge, a seller's ORDER_CONFIRMATION subscription,
// and deliveries signed with eBay's key, which getPublicKey serves.

const SELLER = { userId: "seller-n", marketplaceId: "EBAY_US", appId: "AppId-N", certId: "Cert-N", refreshToken: "v^1.1#r^1#refresh-n" };
const VERIFICATION_TOKEN = "a".repeat(20) + "_-" + "B7".repeat(10);
const API_SCOPE = "https://api.ebay.com/oauth/api_scope";

let sim: EbaySimulator;
let endpoint: { origin: string; received: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }>; close(): Promise<void> };
/** How the app's endpoint answers: the challenge, and the status of deliveries (one per delivery, then 200). */
let behaviour: { challenge: "right" | "wrong"; statuses: number[] };

async function tokenRequest(form: Record<string, string>, certId = SELLER.certId) {
  return fetch(`${sim.url}/identity/v1/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${SELLER.appId}:${certId}`).toString("base64")}` },
    body: new URLSearchParams(form).toString(),
  });
}

async function applicationToken(): Promise<string> {
  return ((await (await tokenRequest({ grant_type: "client_credentials", scope: API_SCOPE })).json()) as { access_token: string }).access_token;
}

function call(path: string, bearer: string, init: { method?: string; body?: unknown } = {}) {
  return fetch(`${sim.url}/commerce/notification/v1${path}`, {
    method: init.method ?? "GET",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

const PUBLIC_URL = "https://anchorline.example/notifications/ch-1";

async function startEndpoint() {
  const received: typeof endpoint.received = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    received.push({ method: req.method ?? "", url: url.toString(), headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    if (req.method === "GET") {
      const code = url.searchParams.get("challenge_code") ?? "";
      const answer = createHash("sha256")
        .update(code + VERIFICATION_TOKEN + (behaviour.challenge === "right" ? PUBLIC_URL : `${PUBLIC_URL}/other`))
        .digest("hex");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ challengeResponse: answer }));
      return;
    }
    res.writeHead(behaviour.statuses.shift() ?? 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const destinationRequest = (endpointUrl = PUBLIC_URL, token = VERIFICATION_TOKEN) => ({
  name: "Anchorline",
  status: "ENABLED",
  deliveryConfig: { endpoint: endpointUrl, verificationToken: token },
});

const subscriptionRequest = (destinationId: string) => ({
  topicId: "ORDER_CONFIRMATION",
  status: "ENABLED",
  destinationId,
  payload: { format: "JSON", schemaVersion: "1.0", deliveryProtocol: "HTTPS" },
});

beforeAll(async () => {
  endpoint = await startEndpoint();
  sim = await startEbaySimulator({ accounts: [{ ...SELLER, listings: [{ sku: "MUG", offerId: "5000000009", quantity: 10, priceCents: 1299 }] }] });
  sim.notifications.route("https://anchorline.example", endpoint.origin);
});

afterAll(async () => {
  await sim?.stop();
  await endpoint?.close();
});

beforeEach(() => {
  behaviour = { challenge: "right", statuses: [] };
  sim.notifications.subscriptions.clear();
  sim.notifications.destinations.clear();
  sim.notifications.alertEmails.clear();
  endpoint.received.length = 0;
});

describe("the eBay simulator's client credentials grant", () => {
  it("given the app's keys, when asked for api_scope, then it mints an application token; without a scope or with a seller's scope, it refuses as eBay does", async () => {
    const minted = await tokenRequest({ grant_type: "client_credentials", scope: API_SCOPE });
    const noScope = await tokenRequest({ grant_type: "client_credentials" });
    const sellerScope = await tokenRequest({ grant_type: "client_credentials", scope: "https://api.ebay.com/oauth/api_scope/sell.inventory" });
    const wrongSecret = await tokenRequest({ grant_type: "client_credentials", scope: API_SCOPE }, "guessed");

    expect(minted.status).toBe(200);
    expect(await minted.json()).toMatchObject({ token_type: "Application Access Token", expires_in: 7200 });
    expect([noScope.status, ((await noScope.json()) as { error: string }).error]).toEqual([400, "invalid_request"]);
    expect([sellerScope.status, ((await sellerScope.json()) as { error: string }).error]).toEqual([400, "invalid_scope"]);
    expect(wrongSecret.status).toBe(401);
  });
});

describe("the eBay simulator's Notification API", () => {
  it("given an endpoint answering the challenge, when the app creates a destination, then eBay sends the challenge first and keeps it; a wrong answer is 409 195020 and nothing is kept", async () => {
    const app = await applicationToken();

    const created = await call("/destination", app, { method: "POST", body: destinationRequest() });
    const listed = (await (await call("/destination", app)).json()) as { destinations: Array<{ deliveryConfig: { endpoint: string } }> };
    behaviour.challenge = "wrong";
    const refused = await call("/destination", app, { method: "POST", body: destinationRequest("https://anchorline.example/notifications/ch-2") });

    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toMatch(/^\/commerce\/notification\/v1\/destination\/[0-9a-f-]{36}$/);
    expect(endpoint.received[0]).toMatchObject({ method: "GET" });
    expect(new URL(endpoint.received[0].url).searchParams.get("challenge_code")).toMatch(/^[0-9a-f]{32}$/);
    expect(listed.destinations.map((d) => d.deliveryConfig.endpoint)).toEqual([PUBLIC_URL]);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { errors: Array<{ errorId: number }> }).errors[0].errorId).toBe(195020);
    expect(sim.notifications.destinations.size).toBe(1);
    expect(sim.responseViolations).toEqual([]);
  });

  it("given a verification token shorter than 32 characters or a seller's token, when a destination is asked for, then 400 195019 and 403", async () => {
    const app = await applicationToken();
    const seller = await ebayAccessToken(sim.url, SELLER);

    const shortToken = await call("/destination", app, { method: "POST", body: destinationRequest(PUBLIC_URL, "too-short") });
    const asSeller = await call("/destination", seller, { method: "POST", body: destinationRequest() });

    expect(shortToken.status).toBe(400);
    expect(((await shortToken.json()) as { errors: Array<{ errorId: number }> }).errors[0].errorId).toBe(195019);
    expect(asSeller.status).toBe(403);
    expect(sim.notifications.destinations.size).toBe(0);
    expect(endpoint.received).toEqual([]);
  });

  it("given a destination, when ORDER_CONFIRMATION is subscribed with an application token, then 403 195011; with the seller's token it is the seller's, once", async () => {
    const app = await applicationToken();
    const seller = await ebayAccessToken(sim.url, SELLER);
    await call("/destination", app, { method: "POST", body: destinationRequest() });
    const [destination] = [...sim.notifications.destinations.values()];

    const asApp = await call("/subscription", app, { method: "POST", body: subscriptionRequest(destination.destinationId) });
    const asSeller = await call("/subscription", seller, { method: "POST", body: subscriptionRequest(destination.destinationId) });
    const again = await call("/subscription", seller, { method: "POST", body: subscriptionRequest(destination.destinationId) });
    const inUse = await call(`/destination/${destination.destinationId}`, app, { method: "DELETE" });

    expect([asApp.status, ((await asApp.json()) as { errors: Array<{ errorId: number }> }).errors[0].errorId]).toEqual([403, 195011]);
    expect(asSeller.status).toBe(201);
    expect([again.status, ((await again.json()) as { errors: Array<{ errorId: number }> }).errors[0].errorId]).toEqual([409, 195012]);
    expect(sim.subscriptions(SELLER.userId).map((s) => [s.topicId, s.status, s.destinationId])).toEqual([
      ["ORDER_CONFIRMATION", "ENABLED", destination.destinationId],
    ]);
    expect(inUse.status).toBe(409);
  });

  it("given the seller subscribed, when a buyer orders, then ORDER_CONFIRMATION is posted, signed with the key getPublicKey serves, and retried until answered 2xx", async () => {
    const app = await applicationToken();
    const seller = await ebayAccessToken(sim.url, SELLER);
    await call("/destination", app, { method: "POST", body: destinationRequest() });
    const [destination] = [...sim.notifications.destinations.values()];
    await call("/subscription", seller, { method: "POST", body: subscriptionRequest(destination.destinationId) });
    endpoint.received.length = 0;
    behaviour.statuses = [500];

    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity: 2 });
    const settled = await sim.notifications.settled();

    const posts = endpoint.received.filter((r) => r.method === "POST");
    expect(posts).toHaveLength(2);
    const last = posts[1];
    const body = JSON.parse(last.body) as { metadata: unknown; notification: { publishAttemptCount: number; data: { orderId: string } } };
    expect(body.metadata).toEqual({ topic: "ORDER_CONFIRMATION", schemaVersion: "1.0", deprecated: false });
    expect(body.notification).toMatchObject({ publishAttemptCount: 2, data: { orderId } });
    const header = JSON.parse(Buffer.from(String(last.headers["x-ebay-signature"]), "base64").toString("utf8")) as Record<string, string>;
    expect(header).toMatchObject({ alg: "ecdsa", digest: "SHA1", kid: sim.notifications.keyId });
    const publicKey = (await (await call(`/public_key/${header.kid}`, app)).json()) as { key: string; algorithm: string; digest: string };
    expect([publicKey.algorithm, publicKey.digest]).toEqual(["ECDSA", "SHA1"]);
    const pem = publicKey.key
      .replace("-----BEGIN PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\n")
      .replace("-----END PUBLIC KEY-----", "\n-----END PUBLIC KEY-----");
    expect(verify("sha1", Buffer.from(last.body), { key: pem, dsaEncoding: "der" }, Buffer.from(header.signature, "base64"))).toBe(true);
    expect(verify("sha1", Buffer.from(`${last.body} `), { key: pem, dsaEncoding: "der" }, Buffer.from(header.signature, "base64"))).toBe(false);
    expect(settled).toMatchObject({ failed: 0 });
  });

  it("given an application without an alert email, when it asks for a destination, then 409 195003 and no challenge is sent; once updateConfig set one, it is taken", async () => {
    const app = await applicationToken();
    sim.notifications.alertEmails.set(SELLER.appId, null);

    const refused = await call("/destination", app, { method: "POST", body: destinationRequest() });
    const missing = await call("/config", app);
    const badEmail = await call("/config", app, { method: "PUT", body: { alertEmail: "not an address" } });
    const configured = await call("/config", app, { method: "PUT", body: { alertEmail: "ops@anchorline.example" } });
    const created = await call("/destination", app, { method: "POST", body: destinationRequest() });

    expect([refused.status, ((await refused.json()) as { errors: Array<{ errorId: number }> }).errors[0].errorId]).toEqual([409, 195003]);
    expect(missing.status).toBe(404);
    expect(badEmail.status).toBe(400);
    expect(configured.status).toBe(204);
    expect(await (await call("/config", app)).json()).toEqual({ alertEmail: "ops@anchorline.example" });
    expect(created.status).toBe(201);
    expect(endpoint.received.filter((r) => r.method === "GET")).toHaveLength(1);
  });

  it("given an unknown key id or a seller's token, when the public key is asked for, then 404 195001 and 403", async () => {
    const app = await applicationToken();
    const seller = await ebayAccessToken(sim.url, SELLER);

    const unknown = await call("/public_key/not-a-key", app);
    const asSeller = await call(`/public_key/${sim.notifications.keyId}`, seller);

    expect([unknown.status, ((await unknown.json()) as { errors: Array<{ errorId: number }> }).errors[0].errorId]).toEqual([404, 195001]);
    expect(asSeller.status).toBe(403);
  });
});
