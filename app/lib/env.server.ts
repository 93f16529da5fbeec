import { z } from "zod";

/**
 * The access scopes the app asks for: the same list as shopify.app.toml, derived from what the code
 * calls (app/anchor/graphql-documents.test.ts checks both). read_orders is protected customer
 * data: see README, "Access scopes".
 */
export const DEFAULT_SCOPES = "read_products,read_inventory,write_inventory,read_locations,read_orders,write_orders,read_fulfillments";

// Every setting the server reads, validated once at start so a missing or malformed value fails
// loudly with the variable's name instead of surfacing later as an odd error.
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.url("SHOPIFY_APP_URL must be the app's public https URL"),
  SCOPES: z.string().default(DEFAULT_SCOPES),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required (PostgreSQL connection string)"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  // 32 bytes, base64: the key that encrypts marketplace credentials at rest.
  ANCHORLINE_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "ANCHORLINE_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)"),
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = EnvSchema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
      throw new Error(`Anchorline configuration is invalid:\n${problems}`);
    }
    cached = parsed.data;
  }
  return cached;
}
