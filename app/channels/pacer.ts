// Paces a connector's own run of calls (listing discovery's page and per-item reads) at the
// channel's rate: a token bucket of `burst` refilled at `requestsPerSecond`, in this process. The
// flush pays its pushes from the account's shared limiter before calling (sync/flush.server.ts);
// a read that makes one call per listing paces itself with this instead of meeting the
// marketplace's 429s one by one.
import type { ChannelLimits } from "./connector";

export interface PacerClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: PacerClock = { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export class Pacer {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: Pick<ChannelLimits, "requestsPerSecond" | "burst">,
    private readonly clock: PacerClock = realClock,
  ) {
    this.tokens = limit.burst;
    this.at = clock.now();
  }

  /**
   * Resolves when one more call may go. A token taken before it refilled is owed (the count goes
   * below zero), so callers waiting at once queue behind each other instead of all going together.
   */
  async take(): Promise<void> {
    const now = this.clock.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) / 1000) * this.limit.requestsPerSecond);
    this.at = now;
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep(Math.ceil((-this.tokens / this.limit.requestsPerSecond) * 1000));
  }
}
