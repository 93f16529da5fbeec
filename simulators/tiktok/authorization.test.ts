import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tiktokSignature } from "~/channels/tiktok/sign";
import { AUTH_CODE_TTL_MS, TikTokAuthorization } from "./authorization";
import { startTikTokSimulator, type TikTokSimulator } from "./server";
import { TikTokShop } from "./state";

const APP = {
  serviceId: "7300000000000000042",
  appKey: "app-consent",
  appSecret: "secret-consent",
  name: "Anchorline",
  redirectUrl: "https://anchorline.test/consent/tiktok",
};
const shopSpec = (shopCipher: string) => ({
  appKey: APP.appKey,
  appSecret: APP.appSecret,
  shopCipher,
  accessToken: `TTP_${shopCipher}`,
  refreshToken: `TTR_${shopCipher}`,
  products: [],
});
let sim: TikTokSimulator;

beforeAll(async () => {
  sim = await startTikTokSimulator({
    shops: [shopSpec("US_ONE"), shopSpec("US_TWO"), shopSpec("GB_TWO")],
    apps: [APP],
    sellers: [
      { name: "Harbor Goods", shops: [{ cipher: "US_ONE", name: "Harbor Goods US" }] },
      {
        name: "Two Shops Ltd",
        shops: [
          { cipher: "US_TWO", name: "Two Shops US", region: "US" },
          { cipher: "GB_TWO", name: "Two Shops UK", region: "GB" },
        ],
      },
    ],
  });
});
afterAll(() => sim.stop());

