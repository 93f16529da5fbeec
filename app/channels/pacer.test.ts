import { describe, expect, it } from "vitest";
import { Pacer } from "./pacer";

/** A clock that only moves when slept on. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
  };
}

describe("Pacer", () => {
  it("given 10 a second with a burst of 3, when 6 calls are taken back to back, then the first 3 go at once and each later one waits its tenth of a second", async () => {
    const { clock, sleeps } = fakeClock();
    const pacer = new Pacer({ requestsPerSecond: 10, burst: 3 }, clock);
    for (let i = 0; i < 6; i++) await pacer.take();
    expect(sleeps).toEqual([100, 100, 100]);
  });

  it("given calls taken at once without waiting for each other, when they queue, then each waits one interval longer than the one before", async () => {
    const sleeps: number[] = [];
    const pacer = new Pacer({ requestsPerSecond: 4, burst: 1 }, { now: () => 0, sleep: async (ms) => void sleeps.push(ms) });
    await Promise.all([pacer.take(), pacer.take(), pacer.take()]);
    expect(sleeps).toEqual([250, 500]);
  });

  it("given a pause long enough, when calls come again, then the burst is back but never more than the burst", async () => {
    const { clock, sleeps } = fakeClock();
    const pacer = new Pacer({ requestsPerSecond: 10, burst: 2 }, clock);
    await pacer.take();
    await pacer.take();
    await clock.sleep(60_000);
    sleeps.length = 0;
    for (let i = 0; i < 3; i++) await pacer.take();
    expect(sleeps).toEqual([100]);
  });
});
