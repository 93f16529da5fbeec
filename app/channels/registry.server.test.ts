import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { openCredentials, sealCredentials } from "~/lib/secrets.server";
import { startTikTokSimulator, type TikTokSimulator } from "../../simulators/tiktok/server";
import { uniqueShopDomain } from "../../test/factories";
import { connectorForChannel } from "./registry.server";

const TIKTOK_SHOP = {
  appKey: "anchor-app",
  appSecret: "anchor-secret",
  shopCipher: "ROW_registry",
  accessToken: "TTP_first",
  refreshToken: "TTR_first",
  products: [{ productId: "P-MUG", skuId: "S-MUG", sellerSku: "MUG", quantity: 9, priceCents: 999 }],
};

let sim: TikTokSimulator;
beforeAll(async () => {
  sim = await startTikTokSimulator({ shops: [TIKTOK_SHOP] });
});
afterAll(() => sim.stop());

async function tiktokChannel() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("registry") } });
  const { appKey, appSecret, shopCipher, accessToken, refreshToken } = TIKTOK_SHOP;
  return prisma.channel.create({
    data: {
      shopId: shop.id,
      kind: "TIKTOK",
      accountId: shopCipher,
      name: "TikTok Shop",
      credentialsCiphertext: sealCredentials({ appKey, appSecret, shopCipher, accessToken, refreshToken }, shop.id),
      settings: { endpoints: { api: sim.url, auth: sim.url } },
    },
  });
}

describe("the connector registry", () => {
  it("given a TikTok channel whose access token expired, when a push refreshes it, then the rotated pair is sealed into the channel and the next connector uses it", async () => {
    const channel = await tiktokChannel();
    sim.expireAccessToken("ROW_registry");

    const outcomes = await connectorForChannel(channel).pushQuantities([{ channelSku: "S-MUG", externalId: "P-MUG", quantity: 4 }]);

    expect(outcomes).toEqual([{ channelSku: "S-MUG", status: "accepted" }]);
    const stored = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    const credentials = openCredentials(stored.credentialsCiphertext!, channel.shopId);
    expect(credentials.refreshToken).toBe(sim.shop("ROW_registry").refreshToken);
    expect(credentials.refreshToken).not.toBe("TTR_first");
    expect(credentials.appSecret).toBe("anchor-secret");
    expect(stored.credentialsCiphertext).not.toContain(credentials.accessToken);

    // The old refresh token no longer works on TikTok's side: only the stored one can succeed.
    const refreshesBefore = sim.requests.filter((r) => r.path === "/api/v2/token/refresh").length;
    await expect(connectorForChannel(stored).pushQuantities([{ channelSku: "S-MUG", externalId: "P-MUG", quantity: 3 }])).resolves.toEqual([
      { channelSku: "S-MUG", status: "accepted" },
    ]);
    expect(sim.requests.filter((r) => r.path === "/api/v2/token/refresh").length).toBe(refreshesBefore);
  });

  it("given the same channel twice, when connectors are asked for, then one is reused until its credentials change", async () => {
    const channel = await tiktokChannel();
    const first = connectorForChannel(channel);
    expect(connectorForChannel({ ...channel })).toBe(first);
    const reconnected = {
      ...channel,
      credentialsCiphertext: sealCredentials({ ...openCredentials(channel.credentialsCiphertext!, channel.shopId), accessToken: "TTP_new" }, channel.shopId),
    };
    expect(connectorForChannel(reconnected)).not.toBe(first);
  });

  it("given a channel without credentials or of an unknown kind, when a connector is asked for, then it is refused with the reason", async () => {
    const channel = await tiktokChannel();
    expect(() => connectorForChannel({ ...channel, credentialsCiphertext: null })).toThrow(/no credentials/);
    expect(() => connectorForChannel({ ...channel, kind: "SHOPIFY" })).toThrow(/No connector for channel kind SHOPIFY/);
  });
});
