import { describe, expect, it } from "vitest";
import type { Clock } from "../../components/common/clock";
import { backoffDelay, retry } from "../../components/common/retry";

/** A clock that records every sleep and advances by it at once. */
function recordingClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => now, sleep: async (ms) => { sleeps.push(ms); now += ms; } };
}

const busy = () => Object.assign(new Error("busy"), { retryable: true });
const isBusy = (err: unknown) => (err as { retryable?: boolean }).retryable === true;

describe("retry (components/common/retry.ts)", () => {
  it("sleeps on the injected clock: full jitter under a doubling ceiling, capped", async () => {
    const clock = recordingClock();
    let calls = 0;
    const retried: number[] = [];
    const value = await retry(async (attempt) => {
      calls += 1;
      expect(attempt).toBe(calls);
      if (calls < 6) throw busy();
      return "ok";
    }, { attempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 }, { retryable: isBusy, clock, random: () => 0.5, onRetry: (_e, next) => retried.push(next) });
    expect(value).toBe("ok");
    expect(clock.sleeps).toEqual([50, 100, 200, 400, 500]);
    expect(retried).toEqual([2, 3, 4, 5, 6]);
  });

  it("stops at once on what the caller does not retry, and after the last attempt without a further sleep", async () => {
    const clock = recordingClock();
    let calls = 0;
    await expect(retry(async () => { calls += 1; throw new Error("forbidden"); }, { attempts: 5, baseDelayMs: 10, maxDelayMs: 10 }, { retryable: isBusy, clock })).rejects.toThrow("forbidden");
    expect(calls).toBe(1);
    calls = 0;
    const retried: number[] = [];
    const err = await retry(async () => { calls += 1; throw busy(); }, { attempts: 3, baseDelayMs: 10, maxDelayMs: 10 }, { retryable: isBusy, clock, what: "ChangeResourceRecordSets", onRetry: (_e, n) => retried.push(n) }).catch((e: Error) => e);
    expect(calls).toBe(3);
    expect(retried).toEqual([2, 3]);
    expect(err.message).toBe("ChangeResourceRecordSets: busy (after 3 attempts)");
    expect(clock.sleeps).toHaveLength(2);
  });

  it("without jitter, polls until the timeout and never sleeps past it", async () => {
    const clock = recordingClock();
    const err = await retry(async () => { throw busy(); }, { attempts: Infinity, baseDelayMs: 500, maxDelayMs: 2_000, jitter: "none", timeoutMs: 10_000 }, { retryable: isBusy, clock }).catch((e) => e);
    expect(err.message).toBe("busy");
    expect(clock.sleeps).toEqual([500, 1000, 2000, 2000, 2000, 2000, 500]);
  });

  it("starts no further attempt once the signal is aborted", async () => {
    const clock = recordingClock();
    const controller = new AbortController();
    let calls = 0;
    const err = await retry(async () => { calls += 1; controller.abort(new Error("stopped")); throw busy(); }, { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 }, { retryable: isBusy, clock, signal: controller.signal }).catch((e: Error) => e);
    expect(calls).toBe(1);
    expect(err.message).toBe("busy");
    expect(clock.sleeps).toEqual([]);
  });

  it("computes the backoff of the n-th failure", () => {
    const policy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 20_000 };
    expect([1, 2, 3, 8, 9].map((n) => backoffDelay(policy, n, () => 1))).toEqual([250, 500, 1000, 20_000, 20_000]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});
