import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkAgainst } from "../../components/dynamic/check";
import { outputSlots, plainJson } from "../../components/dynamic/outputs";
import { UnknownStateVersionError, upgradeState } from "../../components/dynamic/state-version";
import { TimeoutError, withTimeout } from "../../components/dynamic/timeout";
import { UNKNOWN, isUnknown, unknownPaths } from "../../components/dynamic/unknown";

const schema = z.object({
  zoneId: z.string().min(1),
  ttl: z.number().int().min(1).max(60),
  aws: z.object({ address: z.string().min(1), setIdentifier: z.string().default("aws") }),
  steps: z.array(z.number().int().min(1).max(100)),
});

describe("check with the resource's schema", () => {
  it("returns the parsed inputs (defaults applied) when everything is known and valid", () => {
    const checked = checkAgainst(schema, { zoneId: "Z1", ttl: 30, aws: { address: "a.example.com" }, steps: [10, 100] });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual({ zoneId: "Z1", ttl: 30, aws: { address: "a.example.com", setIdentifier: "aws" }, steps: [10, 100] });
  });

  it("names every refused property, with dotted paths and list indexes", () => {
    const checked = checkAgainst(schema, { zoneId: "", ttl: 300, aws: { address: "" }, steps: [10, 0] });
    expect(checked.inputs).toBeUndefined();
    expect(checked.failures.map((f) => f.property).sort()).toEqual(["aws.address", "steps[1]", "ttl", "zoneId"]);
  });

  it("skips problems at or under an unknown value (preview), and keeps the others", () => {
    const checked = checkAgainst(schema, { zoneId: UNKNOWN, ttl: 300, aws: UNKNOWN, steps: [UNKNOWN, 0] });
    expect(checked.inputs).toBeUndefined();
    expect(checked.failures.map((f) => f.property).sort()).toEqual(["steps[1]", "ttl"]);
  });
});

describe("unknown values", () => {
  it("finds an unknown anywhere and names its path", () => {
    const value = { a: 1, b: { c: [0, UNKNOWN] }, d: UNKNOWN };
    expect(isUnknown(value)).toBe(true);
    expect(isUnknown({ a: [1, { b: "x" }] })).toBe(false);
    expect(unknownPaths(value)).toEqual(["b.c[1]", "d"]);
  });
});

describe("state versions", () => {
  const versions = {
    current: 2,
    migrations: {
      0: (s: Record<string, unknown>) => ({ ...s, history: s.history ?? [] }),
      1: (s: Record<string, unknown>) => ({ ...s, target: s.targetPercent, targetPercent: undefined }),
    },
  };

  it("migrates a state written before versions existed, step by step, to the current version", () => {
    const upgraded = upgradeState("Cutover", { targetPercent: 25 }, versions);
    expect(upgraded).toEqual({ target: 25, targetPercent: undefined, history: [], schemaVersion: 2 });
  });

  it("leaves a current state and an empty state alone", () => {
    const current = { target: 5, schemaVersion: 2 };
    expect(upgradeState("Cutover", current, versions)).toBe(current);
    expect(upgradeState("Cutover", {}, versions)).toEqual({});
  });

  it("refuses a version it does not know, naming the resource and the way out", () => {
    for (const schemaVersion of [3, "2", 1.5, -1]) {
      const err = (() => {
        try {
          upgradeState("Cutover", { schemaVersion }, versions);
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(UnknownStateVersionError);
      expect(err!.message).toContain("Cutover");
      expect(err!.message).toContain("run pulumi from that version");
    }
  });

  it("refuses a state without a version when there is no migration from unversioned state", () => {
    expect(() => upgradeState("Hydration", { generation: "g" }, { current: 1, migrations: {} })).toThrow(UnknownStateVersionError);
  });
});

describe("timeouts and outputs", () => {
  it("rejects with what was being waited for, and runs onTimeout first", async () => {
    let aborted = false;
    const err = (await withTimeout(new Promise(() => undefined), 20, "reading the live weights", () => (aborted = true)).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("reading the live weights took longer than 0.02 s");
    expect(aborted).toBe(true);
    await expect(withTimeout(Promise.resolve(7), 1000, "x")).resolves.toBe(7);
  });

  it("declares output slots and strips undefined for the host", () => {
    expect(outputSlots(["a", "b"])).toEqual({ a: undefined, b: undefined });
    expect(Object.keys(outputSlots(["a", "b"]))).toEqual(["a", "b"]);
    expect(plainJson({ a: 1, b: undefined, c: [{ d: undefined }] })).toEqual({ a: 1, c: [{}] });
  });
});
