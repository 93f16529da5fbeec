import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { appCredentialsOf } from "~/lib/app-credentials";
import { ConsentRefused, type ChannelSettings } from "~/channels/module";
import { moduleOfKind, STORED_MARKETPLACE_KINDS, type StoredMarketplaceKind } from "~/channels/registry";
import defaultPrisma from "~/db.server";
import { embeddedAppUrl } from "~/lib/admin-url";
import { env } from "~/lib/env.server";
import { RequestRefused } from "~/lib/errors";
import { derivedSecret, secretMatches } from "~/lib/secrets.server";
import { shopIdOf } from "~/lib/shop-id.server";
import { connectChannel, connectionProblemInWords, simulatedEndpoints, type ConnectOutcome } from "./channels.server";

// Connecting a marketplace account through the marketplace's own consent page (ChannelModule.consent):
// the merchant leaves the Shopify admin for Amazon, eBay or TikTok Shop, consents there, and the
// marketplace sends the browser back to /consent/<kind> with a one-time code and Anchorline's
// state. The state names a ConsentAttempt row and carries a MAC over it, bound to the shop that
// asked: a state from another shop, a forged one, an expired one or one already used connects
// nothing. The code is exchanged for the account's tokens, which connectChannel tries with an
// authenticated call before storing them sealed, like any other connection.

/**
 * How long a merchant has to consent and come back. The marketplaces' codes live shorter (Amazon's
 * spapi_oauth_code five minutes, eBay's authorization code five minutes): those are checked by the
 * exchange; this bounds how long a state sent to the browser can be used at all.
 */
export const CONSENT_STATE_TTL_MS = 15 * 60_000;

/** The marketplaces a merchant can connect through consent on this deployment (app credentials set). */
export function consentAvailable(kind: StoredMarketplaceKind, source: Record<string, string | undefined> = process.env): boolean {
  const channelModule = moduleOfKind(kind);
  return Boolean(channelModule?.consent && appCredentialsOf(channelModule.kind, source));
}

/** Where each marketplace sends the merchant back: registered as the app's redirect URL with it. */
export function consentRedirectUri(kind: StoredMarketplaceKind, appUrl: string = env().SHOPIFY_APP_URL): string {
  return `${appUrl.replace(/\/$/, "")}/consent/${kind.toLowerCase()}`;
}

/** What the merchant gives before leaving for the consent page: which marketplace, the account's name here, its region. */
export const ConsentStartInput = z.object({
  kind: z.enum(STORED_MARKETPLACE_KINDS, { message: "Choose a marketplace" }),
  name: z.string().trim().min(1, "Name is required"),
  region: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
});

function stateMac(attemptId: string, shopId: string, kind: StoredMarketplaceKind): string {
  return derivedSecret(`consent-state:${attemptId}:${shopId}:${kind}`);
}

/**
 * Starts a consent: records the attempt and returns the marketplace's consent page for it. Refused
 * in words when the marketplace has no consent flow or this deployment lacks its app credentials.
 */
export async function startConsent(
  shopDomain: string,
  input: z.infer<typeof ConsentStartInput>,
  prisma: PrismaClient = defaultPrisma,
  now: Date = new Date(),
): Promise<{ url: string }> {
  const channelModule = moduleOfKind(input.kind);
  const app = channelModule ? appCredentialsOf(channelModule.kind) : null;
  if (!channelModule?.consent)
    throw new RequestRefused(`${channelModule?.label ?? input.kind} is connected with its own API keys, not through a consent page.`);
  if (!app)
    throw new RequestRefused(
      `${channelModule.label} cannot be connected yet: this Anchorline deployment has not been set up with its ${channelModule.label} app credentials.`,
    );
  const shopId = await shopIdOf(prisma, shopDomain);
  const attempt = await prisma.consentAttempt.create({
    data: {
      id: randomBytes(18).toString("base64url"),
      shopId,
      kind: input.kind,
      name: input.name,
      region: input.region || null,
      expiresAt: new Date(now.getTime() + CONSENT_STATE_TTL_MS),
    },
  });
  const url = channelModule.consent.consentUrl({
    app,
    state: `${attempt.id}.${stateMac(attempt.id, shopId, input.kind)}`,
    redirectUri: consentRedirectUri(input.kind),
    region: attempt.region,
    endpoints: simulatedEndpoints(input.kind),
  });
  return { url };
}

