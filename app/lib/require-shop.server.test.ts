import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { action as locationsAction } from "~/routes/app.locations/route";
import { adminRequest, installShopSession } from "../../test/admin-request";
import { seedShopInSession, seedShopWithEveryModel, uniqueShopDomain } from "../../test/factories";
import { requireShop } from "./require-shop.server";

afterAll(async () => {
  await queues().close();
});

describe("requireShop: who asks, for which shop", () => {
  it("given a staff member's request from inside Shopify admin, then it answers the shop, its id and that staff member as the actor", async () => {
    const { shop } = await seedShopInSession(prisma);
    const answer = await requireShop(await adminRequest(shop.domain, "/app", { userId: "7001" }));
    expect({ shop: answer.shop, shopId: answer.shopId, actor: answer.actor }).toEqual({ shop: shop.domain, shopId: shop.id, actor: "merchant:7001" });
    // The offline session still comes along for Admin API calls; it is not who acted.
    expect(answer.session.shop).toBe(shop.domain);
  });

  it("given a request for a shop Anchorline has no record of, then it throws a 404 Response", async () => {
    const domain = uniqueShopDomain();
    await installShopSession(prisma, domain);
    const thrown = await requireShop(await adminRequest(domain, "/app")).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
  });

  it("given a staff member naming another shop's location, then the answer is 404; a change to their own is recorded as theirs", async () => {
    const mine = await seedShopInSession(prisma);
    const theirs = await seedShopWithEveryModel(prisma);
    const theirWarehouse = await prisma.location.findFirstOrThrow({ where: { shopId: theirs.shop.id, name: "Warehouse" } });
    const refused = (await locationsAction({
      request: await adminRequest(mine.shop.domain, "/app/locations", { form: { locationId: theirWarehouse.id, vendorSharePercent: "50" }, userId: "7001" }),
      params: {},
      context: {},
    })) as unknown as { init: { status: number } };
    expect(refused.init.status).toBe(404);

    const myWarehouse = await prisma.location.findFirstOrThrow({ where: { shopId: mine.shop.id, name: "Warehouse" } });
    await locationsAction({
      request: await adminRequest(mine.shop.domain, "/app/locations", {
        form: { locationId: myWarehouse.id, saleable: "on", vendorSharePercent: "100" },
        userId: "7001",
      }),
      params: {},
      context: {},
    });
    const recorded = await prisma.auditEvent.findMany({ where: { shopId: mine.shop.id, action: "location.settings_changed" }, select: { actor: true } });
    expect(recorded).toEqual([{ actor: "merchant:7001" }]);
  });
});
