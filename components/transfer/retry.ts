// Retries with exponential backoff and full jitter for the failures that are worth retrying:
// throttling (429), server errors (5xx), dropped or timed-out connections, and corrupted
// transfers (TransientStoreError). Everything else (403, 404, 400 validation...) fails at once.
// The backoff itself is the kit's (components/common/retry.ts).
import { retry, type RetryPolicy } from "../common/retry";
import { TransientStoreError } from "./store";

export type { RetryPolicy };

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 200, maxDelayMs: 10_000 };

const TRANSIENT_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNABORTED", "EAI_AGAIN",
  "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_SOCKET", "ERR_STREAM_PREMATURE_CLOSE", "UND_ERR_CLOSED",
]);

/** The HTTP status an SDK error carries (AWS SDK v3, oci-common OciError, our own). */
export function httpStatusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown; $metadata?: { httpStatusCode?: unknown } };
  for (const candidate of [e?.statusCode, e?.$metadata?.httpStatusCode, e?.status]) {
    if (typeof candidate === "number") return candidate;
  }
  return undefined;
}

export function isTransient(err: unknown): boolean {
  if (err instanceof TransientStoreError) return true;
  const status = httpStatusOf(err);
  // 501 Not Implemented and 505 will not change on a retry.
  if (status !== undefined) return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; $retryable?: unknown };
  if (e?.$retryable) return true;
  if (typeof e?.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
  if (e?.name === "TimeoutError") return true;
  const message = typeof e?.message === "string" ? e.message : "";
  if (/socket hang up|premature close|aborted|ECONNRESET|EPIPE|network|terminated|other side closed|fetch failed/i.test(message)) return true;
  return e?.cause !== undefined && e.cause !== err ? isTransient(e.cause) : false;
}

/**
 * A store refused an upload because its bytes do not hash to the Content-MD5 sent (S3 BadDigest,
 * OCI "Unmatched Content MD5"): a corrupted transfer or a wrong expected MD5, never a bad request.
 */
export function isDigestRejection(err: unknown): boolean {
  if (httpStatusOf(err) !== 400) return false;
  const e = err as { name?: unknown; code?: unknown; serviceCode?: unknown; Code?: unknown; message?: unknown };
  const text = [e?.name, e?.code, e?.serviceCode, e?.Code, e?.message].filter((v) => typeof v === "string").join(" ");
  return /BadDigest|InvalidDigest|Unmatched ?Content ?MD5|Content-MD5/i.test(text);
}

/** Runs `fn` until it succeeds, a non-transient error occurs, or the attempts run out. */
export function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (err: unknown, nextAttempt: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  return retry(fn, policy, { retryable: isTransient, onRetry, signal });
}
