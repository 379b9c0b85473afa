// Retries Route53 calls that AWS asks callers to retry (throttling, PriorRequestNotComplete,
// 5xx), with exponential backoff and full jitter. Hand-written rather than exponential-backoff
// because delays must run on the injectable Clock (tests run bakes and backoffs instantly).
import type { Clock } from "./clock";

const RETRYABLE_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "PriorRequestNotComplete",
  "RequestLimitExceeded",
  "ServiceUnavailable",
  "InternalFailure",
]);

export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  if (RETRYABLE_CODES.has(e?.name ?? "") || RETRYABLE_CODES.has(e?.Code ?? "")) return true;
  if ((e?.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return ["ECONNRESET", "ETIMEDOUT", "ECONNREFUSED", "EPIPE"].includes(e?.code ?? "");
}

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export const defaultRetry: RetryOptions = { attempts: 8, baseMs: 250, maxMs: 20_000 };

export async function withRetry<T>(clock: Clock, what: string, fn: () => Promise<T>, opts: RetryOptions = defaultRetry): Promise<T> {
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= opts.attempts) {
        if (attempt > 1 && err instanceof Error) err.message = `${what}: ${err.message} (after ${attempt} attempts)`;
        throw err;
      }
      const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** (attempt - 1));
      await clock.sleep(Math.floor(random() * ceiling));
    }
  }
}
