import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

// What both test configs (vitest.config.ts and test/browser/vitest.config.ts) set alike: the `~`
// alias, the database-per-run set-up, the closing count line and the app's test settings.
export const appAlias = { "~": fileURLToPath(new URL("../app", import.meta.url)) };

export const sharedTestSettings: NonNullable<ViteUserConfig["test"]> = {
  globalSetup: ["./test/global-setup.ts"],
  setupFiles: ["./test/setup-env.ts"],
  reporters: ["default", "./test/summary-reporter.ts"],
  env: {
    NODE_ENV: "test",
    SHOPIFY_API_KEY: "anchorline-test-key",
    SHOPIFY_API_SECRET: "anchorline-test-secret",
    SHOPIFY_APP_URL: "https://anchorline.test",
    // A fixed test key (32 zero-free bytes); production keys come from the environment.
    ANCHORLINE_ENCRYPTION_KEY: "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdDE=",
  },
};
