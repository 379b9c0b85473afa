// Which Route53 failures AWS asks callers to retry (throttling, PriorRequestNotComplete, 5xx), on
// the kit's retry (components/common/retry.ts): backoff with full jitter on the injectable Clock.
import type { Clock } from "../common/clock";
import { retry, type RetryPolicy } from "../common/retry";

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

/** Route53's backoff: 8 attempts from 250 ms, at most 20 s apart, full jitter. */
export const ROUTE53_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 20_000 };

/** Runs a Route53 call with the kit's retry on `clock`; a final error names `what` and the attempts. */
export function withRetry<T>(clock: Clock, what: string, fn: () => Promise<T>, policy: RetryPolicy = ROUTE53_RETRY): Promise<T> {
  return retry(fn, policy, { retryable: isRetryable, clock, what });
}
