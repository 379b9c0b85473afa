// Waiting on OCI's asynchronous operations: poll with exponential backoff until done, stop at
// once on FAILED/CANCELED with the service's own error messages, give up after a timeout. Errors
// from the poll itself are never swallowed (the seed's waiter caught its own FAILED exception and
// polled forever). The clock and sleep are injectable so tests need not wait.
import type * as workrequests from "oci-workrequests";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

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

/** Polls until done, failed or timed out; the delay doubles from initialDelayMs up to maxDelayMs. */
export async function pollUntil<T>(what: string, poll: () => Promise<PollResult<T>>, settings: WaitSettings, clock: Clock): Promise<T> {
  const started = clock.now();
  let delay = settings.initialDelayMs;
  for (;;) {
    const result = await poll();
    if ("done" in result) return result.done;
    if ("failed" in result) throw new OperationFailedError(what, result.failed, result.messages);
    const elapsed = clock.now() - started;
    if (elapsed >= settings.timeoutMs) throw new WaitTimeoutError(what, settings.timeoutMs, result.pending);
    await clock.sleep(Math.min(delay, settings.timeoutMs - elapsed));
    delay = Math.min(delay * 2, settings.maxDelayMs);
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
