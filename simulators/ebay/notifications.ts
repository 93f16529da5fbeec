// eBay's Notification API (commerce/notification/v1, the definition in
// simulators/contracts/ebay-sell/commerce_notification_v1_oas3.json) as far as order notifications
// need it: an application's destinations (an endpoint eBay validates with a challenge before it
// takes it), a seller's subscriptions to the ORDER_CONFIRMATION topic, eBay's public keys, and the
// signed deliveries.
//
// - The application's alert config (getConfig/updateConfig, its alertEmail) must exist before a
//   destination or subscription is made (409 195003). A keyset has one once its developer set the
//   email under Alerts & Notifications, which eBay's marketplace-account-deletion set-up asks of
//   every app; the simulator gives each app one unless a test takes it away (alertEmails null).
// - Destinations belong to the application (application token). createDestination first sends
//   GET <endpoint>?challenge_code=… and wants `{"challengeResponse": hex(sha256(challengeCode +
//   verificationToken + endpoint))}` (Notification API overview, "Endpoint validation"; eBay's
//   event-notification-nodejs-sdk generateChallengeResponse hashes the three in that order); any
//   other answer is 409 195020.
// - ORDER_CONFIRMATION is a seller's topic: its subscription is made with that seller's user token
//   (the authorization code grant, allowed for user-based subscriptions since Notification API
//   1.2.0); an application token is refused it (403 195011).
// - Each delivery is POSTed with X-EBAY-SIGNATURE = base64 of `{"alg":"ecdsa","kid":…,"signature":
//   base64 DER ECDSA over the body,"digest":"SHA1"}` (eBay Connect 2021 "Notifications" deck;
//   the SDK verifies with ssl3-sha1, i.e. ECDSA with SHA-1), and the key is served by
//   getPublicKey as `{ algorithm: "ECDSA", digest: "SHA1", key: "-----BEGIN PUBLIC KEY-----…" }`,
//   PEM without line breaks as eBay sends it (the SDK's test fixture).
// - The payload is `{ metadata: { topic, schemaVersion, deprecated }, notification: {
//   notificationId, eventDate, publishDate, publishAttemptCount, data } }` (order_confirmation.yaml,
//   AsyncAPI 2.0). That contract says one notification is "generated for each line item in the
//   order" and that the seller "looks up the orderId from the notification"; the data object's
//   other fields were not readable here, so it carries orderId and the line item's id only.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import type { SimResponse } from "../common/http";
import { ebayErrors } from "./errors";
import { lineItemIdOf, type OrderRecord } from "./state";

export const NOTIFICATION_BASE = "/commerce/notification/v1";
export const ORDER_CONFIRMATION = "ORDER_CONFIRMATION";

/** The topics the simulator knows: ORDER_CONFIRMATION, schema 1.0, JSON over HTTPS, a seller's (USER) topic. */
const TOPICS: Record<string, { schemaVersion: string; context: "USER" | "APPLICATION" }> = {
  [ORDER_CONFIRMATION]: { schemaVersion: "1.0", context: "USER" },
};

/**
 * "The verification token has to be between 32 and 80 characters, and allowed characters include
 * alphanumeric characters, underscore (_), and hyphen (-)" (eBay Marketplace Account Deletion page,
 * the same endpoint validation).
 */
const VERIFICATION_TOKEN = /^[A-Za-z0-9_-]{32,80}$/;
/** DestinationRequest.name: "Markups or lengths greater than 64 not supported" (error 195016). */
const DESTINATION_NAME_MAX = 64;

/**
 * eBay retries a delivery that is not answered 2xx (its overview names "retry capabilities" without
 * a count); a few tries with a growing pause stand in for it. Each try counts in publishAttemptCount.
 */
const DELIVERY_ATTEMPTS = 4;
const RETRY_DELAY_MS = 200;

const DOMAIN = "API_NOTIFICATION";
const notificationError = (status: number, errorId: number, message: string): SimResponse =>
  ebayErrors(status, [{ errorId, domain: DOMAIN, category: "REQUEST", message }]);

export interface DestinationRecord {
  destinationId: string;
  appId: string;
  name: string;
  status: "ENABLED" | "DISABLED";
  endpoint: string;
  verificationToken: string;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  appId: string;
  /** The seller whose user token made it (USER topics), or null for an application's. */
  userId: string | null;
  topicId: string;
  status: "ENABLED" | "DISABLED";
  destinationId: string;
  creationDate: string;
  payload: { format: string; schemaVersion: string; deliveryProtocol: string };
}

