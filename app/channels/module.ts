// What a marketplace is to Anchorline: one ChannelModule per folder (app/channels/<kind>/module.ts),
// listed once in registry.ts. Adding a marketplace is a new folder and one line there.

import { z } from "zod";
import type { ChannelContentRules } from "~/lib/content-rules";
import type { ChannelLimits, Connector, ConnectorConfig, MarketplaceKind } from "./connector";

/** One credential the merchant types when connecting an account, as the connector reads it. */
export interface CredentialField {
  name: string;
  label: string;
}

/** What a connector may ask of the app: today, keeping credentials a marketplace rotated. */
export interface ConnectorHooks {
  /** Merges rotated credentials (a refreshed token) into the channel's sealed credentials. */
  saveCredentials(changed: Record<string, string>): Promise<void>;
}

/**
 * How a marketplace's order notifications prove they come from the set-up Anchorline asked for
 * (checked by notifications.server.ts, in constant time): a header holding a value made from the
 * channel's notification key, checked before the body is read (Amazon, Walmart), or a header
 * holding a signature over the raw body, checked by its connector once the body is read (TikTok
 * Shop with the account's credentials, eBay with eBay's public key). A delivery without the header
 * is refused unread.
 */
export interface OrderNotificationAuth {
  /** Lower case, as Headers.get reads it. */
  header: string;
  /** The header's value, made from the channel's notification key. */
  expectedValue?(key: string): string;
  /** The header is a signature over the raw body: Connector.notificationSignatureMatches checks it. */
  signsBody?: true;
  /**
   * Where the marketplace validates the endpoint before it sends to it (eBay's destinations): a GET
   * with the challenge in this query parameter, answered 200 with the JSON `answer` makes from the
   * challenge, the channel's notification key (the verification token Anchorline gave) and the
   * endpoint's URL.
   */
  endpointChallenge?: { parameter: string; answer(challenge: string, key: string, endpoint: string): Promise<unknown> };
  /**
   * true: Anchorline subscribes the account when it is connected (Connector.subscribeToOrderNotifications);
   * false: the merchant sets the sender up, with what the Channels screen shows.
   */
  subscribedAtConnect: boolean;
}

export interface ChannelSettings {
  /** Set only for the demo and tests: where the marketplace's API is (a simulator). */
  endpoints?: { api?: string; auth?: string };
  /**
   * Set only for the demo and tests: how often to ask a simulator whether a feed is done. A real
   * marketplace takes minutes and asks to be polled sparingly; each module keeps that default.
   */
  feedPollIntervalMs?: number;
  /**
   * Set only for the demo and tests: how often a connector reads returns from a report or a search
   * (Amazon asks for its report hourly, eBay searches its returns hourly). A simulator answers in
   * milliseconds.
   */
  returnsReportEveryMs?: number;
}

/** What the marketplace's redirect back from its consent page carries. */
export type ConsentAnswer =
  /** The merchant consented: the one-time code, and the account where the redirect names it (Amazon's selling_partner_id). */
  | { ok: true; code: string; accountId?: string }
  /** The merchant refused, or the marketplace said why not, in its words. */
  | { ok: false; reason: string };

/**
 * exchangeCode's refusal already in the merchant's words (the code expired or was used, the seller
 * holds several shops and must say which): shown as it is, where any other failure is put in words
 * by connectionProblemInWords, which speaks of credentials the merchant never typed here.
 */
export class ConsentRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConsentRefused";
  }
}

/**
 * How a merchant lets Anchorline act on their marketplace account without handing over developer
 * credentials: the marketplace's consent page, its redirect back to Anchorline, and the exchange of
 * the one-time code for the account's tokens. The app's own credentials (app/lib/app-credentials.ts) come
 * from the deployment's settings; only what `exchangeCode` returns is stored, sealed, per shop.
 * app/channels/consent.server.ts runs it; the state is Anchorline's, signed and taken once.
 */
