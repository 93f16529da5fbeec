/** A seller's user access token from the simulator's OAuth endpoint (the refresh-token grant, as eBay's Identity API takes it). */
export async function ebayAccessToken(url: string, seller: { appId: string; certId: string; refreshToken: string }): Promise<string> {
  const answer = await fetch(`${url}/identity/v1/oauth2/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${seller.appId}:${seller.certId}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: seller.refreshToken }).toString(),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}
