import { randomUUID } from "node:crypto";

/**
 * A seller's access token from the simulator's /v3/token, asked for as Walmart's Token API wants it
 * (client credentials in Basic auth, the WM_ service headers, a form body).
 */
export async function walmartAccessToken(url: string, clientId: string, clientSecret: string): Promise<string> {
  const answer = await fetch(`${url}/v3/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
      "WM_SVC.NAME": "Walmart Marketplace",
      "WM_QOS.CORRELATION_ID": randomUUID(),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}
