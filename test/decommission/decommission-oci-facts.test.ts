import { describe, expect, it } from "vitest";
import { ociFullSinceFromHistory, ociStackFacts } from "../../components/decommission/oci-stack-facts";
import type { HistoryEvent } from "../../components/cutover/types";

const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T10:00:00.000Z`;
const ev = (day: number, aws: number, oci: number, event: HistoryEvent["event"] = "step"): HistoryEvent => ({ at: at(day), event, weights: { aws, oci }, detail: "" });

describe("OCI at 100% since, from the OCI stack's cutover output", () => {
  it("is the start of the trailing run at AWS 0 with OCI carrying traffic", () => {
    const history = [ev(1, 99, 1), ev(2, 50, 50), ev(3, 0, 100), ev(3, 0, 100, "complete")];
    expect(ociFullSinceFromHistory(history)).toBe(at(3));
  });

  it("restarts after a rollback: only the last unbroken run counts", () => {
    const history = [ev(1, 0, 100), ev(2, 75, 25, "rollback"), ev(5, 0, 100), ev(5, 0, 100, "complete")];
    expect(ociFullSinceFromHistory(history)).toBe(at(5));
  });

  it("is undefined while AWS still has weight at the end, or with no history", () => {
    expect(ociFullSinceFromHistory([ev(1, 0, 100), ev(2, 50, 50, "rollback")])).toBeUndefined();
    expect(ociFullSinceFromHistory([])).toBeUndefined();
    expect(ociFullSinceFromHistory([{ nonsense: true }])).toBeUndefined();
  });

  it("with the history trimmed to its last events, gives a later date than the truth (the guard only waits longer)", () => {
    const full = Array.from({ length: 60 }, (_, i) => ev(1 + Math.floor(i / 3), 0, 100, "complete"));
    expect(ociFullSinceFromHistory(full)).toBe(at(1));
    expect(ociFullSinceFromHistory(full.slice(-30))).toBe(at(11));
  });

  it("prefers an explicit ociFullSince, reads awsDecommissioned, and says what the outputs lack", () => {
    expect(ociStackFacts({ ociFullSince: at(2), history: [ev(9, 0, 100)], awsDecommissioned: true })).toEqual({ ociFullSince: at(2), awsDecommissioned: true, note: "" });
    expect(ociStackFacts({ history: [ev(9, 0, 100)], awsDecommissioned: false })).toEqual({ ociFullSince: at(9), awsDecommissioned: false, note: "" });
    expect(ociStackFacts({ ociPercent: 100, status: "complete" })).toEqual({
      ociFullSince: "",
      awsDecommissioned: false,
      note: "the OCI stack exports no cutover.ociFullSince or cutover.history and no cutover.awsDecommissioned",
    });
    expect(ociStackFacts(undefined).note).toBe("the OCI stack exports no cutover output");
  });
});
