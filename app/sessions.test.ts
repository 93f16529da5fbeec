import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { createPrismaClient } from "~/db.server";
import { adminClientForShop } from "~/anchor/admin-client.server";
import { startShopifySimulator, type ShopifySimulator } from "../simulators/shopify/server";
import { uniqueShopDomain } from "../test/factories";
import { createEmptyDatabase, dropDatabase, migrate } from "../test/global-setup";
import { isRetryable } from "~/lib/errors";
import { readOfflineSession, SealedPrismaSessionStorage, sealPlaintextSessionTokens, sealSessionToken, UnreadableSessionToken } from "./sessions.server";

const storage = new SealedPrismaSessionStorage(prisma);
const rawRow = (id: string, db: PrismaClient = prisma) => db.session.findUniqueOrThrow({ where: { id }, select: { accessToken: true, refreshToken: true } });

function offlineSession(shop: string, token: string, expires?: Date): Session {
  return new Session({
    id: `offline_${shop}`,
    shop,
    state: "installed",
    isOnline: false,
    scope: "read_products",
    accessToken: token,
    expires,
    refreshToken: `shprt_${token}`,
    refreshTokenExpires: new Date(Date.now() + 90 * 24 * 3600_000),
  });
}

describe("Shopify sessions in PostgreSQL", () => {
  it("round-trip an online session with its user, and an offline one", async () => {
    // Given an online and an offline session of one shop
    const shop = uniqueShopDomain();
    const online = new Session({
      id: `${shop}_42`,
      shop,
      state: "state-1",
      isOnline: true,
      scope: "read_products,write_inventory",
      expires: new Date(Date.now() + 3600_000),
      accessToken: "shpua_online",
      onlineAccessInfo: {
        expires_in: 3600,
        associated_user_scope: "read_products",
        associated_user: {
          id: 902541635,
          first_name: "Ada",
          last_name: "Merchant",
          email: "ada@example.com",
          email_verified: true,
          account_owner: true,
          locale: "en",
          collaborator: false,
        },
      },
    });
    const offline = new Session({ id: `offline_${shop}`, shop, state: "state-2", isOnline: false, scope: "read_products", accessToken: "shpat_offline" });

    // When they are stored and loaded
    expect(await storage.storeSession(online)).toBe(true);
    expect(await storage.storeSession(offline)).toBe(true);
    const loaded = await storage.loadSession(online.id);

    // Then they come back equal, and can be found by shop and deleted
    expect(loaded?.accessToken).toBe("shpua_online");
    expect(loaded?.scope).toBe("read_products,write_inventory");
    expect(loaded?.onlineAccessInfo?.associated_user.email).toBe("ada@example.com");
    expect(loaded?.expires?.getTime()).toBe(online.expires?.getTime());
    expect((await storage.findSessionsByShop(shop)).map((s) => [s.id, s.accessToken]).sort()).toEqual(
      [
        [online.id, "shpua_online"],
        [offline.id, "shpat_offline"],
      ].sort(),
    );
    expect(await storage.deleteSessions([online.id, offline.id])).toBe(true);
    expect(await storage.findSessionsByShop(shop)).toEqual([]);
  });
});

