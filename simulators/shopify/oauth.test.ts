import { afterEach, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./server";
import { SECRET, SHOP, simulatorWith, TOKEN } from "./test-helpers";

let sim: ShopifySimulator;
const started: ShopifySimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function freshSimulator(): Promise<void> {
  sim = await simulatorWith({ products: 1, variantsPerProduct: 1, locations: 1, seed: 5 }, { apiKey: "client-id" });
  started.push(sim);
}

const shopQuery = (token: string) =>
  fetch(sim.adminUrl(SHOP), {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": token },
    body: '{"query":"{ shop { name } }"}',
  });

interface Pair {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

async function refresh(refreshToken: string, secret = SECRET): Promise<{ status: number; body: Pair & { error?: string } }> {
  const res = await fetch(`${sim.url}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: "client-id", client_secret: secret, grant_type: "refresh_token", refresh_token: refreshToken }),
  });
  return { status: res.status, body: (await res.json()) as Pair & { error?: string } };
}

describe("expiring offline access tokens", () => {
  it("given the token the app was installed with, when 61 minutes pass on the simulator's clock, then it answers 401 and a refresh gives a new 60-minute pair that works", async () => {
    await freshSimulator();
    expect((await shopQuery(TOKEN)).status).toBe(200);
    sim.advanceClock(61 * 60_000);
    expect((await shopQuery(TOKEN)).status).toBe(401);

    const { status, body } = await refresh(`shprt_${TOKEN}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ expires_in: 3600, access_token: expect.stringMatching(/^shpat_/), refresh_token: expect.stringMatching(/^shprt_/) });
    expect(body.refresh_token).not.toBe(`shprt_${TOKEN}`);
    expect((await shopQuery(body.access_token)).status).toBe(200);
  });

  it("given a refresh whose answer was lost, when the same refresh token is used again before the new access token is, then it is granted; once a new access token is used, the old refresh token is refused", async () => {
    await freshSimulator();
    const lost = await refresh(`shprt_${TOKEN}`);
    expect(lost.status).toBe(200);
    const retried = await refresh(`shprt_${TOKEN}`);
    expect(retried.status).toBe(200);
    expect((await shopQuery(retried.body.access_token)).status).toBe(200);
    expect((await refresh(`shprt_${TOKEN}`)).status).toBe(400);
  });

  it("given a wrong client secret or an unknown refresh token, when refreshing, then invalid_client (401) or invalid_grant (400)", async () => {
    await freshSimulator();
    const badClient = await refresh(`shprt_${TOKEN}`, "not-the-secret");
    expect(badClient).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    const badGrant = await refresh("shprt_never_issued");
    expect(badGrant).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });
});
