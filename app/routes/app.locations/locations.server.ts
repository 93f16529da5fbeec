import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { NotFoundForShop } from "~/lib/errors";
import { noteChange } from "~/recompute/index.server";
import { recordAudit } from "~/lib/audit.server";

// The mirrored locations and the merchant's settings on them: which count towards what is sold
// online, which are drop shippers (counted at a share of what they report), which channels each
// may feed.

export async function locationsWithChannels(shopDomain: string, prisma: PrismaClient = defaultPrisma) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const [locations, channels] = await Promise.all([
    prisma.location.findMany({ where: { shopId: shop.id }, orderBy: { name: "asc" }, include: { channels: true } }),
    // The store channel is fed by Shopify itself, not by the locations' eligibility.
    prisma.channel.findMany({
      where: { shopId: shop.id, status: { not: "DISCONNECTED" }, kind: { not: "SHOPIFY" } },
      orderBy: { priority: "asc" },
      select: { id: true, name: true },
    }),
  ]);
  return {
    channels,
    locations: locations.map((l) => ({
      id: l.id,
      name: l.name,
      isActive: l.isActive,
      saleable: l.saleable,
      isDropShip: l.isDropShip,
      vendorSharePercent: l.vendorShareBps / 100,
      // No row means eligible: a new channel is fed by every saleable location until told otherwise.
      eligibleChannelIds: channels.filter((c) => !l.channels.some((lc) => lc.channelId === c.id && !lc.eligible)).map((c) => c.id),
    })),
  };
}

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

export const LocationSettingsInput = z.object({
  locationId: z.string().min(1),
  saleable: checkbox,
  isDropShip: checkbox,
  vendorSharePercent: z.coerce
    .number({ message: "Vendor share must be a number" })
    .min(0, "Vendor share cannot be negative")
    .max(100, "Vendor share cannot be above 100%"),
  eligibleChannelIds: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.string())),
});

export type LocationSettings = z.infer<typeof LocationSettingsInput>;

export async function updateLocationSettings(shopDomain: string, input: LocationSettings, actor: string, prisma: PrismaClient = defaultPrisma) {
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  // Scoped by shop: another shop's location id is "not found", never updated.
  const location = await prisma.location.findFirst({ where: { id: input.locationId, shopId: shop.id } });
  if (!location) throw new NotFoundForShop("Location");
  // Not the store channel: it has no checkbox, so it would be written as not fed by any location.
  const channels = await prisma.channel.findMany({ where: { shopId: shop.id, kind: { not: "SHOPIFY" } }, select: { id: true } });
  const eligible = new Set(input.eligibleChannelIds);

  await prisma.$transaction([
    prisma.location.update({
      where: { id: location.id },
      data: { saleable: input.saleable, isDropShip: input.isDropShip, vendorShareBps: Math.round(input.vendorSharePercent * 100) },
    }),
    ...channels.map((c) =>
      prisma.locationChannel.upsert({
        where: { locationId_channelId: { locationId: location.id, channelId: c.id } },
        create: { shopId: shop.id, locationId: location.id, channelId: c.id, eligible: eligible.has(c.id) },
        update: { eligible: eligible.has(c.id) },
      }),
    ),
  ]);
  await recordAudit(prisma, {
    shopId: shop.id,
    actor,
    action: "location.settings_changed",
    subjectType: "location",
    subjectId: location.id,
    details: { name: location.name, ...input },
  });
  // What a location counts towards changes every channel's pool.
  await noteChange(shop.id, { kind: "channels" }, { prisma });
}