describe("Shopify tokens sealed at rest", () => {
  it("given an offline session with its refresh token, when the app's session storage stores it, then the row holds neither token in clear and loading gives both back", async () => {
    // Given an offline session with an expiring token and its refresh token
    const shop = uniqueShopDomain();
    const session = offlineSession(shop, "shpat_whole_store", new Date(Date.now() + 3600_000));

    // When the app's session storage stores it
    await storage.storeSession(session);

    // Then the row holds both tokens sealed, and loading opens them
    const row = await rawRow(session.id);
    expect(row.accessToken).toMatch(/^v1:/);
    expect(row.refreshToken).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain("whole_store");
    const loaded = await storage.loadSession(session.id);
    expect([loaded?.accessToken, loaded?.refreshToken]).toEqual(["shpat_whole_store", "shprt_shpat_whole_store"]);
    // and the session the library passed in still carries its tokens in clear, for its own use
    expect(session.accessToken).toBe("shpat_whole_store");
  });

  it("given one shop's sealed token copied into another shop's row, when that row is read, then it does not open: the library sees no session (so it asks Shopify for a new token) and a worker fails for good", async () => {
    // Given one shop's sealed token copied into another shop's row
    const [victim, other] = [uniqueShopDomain("victim"), uniqueShopDomain("other")];
    await storage.storeSession(offlineSession(other, "shpat_other"));
    await prisma.session.update({ where: { id: `offline_${other}` }, data: { accessToken: sealSessionToken("shpat_victim", victim, "accessToken") } });

    // When the library loads it, or a worker reads it, then it does not open
    expect(await storage.loadSession(`offline_${other}`)).toBeUndefined();
    expect(await storage.findSessionsByShop(other)).toEqual([]);
    const error = await readOfflineSession(prisma, other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableSessionToken);
    expect(isRetryable(error)).toBe(false);
  });

  describe("the workers' Admin client", () => {
    let shopify: ShopifySimulator;
    const shop = uniqueShopDomain("sealed");
    beforeAll(async () => {
      shopify = await startShopifySimulator({
        apiSecret: process.env.SHOPIFY_API_SECRET!,
        shops: [{ domain: shop, accessToken: "shpat_sealed", catalog: { products: 1, variantsPerProduct: 1, locations: 1, seed: 3 } }],
      });
    });
    afterAll(() => shopify.stop());

    it("given a sealed offline session whose token has expired, when a worker calls the Admin API, then it refreshes with the opened refresh token, calls with the new token, and stores the new pair sealed", async () => {
      // Given a sealed offline session whose token Shopify no longer takes
      await storage.storeSession(offlineSession(shop, "shpat_sealed", new Date(Date.now() - 60_000)));
      shopify.advanceClock(61 * 60_000);

      // When a worker calls the Admin API
      const client = await adminClientForShop(shop, prisma, { origin: shopify.url });
      const answer = await client.request<{ shop: { name: string } }>("{ shop { name } }");

      // Then the refresh went through and the call answered
      expect(answer.shop.name).toBeTruthy();
      expect(shopify.tokens.refreshes.filter((r) => r.shop === shop)).toHaveLength(1);
      // and the new pair is stored sealed, opening to tokens Shopify takes
      const row = await rawRow(`offline_${shop}`);
      expect([row.accessToken, row.refreshToken]).toEqual([expect.stringMatching(/^v1:/), expect.stringMatching(/^v1:/)]);
      const stored = await storage.loadSession(`offline_${shop}`);
      expect(stored?.accessToken).toMatch(/^shpat_/);
      expect(stored?.accessToken).not.toBe("shpat_sealed");
      expect(stored?.refreshToken).toMatch(/^shprt_/);
    });
  });

  describe("rows stored in plain text before tokens were sealed", () => {
    // A database of its own: sealing at start rewrites every plain-text row, and the other test
    // files' rows are theirs.
    const databaseName = `anchorline_seal_${randomUUID().slice(0, 8)}`;
    let db: PrismaClient;
    beforeAll(async () => {
      const url = await createEmptyDatabase(databaseName);
      migrate(url);
      db = createPrismaClient(url);
    });
    afterAll(async () => {
      await db?.$disconnect();
      await dropDatabase(databaseName);
    });

    it("given plain-text rows after migration 20261206090000, when the app starts, then their tokens are sealed in place, read back the same, and the next start seals nothing", async () => {
      // Given an offline row with a token pair and an online row, written in clear as before, and
      // a row already sealed
      const [plain, sealed] = [uniqueShopDomain("plain"), uniqueShopDomain("sealed")];
      await db.session.createMany({
        data: [
          { id: `offline_${plain}`, shop: plain, state: "s", accessToken: "shpat_plain", refreshToken: "shprt_plain" },
          { id: `${plain}_7`, shop: plain, state: "s", isOnline: true, accessToken: "shpua_plain" },
        ],
      });
      const sealedStorage = new SealedPrismaSessionStorage(db);
      await sealedStorage.storeSession(offlineSession(sealed, "shpat_sealed_already"));
      const sealedBefore = await rawRow(`offline_${sealed}`, db);

      // When the app starts
      const count = await sealPlaintextSessionTokens(db);

      // Then the two plain rows are sealed, read back the same, and the sealed row is untouched
      expect(count).toBe(2);
      const rows = await db.session.findMany({ where: { shop: plain }, select: { accessToken: true, refreshToken: true } });
      expect(rows.flatMap((r) => [r.accessToken, r.refreshToken]).filter((t) => t !== null && !t.startsWith("v1:"))).toEqual([]);
      const offline = await sealedStorage.loadSession(`offline_${plain}`);
      expect([offline?.accessToken, offline?.refreshToken]).toEqual(["shpat_plain", "shprt_plain"]);
      expect((await sealedStorage.loadSession(`${plain}_7`))?.accessToken).toBe("shpua_plain");
      expect(await rawRow(`offline_${sealed}`, db)).toEqual(sealedBefore);

      // and the next start has nothing left to seal
      expect(await sealPlaintextSessionTokens(db)).toBe(0);
    });
  });
});
