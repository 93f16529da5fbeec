import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTHORIZATION_CODE_SECONDS, REFRESH_TOKEN_SECONDS } from "./consent";
import { startEbaySimulator, type EbaySimulator } from "./server";

// A seller consents to an app on the simulated eBay, the way a merchant does from Anchorline's
// Channels screen: the consent page, Agree or Disagree, the redirect to the RuName's URLs, and the
// code exchanged at the token endpoint.

const APP = {
  appId: "Anchorli-App-PRD-1",
  certId: "PRD-cert-1",
  ruName: "Anchorline-Anchorli-App-PR-abcdef",
  acceptUrl: "https://anchorline.test/consent/ebay",
  declineUrl: "https://anchorline.test/consent/ebay",
  displayTitle: "Anchorline",
};
const OTHER_APP = { ...APP, appId: "Other-App-PRD-2", certId: "PRD-cert-2", ruName: "Other-Other-App-PR-ghijkl" };
const SCOPES = [
  "https://api.ebay.com/oauth/api_scope",
  "https://api.ebay.com/oauth/api_scope/sell.inventory",
  "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
  "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly",
];

let sim: EbaySimulator;
let clock = Date.parse("2026-12-06T12:00:00Z");

beforeAll(async () => {
  sim = await startEbaySimulator({
    now: () => clock,
    accounts: [{ userId: "mugs-and-more", marketplaceId: "EBAY_US", appId: "Seeded-App", certId: "Seeded-cert", refreshToken: "seeded-refresh", listings: [] }],
    consent: { apps: [APP, OTHER_APP], signedInAs: "mugs-and-more" },
  });
});

afterAll(async () => {
  await sim.stop();
});

function consentPage(params: Record<string, string> = {}) {
  const query = new URLSearchParams({
    client_id: APP.appId,
    redirect_uri: APP.ruName,
    response_type: "code",
    scope: SCOPES.join(" "),
    state: "st-1",
    ...params,
  });
  return fetch(`${sim.url}/oauth2/authorize?${query.toString()}`);
}

/** The seller submits the consent page's form with one of its buttons. */
async function answer(decision: "agree" | "disagree", username = "mugs-and-more") {
  const html = await (await consentPage()).text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name, value.replace(/&amp;/g, "&"));
  form.set("username", username);
  form.set("decision", decision);
  const response = await fetch(`${sim.url}/oauth2/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  return response;
}

async function agreedCode(): Promise<string> {
  const response = await answer("agree");
  return new URL(response.headers.get("location")!).searchParams.get("code")!;
}

function token(form: Record<string, string>, app: { appId: string; certId: string } = APP) {
  return fetch(`${sim.url}/identity/v1/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${app.appId}:${app.certId}`).toString("base64")}` },
    body: new URLSearchParams(form).toString(),
  });
}

const exchange = (code: string, app = APP, redirectUri = APP.ruName) => token({ grant_type: "authorization_code", code, redirect_uri: redirectUri }, app);

