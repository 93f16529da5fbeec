import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// Rooms and the direction of imports (README, "Where things are"): upper rooms may import lower
// ones, never the reverse: routes → services → recompute/sync/anchor → channels/content/alerts/metrics
// → engine/lib (queues.server and db.server are infrastructure, like lib). Tests and benchmarks may
// reach anywhere (scripts/lint-rooms.test.ts proves the rule bites). Two upward imports remain that
// the rules below leave out until they are removed: content → channels (a marketplace's content
// rules, which belong in its channel module) and anchor → content (content computed in the webhook
// handler, which belongs in the recompute job).
const ROOMS = ["routes", "services", "sync", "recompute", "anchor", "content", "channels", "alerts", "metrics"];
const paths = (room) => [`~/${room}/**`, `../${room}/**`, `../../${room}/**`];
const PRIVATE_MARKING = { group: ["~/recompute/stale.server", "../recompute/stale.server"], message: "The one way into the pipeline is noteChange, from ~/recompute/index.server." };
const importRules = (rooms, { marking = true } = {}) => ({
  "no-restricted-imports": [
    "error",
    {
      patterns: [
        ...(rooms.length ? [{ group: rooms.flatMap(paths), message: "An upward import: a lower room may not import an upper one (eslint.config.js, README 'Where things are')." }] : []),
        { group: ["**/test/**", "**/workers/**", "**/bench/**"], message: "App code may not import tests, the worker entry or benchmarks." },
        ...(marking ? [PRIVATE_MARKING] : []),
      ],
    },
  ],
});
const NOT_TESTS = ["**/*.test.ts", "**/*.test.tsx"];

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", ".cache/**", ".data/**", "extensions/*/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Tests reach into typed clients; a narrow cast there beats contorting the code under test.
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  { files: ["app/**"], ignores: NOT_TESTS, rules: importRules([]) },
  { files: ["app/engine/**", "app/lib/**"], ignores: NOT_TESTS, rules: importRules(ROOMS) },
  { files: ["app/channels/**", "app/alerts/**", "app/metrics/**"], ignores: NOT_TESTS, rules: importRules(["routes", "services", "sync", "recompute", "anchor", "content"]) },
  { files: ["app/content/**"], ignores: NOT_TESTS, rules: importRules(["routes", "services", "sync", "recompute", "anchor", "alerts", "metrics"]) },
  { files: ["app/anchor/**", "app/sync/**"], ignores: NOT_TESTS, rules: importRules(["routes", "services"]) },
  { files: ["app/recompute/**"], ignores: NOT_TESTS, rules: importRules(["routes", "services"], { marking: false }) },
);
