import { z } from "zod";
import { appCredentialProblems } from "./app-credentials";

/**
 * The access scopes the app asks for: the same list as shopify.app.toml, derived from what the code
 * calls (app/anchor/graphql-documents.test.ts checks both). read_orders is protected customer
 * data: see README, "Access scopes".
 */
export const DEFAULT_SCOPES = "read_products,read_inventory,write_inventory,read_locations,read_orders,write_orders,read_fulfillments";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A setting left empty (`METRICS_TOKEN=` in .env) is a setting not given. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

/** The mail server alert emails go through; every part optional (no email routes without it). */
export const SmtpEnvSchema = z.object({
  SMTP_URL: optional(z.url({ protocol: /^smtps?$/, error: "SMTP_URL must be an smtp:// or smtps:// URL" })),
  SMTP_HOST: optional(z.string()),
  SMTP_PORT: optional(z.coerce.number().int().min(1).max(65535)),
  SMTP_SECURE: optional(z.enum(["true", "false"])),
  SMTP_USER: optional(z.string()),
  SMTP_PASS: optional(z.string()),
  SMTP_FROM: optional(z.string().min(3)),
});

// Every setting the server reads, validated once at start (scripts/start.mjs checks them before
// it migrates or serves) so a missing or malformed value fails loudly with the variable's name
// instead of surfacing later as an odd error. README, Configuration, lists them.
const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
    SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
    SHOPIFY_APP_URL: z.url({ protocol: /^https?$/, error: "SHOPIFY_APP_URL must be the app's public https URL" }),
    SCOPES: z.string().default(DEFAULT_SCOPES),
    SHOP_CUSTOM_DOMAIN: optional(z.string()),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "DATABASE_URL is required: a postgresql:// connection string" }),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: "REDIS_URL must be a redis:// or rediss:// URL" }).default("redis://127.0.0.1:6379"),
    // 32 bytes, base64: the key that seals marketplace credentials and Shopify tokens at rest.
    ANCHORLINE_ENCRYPTION_KEY: z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "ANCHORLINE_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)"),
    LOG_LEVEL: optional(z.enum(["debug", "info", "warn", "error"])),
    PORT: optional(z.coerce.number().int().min(1).max(65535)),
    ...SmtpEnvSchema.shape,
  })
  .superRefine((settings, context) => {
    // Session tokens and webhooks must not cross a network in clear. A loopback address never
    // leaves the machine: the demo serves its production build on http://localhost.
    const url = new URL(settings.SHOPIFY_APP_URL);
    if (settings.NODE_ENV === "production" && url.protocol !== "https:" && !LOOPBACK_HOSTS.has(url.hostname)) {
      context.addIssue({
        code: "custom",
        path: ["SHOPIFY_APP_URL"],
        message: "SHOPIFY_APP_URL must be an https:// URL in production (http:// only for localhost)",
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** The settings in `source`, or an error naming every one that is missing or malformed. */
export function readSettings(source: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse(source);
  // The marketplaces' app credentials (app/lib/app-credentials.ts): all or none per marketplace.
  const appCredentials = appCredentialProblems(source);
  if (!parsed.success || appCredentials.length > 0) {
    const problems = [
      ...(parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`)),
      ...appCredentials.map((p) => `  ${p.setting}: ${p.message}`),
    ].join("\n");
    throw new Error(`Anchorline configuration is invalid:\n${problems}`);
  }
  return parsed.data!;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= readSettings(process.env);
  return cached;
}
