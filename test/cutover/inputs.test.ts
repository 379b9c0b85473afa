// The Cutover's inputs schema (components/cutover/spec.ts) on its own: what the resource's check
// and the tundra:cutover config both say about a bad input, and the rules that join fields.
import { describe, expect, it } from "vitest";
import { cutoverSchema } from "../../stacks/config/cutover";
import { checkAgainst } from "../../components/dynamic/check";
import { UNKNOWN } from "../../components/dynamic/unknown";
import { describeSafety, inputsSchema, planOf } from "../../components/cutover/spec";

const inputs = {
  zoneId: "Z1",
  recordName: "t.example.com",
  aws: { values: ["192.0.2.10"] },
  oci: { values: ["198.51.100.20"] },
  targetOciPercent: 100,
  gates: { probe: { url: "https://198.51.100.20/" } },
};
const failuresOf = (raw: Record<string, unknown>) => checkAgainst(inputsSchema, raw).failures.map((f) => `${f.property}: ${f.reason}`);

describe("Cutover inputs", () => {
  it("names an unknown nested key and a missing side, each at its property", () => {
    expect(failuresOf({ ...inputs, aws: { values: ["192.0.2.10"], healthcheck: {} }, oci: undefined })).toEqual([
      'aws: Unrecognized key: "healthcheck"',
      "oci: is required: { values: [...] } or { alias: {...} } for the OCI endpoint",
    ]);
    const config = cutoverSchema.safeParse({ zoneId: "Z1", recordName: "t.example.com", aws: { values: ["192.0.2.10"] }, gates: { intervall: "1m" } });
    expect(config.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toContain('gates: Unrecognized key: "intervall"');
  });

  it("checks values against the record type, and every rule joining fields, even next to a refused field", () => {
    expect(failuresOf({ ...inputs, recordType: "CNAME", ttl: -1, aws: { values: ["not a host"] }, oci: { values: ["a.example.com", "b.example.com"], setIdentifier: "aws" } })).toEqual([
      "ttl: must be an integer from 0 to 172800, got -1",
      'aws.values: "not a host" is not a valid host name',
      "oci.values: a CNAME target takes exactly one host name",
      'oci.setIdentifier: must differ from aws.setIdentifier (both are "aws")',
    ]);
    expect(failuresOf({ ...inputs, bake: "1m", gates: { interval: "2m", healthCheck: true } })).toEqual([
      "gates.interval: (2m) must not exceed bake (1m): each step needs at least one analysis run",
      "gates.healthCheck: is on but oci.healthCheck is not set: add oci.healthCheck or turn the gate off",
    ]);
  });

  it("skips what is unknown in preview, and describes the gates with their defaults meanwhile", () => {
    const preview = { ...inputs, oci: { values: [UNKNOWN] }, gates: { probe: { url: UNKNOWN, samples: 5 } } };
    const checked = checkAgainst(inputsSchema, preview);
    expect(checked.failures).toEqual([]);
    expect(planOf(checked.inputs)).toBeUndefined();
    // The whole OCI side unknown (the stage's target before the load balancer exists): it may carry the health check the gate needs.
    expect(failuresOf({ ...inputs, oci: UNKNOWN, aws: { values: ["192.0.2.10"], setIdentifier: "oci" }, gates: { healthCheck: true } })).toEqual([]);
    expect(describeSafety(preview)).toBe(
      "gates every 1m: probe (OCI URL known after apply): 5 samples, p95 < 1000 ms, errors < 1%; failure limit 0; on failure roll back to the last good weights",
    );
  });

  it("plans known inputs with every default the engine needs", () => {
    const plan = planOf(checkAgainst(inputsSchema, { ...inputs, oci: { values: ["198.51.100.20"], healthCheck: { ipAddress: "129.213.45.67", type: "TCP" } } }).inputs)!;
    expect(plan).toMatchObject({ recordType: "A", ttl: 60, steps: [1, 5, 25, 50, 100], bakeMs: 600_000, rollback: "last-good" });
    expect(plan.oci).toEqual({
      setIdentifier: "oci",
      values: ["198.51.100.20"],
      healthCheck: { type: "TCP", port: 443, ipAddress: "129.213.45.67", requestIntervalSeconds: 10, failureThreshold: 2 },
    });
    expect(plan.gates).toEqual({
      healthCheck: true,
      intervalMs: 60_000,
      failureLimit: 0,
      probe: { url: "https://198.51.100.20/", samples: 20, concurrency: 4, timeoutMs: 5000, maxP95Ms: 1000, maxErrorRate: 0.01 },
    });
  });
});
