// The first-full-copy estimate: hours at the runner's rate, and the warning beyond the window.
import { describe, expect, it } from "vitest";
import { DEFAULT_COPY_WINDOW_HOURS, SINGLE_RUNNER_MBPS, estimateCopyTime, formatHours } from "../../components/transfer/copy-time";

describe("copy-time estimate", () => {
  it("fits the 6-hour default window up to the runner's rate x 6 h, and warns one byte per second beyond", () => {
    const windowBytes = SINGLE_RUNNER_MBPS * 1e6 * DEFAULT_COPY_WINDOW_HOURS * 3600;
    const fits = estimateCopyTime(windowBytes);
    expect(fits).toMatchObject({ hours: 6, exceedsWindow: false });
    expect(fits.warning).toBeUndefined();
    const over = estimateCopyTime(windowBytes + SINGLE_RUNNER_MBPS * 1e6);
    expect(over.exceedsWindow).toBe(true);
    expect(over.warning).toMatch(/over the 6 h window: run the bulk copy on AWS DataSync \(tundra:dataSync.bulk/);
  });

  it("takes the runner's measured rate and the window from the caller", () => {
    // 10 TB at 100 MB/s: 27.8 h
    const e = estimateCopyTime(10e12, { runnerMBps: 100, windowHours: 48 });
    expect(e.hours).toBeCloseTo(27.78, 2);
    expect(e.exceedsWindow).toBe(false);
    expect(() => estimateCopyTime(1, { runnerMBps: 0 })).toThrow(/positive number of MB\/s/);
    expect(() => estimateCopyTime(1, { windowHours: -1 })).toThrow(/positive number of hours/);
  });

  it("prints minutes, hours or days", () => {
    expect([formatHours(0.001), formatHours(0.5), formatHours(5.25), formatHours(72)]).toEqual(["1 min", "30 min", "5.3 h", "3.0 days"]);
  });
});
