import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { tiktokConsent, TIKTOK_AUTHORIZE_HOSTS } from "~/channels/tiktok/consent";
import { openCredentials } from "~/lib/secrets.server";
import { queues } from "~/queues.server";
import { uniqueShopDomain } from "../../../test/factories";
import { AUTH_CODE_TTL_MS, tiktokShopId } from "../../../simulators/tiktok/authorization";
import { startTikTokSimulator, type TikTokSimulator } from "../../../simulators/tiktok/server";
import { testChannelConnection } from "./channels.server";
import { consentOutcomeOf, consentRedirectUri, finishConsent, startConsent } from "./consent.server";

// A merchant connects TikTok Shop through TikTok's seller authorization page, the simulated one:
// Anchorline's deployment holds its TikTok Shop app (TIKTOK_APP_KEY, TIKTOK_APP_SECRET,
// TIKTOK_SERVICE_ID), whose redirect URL registered in Partner Center is Anchorline's /consent/tiktok.

const APP = { appKey: "6anchorline01", appSecret: "tts-app-secret-0123456789", serviceId: "7300000000000000042" };
const SETTINGS = { TIKTOK_APP_KEY: APP.appKey, TIKTOK_APP_SECRET: APP.appSecret, TIKTOK_SERVICE_ID: APP.serviceId };
const shopSpec = (shopCipher: string) => ({ ...APP, shopCipher, accessToken: `TTP_seed_${shopCipher}`, refreshToken: `TTR_seed_${shopCipher}`, products: [] });

let sim: TikTokSimulator;

beforeAll(async () => {
  sim = await startTikTokSimulator({
    shops: [shopSpec("US_harbor"), shopSpec("US_twin"), shopSpec("GB_twin")],
    apps: [{ serviceId: APP.serviceId, appKey: APP.appKey, appSecret: APP.appSecret, name: "Anchorline", redirectUrl: consentRedirectUri("TIKTOK") }],
    sellers: [
      { name: "Harbor Goods", shops: [{ cipher: "US_harbor", name: "Harbor Goods US", region: "US" }] },
      {
        name: "Twin Shops",
        shops: [
          { cipher: "US_twin", name: "Twin Shops US", region: "US" },
          { cipher: "GB_twin", name: "Twin Shops UK", region: "GB" },
        ],
      },
    ],
  });
  Object.assign(process.env, SETTINGS);
  process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS = JSON.stringify({ TIKTOK: { api: sim.url, auth: sim.url } });
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  for (const name of Object.keys(SETTINGS)) delete process.env[name];
  delete process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS;
  await sim?.stop();
  await queues().close();
});

async function newShop() {
  return prisma.shop.create({ data: { domain: uniqueShopDomain("tiktok-consent"), name: "Harbor Goods" } });
}

