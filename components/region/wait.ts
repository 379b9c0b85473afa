// Waiting on OCI's asynchronous operations: poll with exponential backoff until done, stop at
// once on FAILED/CANCELED with the service's own error messages, give up after a timeout naming
// the last status seen. Errors from the poll itself are never swallowed (the seed's waiter caught
// its own FAILED exception and polled forever).
//
// Not the SDK's waiters (oci-core ComputeWaiter.forInstance, oci-workrequests
// WorkRequestWaiter.forWorkRequest, 2.139.1): their genericWaiter sleeps with its own setTimeout
// and reads the time from `new Date()`, so no injectable clock; a timeout throws "Termination
// strategy decided to terminate with context at: [object Object]" without the last status seen;
// forInstance waits through a failed state (TERMINATED when RUNNING is wanted) until the timeout;
// forWorkRequest returns FAILED like SUCCEEDED and delays are whole seconds (2^n). The polling
// runs on the kit's retry instead (components/common/retry.ts): "still pending" is the one
// retryable outcome, without jitter, until the timeout.
import type * as workrequests from "oci-workrequests";
import type { Clock } from "../common/clock";
import { retry } from "../common/retry";

export interface WaitSettings {
  timeoutMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export class WaitTimeoutError extends Error {
  constructor(readonly what: string, readonly timeoutMs: number, readonly lastSeen: string) {
    super(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (last seen: ${lastSeen})`);
    this.name = "WaitTimeoutError";
  }
}

export class OperationFailedError extends Error {
  constructor(readonly what: string, readonly status: string, readonly serviceMessages: string[]) {
    super(`${what} ended ${status}: ${serviceMessages.length > 0 ? serviceMessages.join("; ") : "the service gave no error message"}`);
    this.name = "OperationFailedError";
  }
}

export type PollResult<T> = { done: T } | { failed: string; messages: string[] } | { pending: string };

/** A poll that is not done yet: the one outcome the wait retries. */
class StillPending extends Error {
  constructor(readonly status: string) {
    super(status);
  }
}

/** Polls until done, failed or timed out; the delay doubles from initialDelayMs up to maxDelayMs. */
export async function pollUntil<T>(what: string, poll: () => Promise<PollResult<T>>, settings: WaitSettings, clock: Clock): Promise<T> {
  const policy = { attempts: Infinity, baseDelayMs: settings.initialDelayMs, maxDelayMs: settings.maxDelayMs, jitter: "none", timeoutMs: settings.timeoutMs } as const;
  try {
    return await retry(async () => {
      const result = await poll();
      if ("done" in result) return result.done;
      if ("failed" in result) throw new OperationFailedError(what, result.failed, result.messages);
      throw new StillPending(result.pending);
    }, policy, { retryable: (err) => err instanceof StillPending, clock });
  } catch (err) {
    if (err instanceof StillPending) throw new WaitTimeoutError(what, settings.timeoutMs, err.status);
    throw err;
  }
}

const TERMINAL_FAILURES = new Set(["FAILED", "CANCELED"]);

/** Waits for a work request to succeed; FAILED or CANCELED stop with ListWorkRequestErrors' messages. */
export function waitForWorkRequest(
  client: workrequests.WorkRequestClient, workRequestId: string, what: string, settings: WaitSettings, clock: Clock,
): Promise<workrequests.models.WorkRequest> {
  return pollUntil<workrequests.models.WorkRequest>(`${what} (work request ${workRequestId})`, async () => {
    const { workRequest } = await client.getWorkRequest({ workRequestId });
    if (workRequest.status === "SUCCEEDED") return { done: workRequest };
    if (TERMINAL_FAILURES.has(workRequest.status)) {
      const { items } = await client.listWorkRequestErrors({ workRequestId });
      return { failed: workRequest.status, messages: items.map((e) => `${e.code}: ${e.message}`) };
    }
    return { pending: `${workRequest.status} ${workRequest.percentComplete}%` };
  }, settings, clock);
}

/** Waits for a resource's lifecycle state to reach one of `wanted`; `failed` states stop at once. */
export function waitForLifecycle<T>(
  what: string,
  read: () => Promise<T>,
  stateOf: (value: T) => string,
  wanted: readonly string[],
  failed: readonly string[],
  settings: WaitSettings,
  clock: Clock,
): Promise<T> {
  return pollUntil<T>(what, async () => {
    const value = await read();
    const state = stateOf(value);
    if (wanted.includes(state)) return { done: value };
    if (failed.includes(state)) return { failed: state, messages: [`${what} is ${state}`] };
    return { pending: state };
  }, settings, clock);
}
