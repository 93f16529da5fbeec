import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma, type PrismaClient } from "@prisma/client";
import { createPrismaClient } from "~/db.server";
import { createEmptyDatabase, dropDatabase, migrate } from "../test/global-setup";
import { seedShopWithEveryModel, shopOwnedModels, rowsOfShop } from "../test/factories";

// The committed migrations, applied to a database that has never seen them, must produce a schema
// the generated client can use for every model.
const databaseName = `anchorline_migrate_${randomUUID().slice(0, 8)}`;
let prisma: PrismaClient;

beforeAll(async () => {
  const url = await createEmptyDatabase(databaseName);
  migrate(url);
  prisma = createPrismaClient(url);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await dropDatabase(databaseName);
});

describe("migrations on an empty database", () => {
  it("create a table for every model in the schema", async () => {
    const tables = await prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
    const names = new Set(tables.map((t) => t.table_name));
    for (const model of [...shopOwnedModels(), "Shop", "Session", "WebhookDelivery"]) expect(names, model).toContain(model);
  });

  it("give every table exactly the columns schema.prisma declares (no migration forgotten)", async () => {
    const columns = await prisma.$queryRaw<{ table_name: string; column_name: string }[]>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`;
    for (const model of Prisma.dmmf.datamodel.models) {
      const declared = model.fields
        .filter((f) => f.kind === "scalar" || f.kind === "enum")
        .map((f) => f.dbName ?? f.name)
        .sort();
      const actual = columns
        .filter((c) => c.table_name === (model.dbName ?? model.name))
        .map((c) => c.column_name)
        .sort();
      expect(actual, model.name).toEqual(declared);
    }
  });

  it("let the client write and read back every model", async () => {
    // Given a shop with a row in every table
    const { shop, listing, order } = await seedShopWithEveryModel(prisma);
    // Then every shop-owned table holds its rows, and relations read back
    const counts = await rowsOfShop(prisma, shop.domain, shop.id);
    for (const [model, count] of Object.entries(counts)) expect(count, model).toBeGreaterThan(0);
    const read = await prisma.listing.findUniqueOrThrow({
      where: { id: listing.id },
      include: { channel: true, variant: { include: { inventoryItem: { include: { levels: { include: { location: true } } } } } } },
    });
    expect(read.channel.kind).toBe("AMAZON");
    expect(read.variant.inventoryItem?.levels.map((l) => [l.location.shopifyId, l.available]).sort()).toEqual([
      ["2", 40],
      ["9007199254740993", 12],
    ]);
    const readOrder = await prisma.channelOrder.findUniqueOrThrow({ where: { id: order.id }, include: { lines: true } });
    expect(readOrder.lines[0]?.channelSku).toBe("KET-RED");
  });
});