/** Who called: an application token (userId null) or a seller's user token. */
export interface NotificationCaller {
  appId: string;
  userId: string | null;
}

/** The expected answer to a challenge, as eBay checks it. */
export function challengeResponse(challengeCode: string, verificationToken: string, endpoint: string): string {
  return createHash("sha256").update(challengeCode).update(verificationToken).update(endpoint).digest("hex");
}

const destinationBody = (d: DestinationRecord) => ({
  destinationId: d.destinationId,
  name: d.name,
  status: d.status,
  deliveryConfig: { endpoint: d.endpoint, verificationToken: d.verificationToken },
});

const subscriptionBody = (s: SubscriptionRecord) => ({
  subscriptionId: s.subscriptionId,
  topicId: s.topicId,
  status: s.status,
  creationDate: s.creationDate,
  payload: s.payload,
  destinationId: s.destinationId,
});

/** The application's and its sellers' destinations, subscriptions, eBay's signing key, and the deliveries under way. */
export class EbayNotifications {
  readonly destinations = new Map<string, DestinationRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  /** eBay's signing key: its id is what X-EBAY-SIGNATURE names. */
  readonly keyId = randomUUID();
  private readonly keys: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  /**
   * Where an endpoint's origin is reached: a test runs the app on a local port under its public
   * URL, as DNS and a TLS proxy would put it there. Unmapped origins are reached as they are.
   */
  private readonly hosts = new Map<string, string>();
  /** Each application's alert email; an application not named has one (`alerts@<appId>.example`), null has none. */
  readonly alertEmails = new Map<string, string | null>();
  private chain: Promise<void> = Promise.resolve();
  delivered = 0;
  failed = 0;

  constructor(private readonly now: () => number) {}

  private alertEmailOf(appId: string): string | null {
    return this.alertEmails.has(appId) ? this.alertEmails.get(appId)! : `alerts@${appId}.example`;
  }

  private unconfigured(appId: string): SimResponse | null {
    return this.alertEmailOf(appId) === null
      ? notificationError(409, 195003, "Please provide configurations required for notifications. Refer to /config")
      : null;
  }

  /** getConfig: the application's alert email; 404 195026 when it has none. */
  getConfig(appId: string): SimResponse {
    const alertEmail = this.alertEmailOf(appId);
    return alertEmail === null ? notificationError(404, 195026, "Configuration Not Found.") : { status: 200, body: { alertEmail } };
  }