const authorizePage = (query: Record<string, string>) => fetch(`${sim.url}/open/authorize?${new URLSearchParams(query)}`);
/** The seller's click on the page: the form it posts, the redirect TikTok answers with (not followed). */
async function decide(seller: string, decision: "authorize" | "cancel", state = "anchorline-state") {
  const answer = await fetch(`${sim.url}/open/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ service_id: APP.serviceId, state, seller, decision }).toString(),
    redirect: "manual",
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location")!);
}
const tokenGet = async (code: string, appSecret = APP.appSecret) =>
  (await (
    await fetch(
      `${sim.url}/api/v2/token/get?${new URLSearchParams({ app_key: APP.appKey, app_secret: appSecret, auth_code: code, grant_type: "authorized_code" })}`,
    )
  ).json()) as { code: number; message: string; data: { access_token: string; refresh_token: string; access_token_expire_in: number } | null };
/** A signed Partner API GET with the access token, as the connector sends it. */
async function signedGet(path: string, accessToken: string, extra: Record<string, string> = {}) {
  const query = { app_key: APP.appKey, timestamp: String(Math.floor(Date.now() / 1000)), ...extra };
  const sign = tiktokSignature({ appSecret: APP.appSecret, path, query, body: "" });
  const answer = await fetch(`${sim.url}${path}?${new URLSearchParams({ ...query, sign })}`, { headers: { "x-tts-access-token": accessToken } });
  return (await answer.json()) as { code: number; message: string; data: { shops?: Array<{ id: string; name: string; region: string; cipher: string }> } };
}

describe("TikTok Shop simulator: seller authorization", () => {
  it("given the app's authorization link, when the seller opens it, then the page names the app, the signed-in seller and offers Authorize and Cancel; an unknown service id is 'This service does not exist'", async () => {
    sim.signInAs("Two Shops Ltd");
    const html = await (await authorizePage({ service_id: APP.serviceId, state: "s-1" })).text();
    expect(html).toContain("<h1>Authorize Anchorline</h1>");
    expect(html).toMatch(/<option value="Two Shops Ltd" selected>/);
    expect(html).toContain('name="state" value="s-1"');
    expect(html).toContain('value="authorize">Authorize</button>');
    expect(html).toContain('value="cancel">Cancel</button>');

    const unknown = await authorizePage({ service_id: "123", state: "s-1" });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("This service does not exist");
  });

  it("given a seller who authorizes, when TikTok redirects and the code is exchanged, then the registered redirect URL gets app_key, code, locale, shop_region and the state, the tokens reach the seller's shop, and the code is refused the second time", async () => {
    const back = await decide("Harbor Goods", "authorize", "state-42");
    expect(back.origin + back.pathname).toBe(APP.redirectUrl);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      app_key: APP.appKey,
      code: expect.stringMatching(/^TTP_/),
      locale: "en",
      shop_region: "US",
      state: "state-42",
    });

    const first = await tokenGet(back.searchParams.get("code")!);
    expect(first).toMatchObject({ code: 0, data: { access_token: sim.shop("US_ONE").accessToken, refresh_token: sim.shop("US_ONE").refreshToken } });
    expect(first.data!.access_token_expire_in).toBeGreaterThan(Date.now() / 1000);
    expect(await tokenGet(back.searchParams.get("code")!)).toMatchObject({ code: 36004004, message: "invalid auth code", data: null });

    const shops = await signedGet("/authorization/202309/shops", first.data!.access_token);
    expect(shops.data.shops).toEqual([
      { id: expect.stringMatching(/^7\d{18,}$/), name: "Harbor Goods US", region: "US", seller_type: "LOCAL", cipher: "US_ONE", code: expect.any(String) },
    ]);
  });

  it("given a code exchanged with the wrong app secret, then it is refused and still good for the right one", async () => {
    const code = (await decide("Harbor Goods", "authorize")).searchParams.get("code")!;
    expect(await tokenGet(code, "not-the-secret")).toMatchObject({ code: 36009004 });
    expect(await tokenGet(code)).toMatchObject({ code: 0 });
  });

  it("given a seller who cancels, then TikTok sends the browser back with error=access_denied, its description and the state, and no code", async () => {
    const back = await decide("Harbor Goods", "cancel", "state-7");
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: "access_denied",
      error_description: "The seller declined to authorize the app.",
      state: "state-7",
    });
  });

  it("given a seller with two shops, when they authorize once, then Get Authorized Shops lists both with their ciphers and regions, and the one token reaches each shop by its cipher, as does the pair a refresh gives", async () => {
    const code = (await decide("Two Shops Ltd", "authorize")).searchParams.get("code")!;
    const token = (await tokenGet(code)).data!.access_token;
    const shops = (await signedGet("/authorization/202309/shops", token)).data.shops!;
    expect(shops.map((s) => [s.cipher, s.name, s.region])).toEqual([
      ["US_TWO", "Two Shops US", "US"],
      ["GB_TWO", "Two Shops UK", "GB"],
    ]);
    expect(new Set(shops.map((s) => s.id)).size).toBe(2);
    for (const cipher of ["US_TWO", "GB_TWO"]) expect(await signedGet("/event/202309/webhooks", token, { shop_cipher: cipher })).toMatchObject({ code: 0 });

    // A refresh rotates the pair for both shops: the new token reaches each, the old one neither.
    const refreshed = (await (
      await fetch(
        `${sim.url}/api/v2/token/refresh?${new URLSearchParams({ app_key: APP.appKey, app_secret: APP.appSecret, refresh_token: sim.shop("GB_TWO").refreshToken, grant_type: "refresh_token" })}`,
      )
    ).json()) as { data: { access_token: string } };
    for (const cipher of ["US_TWO", "GB_TWO"]) {
      expect(await signedGet("/event/202309/webhooks", refreshed.data.access_token, { shop_cipher: cipher })).toMatchObject({ code: 0 });
      expect(await signedGet("/event/202309/webhooks", token, { shop_cipher: cipher })).toMatchObject({ code: 105001 });
    }
  });
});

describe("TikTok Shop simulator: authorization codes expire", () => {
  it("given a code issued 10 minutes ago, when taken, then it is refused; one taken a moment before is good", () => {
    let now = 1_000_000;
    const shops = new Map([["US_ONE", new TikTokShop(shopSpec("US_ONE"))]]);
    const authorization = new TikTokAuthorization(shops, { apps: [APP] }, () => now);
    const fresh = authorization.issueCode(APP.appKey, ["US_ONE"]);
    const stale = authorization.issueCode(APP.appKey, ["US_ONE"]);
    now += AUTH_CODE_TTL_MS - 1;
    expect(authorization.takeCode(APP.appKey, fresh)?.shops.map((s) => s.spec.shopCipher)).toEqual(["US_ONE"]);
    now += 1;
    expect(authorization.takeCode(APP.appKey, stale)).toBeNull();
  });
});
