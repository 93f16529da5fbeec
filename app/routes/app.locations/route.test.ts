import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { adminRequest, installShopSession } from "../../../test/admin-request";
import { seedShopWithEveryModel } from "../../../test/factories";
import { ensureStoreChannel } from "~/channels/store-channel.server";
import { action, loader } from "./route";

afterAll(async () => {
  await queues().close();
});

const args = (request: Request) => ({ request, params: {}, context: {} });

async function shopInSession() {
  const seeded = await seedShopWithEveryModel(prisma);
  await installShopSession(prisma, seeded.shop.domain);
  return seeded;
}

describe("the Locations screen", () => {
  it("lists the shop's locations with which channels each may feed", async () => {
    const { shop, channels } = await shopInSession();
    const page = await loader(args(await adminRequest(shop.domain, "/app/locations")));
    const vendor = page.locations.find((l) => l.name === "Vendor")!;
    expect(vendor).toMatchObject({ isDropShip: true, vendorSharePercent: 80 });
    // The seed made the vendor ineligible for Amazon
    expect(vendor.eligibleChannelIds).toEqual([channels.ebay.id]);
    expect(page.channels.map((c) => c.name)).toEqual(["Amazon US", "eBay US"]);
  });

  it("given the shop's store channel, when the screen loads and a location is saved, then the store is no channel to feed and no eligibility is written for it", async () => {
    const { shop, channels } = await shopInSession();
    const store = await ensureStoreChannel(prisma, shop.id);
    const page = await loader(args(await adminRequest(shop.domain, "/app/locations")));
    expect(page.channels.map((c) => c.name)).toEqual(["Amazon US", "eBay US"]);
    expect(page.locations.every((l) => !l.eligibleChannelIds.includes(store.id))).toBe(true);
    const warehouse = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, name: "Warehouse" } });
    const form = { locationId: warehouse.id, saleable: "on", vendorSharePercent: "100", eligibleChannelIds: [channels.amazon.id, channels.ebay.id] };
    expect(await action(args(await adminRequest(shop.domain, "/app/locations", { form })))).toEqual({ ok: true, errors: {} });
    expect(await prisma.locationChannel.count({ where: { shopId: shop.id, channelId: store.id } })).toBe(0);
  });

  it("saves a location's settings, marks the shop's listings for recomputation, and records who did it", async () => {
    const { shop, channels, listing } = await shopInSession();
    const warehouse = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, name: "Warehouse" } });
    const response = await action(
      args(
        await adminRequest(shop.domain, "/app/locations", {
          form: { locationId: warehouse.id, saleable: "on", vendorSharePercent: "100", eligibleChannelIds: [channels.ebay.id] },
        }),
      ),
    );
    expect(response).toEqual({ ok: true, errors: {} });
    const after = await prisma.location.findUniqueOrThrow({ where: { id: warehouse.id }, include: { channels: true } });
    expect(after.channels.find((c) => c.channelId === channels.amazon.id)?.eligible).toBe(false);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { shopId: shop.id, action: "location.settings_changed" } })).toBe(1);
  });

  it("refuses a vendor share above 100% and says which field", async () => {
    const { shop } = await shopInSession();
    const vendor = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, name: "Vendor" } });
    const response = (await action(
      args(await adminRequest(shop.domain, "/app/locations", { form: { locationId: vendor.id, isDropShip: "on", vendorSharePercent: "120" } })),
    )) as unknown as { data: { errors: Record<string, string> }; init: { status: number } };
    expect(response.init.status).toBe(400);
    expect(response.data.errors.vendorSharePercent).toBe("Vendor share cannot be above 100%");
    expect((await prisma.location.findUniqueOrThrow({ where: { id: vendor.id } })).vendorShareBps).toBe(8000);
  });

  it("refuses another shop's location id and changes nothing", async () => {
    const mine = await shopInSession();
    const theirs = await seedShopWithEveryModel(prisma);
    const theirWarehouse = await prisma.location.findFirstOrThrow({ where: { shopId: theirs.shop.id, name: "Warehouse" } });
    const response = (await action(
      args(await adminRequest(mine.shop.domain, "/app/locations", { form: { locationId: theirWarehouse.id, vendorSharePercent: "50" } })),
    )) as unknown as { init: { status: number } };
    expect(response.init.status).toBe(404);
    expect((await prisma.location.findUniqueOrThrow({ where: { id: theirWarehouse.id } })).saleable).toBe(true);
  });

  it("answers an unsigned request with no data", async () => {
    const { shop } = await shopInSession();
    const request = new Request(`https://anchorline.test/app/locations?shop=${shop.domain}`, { headers: { authorization: "Bearer not-a-token" } });
    const outcome = await loader(args(request)).catch((thrown: unknown) => thrown);
    expect(outcome).toBeInstanceOf(Response);
    expect((outcome as Response).status).toBe(401);
  });
});
