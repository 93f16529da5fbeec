import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

// One client per process. In development Remix re-imports server modules on every change, so the
// client is kept on globalThis to avoid opening a new connection pool each time.
declare global {
  var anchorlinePrisma: PrismaClient | undefined;
}

export function createPrismaClient(connectionString = process.env.DATABASE_URL): PrismaClient {
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: see README, Configuration");
  }
  // The client runs Prisma's WASM query compiler through the pg driver: no native engine binary.
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

const prisma: PrismaClient = globalThis.anchorlinePrisma ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalThis.anchorlinePrisma = prisma;

export default prisma;