/** The merchant's browser on TikTok's authorization page: signed in as `seller`, it presses Authorize or Cancel; returns where TikTok sends it. */
async function onTikToksPage(consentUrl: string, seller: string, button: "authorize" | "cancel"): Promise<URL> {
  const html = await (await fetch(consentUrl)).text();
  expect(html).toContain("Authorize Anchorline");
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name, value.replace(/&#38;/g, "&"));
  form.set("seller", seller);
  form.set("decision", button);
  const answer = await fetch(new URL("/open/authorize", consentUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location")!);
}

/** How the consent the redirect finishes ended (its state is always one of this test's). */
async function outcomeOf(redirect: URLSearchParams) {
  const finished = await finishConsent("TIKTOK", redirect);
  if (finished.attemptId === null) throw new Error(finished.message);
  return finished.outcome;
}

describe("connecting TikTok Shop through TikTok's seller authorization page", () => {
  it("given the seller authorizes, when TikTok sends them back, then their shop is connected under its shop id with only its own tokens and shop cipher stored, sealed", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, { kind: "TIKTOK", name: "TikTok Shop US", region: null });
    const asked = new URL(url);
    expect(`${asked.origin}${asked.pathname}`).toBe(`${sim.url}/open/authorize`);
    expect(asked.searchParams.get("service_id")).toBe(APP.serviceId);

    const back = await onTikToksPage(url, "Harbor Goods", "authorize");
    expect(`${back.origin}${back.pathname}`).toBe(consentRedirectUri("TIKTOK"));
    expect(back.searchParams.get("state")).toBe(asked.searchParams.get("state"));
    const finished = await finishConsent("TIKTOK", back.searchParams);

    expect(finished).toMatchObject({ shopDomain: shop.domain, outcome: { ok: true } });
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "TIKTOK" } });
    expect(channel).toMatchObject({ accountId: tiktokShopId("US_harbor"), name: "TikTok Shop US", status: "CONNECTED" });
    const issued = sim.shop("US_harbor");
    expect(channel.credentialsCiphertext).not.toContain(issued.accessToken);
    expect(channel.credentialsCiphertext).not.toContain(issued.refreshToken);
    // The seller's tokens and shop only: the app key and secret stay the deployment's settings.
    expect(openCredentials(channel.credentialsCiphertext!, shop.id)).toEqual({
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      accessTokenExpiresAt: String(issued.accessTokenExpiresAt),
      shopCipher: "US_harbor",
    });
    expect(await consentOutcomeOf(shop.domain, finished.attemptId!)).toEqual({ ok: true, message: "TikTok Shop connected" });
    expect(await testChannelConnection(shop.domain, channel.id)).toEqual({ ok: true });
  });

  it("given the seller presses Cancel, when TikTok sends them back, then nothing is connected and the Channels screen says they refused", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, { kind: "TIKTOK", name: "TikTok Shop US", region: null });
    const back = await onTikToksPage(url, "Harbor Goods", "cancel");
    const finished = await finishConsent("TIKTOK", back.searchParams);

    const refusal = "TikTok Shop consent was not given: you chose Cancel on TikTok Shop's authorization page, so Anchorline was given no access.";
    expect(finished).toMatchObject({ outcome: { ok: false, message: refusal } });
    expect(await consentOutcomeOf(shop.domain, finished.attemptId!)).toEqual({ ok: false, message: refusal });
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("given a code already exchanged, or one that waited past its 10 minutes, when the merchant comes back with it, then nothing is connected and the screen says to connect again", async () => {
    const expected = {
      ok: false,
      message: "TikTok Shop did not take the authorization: it had expired or was already used. Connect TikTok Shop again.",
    };
    const used = await newShop();
    const first = await startConsent(used.domain, { kind: "TIKTOK", name: "TikTok Shop US", region: null });
    const back = await onTikToksPage(first.url, "Harbor Goods", "authorize");
    // Someone holding the redirect's address exchanged the code first.
    const stolen = await fetch(
      `${sim.url}/api/v2/token/get?${new URLSearchParams({ app_key: APP.appKey, app_secret: APP.appSecret, auth_code: back.searchParams.get("code")!, grant_type: "authorized_code" })}`,
    );
    expect(await stolen.json()).toMatchObject({ code: 0 });
    expect(await outcomeOf(back.searchParams)).toEqual(expected);
    expect(await prisma.channel.count({ where: { shopId: used.id } })).toBe(0);

    const slow = await newShop();
    const second = await startConsent(slow.domain, { kind: "TIKTOK", name: "TikTok Shop US", region: null });
    const late = await onTikToksPage(second.url, "Harbor Goods", "authorize");
    // The merchant's state lives 15 minutes, TikTok's code 10: the code is what runs out.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + AUTH_CODE_TTL_MS + 1000 });
    expect(await outcomeOf(late.searchParams)).toEqual(expected);
    expect(await prisma.channel.count({ where: { shopId: slow.id } })).toBe(0);
  });

  it("given a seller holding a US and a UK shop, when they authorize with no region given, then nothing is guessed and the screen lists both; with region GB the UK shop is connected by its cipher", async () => {
    const shop = await newShop();
    const unnamed = await startConsent(shop.domain, { kind: "TIKTOK", name: "TikTok Shop", region: null });
    const refused = await outcomeOf((await onTikToksPage(unnamed.url, "Twin Shops", "authorize")).searchParams);
    expect(refused).toEqual({
      ok: false,
      message:
        "This TikTok Shop seller account holds 2 shops: Twin Shops US (US), Twin Shops UK (GB). Connect again with the region of the shop to connect, so the right one is chosen.",
    });
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);

    const named = await startConsent(shop.domain, { kind: "TIKTOK", name: "TikTok Shop UK", region: "GB" });
    // A shop outside the US authorizes on TikTok's global page (the simulator stands in for both).
    expect(tiktokConsent.consentUrl({ app: SETTINGS_AS_APP, state: "s", redirectUri: "", region: "GB" })).toBe(
      `${TIKTOK_AUTHORIZE_HOSTS.global}/open/authorize?service_id=${APP.serviceId}&state=s`,
    );
    const connected = await outcomeOf((await onTikToksPage(named.url, "Twin Shops", "authorize")).searchParams);
    expect(connected).toMatchObject({ ok: true });
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "TIKTOK" } });
    expect(channel).toMatchObject({ accountId: tiktokShopId("GB_twin"), region: "GB" });
    expect(openCredentials(channel.credentialsCiphertext!, shop.id)).toMatchObject({ shopCipher: "GB_twin" });
    expect(await testChannelConnection(shop.domain, channel.id)).toEqual({ ok: true });
  });

  it("given a connected shop whose seller then revokes Anchorline's authorization, when its connection is tested after the access token expired, then the refresh is refused and the screen says so in words; authorizing again brings the same account back", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, { kind: "TIKTOK", name: "TikTok Shop US", region: null });
    expect(await outcomeOf((await onTikToksPage(url, "Harbor Goods", "authorize")).searchParams)).toMatchObject({ ok: true });
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "TIKTOK" } });

    sim.expireAccessToken("US_harbor");
    sim.revoke("US_harbor");

    expect(await testChannelConnection(shop.domain, channel.id)).toEqual({
      ok: false,
      message:
        "TikTok Shop no longer lets Anchorline act on this account (the access was revoked or has run out): connect it again through TikTok Shop's consent page.",
    });

    // The merchant authorizes again: the same account (by its shop id) takes the new tokens and works.
    const again = await startConsent(shop.domain, { kind: "TIKTOK", name: "TikTok Shop US", region: null });
    expect(await outcomeOf((await onTikToksPage(again.url, "Harbor Goods", "authorize")).searchParams)).toEqual({ ok: true, channelId: channel.id });
    const renewed = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(openCredentials(renewed.credentialsCiphertext!, shop.id)).toMatchObject({ accessToken: sim.shop("US_harbor").accessToken });
    expect(await testChannelConnection(shop.domain, channel.id)).toEqual({ ok: true });
  });
});

describe("TikTok Shop's authorization link", () => {
  it("given no simulator, then US sellers (the default) get services.us.tiktokshop.com and others services.tiktokshop.com, with the service id and state", () => {
    expect(tiktokConsent.consentUrl({ app: SETTINGS_AS_APP, state: "a.b", redirectUri: "ignored", region: null })).toBe(
      "https://services.us.tiktokshop.com/open/authorize?service_id=7300000000000000042&state=a.b",
    );
    expect(tiktokConsent.consentUrl({ app: SETTINGS_AS_APP, state: "a.b", redirectUri: "ignored", region: "us" })).toMatch(
      /^https:\/\/services\.us\.tiktokshop\.com\//,
    );
    expect(tiktokConsent.consentUrl({ app: SETTINGS_AS_APP, state: "a.b", redirectUri: "ignored", region: "MY" })).toMatch(
      /^https:\/\/services\.tiktokshop\.com\//,
    );
  });
});

/** The app credentials by the names the connector reads them (app/lib/app-credentials.ts). */
const SETTINGS_AS_APP = { appKey: APP.appKey, appSecret: APP.appSecret, serviceId: APP.serviceId };
