import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEbaySimulator, type EbaySimulator } from "../../../simulators/ebay/server";
import { ChannelError, type Connector } from "../connector";
import { createEbayConnector } from "./connector";
import type { EbayConnectorContext } from "./context";
import { EBAY_NOTIFICATION_AUTH, forgetEbayPublicKeys, notificationSignatureMatches, orderIdsInNotification } from "./notifications";

// eBay's ORDER_CONFIRMATION as the connector meets it: the destination and subscription made at
// connect (against the simulator, whose challenge the module's answer must pass), the signature
// checked with eBay's public key, and the named order read with getOrders.

const SELLER = { userId: "seller-on", marketplaceId: "EBAY_US", appId: "AppId-ON", certId: "Cert-ON", refreshToken: "v^1.1#r^1#refresh-on" };
const PUBLIC_ORIGIN = "https://anchorline.example";
const URL_OF_CHANNEL = `${PUBLIC_ORIGIN}/notifications/ch-ebay`;
/** The channel's notification key, 43 base64url characters like notificationKey() makes. */
const KEY = "k".repeat(21) + "_-" + "Z9".repeat(10);

/**
 * eBay's own test vector (eBay/event-notification-nodejs-sdk test/test.json, "VALID"): a
 * MARKETPLACE_ACCOUNT_DELETION message, the X-EBAY-SIGNATURE eBay sent with it and the key
 * getPublicKey answered, as eBay formats it (PEM on one line).
 */
const EBAY_VECTOR = {
  header:
    "eyJhbGciOiJlY2RzYSIsImtpZCI6Ijk5MzYyNjFhLTdkN2ItNDYyMS1hMGYxLTk2Y2NiNDI4YWY0OSIsInNpZ25hdHVyZSI6Ik1FWUNJUUNmeGZJV3V4bVdjSUJRSjljNS9YN2lHREpxczJSQ0dzQkVhQWppbnlycmZBSWhBSVY2d0djVGlCdVY1S0pVaWYyaG9reXJMK1E5c3NIa2FkK214Mm5FRTI1dyIsImRpZ2VzdCI6IlNIQTEifQ==",
  message: {
    metadata: { topic: "MARKETPLACE_ACCOUNT_DELETION", schemaVersion: "1.0", deprecated: false },
    notification: {
      notificationId: "49feeaeb-4982-42d9-a377-9645b8479411_33f7e043-fed8-442b-9d44-791923bd9a6d",
      eventDate: "2021-03-19T20:43:59.462Z",
      publishDate: "2021-03-19T20:43:59.679Z",
      publishAttemptCount: 1,
      data: { username: "test_user", userId: "ma8vp1jySJC", eiasToken: "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+gAZGEpwmdj6x9nY+seQ==" },
    },
  },
  publicKey: {
    key: "-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZhhxXKtR+TOvtDbgTPCkSof02qgBB7IsYOyf76ilExJ/upAa/vKIKheOoCyOpcLmi4t0b4uepb7LLjmMr90FUg==-----END PUBLIC KEY-----",
    algorithm: "ECDSA",
    digest: "SHA1",
  },
};

/** A context whose only call is getPublicKey, answered with eBay's vector key; counts the calls. */
function vectorContext(now = () => Date.now()) {
  const asked: string[] = [];
  const context = {
    now,
    client: {
      callAsApplication: async (what: string) => {
        asked.push(what);
        return EBAY_VECTOR.publicKey;
      },
    },
  } as unknown as EbayConnectorContext;
  return { context, asked };
}

