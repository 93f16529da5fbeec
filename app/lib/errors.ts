// The errors Anchorline throws on purpose: one hierarchy, in the style of @shopify/shopify-api's
// lib/error.ts, where the error says whether trying again can help. The class says it (a refusal
// or a missing record never heals; a record not mirrored yet will arrive), or, for an answer from
// an API outside Anchorline, its HTTP status does.
//
// The worker entry reads `retryable` (failForGoodUnlessRetryable in queues.server.ts): a job that
// fails with an error that is not retryable fails at once for good, instead of spending BullMQ's
// attempts on it. Errors outside this hierarchy (a database restart, a bug) keep their retries.

export class AnchorlineError extends Error {
  /** Whether the same work, run again later, may succeed. */
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable;
  }
}

/** The merchant asked for something the rules or the current state refuse; the message is for them. */
export class RequestRefused extends AnchorlineError {
  constructor(message: string) {
    super(message, { retryable: false });
  }
}

/** A record that this shop does not have: another shop's id reads as not found, never as someone else's. */
export class NotFoundForShop extends AnchorlineError {
  constructor(what: string) {
    super(`${what} not found`, { retryable: false });
  }
}

/** Something the work depends on has not arrived yet (a webhook ahead of the mirror); later it will be there. */
export class NotReadyYet extends AnchorlineError {
  constructor(message: string) {
    super(message, { retryable: true });
  }
}

/**
 * Redis did not take a job (down, reconnecting, or not answering in time). It heals when Redis is
 * back; a route that was asked for the work answers 503 so its caller sends it again.
 */
export class QueueUnavailable extends AnchorlineError {
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
  }
}

/**
 * 429 and 5xx heal with time, and so may no answer at all (a network failure, a timeout); any
 * other status says the request itself is wrong, or its credentials are.
 */
export function retryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

/** An API outside Anchorline (Shopify, a marketplace, Slack) failed the call; its status decides, unless the caller knows better. */
export class UpstreamError extends AnchorlineError {
  /** The HTTP status of the answer; undefined when there was none. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; retryable?: boolean; cause?: unknown }) {
    super(message, { retryable: options.retryable ?? retryableStatus(options.status), cause: options.cause });
    this.status = options.status;
  }
}

/** Whether a failure may heal on another try: what this hierarchy says, and yes for anything unknown. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof AnchorlineError) || error.retryable;
}
