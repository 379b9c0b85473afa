import { describe, expect, it } from "vitest";
import { isTransient, withRetry } from "../../components/transfer/retry";
import { TransientStoreError } from "../../components/transfer/store";

describe("retry policy", () => {
  it("retries throttling, 5xx and dropped connections; not client errors or 501", () => {
    for (const err of [
      { statusCode: 429 }, { statusCode: 503 }, { $metadata: { httpStatusCode: 500 } }, { code: "ECONNRESET" },
      new TransientStoreError("truncated"), new TypeError("fetch failed", { cause: { code: "UND_ERR_SOCKET" } }), new Error("socket hang up"),
    ]) expect(isTransient(err), JSON.stringify(err)).toBe(true);
    for (const err of [{ statusCode: 400 }, { statusCode: 403 }, { statusCode: 404 }, { statusCode: 412 }, { $metadata: { httpStatusCode: 501 } }, new Error("validation failed")]) {
      expect(isTransient(err), JSON.stringify(err)).toBe(false);
    }
  });

  it("backs off until success, and stops at once on a permanent error", async () => {
    let calls = 0;
    const retried: number[] = [];
    const value = await withRetry(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error("slow down"), { statusCode: 503 });
      return "ok";
    }, { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 }, (_e, next) => retried.push(next));
    expect(value).toBe("ok");
    expect(retried).toEqual([2, 3]);

    calls = 0;
    await expect(withRetry(async () => {
      calls += 1;
      throw Object.assign(new Error("forbidden"), { statusCode: 403 });
    }, { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 })).rejects.toThrow("forbidden");
    expect(calls).toBe(1);

    calls = 0;
    await expect(withRetry(async () => {
      calls += 1;
      throw Object.assign(new Error("busy"), { statusCode: 503 });
    }, { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 })).rejects.toThrow("busy");
    expect(calls).toBe(4);
  });
});
