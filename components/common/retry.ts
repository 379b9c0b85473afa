// The one retry of every engine: exponential backoff capped at maxDelayMs, with full jitter (or
// none, for polling), sleeping on the injectable Clock so tests run every backoff instantly. What
// is worth another attempt is the caller's to say (transfer/retry.ts, cutover/retry.ts,
// region/wait.ts).
import { systemClock, type Clock } from "./clock";

export interface RetryPolicy {
  /** Attempts in total, the first included (Infinity: until timeoutMs). */
  attempts: number;
  /** The backoff after the first failure; it doubles after each further one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** "full" (the default): a uniformly random delay up to the backoff; "none": the backoff itself. */
  jitter?: "full" | "none";
  /** Gives up once this much clock time has passed since the first attempt; no sleep goes past it. */
  timeoutMs?: number;
}

export interface RetryOptions {
  /** Whether a failure is worth another attempt. */
  retryable: (err: unknown) => boolean;
  clock?: Clock;
  /** Called before each further attempt, with the attempt's number (2 for the first retry). */
  onRetry?: (err: unknown, nextAttempt: number) => void;
  /** Once aborted, no further attempt starts (a running one is the caller's to stop). */
  signal?: AbortSignal;
  /** Names the call in the last error's message when it was attempted more than once. */
  what?: string;
  random?: () => number;
}

/** The sleep after `failures` failed attempts (1 for the first). */
export function backoffDelay(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
  return policy.jitter === "none" ? ceiling : Math.round(random() * ceiling);
}

/** Runs `fn` until it succeeds, fails with what `retryable` refuses, or the attempts or the time run out. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const attempts = Math.max(1, policy.attempts);
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
    try {
      return await fn(attempt);
    } catch (err) {
      const elapsed = clock.now() - started;
      const outOfTime = policy.timeoutMs !== undefined && elapsed >= policy.timeoutMs;
      if (attempt >= attempts || outOfTime || options.signal?.aborted || !options.retryable(err)) {
        if (options.what && attempt > 1 && err instanceof Error) err.message = `${options.what}: ${err.message} (after ${attempt} attempts)`;
        throw err;
      }
      options.onRetry?.(err, attempt + 1);
      const delay = backoffDelay(policy, attempt, options.random);
      await clock.sleep(policy.timeoutMs === undefined ? delay : Math.min(delay, policy.timeoutMs - elapsed));
    }
  }
}
