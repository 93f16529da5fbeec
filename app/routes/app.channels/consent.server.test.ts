import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { RequestRefused } from "~/lib/errors";
import { openCredentials } from "~/lib/secrets.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { uniqueShopDomain } from "../../../test/factories";
import { startAmazonSimulator, type AmazonSimulator } from "../../../simulators/amazon/server";
import { loader as consentReturn } from "../consent.$kind";
import { testChannelConnection } from "./channels.server";
import { consentAvailable, consentOutcomeOf, consentRedirectUri, startConsent, CONSENT_STATE_TTL_MS } from "./consent.server";
import { action as channelsAction } from "./route";

// A merchant connects Amazon through Seller Central's consent page (the SP-API website
// authorization workflow), the simulated one, and the shared consent state logic around it: the
// state is signed, bound to its shop and marketplace, taken once and within 15 minutes. The
// deployment holds the app's SP-API application id and LWA client (AMAZON_SP_APP_ID,
// AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET); Amazon's registered redirect URI is /consent/amazon.

const APP = { applicationId: "amzn1.sp.solution.anchorline-test", clientId: "amzn1.application-oa2-client.anchorline", clientSecret: "lwa-app-secret" };
const SETTINGS = { AMAZON_SP_APP_ID: APP.applicationId, AMAZON_LWA_CLIENT_ID: APP.clientId, AMAZON_LWA_CLIENT_SECRET: APP.clientSecret };
const SELLER = "A2CONSENTSELLER";
const US = "ATVPDKIKX0DER";

let sim: AmazonSimulator;
/** How far the simulated Amazon's clock is ahead of this machine's (its codes expire on it). */
let ahead = 0;

beforeAll(async () => {
  sim = await startAmazonSimulator({
    now: () => Date.now() + ahead,
    // The seller's account, with a private app of its own as well (never used here).
    sellers: [{ sellerId: SELLER, marketplaceId: US, clientId: "sellers-own-client", clientSecret: "own", refreshToken: "Atzr|own", listings: [] }],
    apps: [{ ...APP, name: "Anchorline", redirectUris: [consentRedirectUri("AMAZON")] }],
  });
  Object.assign(process.env, SETTINGS);
  process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS = JSON.stringify({ AMAZON: { api: sim.url, auth: sim.url } });
});

beforeEach(() => {
  ahead = 0;
});

afterAll(async () => {
  for (const name of Object.keys(SETTINGS)) delete process.env[name];
  delete process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS;
  await sim?.stop();
  await queues().close();
});

async function newShop() {
  const domain = uniqueShopDomain("amazon-consent");
  return prisma.shop.create({ data: { domain, name: "Kettles and Co" } });
}

const AMAZON_US = { kind: "AMAZON" as const, name: "Amazon US", region: US };

/**
 * The merchant's browser on Seller Central's consent page: it opens the page, presses Confirm or
 * Cancel, and follows Amazon's redirect, which must be Anchorline's /consent/amazon; returns the query it carries.
 */
async function onAmazonsPage(consentUrl: string, button: "confirm" | "cancel"): Promise<URLSearchParams> {
  const page = await fetch(consentUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name, value.replace(/&amp;/g, "&"));
  form.set("decision", button);
  const answer = await fetch(new URL(/action="([^"]+)"/.exec(html)![1], consentUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(consentRedirectUri("AMAZON"));
  return back.searchParams;
}

/** Anchorline's /consent/amazon (or another marketplace's path) receiving the browser. */
async function arrive(query: URLSearchParams, kind = "amazon"): Promise<Response> {
  return consentReturn({ request: new Request(`https://anchorline.test/consent/${kind}?${query.toString()}`), params: { kind }, context: {} });
}

/** Where the redirect sends the merchant: the Channels screen in their admin, with the attempt to show. */
function attemptOf(answer: Response, shopDomain: string): string {
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(`https://${shopDomain}/admin/apps/${process.env.SHOPIFY_API_KEY}/app/channels`);
  return location.searchParams.get("consent")!;
}

const amazonChannelsOf = (shopId: string) => prisma.channel.findMany({ where: { shopId, kind: "AMAZON" } });