describe("eBay user consent in the simulator", () => {
  it("given the app's consent page, when it is opened, then it shows the app, the scopes asked for, the seller signing in and Agree and Disagree", async () => {
    const response = await consentPage();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("Grant application access: Anchorline");
    expect(html).toContain('name="username" value="mugs-and-more"');
    expect(html).toContain("sell.inventory");
    expect(html).toContain(">Agree</button>");
    expect(html).toContain(">Disagree</button>");
  });

  it("given the seller agrees, when the code is exchanged with the app's keys and RuName, then a 2-hour user token and an 18-month refresh token come back, the token names the seller through getUser and the refresh token mints more", async () => {
    const agreed = await answer("agree");
    expect(agreed.status).toBe(302);
    const back = new URL(agreed.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(APP.acceptUrl);
    expect(back.searchParams.get("state")).toBe("st-1");
    expect(back.searchParams.get("expires_in")).toBe(String(AUTHORIZATION_CODE_SECONDS));

    const response = await exchange(back.searchParams.get("code")!);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ expires_in: 7200, refresh_token_expires_in: REFRESH_TOKEN_SECONDS, token_type: "User Access Token" });

    const user = await fetch(`${sim.url}/commerce/identity/v1/user/`, { headers: { authorization: `Bearer ${String(tokens.access_token)}` } });
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ userId: "mugs-and-more", registrationMarketplaceId: "EBAY_US" });

    const refreshed = await token({ grant_type: "refresh_token", refresh_token: String(tokens.refresh_token) });
    expect(refreshed.status).toBe(200);
    const orders = await fetch(`${sim.url}/sell/fulfillment/v1/order?limit=1`, {
      headers: { authorization: `Bearer ${String(((await refreshed.json()) as { access_token: string }).access_token)}` },
    });
    expect(orders.status).toBe(200);
  });

  it("given a code already exchanged, when it is exchanged again, then it is invalid_grant", async () => {
    const code = await agreedCode();
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      error: "invalid_grant",
      error_description: "the provided authorization grant code is invalid or was issued to another client",
    });
  });

  it("given a code older than its 299 seconds, when it is exchanged, then it is invalid_grant", async () => {
    const code = await agreedCode();
    clock += AUTHORIZATION_CODE_SECONDS * 1000;
    const late = await exchange(code);
    expect(late.status).toBe(400);
    expect(((await late.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("given a code, when another app or another RuName presents it, then it is invalid_grant, and with a wrong cert id the client is refused outright", async () => {
    const code = await agreedCode();
    expect(((await (await exchange(code, OTHER_APP, OTHER_APP.ruName)).json()) as { error: string }).error).toBe("invalid_grant");
    const wrongCert = await exchange(code, { ...APP, certId: "not-the-cert" });
    expect(wrongCert.status).toBe(401);
    expect(((await wrongCert.json()) as { error: string }).error).toBe("invalid_client");
    expect(((await (await exchange(code, APP, "https://anchorline.test/consent/ebay")).json()) as { error: string }).error).toBe("invalid_grant");
    // The code was never spent by the refusals: its own app and RuName still get tokens with it.
    expect((await exchange(code)).status).toBe(200);
  });

  it("given the seller disagrees, when the page is answered, then the browser goes to the RuName's declined URL with access_denied and the state, and no code", async () => {
    const declined = await answer("disagree");
    expect(declined.status).toBe(302);
    const back = new URL(declined.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(APP.declineUrl);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("st-1");
    expect(back.searchParams.has("code")).toBe(false);
  });

  it("given an unknown user id typed in, when the seller agrees, then the page says so and no code is issued", async () => {
    const response = await answer("agree", "nobody-here");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("We could not find that user ID");
    expect(response.headers.get("location")).toBeNull();
  });

  it("given a consent request the console cannot match, when it is opened, then eBay's error page names the problem and nothing redirects", async () => {
    const unknownApp = await consentPage({ client_id: "Nobody-App" });
    expect(unknownApp.status).toBe(400);
    expect(await unknownApp.json()).toMatchObject({ error_id: "invalid_client" });
    // redirect_uri is the RuName, never the accept URL itself
    expect(await (await consentPage({ redirect_uri: APP.acceptUrl })).json()).toMatchObject({ error_id: "invalid_request" });
    expect(await (await consentPage({ scope: "https://api.ebay.com/oauth/api_scope/sell.everything" })).json()).toMatchObject({ error_id: "invalid_scope" });
  });

  it("given the seller takes the app's access back, when its refresh token is used, then it is invalid_grant and its access tokens answer 401", async () => {
    const tokens = (await (await exchange(await agreedCode())).json()) as { access_token: string; refresh_token: string };
    sim.consent.revokeAccess("mugs-and-more", APP.appId);
    const refused = await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe("invalid_grant");
    const user = await fetch(`${sim.url}/commerce/identity/v1/user/`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(user.status).toBe(401);
  });
});
