import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { loader } from "./route";

const args = (request: Request) => ({ request, params: {}, context: {} });

describe("the Activity screen", () => {
  it("pages through the shop's events newest first, filtered by action, and shows no other shop's", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    const other = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    for (let i = 0; i < 5; i++) {
      await prisma.auditEvent.create({
        data: { shopId: shop.id, actor: "worker", action: "listing.pushed", details: { i }, createdAt: new Date(Date.UTC(2026, 10, 22, 10, i)) },
      });
    }
    await prisma.auditEvent.create({ data: { shopId: other.shop.id, actor: "worker", action: "listing.pushed.elsewhere" } });

    const first = await loader(args(await adminRequest(shop.domain, "/app/activity?action=listing.&pageSize=4")));
    expect(first.events.map((e) => (e.details as { i?: number }).i)).toEqual([undefined, 4, 3, 2]); // the seed's own event is the newest
    const second = await loader(args(await adminRequest(shop.domain, `/app/activity?action=listing.&pageSize=4&before=${first.nextCursor}`)));
    expect(second.events.map((e) => (e.details as { i?: number }).i)).toEqual([1, 0]);
    expect(second.nextCursor).toBeNull();
    expect([...first.events, ...second.events].some((e) => e.action.endsWith("elsewhere"))).toBe(false);
  });

  it("refuses a page size above 200", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const thrown = await loader(args(await adminRequest(shop.domain, "/app/activity?pageSize=5000"))).catch((e: unknown) => e as { init: { status: number } });
    expect((thrown as { init: { status: number } }).init.status).toBe(400);
  });
});
