import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { openCredentials } from "~/lib/secrets.server";
import { queues } from "~/queues.server";
import { uniqueShopDomain } from "../../../test/factories";
import { startEbaySimulator, type EbaySimulator } from "../../../simulators/ebay/server";
import { testChannelConnection } from "./channels.server";
import { consentOutcomeOf, consentRedirectUri, finishConsent, startConsent } from "./consent.server";

// A merchant connects eBay through eBay's own consent page, the simulated one: Anchorline's
// deployment holds its keyset and RuName (EBAY_APP_ID, EBAY_CERT_ID, EBAY_RU_NAME), whose accept
// and declined URLs in eBay's developer console are Anchorline's /consent/ebay.

const APP = { appId: "Anchorli-Sync-PRD-0a1b2c", certId: "PRD-0a1b2c3d4e5f", ruName: "Anchorline-Anchorli-Sync-P-xyzabc" };
const SELLER = "mugs-and-more";
const SETTINGS = { EBAY_APP_ID: APP.appId, EBAY_CERT_ID: APP.certId, EBAY_RU_NAME: APP.ruName };

let sim: EbaySimulator;
let clock = Date.now();

beforeAll(async () => {
  sim = await startEbaySimulator({
    now: () => clock,
    // The seller's account, seeded with a grant to some other app of theirs.
    accounts: [{ userId: SELLER, marketplaceId: "EBAY_US", appId: "Sellers-Own-App", certId: "own-cert", refreshToken: "own-refresh", listings: [] }],
    consent: {
      apps: [{ ...APP, acceptUrl: consentRedirectUri("EBAY"), declineUrl: consentRedirectUri("EBAY"), displayTitle: "Anchorline" }],
      signedInAs: SELLER,
    },
  });
  Object.assign(process.env, SETTINGS);
  process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS = JSON.stringify({ EBAY: { api: sim.url, auth: sim.url } });
});

afterAll(async () => {
  for (const name of Object.keys(SETTINGS)) delete process.env[name];
  delete process.env.ANCHORLINE_MARKETPLACE_ENDPOINTS;
  await sim?.stop();
  await queues().close();
});

async function newShop() {
  const domain = uniqueShopDomain("ebay-consent");
  const shop = await prisma.shop.create({ data: { domain, name: "Mugs and More" } });
  return shop;
}

/** The merchant's browser on eBay's consent page: it opens the page and presses Agree or Disagree; returns where eBay sends it back to. */
async function onEbaysPage(consentUrl: string, button: "agree" | "disagree"): Promise<URL> {
  const html = await (await fetch(consentUrl)).text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name, value.replace(/&amp;/g, "&"));
  form.set("username", /name="username" value="([^"]*)"/.exec(html)![1]);
  form.set("decision", button);
  const answer = await fetch(new URL("/oauth2/authorize", consentUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location")!);
}

describe("connecting eBay through eBay's consent page", () => {
  it("given the merchant agrees on eBay's page, when eBay sends them back, then the eBay user getUser names is connected with only its refresh token stored, sealed", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, { kind: "EBAY", name: "eBay US", region: "EBAY_US" });
    const asked = new URL(url);
    expect(`${asked.origin}${asked.pathname}`).toBe(`${sim.url}/oauth2/authorize`);
    expect(asked.searchParams.get("client_id")).toBe(APP.appId);
    expect(asked.searchParams.get("redirect_uri")).toBe(APP.ruName);
    expect(asked.searchParams.get("scope")!.split(" ")).toEqual(expect.arrayContaining(["https://api.ebay.com/oauth/api_scope/sell.inventory"]));

    const back = await onEbaysPage(url, "agree");
    expect(`${back.origin}${back.pathname}`).toBe(consentRedirectUri("EBAY"));
    const finished = await finishConsent("EBAY", back.searchParams);

    expect(finished).toMatchObject({ shopDomain: shop.domain, outcome: { ok: true } });
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "EBAY" } });
    expect(channel).toMatchObject({ accountId: SELLER, name: "eBay US", region: "EBAY_US", status: "CONNECTED" });
    const stored = openCredentials(channel.credentialsCiphertext!, shop.id);
    // Only the seller's refresh token: the app's keyset stays in the deployment's settings.
    expect(Object.keys(stored)).toEqual(["refreshToken"]);
    expect(sim.consent.grants.get(stored.refreshToken)).toMatchObject({ userId: SELLER, appId: APP.appId });
    expect(channel.credentialsCiphertext).not.toContain(stored.refreshToken);
    expect(channel.credentialsCiphertext).not.toContain(APP.certId);
    expect(await consentOutcomeOf(shop.domain, finished.attemptId!)).toEqual({ ok: true, message: "eBay connected" });
    // The connection test ran as the seller with the new token, and the stored account answers.
    expect(await testChannelConnection(shop.domain, channel.id)).toEqual({ ok: true });
  });

  it("given the merchant chooses Disagree, when eBay sends them back, then nothing is connected and the Channels screen says they refused", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, { kind: "EBAY", name: "eBay US", region: "EBAY_US" });
    const back = await onEbaysPage(url, "disagree");
    const finished = await finishConsent("EBAY", back.searchParams);

    expect(finished).toMatchObject({ outcome: { ok: false } });
    expect(await consentOutcomeOf(shop.domain, finished.attemptId!)).toEqual({
      ok: false,
      message: "eBay consent was not given: you chose Disagree on eBay's consent page, so Anchorline was given no access.",
    });
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("given eBay's code expired before it reached Anchorline, when it is exchanged, then nothing is connected and the merchant is told in words", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, { kind: "EBAY", name: "eBay US", region: "EBAY_US" });
    const back = await onEbaysPage(url, "agree");
    clock += 300_000; // past the code's 299 seconds
    const finished = await finishConsent("EBAY", back.searchParams);

    expect(finished).toMatchObject({ outcome: { ok: false } });
    expect(await consentOutcomeOf(shop.domain, finished.attemptId!)).toEqual({
      ok: false,
      message: "eBay no longer accepts the code from its consent page (it lasts five minutes and works once): connect eBay again.",
    });
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("given a connected account whose seller later takes Anchorline's access back on eBay, when its connection is tested, then the merchant is told eBay refused it", async () => {
    const shop = await newShop();
    const { url } = await startConsent(shop.domain, { kind: "EBAY", name: "eBay US", region: "EBAY_US" });
    const finished = await finishConsent("EBAY", (await onEbaysPage(url, "agree")).searchParams);
    expect(finished).toMatchObject({ outcome: { ok: true } });
    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "EBAY" } });

    sim.consent.revokeAccess(SELLER, APP.appId);

    expect(await testChannelConnection(shop.domain, channel.id)).toEqual({
      ok: false,
      message: "eBay no longer lets Anchorline act on this account (the access was revoked or has run out): connect it again through eBay's consent page.",
    });
  });
});
