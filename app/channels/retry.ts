import { retryableStatus } from "~/lib/errors";
import { ChannelError } from "./connector";

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected in tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Runs `call`, retrying ChannelErrors marked retryable with exponential backoff and full jitter
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"), or exactly the wait the marketplace
 * asked for (Retry-After) when it said one. Anything else is thrown at once, and so is a retryable
 * error whose asked-for wait is longer than `maxDelayMs`: sleeping minutes inside a job would hold
 * a worker slot, so the caller reschedules instead (the error carries the wait).
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, baseDelayMs = 200, maxDelayMs = 20_000 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ChannelError) || !error.retryable || attempt >= attempts) throw error;
      if ((error.details.retryAfterMs ?? 0) > maxDelayMs) throw error;
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(error.details.retryAfterMs ?? Math.floor(random() * backoff));
    }
  }
}

/** Turns a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The usual reading of an HTTP status: 429 and 5xx heal with time, 401/403 are credentials. */
export function channelErrorFromStatus(status: number, message: string, retryAfter?: string | null): ChannelError {
  return new ChannelError(message, {
    status,
    retryable: retryableStatus(status),
    retryAfterMs: retryAfterMs(retryAfter),
    authFailed: status === 401 || status === 403,
  });
}
