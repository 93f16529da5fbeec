import { describe, expect, it } from "vitest";
import { forEachConcurrently } from "./concurrency";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("forEachConcurrently", () => {
  it("given 10 items and a limit of 3, when run, then every item is worked once and never more than 3 at a time", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachConcurrently([...Array(10).keys()], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await tick();
      done.push(n);
      running--;
    });
    expect(done.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(most).toBe(3);
  });

  it("given the third item fails, when run one at a time, then no later item starts and the failure is thrown", async () => {
    const started: number[] = [];
    const run = forEachConcurrently([1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n);
      await tick();
      if (n === 3) throw new Error("item 3 failed");
    });
    await expect(run).rejects.toThrow("item 3 failed");
    expect(started).toEqual([1, 2, 3]);
  });

  it("given no items, when run, then it resolves without calling the work", async () => {
    let calls = 0;
    await forEachConcurrently([], 4, async () => {
      calls++;
    });
    expect(calls).toBe(0);
  });
});
