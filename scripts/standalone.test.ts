// A clone of the repository must run its demo and its tests with nothing beside it: the contracts
// the simulators check against live in simulators/contracts, and no code reads outside the tree.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONTRACTS_DIR } from "../simulators/common/openapi";
import { SCHEMA_FILE } from "../simulators/shopify/schema";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const inside = (file: string) => !path.relative(ROOT, file).startsWith("..");

describe("the repository stands alone", () => {
  it("given the simulators' contracts, when their folder and the Admin schema are resolved, then both are inside the repository and present", () => {
    expect(inside(CONTRACTS_DIR)).toBe(true);
    expect(inside(SCHEMA_FILE)).toBe(true);
    expect(existsSync(SCHEMA_FILE)).toBe(true);
    expect(readFileSync(path.join(CONTRACTS_DIR, "SOURCES.md"), "utf8")).toMatch(/admin_2026-10\.json\.gz/);
  });

  it("given every tracked source and config file, when searched for a path into ../shared, then none has one", () => {
    const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx", "*.mjs", "*.js", "*.cjs", "*.json", "*.toml", "*.sh", ".ci/*"], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => f && !f.startsWith("simulators/contracts/") && f !== "scripts/standalone.test.ts");
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((f) => /(\.\.\/)+shared\/|\/work\/shared/.test(readFileSync(path.join(ROOT, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
