import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import type { ShopTimeZoneQuery } from "~/types/admin.generated";
import type { AdminClient } from "./admin-client.server";

// The shop's time zone, as Shopify keeps it (Shop.ianaTimezone, the store's settings), mirrored into
// Shop.settings.timeZone: the dates a merchant types in Anchorline (release dates) are read in it,
// as they read every other date in their admin. Read with the initial import and each
// reconciliation, so a merchant who moves their store's zone sees it within hours.

const SHOP_TIME_ZONE = `#graphql
  query ShopTimeZone {
    shop {
      ianaTimezone
    }
  }`;

/** Reads the shop's time zone from Shopify and keeps it in its settings; the zone, or null when it could not be read. */
export async function mirrorShopTimeZone(shopDomain: string, client: AdminClient, prisma: PrismaClient = defaultPrisma): Promise<string | null> {
  try {
    const { shop } = await client.request<ShopTimeZoneQuery>(SHOP_TIME_ZONE);
    const timeZone = shop.ianaTimezone;
    // One key of the settings, set in place: the merchant's other settings are never rewritten.
    await prisma.$executeRaw`UPDATE "Shop" SET settings = jsonb_set(settings, '{timeZone}', to_jsonb(${timeZone}::text)) WHERE domain = ${shopDomain}`;
    return timeZone;
  } catch (error) {
    // The import matters more than the zone: dates stay read in the zone known before (UTC at first).
    logger.warn({ shop: shopDomain, err: error }, "shop time zone not read; tried again with the next reconciliation");
    return null;
  }
}
