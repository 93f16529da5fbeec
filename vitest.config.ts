import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    include: ["{app,workers,simulators,extensions,prisma,scripts}/**/*.test.{ts,tsx}"],
    // One fresh database per run; every test works in shops of its own, so files run in parallel.
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
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