describe("connecting Amazon through Seller Central's consent page", () => {
  it("given the deployment's Amazon app, when the merchant starts, confirms on Amazon and comes back, then the account is connected with only its sealed refresh token, not live yet", async () => {
    const shop = await newShop();
    expect(consentAvailable("AMAZON")).toBe(true);
    const { url } = await startConsent(shop.domain, AMAZON_US);
    // Seller Central's consent URI (here the simulator's) for Anchorline's application and this state, coming back to /consent/amazon.
    const consentUrl = new URL(url);
    expect(`${consentUrl.origin}${consentUrl.pathname}`).toBe(`${sim.url}/apps/authorize/consent`);
    expect(consentUrl.searchParams.get("application_id")).toBe(APP.applicationId);
    expect(consentUrl.searchParams.get("redirect_uri")).toBe("https://anchorline.test/consent/amazon");

    const back = await onAmazonsPage(url, "confirm");
    expect(back.get("selling_partner_id")).toBe(SELLER);
    const attemptId = attemptOf(await arrive(back), shop.domain);

    expect(await consentOutcomeOf(shop.domain, attemptId)).toEqual({ ok: true, message: "Amazon connected" });
    const [channel] = await amazonChannelsOf(shop.id);
    expect(channel).toMatchObject({ accountId: SELLER, region: US, name: "Amazon US", status: "CONNECTED", liveAt: null });
    // Only the seller's refresh token is stored, sealed; the LWA client is the deployment's.
    const credentials = openCredentials(channel.credentialsCiphertext!, shop.id);
    expect(Object.keys(credentials)).toEqual(["refreshToken"]);
    expect(credentials.refreshToken).toMatch(/^Atzr\|/);
    expect(channel.credentialsCiphertext).not.toContain(credentials.refreshToken);
    expect(channel.credentialsCiphertext).not.toContain(APP.clientSecret);
    // and with the app's client merged in, the connector reaches the seller's account.
    expect(await testChannelConnection(shop.domain, channel.id)).toEqual({ ok: true });
  });

  it("given the merchant presses Cancel on Amazon's page, then nothing is connected and the Channels screen says consent was not given", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, AMAZON_US);
    const back = await onAmazonsPage(url, "cancel");
    expect(back.get("error")).toBe("access_denied");
    const attemptId = attemptOf(await arrive(back), shop.domain);

    expect(await consentOutcomeOf(shop.domain, attemptId)).toEqual({
      ok: false,
      message: "Amazon consent was not given: you chose Cancel on Amazon's consent page, so Anchorline was given no access.",
    });
    expect(await amazonChannelsOf(shop.id)).toEqual([]);
  });

  it("given the merchant comes back after the code's five minutes, then Amazon refuses it and the screen says to connect again; nothing is stored", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, AMAZON_US);
    const back = await onAmazonsPage(url, "confirm");
    ahead = 5 * 60_000 + 1_000;
    const attemptId = attemptOf(await arrive(back), shop.domain);

    expect(await consentOutcomeOf(shop.domain, attemptId)).toEqual({
      ok: false,
      message: "Amazon no longer accepts the code it sent back (it is good for five minutes and only once): connect Amazon again.",
    });
    expect(await amazonChannelsOf(shop.id)).toEqual([]);
  });

  it("given Amazon's redirect arrives twice (a reload), then the second changes nothing: no second exchange, the first outcome stays", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, AMAZON_US);
    const back = await onAmazonsPage(url, "confirm");
    const attemptId = attemptOf(await arrive(back), shop.domain);
    const [connected] = await amazonChannelsOf(shop.id);
    const exchanges = () => sim.requests.filter((r) => r.path === "/auth/o2/token").length;
    const before = exchanges();

    expect(attemptOf(await arrive(back), shop.domain)).toBe(attemptId);
    expect(exchanges()).toBe(before);
    expect(await consentOutcomeOf(shop.domain, attemptId)).toEqual({ ok: true, message: "Amazon connected" });
    expect(await amazonChannelsOf(shop.id)).toEqual([connected]);
  });

  it("refuses a state made of another shop's attempt, a forged MAC, or an Amazon state on another marketplace's path: a 400 page naming no shop, and the genuine state still works afterwards", async () => {
    const shop = await newShop();
    const other = await newShop();
    const { url } = await startConsent(shop.domain, AMAZON_US);
    const back = await onAmazonsPage(url, "confirm");
    const [attemptId, mac] = back.get("state")!.split(".");
    const otherBack = await onAmazonsPage((await startConsent(other.domain, AMAZON_US)).url, "confirm");
    const [otherAttemptId, otherMac] = otherBack.get("state")!.split(".");

    const tampered = (state: string) => {
      const query = new URLSearchParams(back);
      query.set("state", state);
      return query;
    };
    for (const [query, kind] of [
      [tampered(`${attemptId}.${otherMac}`), "amazon"],
      [tampered(`${otherAttemptId}.${mac}`), "amazon"],
      [tampered(`${attemptId}.${"A".repeat(mac.length)}`), "amazon"],
      [tampered(attemptId), "amazon"],
      [back, "ebay"],
    ] as const) {
      const answer = await arrive(query, kind);
      expect(answer.status).toBe(400);
      const text = await answer.text();
      expect(text).toMatch(/consent did not start in Anchorline: connect .* again from the Channels screen/);
      expect(text).not.toContain(shop.domain);
      expect(text).not.toContain(other.domain);
    }
    expect(await amazonChannelsOf(shop.id)).toEqual([]);
    expect(await amazonChannelsOf(other.id)).toEqual([]);
    expect(await prisma.consentAttempt.findUniqueOrThrow({ where: { id: attemptId } })).toMatchObject({ usedAt: null, outcome: null });

    attemptOf(await arrive(back), shop.domain);
    expect(await amazonChannelsOf(shop.id)).toHaveLength(1);
  });

  it("given the merchant comes back more than 15 minutes after starting, then the state has expired and nothing is exchanged or stored", async () => {
    const shop = await newShop();
    const startedAt = new Date(Date.now() - CONSENT_STATE_TTL_MS - 1_000);
    const { url } = await startConsent(shop.domain, AMAZON_US, prisma, startedAt);
    const back = await onAmazonsPage(url, "confirm");
    const exchanges = sim.requests.filter((r) => r.path === "/auth/o2/token").length;
    const attemptId = attemptOf(await arrive(back), shop.domain);

    expect(await consentOutcomeOf(shop.domain, attemptId)).toEqual({
      ok: false,
      message: "This Amazon consent expired before you came back: connect Amazon again.",
    });
    expect(sim.requests.filter((r) => r.path === "/auth/o2/token").length).toBe(exchanges);
    expect(await amazonChannelsOf(shop.id)).toEqual([]);
  });

  it("asks for the account's marketplace id before sending the merchant to Amazon, since it names the Seller Central and the marketplace the connector sells in", async () => {
    const shop = await newShop();
    await expect(startConsent(shop.domain, { ...AMAZON_US, region: "NA" })).rejects.toThrow(
      /Amazon needs the account's marketplace id as its region \(one of ATVPDKIKX0DER, .*\)/,
    );
    await expect(startConsent(shop.domain, { ...AMAZON_US, region: null })).rejects.toBeInstanceOf(RequestRefused);
  });

  it("given a deployment without all three Amazon app settings, then Amazon is not offered through consent and starting one is refused in words", async () => {
    const shop = await newShop();
    await installShopSession(prisma, shop.domain);
    delete process.env.AMAZON_LWA_CLIENT_SECRET;
    try {
      expect(consentAvailable("AMAZON")).toBe(false);
      const answer = (await channelsAction({
        request: await adminRequest(shop.domain, "/app/channels", { form: { intent: "consent", ...AMAZON_US } }),
        params: {},
        context: {},
      })) as unknown as { data: { ok: boolean; message?: string; consentUrl?: string }; init: { status: number } };
      expect(answer.init.status).toBe(422);
      expect(answer.data).toEqual({
        ok: false,
        errors: {},
        message: "Amazon cannot be connected yet: this Anchorline deployment has not been set up with its Amazon app credentials.",
      });
      expect(await prisma.consentAttempt.count({ where: { shopId: shop.id } })).toBe(0);
    } finally {
      process.env.AMAZON_LWA_CLIENT_SECRET = SETTINGS.AMAZON_LWA_CLIENT_SECRET;
    }
  });

  it("given the seller later revokes Anchorline in Seller Central, then the account's connection test says in words that Amazon no longer lets Anchorline in and to consent again, with no status code", async () => {
    const shop = await newShop();
    const back = await onAmazonsPage((await startConsent(shop.domain, AMAZON_US)).url, "confirm");
    attemptOf(await arrive(back), shop.domain);
    const [channel] = await amazonChannelsOf(shop.id);

    sim.state.revokeAuthorization(SELLER);
    const tested = await testChannelConnection(shop.domain, channel.id);
    expect(tested).toEqual({
      ok: false,
      message: expect.stringMatching(/^Amazon no longer lets Anchorline act on this account .*connect it again through Amazon's consent page/),
    });
    expect(tested.ok ? "" : tested.message).not.toMatch(/\b[45]\d\d\b|invalid_grant/);
  });
});
