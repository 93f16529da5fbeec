import { defineConfig } from "vitest/config";
import { appAlias, sharedTestSettings } from "./test/vitest-shared";

export default defineConfig({
  resolve: { alias: appAlias },
  test: {
    ...sharedTestSettings,
    include: ["{app,workers,simulators,extensions,prisma,scripts}/**/*.test.{ts,tsx}"],
    // One fresh database per run; every test works in shops of its own, so files run in parallel.
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
