import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { appAlias, sharedTestSettings } from "../vitest-shared";

// Browser tests: the built app (remix-serve) on real PostgreSQL and Redis, driven by Debian's
// Chromium through playwright-core. `npm test` (scripts/test.mjs) runs them after the main suite,
// building the app and installing Chromium first where needed. The demo's own tests (demo/) run
// here too: they belong with the browser story of the demo's admin, and need nothing more.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  resolve: { alias: appAlias },
  test: {
    ...sharedTestSettings,
    include: ["test/browser/**/*.browser.test.ts", "demo/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
