// Prisma CLI configuration. On these machines Prisma cannot download its native engines, so the CLI
// runs the WASM schema engine that ships inside the `prisma` package, through the pg driver adapter
// (README, "Database", says why).
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaConfig } from "prisma";

export default {
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
} satisfies PrismaConfig;