  /** updateConfig: sets the application's alert email (400 195025 for anything not an address). */
  updateConfig(appId: string, body: unknown): SimResponse {
    const alertEmail = (body as { alertEmail?: unknown } | undefined)?.alertEmail;
    if (typeof alertEmail !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alertEmail)) return notificationError(400, 195025, "Invalid or missing email.");
    this.alertEmails.set(appId, alertEmail);
    return { status: 204 };
  }

  /** Sends what is meant for `publicOrigin` to `reachedAt` instead (both origins, `https://app.example`). */
  route(publicOrigin: string, reachedAt: string): void {
    this.hosts.set(new URL(publicOrigin).origin, new URL(reachedAt).origin);
  }

  private reach(endpoint: string): string {
    const url = new URL(endpoint);
    const to = this.hosts.get(url.origin);
    return to ? `${to}${url.pathname}${url.search}` : endpoint;
  }

  /** The X-EBAY-SIGNATURE header for a raw body, signed with eBay's key. */
  signatureHeader(rawBody: string): string {
    const signature = sign("sha1", Buffer.from(rawBody, "utf8"), { key: this.keys.privateKey, dsaEncoding: "der" }).toString("base64");
    return Buffer.from(JSON.stringify({ alg: "ecdsa", kid: this.keyId, signature, digest: "SHA1" })).toString("base64");
  }

  /** getPublicKey: eBay's key for the id a signature names; 404 195001 for any other id. */
  publicKey(keyId: string): SimResponse {
    if (keyId !== this.keyId) return notificationError(404, 195001, "The specified key id is invalid.");
    const der = this.keys.publicKey.export({ type: "spki", format: "der" }).toString("base64");
    return { status: 200, body: { algorithm: "ECDSA", digest: "SHA1", key: `-----BEGIN PUBLIC KEY-----${der}-----END PUBLIC KEY-----` } };
  }

  /** createDestination and updateDestination: the request checked, then the endpoint's challenge answered, before anything is kept. */
  async putDestination(appId: string, body: unknown, existingId?: string): Promise<SimResponse> {
    const request = (body ?? {}) as { name?: unknown; status?: unknown; deliveryConfig?: { endpoint?: unknown; verificationToken?: unknown } };
    const unconfigured = this.unconfigured(appId);
    if (unconfigured) return unconfigured;
    const existing = existingId === undefined ? undefined : this.destinations.get(existingId);
    if (existingId !== undefined && (!existing || existing.appId !== appId)) return notificationError(404, 195022, "Invalid or missing destination id.");
    const name = request.name === undefined ? "" : request.name;
    if (typeof name !== "string" || name.length > DESTINATION_NAME_MAX || /[<>]/.test(name))
      return notificationError(400, 195016, "Invalid name. Markups or lengths greater than 64 not supported");
    const endpoint = request.deliveryConfig?.endpoint;
    if (typeof endpoint !== "string" || !URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol))
      return notificationError(400, 195017, "Invalid or missing endpoint.");
    if (request.status !== "ENABLED" && request.status !== "DISABLED")
      return notificationError(400, 195018, "Invalid or missing destination status. Supported values:[ENABLED,DISABLED]");
    const token = request.deliveryConfig?.verificationToken;
    if (typeof token !== "string" || !VERIFICATION_TOKEN.test(token))
      return notificationError(400, 195019, "Invalid or missing verification token for this endpoint.");
    const clash = [...this.destinations.values()].find((d) => d.appId === appId && d.endpoint === endpoint && d.destinationId !== existingId);
    if (clash) return notificationError(409, 195021, "Destination exists for this endpoint");
    if (!(await this.challengeAnswered(endpoint, token))) return notificationError(409, 195020, "Challenge verification failed for requested endpoint");
    const record: DestinationRecord = { destinationId: existingId ?? randomUUID(), appId, name, status: request.status, endpoint, verificationToken: token };
    this.destinations.set(record.destinationId, record);
    if (existing) return { status: 204 };
    return { status: 201, headers: { Location: `${NOTIFICATION_BASE}/destination/${record.destinationId}` } };
  }

  private async challengeAnswered(endpoint: string, verificationToken: string): Promise<boolean> {
    const code = randomUUID().replace(/-/g, "");
    const url = new URL(this.reach(endpoint));
    url.searchParams.set("challenge_code", code);
    try {
      const answer = await fetch(url, { headers: { accept: "application/json" } });
      if (answer.status !== 200) return false;
      const body = (await answer.json()) as { challengeResponse?: unknown };
      return body.challengeResponse === challengeResponse(code, verificationToken, endpoint);
    } catch {
      return false;
    }
  }

  listDestinations(appId: string): SimResponse {
    const destinations = [...this.destinations.values()].filter((d) => d.appId === appId).map(destinationBody);
    return { status: 200, body: { total: destinations.length, limit: 100, destinations } };
  }

  getDestination(appId: string, destinationId: string): SimResponse {
    const d = this.destinations.get(destinationId);
    if (!d || d.appId !== appId) return notificationError(404, 195022, "Invalid or missing destination id.");
    return { status: 200, body: destinationBody(d) };
  }

  /** deleteDestination: refused while a subscription still sends to it (409 195024). */
  deleteDestination(appId: string, destinationId: string): SimResponse {
    const d = this.destinations.get(destinationId);
    if (!d || d.appId !== appId) return notificationError(404, 195022, "Invalid or missing destination id.");
    if ([...this.subscriptions.values()].some((s) => s.destinationId === destinationId))
      return notificationError(409, 195024, "Destination is in use and cannot be deleted.");
    this.destinations.delete(destinationId);
    return { status: 204 };
  }

  /** createSubscription: one per application, seller and topic; a seller's topic needs that seller's token. */
  createSubscription(caller: NotificationCaller, body: unknown): SimResponse {
    const unconfigured = this.unconfigured(caller.appId);
    if (unconfigured) return unconfigured;
    const request = (body ?? {}) as { topicId?: unknown; status?: unknown; destinationId?: unknown; payload?: Record<string, unknown> };
    const topic = typeof request.topicId === "string" ? TOPICS[request.topicId] : undefined;
    if (!topic) return notificationError(400, 195027, "Invalid or missing topic id.");
    if (topic.context === "USER" && caller.userId === null) return notificationError(403, 195011, "Not authorized for this topic.");
    if (request.status !== "ENABLED" && request.status !== "DISABLED") return notificationError(400, 195006, "Invalid or missing subscription status.");
    const destination = typeof request.destinationId === "string" ? this.destinations.get(request.destinationId) : undefined;
    if (!destination || destination.appId !== caller.appId) return notificationError(400, 195007, "Invalid or missing destination id.");
    const payload = request.payload ?? {};
    if (payload.schemaVersion !== topic.schemaVersion)
      return notificationError(400, 195008, "Invalid or missing schema version. Please refer to /topic/{topic_id} for supported schema versions.");
    if (payload.format !== "JSON") return notificationError(400, 195009, "Specified format is not supported for the topic.");
    if (payload.deliveryProtocol !== "HTTPS") return notificationError(400, 195010, "Invalid or missing protocol");
    const mine = (s: SubscriptionRecord) => s.appId === caller.appId && s.userId === caller.userId;
    if ([...this.subscriptions.values()].some((s) => mine(s) && s.topicId === request.topicId))
      return notificationError(409, 195012, "Subscription already exists");
    if (request.status === "ENABLED" && destination.status !== "ENABLED")
      return notificationError(409, 195015, "The subscription cannot be enabled since the destination is not enabled.");
    const record: SubscriptionRecord = {
      subscriptionId: randomUUID(),
      appId: caller.appId,
      userId: caller.userId,
      topicId: request.topicId as string,
      status: request.status,
      destinationId: destination.destinationId,
      creationDate: new Date(this.now()).toISOString(),
      payload: { format: "JSON", schemaVersion: topic.schemaVersion, deliveryProtocol: "HTTPS" },
    };
    this.subscriptions.set(record.subscriptionId, record);
    return { status: 201, headers: { Location: `${NOTIFICATION_BASE}/subscription/${record.subscriptionId}` } };
  }

  /** getSubscriptions: the caller's own (a seller's token sees that seller's, an application token the application's). */
  listSubscriptions(caller: NotificationCaller): SimResponse {
    const subscriptions = this.ofCaller(caller).map(subscriptionBody);
    return { status: 200, body: { total: subscriptions.length, limit: 100, subscriptions } };
  }

  deleteSubscription(caller: NotificationCaller, subscriptionId: string): SimResponse {
    const s = this.subscriptions.get(subscriptionId);
    if (!s || !this.ofCaller(caller).includes(s)) return notificationError(404, 195013, " Invalid subscription Id.");
    this.subscriptions.delete(subscriptionId);
    return { status: 204 };
  }

  private ofCaller(caller: NotificationCaller): SubscriptionRecord[] {
    return [...this.subscriptions.values()].filter((s) => s.appId === caller.appId && s.userId === caller.userId);
  }

  /** A buyer completed checkout: ORDER_CONFIRMATION to each of the seller's enabled subscriptions whose destination is enabled, one per line item. */
  orderPlaced(order: OrderRecord): void {
    for (const s of this.subscriptions.values()) {
      if (s.topicId !== ORDER_CONFIRMATION || s.userId !== order.userId || s.status !== "ENABLED") continue;
      const destination = this.destinations.get(s.destinationId);
      if (destination?.status !== "ENABLED") continue;
      const eventDate = new Date(order.createdAt).toISOString();
      this.send(destination.endpoint, (attempt) => ({
        metadata: { topic: ORDER_CONFIRMATION, schemaVersion: s.payload.schemaVersion, deprecated: false },
        notification: {
          notificationId: `${order.orderId}_${s.subscriptionId}`,
          eventDate,
          publishDate: new Date(this.now()).toISOString(),
          publishAttemptCount: attempt,
          data: { orderId: order.orderId, lineItemId: lineItemIdOf(order) },
        },
      }));
    }
  }

  private send(endpoint: string, message: (attempt: number) => unknown): void {
    this.chain = this.chain.then(async () => {
      for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
        const rawBody = JSON.stringify(message(attempt));
        try {
          const answer = await fetch(this.reach(endpoint), {
            method: "POST",
            headers: { "content-type": "application/json", "x-ebay-signature": this.signatureHeader(rawBody) },
            body: rawBody,
          });
          if (answer.ok) {
            this.delivered++;
            return;
          }
        } catch {
          // no answer: try again
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
      }
      this.failed++;
    });
  }

  /** Resolves once every notification sent so far was delivered or given up. */
  async settled(): Promise<{ delivered: number; failed: number }> {
    await this.chain;
    return { delivered: this.delivered, failed: this.failed };
  }
}
