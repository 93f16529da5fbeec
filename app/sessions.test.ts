import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { uniqueShopDomain } from "../test/factories";

describe("Shopify sessions in PostgreSQL", () => {
  const storage = new PrismaSessionStorage(prisma);

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
    expect((await storage.findSessionsByShop(shop)).map((s) => s.id).sort()).toEqual([online.id, offline.id].sort());
    expect(await storage.deleteSessions([online.id, offline.id])).toBe(true);
    expect(await storage.findSessionsByShop(shop)).toEqual([]);
  });
});
