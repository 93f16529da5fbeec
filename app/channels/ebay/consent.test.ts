import { describe, expect, it } from "vitest";
import { CONSENT_SCOPES, ebayConsent } from "./consent";

// The consent page's address and the redirect's reading, without a network: the exchange is told
// as stories against the simulator (app/routes/app.channels/consent-ebay.server.test.ts).

const app = { appId: "Anchorli-Sync-PRD-0a1b2c", certId: "PRD-0a1b2c3d4e5f", ruName: "Anchorline-Anchorli-Sync-P-xyzabc" };

describe("eBay's consent page and its answer", () => {
  it("given production (no simulated endpoints), when the consent URL is made, then it is auth.ebay.com's authorize page with the app id, the RuName as redirect_uri, code, the scopes space-separated and the state", () => {
    const url = ebayConsent.consentUrl({ app, state: "att.mac", redirectUri: "https://anchorline.example/consent/ebay", region: "EBAY_US" });
    expect(url.startsWith("https://auth.ebay.com/oauth2/authorize?")).toBe(true);
    const query = new URL(url).searchParams;
    expect(Object.fromEntries(query)).toEqual({
      client_id: app.appId,
      redirect_uri: app.ruName,
      response_type: "code",
      scope: CONSENT_SCOPES.join(" "),
      state: "att.mac",
    });
    // "a URL-encoded string of space-separated scopes" (eBay knowledge base article 5075): spaces as %20.
    expect(url).toContain("api_scope%20https");
    expect(CONSENT_SCOPES).toEqual(
      expect.arrayContaining([
        "https://api.ebay.com/oauth/api_scope/sell.inventory",
        "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
        "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly",
      ]),
    );
  });

  it("given a simulated auth endpoint, when the consent URL is made, then it goes there instead", () => {
    const url = ebayConsent.consentUrl({ app, state: "s", redirectUri: "x", region: null, endpoints: { auth: "http://127.0.0.1:4100/" } });
    expect(url.startsWith("http://127.0.0.1:4100/oauth2/authorize?client_id=")).toBe(true);
  });

  it("given the deployment lacks its RuName, when the consent URL is made, then it is refused in words", () => {
    expect(() => ebayConsent.consentUrl({ app: { appId: app.appId, certId: app.certId }, state: "s", redirectUri: "x", region: null })).toThrow(/RuName/);
  });

  it("given eBay's redirects, when read, then a code is consent, access_denied is the merchant's Disagree and anything else is eBay's words", () => {
    expect(ebayConsent.readAnswer(new URLSearchParams({ state: "s", code: "v^1.1#i^1#code", expires_in: "299" }))).toEqual({
      ok: true,
      code: "v^1.1#i^1#code",
    });
    expect(ebayConsent.readAnswer(new URLSearchParams({ state: "s", error: "access_denied" }))).toEqual({
      ok: false,
      reason: "you chose Disagree on eBay's consent page, so Anchorline was given no access.",
    });
    expect(ebayConsent.readAnswer(new URLSearchParams({ state: "s", error: "invalid_scope", error_description: "bad scope" }))).toEqual({
      ok: false,
      reason: "eBay answered invalid_scope: bad scope.",
    });
    expect(ebayConsent.readAnswer(new URLSearchParams({ state: "s" }))).toEqual({
      ok: false,
      reason: "eBay sent back no authorization code, so the consent was declined or not finished on eBay's page.",
    });
  });
});
