// The rooms' import direction is enforced by lint (eslint.config.js): a lower room importing an
// upper one fails `npm run lint`, and so does marking listings anywhere but through noteChange.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const eslint = new ESLint({ cwd: ROOT });

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("the rooms' import direction", () => {
  it("given the engine importing a route, or content importing the sync room, when linted, then each is refused as an upward import", async () => {
    expect(await restrictedImports("app/engine/upward.ts", 'import { loader } from "~/routes/app";\nexport const l = loader;\n')).toEqual([
      expect.stringMatching(/upward import/),
    ]);
    expect(
      await restrictedImports("app/content/upward.ts", 'import { runChannelSync } from "~/sync/jobs.server";\nexport const r = runChannelSync;\n'),
    ).toEqual([expect.stringMatching(/upward import/)]);
    expect(await restrictedImports("app/alerts/upward.ts", 'import { x } from "../routes/app.buffers/rules.server";\nexport const y = x;\n')).toEqual([
      expect.stringMatching(/upward import/),
    ]);
  });

  it("given the mirror importing content or the sync room, when linted, then each is refused: content is computed by the recompute job, pushes are sync's", async () => {
    expect(
      await restrictedImports(
        "app/anchor/content.server.ts",
        'import { desiredContentOf } from "~/content/listing-content";\nexport const d = desiredContentOf;\n',
      ),
    ).toEqual([expect.stringMatching(/upward import/)]);
    expect(
      await restrictedImports("app/anchor/flush.server.ts", 'import { runChannelSync } from "~/sync/jobs.server";\nexport const r = runChannelSync;\n'),
    ).toEqual([expect.stringMatching(/upward import/)]);
  });

  it("given content importing a marketplace's rules, or a channel module importing content, when linted, then each is refused: the two rooms are peers", async () => {
    expect(
      await restrictedImports(
        "app/content/sideways.ts",
        'import { PRODUCT_TEXT_MAX_LENGTH } from "~/channels/ebay/rules";\nexport const p = PRODUCT_TEXT_MAX_LENGTH;\n',
      ),
    ).toEqual([expect.stringMatching(/upward import/)]);
    expect(
      await restrictedImports("app/channels/ebay/sideways.ts", 'import { adaptContent } from "~/content/adapt";\nexport const a = adaptContent;\n'),
    ).toEqual([expect.stringMatching(/upward import/)]);
  });

  it("given a route importing the engine, or a test in a lower room importing test helpers, when linted, then nothing is refused", async () => {
    expect(
      await restrictedImports("app/routes/downward.tsx", 'import { explanationText } from "~/engine/explain";\nexport const e = explanationText;\n'),
    ).toEqual([]);
    expect(
      await restrictedImports(
        "app/engine/helpers.test.ts",
        'import { seedShopWithEveryModel } from "../../test/factories";\nexport const s = seedShopWithEveryModel;\n',
      ),
    ).toEqual([]);
  });

  it("given a screen marking listings or writing the outbox around noteChange, when linted, then it is told to use noteChange", async () => {
    expect(
      await restrictedImports(
        "app/routes/app.marks/marks.server.ts",
        'import { markChannels } from "~/recompute/stale.server";\nexport const m = markChannels;\n',
      ),
    ).toEqual([expect.stringMatching(/noteChange/)]);
    expect(
      await restrictedImports(
        "app/routes/app.pricing/held.server.ts",
        'import { writeVerdict } from "~/recompute/write-outbox.server";\nexport const w = writeVerdict;\n',
      ),
    ).toEqual([expect.stringMatching(/noteChange/)]);
  });
});