export type ConsentOutcome =
  /** The state named no attempt of Anchorline's: nothing to tell which shop it was for. */
  | { attemptId: null; shopDomain: null; message: string }
  /** Recorded on the attempt (ConsentAttempt.outcome) for the Channels screen to show. */
  | { attemptId: string; shopDomain: string; outcome: ConnectOutcome };

/**
 * Finishes a consent from the marketplace's redirect: checks the state (signed, this marketplace's,
 * not expired, taken once), reads the code or the refusal, exchanges the code and connects the
 * account. The outcome, in words naming the marketplace, is kept on the attempt for the Channels
 * screen; a state Anchorline did not sign names no shop and is answered without one.
 */
export async function finishConsent(
  kind: StoredMarketplaceKind,
  query: URLSearchParams,
  prisma: PrismaClient = defaultPrisma,
  now: Date = new Date(),
): Promise<ConsentOutcome> {
  const channelModule = moduleOfKind(kind);
  const label = channelModule?.label ?? kind;
  const [attemptId, mac] = (query.get("state") ?? "").split(".");
  const attempt = attemptId ? await prisma.consentAttempt.findUnique({ where: { id: attemptId }, include: { shop: { select: { domain: true } } } }) : null;
  if (!attempt || attempt.kind !== kind || !secretMatches(mac, stateMac(attempt.id, attempt.shopId, kind)))
    return {
      attemptId: null,
      shopDomain: null,
      message: `This ${label} consent did not start in Anchorline: connect ${label} again from the Channels screen.`,
    };
  const shopDomain = attempt.shop.domain;
  const ended = async (outcome: ConnectOutcome): Promise<ConsentOutcome> => {
    await prisma.consentAttempt.updateMany({
      where: { id: attempt.id, shopId: attempt.shopId },
      data: { outcome: outcome.ok ? `${label} connected` : outcome.message, channelId: outcome.ok ? outcome.channelId : null },
    });
    return { attemptId: attempt.id, shopDomain, outcome };
  };

  // Taken once, atomically: a replayed redirect (a reload, a copied link) finds it used and
  // changes nothing; the screen shows how the first one ended.
  const taken = await prisma.consentAttempt.updateMany({ where: { id: attempt.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (taken.count !== 1) {
    if (attempt.usedAt) return { attemptId: attempt.id, shopDomain, outcome: { ok: false, message: `This ${label} consent was already used.` } };
    return ended({ ok: false, message: `This ${label} consent expired before you came back: connect ${label} again.` });
  }

  const app = channelModule?.consent ? appCredentialsOf(channelModule.kind) : null;
  if (!channelModule?.consent || !app) return ended({ ok: false, message: `${label} cannot be connected through consent on this deployment.` });
  const answer = channelModule.consent.readAnswer(query);
  if (!answer.ok) return ended({ ok: false, message: `${label} consent was not given: ${answer.reason}` });

  const endpoints: ChannelSettings["endpoints"] = simulatedEndpoints(kind);
  let account: { accountId: string; credentials: Record<string, string> };
  try {
    account = await channelModule.consent.exchangeCode({
      app,
      code: answer.code,
      accountId: answer.accountId,
      redirectUri: consentRedirectUri(kind),
      region: attempt.region,
      endpoints,
    });
  } catch (error) {
    if (error instanceof ConsentRefused) return ended({ ok: false, message: error.message });
    return ended({ ok: false, message: connectionProblemInWords(kind, error instanceof Error ? error.message : String(error), "consent") });
  }
  return ended(
    await connectChannel(
      shopDomain,
      { kind, name: attempt.name, accountId: account.accountId, region: attempt.region ?? undefined, credentials: account.credentials },
      `merchant (through ${label}'s consent page)`,
      prisma,
    ),
  );
}

/** How the shop's consent ended, for the Channels screen on the merchant's return; null for another shop's. */
export async function consentOutcomeOf(shopDomain: string, attemptId: string, prisma: PrismaClient = defaultPrisma) {
  const shopId = await shopIdOf(prisma, shopDomain);
  const attempt = await prisma.consentAttempt.findFirst({ where: { id: attemptId, shopId }, select: { outcome: true, channelId: true } });
  if (!attempt?.outcome) return null;
  return { ok: attempt.channelId !== null, message: attempt.outcome };
}

/** The Channels screen inside the shop's admin, where the merchant comes back to after consenting. */
export function channelsScreenInAdmin(shopDomain: string, query: Record<string, string>): string {
  return embeddedAppUrl(shopDomain, `/app/channels?${new URLSearchParams(query).toString()}`);
}
