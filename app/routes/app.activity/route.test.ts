import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { sealedTokenColumns } from "~/sessions.server";
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

  it("given events by the staff member looking, another staff member, Anchorline and the store's session, when the merchant opens Activity, then each reads in words with its subject's name and no ids", async () => {
    const { shop, listing, channels } = await seedShopWithEveryModel(prisma);
    const other = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    await prisma.session.create({
      data: {
        id: `online_${shop.domain}_77`,
        shop: shop.domain,
        state: "",
        isOnline: true,
        userId: 77n,
        firstName: "Dana",
        lastName: "Reyes",
        ...sealedTokenColumns(shop.domain, { accessToken: "shpua_dana" }),
      },
    });
    const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 10, minute));
    const event = (minute: number, actor: string, action: string, subjectType: string | null, subjectId: string | null) =>
      prisma.auditEvent.create({ data: { shopId: shop.id, actor, action, subjectType, subjectId, createdAt: at(minute) } });
    await event(5, "merchant:42", "listing.hold_rejected", "listing", listing.id);
    await event(4, "merchant:77", "channel.reconnected", "channel", channels.ebay.id);
    await event(3, "worker", "listing.pushed", "listing", listing.id);
    await event(2, `merchant:offline_${shop.domain}`, "channel.returns", "listing", other.listing.id);
    await event(1, "merchant:9", "variant.holds_set", "variant", "gone");

    // adminRequest's session token is staff member 42's
    const page = await loader(args(await adminRequest(shop.domain, "/app/activity?pageSize=5")));
    expect(page.events.map((e) => [e.who, e.what, e.on])).toEqual([
      ["You", "Rejected a held price", `KET-RED on ${channels.amazon.name}`],
      ["Dana Reyes", "Reconnected the channel", channels.ebay.name],
      ["Anchorline", "Sent to the channel", `KET-RED on ${channels.amazon.name}`],
      // another shop's listing is not named here, and the store's own session is not a person's name
      ["A staff member", "Channel returns", "A listing"],
      ["A staff member", "Set a pre-order or discontinued hold", "A variant"],
    ]);
    const shown = JSON.stringify(page.events.map((e) => [e.who, e.what, e.on]));
    for (const raw of ["merchant:", "offline_", listing.id, other.listing.id, "gone"]) expect(shown).not.toContain(raw);
  });
});