export interface ConsentFlow {
  /** The marketplace's consent page for this app, carrying `state` and coming back to `redirectUri`. */
  consentUrl(input: {
    app: Record<string, string>;
    state: string;
    redirectUri: string;
    region: string | null;
    endpoints?: ChannelSettings["endpoints"];
  }): string;
  /** Reads the redirect's query: the code, or the refusal. */
  readAnswer(query: URLSearchParams): ConsentAnswer;
  /**
   * Exchanges the code for the account's own credentials (the connector's names: refreshToken,
   * accessToken...) and names the account (seller id, eBay user, shop id). A refused or expired
   * code throws ConsentRefused in the merchant's words, or a ChannelError the caller puts in words.
   */
  exchangeCode(input: {
    app: Record<string, string>;
    code: string;
    accountId?: string;
    redirectUri: string;
    region: string | null;
    endpoints?: ChannelSettings["endpoints"];
  }): Promise<{ accountId: string; credentials: Record<string, string> }>;
}

export type ConnectorFactory = (config: ConnectorConfig, hooks: ConnectorHooks, settings: ChannelSettings) => Connector;

export interface ChannelModule {
  readonly kind: MarketplaceKind;
  /** The marketplace's name as the merchant knows it. */
  readonly label: string;
  /** The credentials its connector reads, in the order the Channels screen asks for them. */
  readonly credentialFields: readonly CredentialField[];
  /** Checks and trims them (credentialSchemaOf(credentialFields)). */
  readonly credentials: z.ZodType<Record<string, string>>;
  /**
   * Where set, merchants connect through the marketplace's consent page (Amazon's website
   * authorization, eBay's OAuth consent, TikTok Shop's seller authorization) once the deployment
   * holds the app's credentials (app/lib/app-credentials.ts); the credential fields above are then only for
   * an account connected with developer credentials of its own (a seller's private app).
   */
  readonly consent?: ConsentFlow;
  /** How it wants its work batched and paced; each value cites its source in the module's limits. */
  readonly limits: ChannelLimits;
  /** Which content fields it carries and what it holds them to. */
  readonly contentRules: ChannelContentRules;
  /** Whether its connector reads pushed order notifications (Connector.ordersInNotification). */
  readonly readsOrderNotifications: boolean;
  /** How its order notifications prove they are the account's; set where readsOrderNotifications is. */
  readonly orderNotificationAuth?: OrderNotificationAuth;
  /**
   * What its connector reads of returns (ImportedOrderLine.returnedQuantity / refundedQuantity): the
   * Channels screen tells the merchant which returns setting can act on this marketplace.
   */
  readonly reportsReturns: { received: boolean; refunded: boolean };
  /**
   * The marketplace's own fulfilment programme, by the name merchants know it (Amazon FBA), or null
   * where it has none: a listing it fulfils from its own warehouse gets no quantity from Shopify
   * (Listing.fulfilledByMarketplace), and the Inventory screen offers the switch only where this is set.
   */
  readonly marketplaceFulfilment: string | null;
  /**
   * What its computed (velocity) buffers are multiplied by when the merchant set no multiplier
   * for the channel or the rule: the costlier an oversell there, the larger. Cites its source.
   */
  readonly defaultRiskMultiplier: number;
  /**
   * Whether it crawls other channels' public prices (the merchant's own store included), so the
   * default parity matrix has it watch every other channel. Cites its source.
   */
  readonly watchesOtherPrices: boolean;
  readonly createConnector: ConnectorFactory;
  /** Closes what the module shares across connectors (eBay's revision counter), at shutdown. */
  close?(): Promise<void>;
}

/** Every field required, trimmed, and named in the message the merchant sees. */
export function credentialSchemaOf(fields: readonly CredentialField[]): z.ZodType<Record<string, string>> {
  return z.object(
    Object.fromEntries(
      fields.map((f) => [
        f.name,
        z
          .string({ error: `${f.label} is required` })
          .trim()
          .min(1, `${f.label} is required`),
      ]),
    ),
  ) as unknown as z.ZodType<Record<string, string>>;
}

export function feedPollingOf(settings: ChannelSettings): { intervalMs: number } | undefined {
  return settings.feedPollIntervalMs ? { intervalMs: settings.feedPollIntervalMs } : undefined;
}
