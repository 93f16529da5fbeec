import { describe, expect, it } from "vitest";
import { readSettings } from "./env.server";

const good = {
  NODE_ENV: "production",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://anchorline.example.com",
  DATABASE_URL: "postgresql://anchorline@db.internal:5432/anchorline",
  REDIS_URL: "redis://redis.internal:6379",
  ANCHORLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};
const problems = (overrides: Record<string, string>) => {
  try {
    readSettings({ ...good, ...overrides });
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("the settings Anchorline starts with", () => {
  it("given every required setting and the optional ones left empty as .env.example leaves them, when read, then they are accepted", () => {
    expect(problems({ SMTP_URL: "", METRICS_TOKEN: "", SHOP_CUSTOM_DOMAIN: "" })).toBe("");
  });

  it("given production, when the app URL is http:// on a public host, then SHOPIFY_APP_URL is refused; on localhost (the demo's production build) it is accepted", () => {
    expect(problems({ SHOPIFY_APP_URL: "http://anchorline.example.com" })).toMatch(/SHOPIFY_APP_URL: .*https/);
    expect(problems({ SHOPIFY_APP_URL: "http://localhost:3000" })).toBe("");
    expect(problems({ NODE_ENV: "development", SHOPIFY_APP_URL: "http://anchorline.example.com" })).toBe("");
  });

  it("given malformed settings, when read, then each one is named", () => {
    const message = problems({
      ANCHORLINE_ENCRYPTION_KEY: Buffer.from("hello").toString("base64"),
      SHOPIFY_APP_URL: "anchorline.example.com:3000",
      DATABASE_URL: "mysql://db/anchorline",
      REDIS_URL: "localhost:6379",
      SMTP_URL: "mail.example.com",
      SMTP_PORT: "smtp",
      PORT: "70000",
      LOG_LEVEL: "verbose",
    });
    for (const name of ["ANCHORLINE_ENCRYPTION_KEY", "SHOPIFY_APP_URL", "DATABASE_URL", "REDIS_URL", "SMTP_URL", "SMTP_PORT", "PORT", "LOG_LEVEL"]) {
      expect(message).toContain(`${name}: `);
    }
  });

  it("given a marketplace's app credentials set in part, when read, then each missing one is named with the ones given; all of them, or none, are accepted", () => {
    const message = problems({ AMAZON_SP_APP_ID: "amzn1.sp.solution.1", AMAZON_LWA_CLIENT_ID: "amzn1.application-oa2-client.1" });
    expect(message).toMatch(/AMAZON_LWA_CLIENT_SECRET: AMAZON_LWA_CLIENT_SECRET is required with AMAZON_SP_APP_ID, AMAZON_LWA_CLIENT_ID/);
    expect(message).not.toMatch(/EBAY|TIKTOK/);
    expect(problems({ AMAZON_SP_APP_ID: "a", AMAZON_LWA_CLIENT_ID: "b", AMAZON_LWA_CLIENT_SECRET: "c" })).toBe("");
    expect(problems({ EBAY_APP_ID: "app", EBAY_CERT_ID: "" })).toMatch(/EBAY_CERT_ID: .*\n.*EBAY_RU_NAME/);
  });
});
