import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Browser tests: the built app (remix-serve) on real PostgreSQL and Redis, driven by Debian's
// Chromium through playwright-core. `npm test` (scripts/test.mjs) runs them after the main suite,
// building the app and installing Chromium first where needed.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  resolve: {
    alias: { "~": fileURLToPath(new URL("../../app", import.meta.url)) },
  },
  test: {
    include: ["test/browser/**/*.browser.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/setup-env.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    env: {
      NODE_ENV: "test",
      SHOPIFY_API_KEY: "anchorline-test-key",
      SHOPIFY_API_SECRET: "anchorline-test-secret",
      SHOPIFY_APP_URL: "https://anchorline.test",
      ANCHORLINE_ENCRYPTION_KEY: "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdDE=",
    },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
