import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { uniqueShopDomain } from "../../test/factories";
import { startShopifySimulator, type ShopifySimulator } from "../../simulators/shopify/server";
import { createAdminClient } from "./admin-client.server";
import { mirrorShopTimeZone } from "./shop-time-zone.server";

// The shop's time zone read from the simulated Shopify (its shops keep Europe/Berlin) into the
// shop's settings, beside the merchant's own.
const domain = uniqueShopDomain("zone");
let simulator: ShopifySimulator;

beforeAll(async () => {
  simulator = await startShopifySimulator({
    apiSecret: "zone",
    shops: [{ domain, accessToken: "shpat_zone", catalog: { products: 1, variantsPerProduct: 1, locations: 1, seed: 3 } }],
  });
});

afterAll(() => simulator.stop());

describe("the shop's time zone", () => {
  it("given a shop with settings of its own, when its zone is read from Shopify, then it is kept beside them", async () => {
    await prisma.shop.create({ data: { domain, settings: { velocityWindowDays: 14 } } });
    const client = createAdminClient({ shopDomain: domain, accessToken: "shpat_zone", origin: simulator.url });
    expect(await mirrorShopTimeZone(domain, client, prisma)).toBe("Europe/Berlin");
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain } })).settings).toEqual({ velocityWindowDays: 14, timeZone: "Europe/Berlin" });
  });

  it("given Shopify refusing the request, when the zone is read, then nothing changes and the caller goes on", async () => {
    const other = uniqueShopDomain("zone-refused");
    await prisma.shop.create({ data: { domain: other, settings: { timeZone: "America/New_York" } } });
    const refused = createAdminClient({ shopDomain: other, accessToken: "shpat_wrong", origin: simulator.url, maxAttempts: 1 });
    expect(await mirrorShopTimeZone(other, refused, prisma)).toBeNull();
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: other } })).settings).toEqual({ timeZone: "America/New_York" });
  });
});
