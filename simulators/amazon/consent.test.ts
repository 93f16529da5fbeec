import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AUTHORIZATION_CODE_TTL_MS, type AmazonAppSpec } from "./consent";
import { startAmazonSimulator, type AmazonSimulator } from "./server";

// The website authorization workflow as a seller goes through it in the simulator: the consent
// page, Confirm or Cancel, and the app's exchange of the code at LWA.
const US = "ATVPDKIKX0DER";
const APP: AmazonAppSpec = {
  applicationId: "amzn1.sp.solution.sim-app",
  name: "Anchorline",
  clientId: "amzn1.application-oa2-client.app",
  clientSecret: "app-secret",
  redirectUris: ["https://anchorline.test/consent/amazon", "https://anchorline.test/other"],
};
const REDIRECT = APP.redirectUris[0];

let sim: AmazonSimulator;
let clock: number;

beforeEach(async () => {
  clock = Date.parse("2026-12-06T12:00:00Z");
  sim = await startAmazonSimulator({
    sellers: [
      { sellerId: "A1FIRST", marketplaceId: US, clientId: "own-1", clientSecret: "own-1-secret", refreshToken: "Atzr|own-1", listings: [] },
      { sellerId: "A2SECOND", marketplaceId: US, clientId: "own-2", clientSecret: "own-2-secret", refreshToken: "Atzr|own-2", listings: [] },
    ],
    apps: [APP, { ...APP, applicationId: "amzn1.sp.solution.draft", clientId: "draft-client", draft: true }],
    now: () => clock,
  });
});

afterEach(async () => {
  await sim.stop();
});

const consentPage = (params: Record<string, string>) => fetch(`${sim.url}/apps/authorize/consent?${new URLSearchParams(params).toString()}`);

/** The seller's choice on the page, as its form posts it; the answer's redirect, not followed. */
async function decide(decision: "confirm" | "cancel", params: Record<string, string> = { application_id: APP.applicationId, state: "s-1" }) {
  const answer = await fetch(`${sim.url}/apps/authorize/confirm/${params.application_id}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...params, decision }).toString(),
    redirect: "manual",
  });
  return { status: answer.status, location: new URL(answer.headers.get("location") ?? "http://none/") };
}

async function exchange(fields: Record<string, string>) {
  const answer = await fetch(`${sim.url}/auth/o2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      redirect_uri: REDIRECT,
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      ...fields,
    }).toString(),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, string | number> };
}

describe("Seller Central's consent page", () => {
  it("given an app's consent URI, when the signed-in seller confirms, then the browser goes to the app's redirect URI with the state, the seller and a code", async () => {
    sim.state.signInToSellerCentral("A2SECOND");
    const page = await consentPage({ application_id: APP.applicationId, state: "s-1" });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Anchorline is requesting access");
    expect(html).toContain("A2SECOND");
    expect(html).toMatch(/<button[^>]*>Confirm<\/button>/);
    expect(html).toMatch(/<button[^>]*>Cancel<\/button>/);

    const back = await decide("confirm");
    expect(back.status).toBe(302);
    // No redirect_uri given: the first one registered.
    expect(`${back.location.origin}${back.location.pathname}`).toBe(REDIRECT);
    expect(back.location.searchParams.get("state")).toBe("s-1");
    expect(back.location.searchParams.get("selling_partner_id")).toBe("A2SECOND");
    expect(back.location.searchParams.get("spapi_oauth_code")).toBeTruthy();
  });

  it("given the seller cancels, then the browser goes back with error=access_denied and the state, and no code", async () => {
    const back = await decide("cancel", { application_id: APP.applicationId, state: "s-2", redirect_uri: REDIRECT });
    expect(back.status).toBe(302);
    expect(back.location.searchParams.get("error")).toBe("access_denied");
    expect(back.location.searchParams.get("state")).toBe("s-2");
    expect(back.location.searchParams.has("spapi_oauth_code")).toBe(false);
  });

  it("refuses a redirect URI the app did not register (MD5101), a draft app without version=beta (MD1000) and an unknown app, sending nothing back", async () => {
    const wrong = await consentPage({ application_id: APP.applicationId, state: "s", redirect_uri: "https://evil.test/cb" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("MD5101");
    expect((await decide("confirm", { application_id: APP.applicationId, state: "s", redirect_uri: "https://evil.test/cb" })).status).toBe(400);
    const draft = await consentPage({ application_id: "amzn1.sp.solution.draft", state: "s" });
    expect(draft.status).toBe(400);
    expect(await draft.text()).toContain("MD1000");
    expect((await consentPage({ application_id: "amzn1.sp.solution.draft", state: "s", version: "beta" })).status).toBe(200);
    expect((await consentPage({ application_id: "amzn1.sp.solution.nobody", state: "s" })).status).toBe(404);
  });
});

describe("LWA's authorization_code grant", () => {
  async function code(params: Record<string, string> = { application_id: APP.applicationId, state: "s" }) {
    return (await decide("confirm", params)).location.searchParams.get("spapi_oauth_code")!;
  }

  it("given a fresh code, then the app gets the seller's refresh token, which then grants access tokens to the app's client only", async () => {
    const answer = await exchange({ code: await code() });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    expect(String(answer.body.refresh_token)).toMatch(/^Atzr\|/);
    expect(String(answer.body.access_token)).toMatch(/^Atza\|/);

    const refresh = (clientId: string, clientSecret: string) =>
      fetch(`${sim.url}/auth/o2/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: String(answer.body.refresh_token),
          client_id: clientId,
          client_secret: clientSecret,
        }).toString(),
      });
    expect((await refresh(APP.clientId, APP.clientSecret)).status).toBe(200);
    expect((await refresh("own-1", "own-1-secret")).status).toBe(400);
    expect((await refresh(APP.clientId, "wrong")).status).toBe(401);

    sim.state.revokeAuthorization("A1FIRST");
    const revoked = await refresh(APP.clientId, APP.clientSecret);
    expect(revoked.status).toBe(400);
    expect(await revoked.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a code used once already, one past its five minutes, one sent to another redirect URI, and an unknown one: invalid_grant 400", async () => {
    const once = await code();
    expect((await exchange({ code: once })).status).toBe(200);
    expect(await exchange({ code: once })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const late = await code();
    clock += AUTHORIZATION_CODE_TTL_MS;
    expect(await exchange({ code: late })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const elsewhere = await code({ application_id: APP.applicationId, state: "s", redirect_uri: APP.redirectUris[1] });
    expect(await exchange({ code: elsewhere })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await exchange({ code: "ANnothing" })).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refuses a wrong client secret or another client: invalid_client 401, and the code is not spent by it", async () => {
    const fresh = await code();
    expect(await exchange({ code: fresh, client_secret: "wrong" })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(await exchange({ code: fresh, client_id: "own-1", client_secret: "own-1-secret" })).toMatchObject({
      status: 401,
      body: { error: "invalid_client" },
    });
    expect((await exchange({ code: fresh })).status).toBe(200);
  });

  it("a code given to one app is not another app's", async () => {
    const fresh = await code();
    expect(await exchange({ code: fresh, client_id: "draft-client", client_secret: APP.clientSecret })).toMatchObject({
      status: 400,
      body: { error: "invalid_grant" },
    });
  });
});