describe("eBay's X-EBAY-SIGNATURE", () => {
  beforeEach(() => forgetEbayPublicKeys());

  it("given eBay's own signed message and key, when checked twice, then it matches and the key was read once", async () => {
    const { context, asked } = vectorContext();
    const rawBody = JSON.stringify(EBAY_VECTOR.message);

    expect(await notificationSignatureMatches(context, EBAY_VECTOR.header, rawBody)).toBe(true);
    expect(await notificationSignatureMatches(context, EBAY_VECTOR.header, rawBody)).toBe(true);
    expect(asked).toEqual(["getPublicKey"]);
  });

  it("given the same message spaced out, when checked, then it still matches, as eBay's SDK reads it; one changed field does not", async () => {
    const { context } = vectorContext();
    const spaced = JSON.stringify(EBAY_VECTOR.message, null, 2);
    const changed = JSON.stringify({ ...EBAY_VECTOR.message, notification: { ...EBAY_VECTOR.message.notification, publishAttemptCount: 2 } });

    expect(await notificationSignatureMatches(context, EBAY_VECTOR.header, spaced)).toBe(true);
    expect(await notificationSignatureMatches(context, EBAY_VECTOR.header, changed)).toBe(false);
  });

  it("given a header that is not base64 JSON, names another algorithm or carries no signature, when checked, then none matches and no key is read", async () => {
    const { context, asked } = vectorContext();
    const decoded = JSON.parse(Buffer.from(EBAY_VECTOR.header, "base64").toString("utf8")) as Record<string, string>;
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64");
    const rawBody = JSON.stringify(EBAY_VECTOR.message);

    const results = await Promise.all(
      ["not base64 json", encode({ ...decoded, alg: "rsa" }), encode({ ...decoded, signature: "" }), encode({ ...decoded, kid: "../../destination" }), ""].map(
        (h) => notificationSignatureMatches(context, h, rawBody),
      ),
    );

    expect(results).toEqual([false, false, false, false, false]);
    expect(asked).toEqual([]);
  });

  it("given forged headers naming 12 made-up key ids within a minute, when checked, then eBay is asked for 10 keys, and for more a minute later", async () => {
    let now = 1_000_000;
    const asked: string[] = [];
    const context = {
      now: () => now,
      client: {
        callAsApplication: async (what: string) => {
          asked.push(what);
          throw new ChannelError("eBay getPublicKey: The specified key id is invalid. (195001)", { status: 404, retryable: false });
        },
      },
    } as unknown as EbayConnectorContext;
    const forged = (i: number) =>
      Buffer.from(
        JSON.stringify({ alg: "ecdsa", kid: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`, signature: "MEUCIQ==", digest: "SHA1" }),
      ).toString("base64");

    const results = [];
    for (let i = 0; i < 12; i++) results.push(await notificationSignatureMatches(context, forged(i), "{}"));
    const askedWithinTheMinute = asked.length;
    now += 60_000;
    await notificationSignatureMatches(context, forged(12), "{}");

    expect(results.every((r) => r === false)).toBe(true);
    expect(askedWithinTheMinute).toBe(10);
    expect(asked).toHaveLength(11);
  });

  it("given ORDER_CONFIRMATION, another topic or no order id, when read, then only the first names its order", () => {
    const confirmation = { metadata: { topic: "ORDER_CONFIRMATION", schemaVersion: "1.0" }, notification: { data: { orderId: "12-10001-67919" } } };
    expect(orderIdsInNotification(confirmation)).toEqual(["12-10001-67919"]);
    expect(orderIdsInNotification(EBAY_VECTOR.message)).toBeNull();
    expect(orderIdsInNotification({ ...confirmation, notification: { data: {} } })).toBeNull();
  });

  it("given a challenge, when answered, then it is hex SHA-256 of challenge code + verification token + endpoint, as eBay's SDK makes it", async () => {
    // sha256("abc" + "token" + "https://x/y"), computed with `printf %s abctokenhttps://x/y | sha256sum`.
    expect(await EBAY_NOTIFICATION_AUTH.endpointChallenge!.answer("abc", "token", "https://x/y")).toEqual({
      challengeResponse: "7e2ed656d942fe9c1fa992657286852834f8237ac43404e2d6f1126812548ecf",
    });
  });
});

describe("eBay order notifications against the simulator", () => {
  let sim: EbaySimulator;
  let connector: Connector;
  let app: { origin: string; posts: Array<{ headers: Record<string, string>; body: string }>; close(): Promise<void> };

  beforeAll(async () => {
    sim = await startEbaySimulator({ accounts: [{ ...SELLER, listings: [{ sku: "MUG", offerId: "5000000001", quantity: 10, priceCents: 2500 }] }] });
    // The app's endpoint: answers the challenge with the module's rule for this channel's key and URL, takes deliveries.
    const posts: typeof app.posts = [];
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method === "GET") {
        const answer = await EBAY_NOTIFICATION_AUTH.endpointChallenge!.answer(url.searchParams.get("challenge_code") ?? "", KEY, URL_OF_CHANNEL);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
        return;
      }
      posts.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(202).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    app = { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, close: () => new Promise((resolve) => server.close(() => resolve())) };
    sim.notifications.route(PUBLIC_ORIGIN, app.origin);
    connector = createEbayConnector({ accountId: SELLER.userId, region: "EBAY_US", credentials: SELLER, endpoints: { api: sim.url } });
  });

  afterAll(async () => {
    await sim?.stop();
    await app?.close();
  });

  it("given an app keyset without an alert email, when subscribing, then it fails in words, for good, and nothing is made", async () => {
    sim.notifications.alertEmails.set(SELLER.appId, null);

    const failure = await connector.subscribeToOrderNotifications!({ url: URL_OF_CHANNEL, key: KEY }).catch((error: unknown) => error);
    sim.notifications.alertEmails.delete(SELLER.appId);

    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).message).toMatch(/alert email.*developer\.ebay\.com/);
    expect((failure as ChannelError).retryable).toBe(false);
    expect(sim.notifications.destinations.size).toBe(0);
  });

  it("given a connected seller, when subscribed twice (a retried job), then one validated destination and one enabled ORDER_CONFIRMATION subscription, made as application and seller", async () => {
    const callsBefore = sim.calls.length;
    await connector.subscribeToOrderNotifications!({ url: URL_OF_CHANNEL, key: KEY });
    await connector.subscribeToOrderNotifications!({ url: URL_OF_CHANNEL, key: KEY });

    const destinations = [...sim.notifications.destinations.values()];
    expect(destinations.map((d) => [d.endpoint, d.verificationToken, d.status])).toEqual([[URL_OF_CHANNEL, KEY, "ENABLED"]]);
    expect(sim.subscriptions(SELLER.userId).map((s) => [s.topicId, s.status, s.destinationId])).toEqual([
      ["ORDER_CONFIRMATION", "ENABLED", destinations[0].destinationId],
    ]);
    expect(
      sim.calls
        .slice(callsBefore)
        .filter((c) => c.operationId === "createDestination" || c.operationId === "createSubscription")
        .map((c) => [c.operationId, c.status]),
    ).toEqual([
      ["createDestination", 201],
      ["createSubscription", 201],
    ]);
    expect(sim.responseViolations).toEqual([]);
  });

  it("given the subscription, when a buyer orders, then the delivery's signature matches, the order is named and read whole; a tampered body does not match", async () => {
    forgetEbayPublicKeys();
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity: 2 });
    expect(await sim.notifications.settled()).toMatchObject({ failed: 0 });
    const delivery = app.posts.at(-1)!;

    const matches = await connector.notificationSignatureMatches!(delivery.headers["x-ebay-signature"], delivery.body);
    const tampered = await connector.notificationSignatureMatches!(delivery.headers["x-ebay-signature"], delivery.body.replace(orderId, "99-99999-99999"));
    const named = connector.orderIdsInNotification!(JSON.parse(delivery.body));
    const order = await connector.fetchOrder!(orderId);

    expect([matches, tampered]).toEqual([true, false]);
    expect(named).toEqual([orderId]);
    expect(order).toMatchObject({ externalOrderId: orderId, lines: [expect.objectContaining({ channelSku: "MUG", quantity: 2 })] });
    expect(await connector.fetchOrder!("99-99999-99999")).toBeNull();
  });

  it("given a signature naming a key eBay does not have, when checked, then it does not match (getPublicKey's 404 is an answer, not a failure)", async () => {
    const forged = Buffer.from(JSON.stringify({ alg: "ecdsa", kid: "00000000-0000-0000-0000-000000000000", signature: "MEUCIQ==", digest: "SHA1" })).toString(
      "base64",
    );
    expect(await connector.notificationSignatureMatches!(forged, "{}")).toBe(false);
  });

  it("given the subscription, when unsubscribed twice (a disconnected account), then the subscription and the destination are gone", async () => {
    await connector.unsubscribeFromOrderNotifications!({ url: URL_OF_CHANNEL });
    await connector.unsubscribeFromOrderNotifications!({ url: URL_OF_CHANNEL });

    expect(sim.subscriptions(SELLER.userId)).toEqual([]);
    expect(sim.notifications.destinations.size).toBe(0);
  });
});
