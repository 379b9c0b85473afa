// The cutover engine against the Route53 test server through the real SDK client, with a
// ManualClock shared by engine and server: a 10-minute bake and a 300 s TTL wait take no real
// time. The probe hits a real local HTTP server whose latency and error rate the test controls.
import { Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../components/common/clock";
import { CutoverFailure, runCutover, setLiveWeights } from "../../components/cutover/engine";
import { percentile } from "../../components/cutover/probe";
import { makeRoute53Client, PairRecords, ROUTE53_MAX_ATTEMPTS, targetRecord } from "../../components/cutover/records";
import type { CutoverPlan } from "../../components/cutover/types";
import { assertWritableWeights, ociPercentOf, weightsForOciPercent } from "../../components/cutover/weights";
import { FaultInjector } from "../support/faults";
import { HttpTarget, startHttpTarget } from "../support/http-target";
import { Route53Server, startRoute53Server } from "../support/route53-server";

let clock: ManualClock;
let server: Route53Server;
let client: Route53Client;
let target: HttpTarget;
let zone: string;

const NAME = "tenant42.example.com";

function plan(overrides: Partial<CutoverPlan> = {}): CutoverPlan {
  return {
    zoneId: zone,
    recordName: NAME,
    recordType: "A",
    ttl: 60,
    aws: { setIdentifier: "aws", values: ["192.0.2.10"] },
    oci: { setIdentifier: "oci", values: ["198.51.100.20"] },
    steps: [1, 5, 25, 50, 100],
    targetOciPercent: 100,
    bakeMs: 10 * 60_000,
    gates: {
      healthCheck: false,
      intervalMs: 60_000,
      failureLimit: 0,
      probe: { url: target.url, hostHeader: NAME, samples: 20, concurrency: 5, timeoutMs: 2_000, maxP95Ms: 1000, maxErrorRate: 0.01 },
    },
    rollback: "last-good",
    ...overrides,
  };
}

function seedPlainRecord(ttl = 300): void {
  server.putRecord(zone, { Name: NAME, Type: "A", TTL: ttl, ResourceRecords: ["192.0.2.10"] });
}

function live(): { aws?: number; oci?: number; ttl?: number[] } {
  const records = server.records(zone);
  return {
    aws: records.find((r) => r.SetIdentifier === "aws")?.Weight,
    oci: records.find((r) => r.SetIdentifier === "oci")?.Weight,
    ttl: records.map((r) => r.TTL ?? -1),
  };
}

beforeAll(async () => {
  clock = new ManualClock();
  server = await startRoute53Server({ syncDelayMs: 30_000, now: () => clock.now() });
  client = new Route53Client({
    region: "us-east-1",
    endpoint: server.endpoint,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  target = await startHttpTarget();
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
  await target?.stop();
});
beforeEach(() => {
  zone = server.createZone("example.com");
  target.latencyMs = 0;
  target.errorRate = 0;
  server.log.length = 0;
});

describe("weights", () => {
  it("maps a percent to integer weights that sum to 100 and refuses all-zero or out-of-range weights", () => {
    expect(weightsForOciPercent(25)).toEqual({ aws: 75, oci: 25 });
    expect(ociPercentOf({ aws: 0, oci: 0 })).toBe(50);
    expect(ociPercentOf({ aws: 255, oci: 1 })).toBe(0.39);
    expect(() => assertWritableWeights({ aws: 0, oci: 0 })).toThrow(/all-zero/);
    expect(() => assertWritableWeights({ aws: 256, oci: 0 })).toThrow(/0\.\.255/);
    expect(() => assertWritableWeights({ aws: 1.5, oci: 0 })).toThrow(/integers/);
    expect(() => weightsForOciPercent(101)).toThrow(/0\.\.100/);
  });

  it("computes p95 by nearest rank", () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile([5], 95)).toBe(5);
  });
});

describe("runCutover", () => {
  it("migrates the plain record, lowers the TTL, waits it out, walks 1/5/25/50/100 with INSYNC and bake at every step", async () => {
    seedPlainRecord(300);
    const splits: Record<number, number> = {};
    const events: string[] = [];
    const started = clock.now();
    let firstShiftAt = 0;
    const report = await runCutover(plan(), {
      client,
      clock,
      log: (line) => {
        events.push(line);
        const m = line.match(/^step: .*oci (\d+)%\)/);
        if (m) {
          firstShiftAt ||= clock.now();
          // The realized split right after the change, as resolvers sampling the weights see it.
          splits[Number(m[1])] = server.sampleSplit(zone, NAME, "A", 10_000).oci ?? 0;
        }
      },
    });

    expect(report.weights).toEqual({ aws: 0, oci: 100 });
    expect(live()).toEqual({ aws: 0, oci: 100, ttl: [60, 60] });
    for (const percent of [1, 5, 25, 50, 100]) expect(Math.abs(splits[percent] - percent / 100)).toBeLessThanOrEqual(0.02);
    // The old TTL of 300 s was waited out before the first shift (plus the INSYNC wait).
    expect(firstShiftAt - started).toBeGreaterThanOrEqual(300_000);
    expect(report.history.map((h) => h.event)).toEqual([
      "migrate-simple-record",
      "lower-ttl",
      ...[1, 5, 25, 50, 100].flatMap(() => ["step", "step-passed"]),
      "complete",
    ]);
    // Every change was followed by GetChange polls until INSYNC before anything else happened.
    const actions = server.log.map((l) => l.action).filter((a) => a !== "ListResourceRecordSets");
    for (let i = 0; i < actions.length; i++) {
      if (actions[i] === "ChangeResourceRecordSets") expect(actions[i + 1]).toBe("GetChange");
    }
    expect(server.log.filter((l) => l.action === "ChangeResourceRecordSets")).toHaveLength(6);
    // 10 analysis runs per step (10 min bake / 1 min interval), 20 probe samples each, with the tenant's Host header.
    expect(target.requests).toBeGreaterThanOrEqual(5 * 10 * 20);
    expect(target.hostHeaders).toEqual(new Set([NAME]));
    // 5 steps x (INSYNC 30 s + TTL 60 s + bake 10 min) + the 300 s TTL wait: about an hour of clock time, instantly.
    expect(clock.now() - started).toBeGreaterThanOrEqual(5 * (30_000 + 60_000 + 600_000) + 300_000);
  });

  it("rolls back to the last good weights when the probe fails at 25%, and fails with the measured numbers", async () => {
    seedPlainRecord(60);
    const err = await runCutover(plan(), {
      client,
      clock,
      log: (line) => {
        if (line.startsWith("step: ") && line.includes("oci 25%")) target.errorRate = 0.4;
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(CutoverFailure);
    const failure = err as CutoverFailure;
    expect(failure.message).toContain("at OCI 25%");
    expect(failure.message).toContain("error rate 40.0% (8/20, first: HTTP 503) is not below 1.0%");
    expect(failure.message).toContain("Rolled back to aws 95 / oci 5 (oci 5%)");
    expect(failure.report.weights).toEqual({ aws: 95, oci: 5 });
    expect(failure.failed[0]).toMatchObject({ ociPercent: 25, samples: 20, errors: 8, errorRate: 0.4, passed: false });
    expect(live()).toMatchObject({ aws: 95, oci: 5 });
    const rollback = failure.report.history.find((h) => h.event === "rollback")!;
    expect(rollback.weights).toEqual({ aws: 95, oci: 5 });
    expect(server.sampleSplit(zone, NAME, "A").oci).toBeCloseTo(0.05, 1);
  });

  it("fails the p95 gate against real latency, and rolls straight back to AWS when configured", async () => {
    seedPlainRecord(60);
    target.latencyMs = 120;
    const base = plan();
    const err = await runCutover(
      { ...base, rollback: "aws", bakeMs: 60_000, gates: { ...base.gates, probe: { ...base.gates.probe!, samples: 10, maxP95Ms: 100 } } },
      { client, clock },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(CutoverFailure);
    expect(err.message).toMatch(/at OCI 1%; last: p95 1\d\d(\.\d)? ms is not below 100 ms/);
    expect(err.failed[0].p95Ms).toBeGreaterThanOrEqual(120);
    expect(live()).toMatchObject({ aws: 100, oci: 0 });
  });

  it("uses the OCI health check as a gate, tolerating failureLimit failed runs", async () => {
    seedPlainRecord(60);
    const base = plan();
    const withHealth: CutoverPlan = {
      ...base,
      oci: { ...base.oci, healthCheck: { type: "HTTPS", port: 443, resourcePath: "/health", ipAddress: "129.213.45.67", requestIntervalSeconds: 10, failureThreshold: 2 } },
      steps: [10, 100],
      gates: { healthCheck: true, intervalMs: 60_000, failureLimit: 1 },
    };
    let runs = 0;
    const report = await runCutover(withHealth, {
      client,
      clock,
      log: (line) => {
        // One unhealthy run at 10% is tolerated (failureLimit 1)...
        if (line.startsWith("step: ") && line.includes("oci 10%")) server.setHealth(server.healthCheckIds()[0], false);
        if (line.startsWith("  analysis") && ++runs === 1) server.setHealth(server.healthCheckIds()[0], true);
      },
    });
    expect(report.weights).toEqual({ aws: 0, oci: 100 });
    expect(server.records(zone).find((r) => r.SetIdentifier === "oci")?.HealthCheckId).toBe(report.healthCheckIds.oci);

    // ...two are not.
    zone = server.createZone("example.com");
    seedPlainRecord(60);
    let unhealthyFrom = false;
    const err = await runCutover({ ...withHealth, zoneId: zone }, {
      client,
      clock,
      log: (line) => {
        if (!unhealthyFrom && line.startsWith("step: ") && line.includes("oci 10%")) {
          unhealthyFrom = true;
          // The check created for this zone's record (the caller reference includes the zone).
          server.setHealth(server.healthCheckIds().at(-1)!, false);
        }
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(CutoverFailure);
    expect(err.message).toContain("2 failed analysis run(s) (limit 1) at OCI 10%");
    expect(err.message).toContain("Route53 health check of the OCI target reports unhealthy");
    expect(live()).toMatchObject({ aws: 100, oci: 0 });
  });

  it("rides out throttled answers in the middle of a walk with the SDK's adaptive retries, but does not retry a validation error", async () => {
    seedPlainRecord(60);
    // The client the provider and the rollback script use (credentials from the standard chain).
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret" });
    const adaptive = makeRoute53Client(server.endpoint);
    // One GetChange per change (INSYNC at once): the adaptive limiter paces real time, and polls would only add waiting.
    server.syncDelayMs = 0;
    try {
      expect(adaptive.config.retryMode).toBe("adaptive");
      expect(await adaptive.config.maxAttempts()).toBe(ROUTE53_MAX_ATTEMPTS);
      // Route53's throttled answers (HTTP 400): the plain record becomes a pair and the 50% step
      // lands; then the 100% step's change is throttled twice and refused once as "still processing",
      // and two polls of its GetChange are throttled.
      server.failNext("ChangeResourceRecordSets", 2, "Throttling", "Rate exceeded", 400, 2);
      server.failNext("ChangeResourceRecordSets", 1, "PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.");
      server.failNext("GetChange", 2, "Throttling", "Rate exceeded", 400, 2);
      const report = await runCutover(plan({ steps: [50, 100] }), { client: adaptive, clock });
      expect(report.weights).toEqual({ aws: 0, oci: 100 });
      expect(report.history.filter((h) => h.event === "step").map((h) => h.weights.oci)).toEqual([50, 100]);
      expect(server.log.filter((l) => l.action === "ChangeResourceRecordSets").map((l) => l.status)).toEqual([200, 200, 400, 400, 400, 200]);
      expect(server.log.filter((l) => l.action === "GetChange").map((l) => l.status)).toEqual([200, 200, 400, 400, 200]);
      expect(live()).toMatchObject({ aws: 0, oci: 100 });

      const records = new PairRecords(adaptive, clock, { zoneId: zone, recordName: NAME, recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" });
      const bad = targetRecord(records.addr, { setIdentifier: "oci", values: ["198.51.100.20"] }, 5, 300);
      const before = server.log.length;
      const err = await records.writePair(targetRecord(records.addr, { setIdentifier: "aws", values: ["192.0.2.10"] }, 95, 60), bad, "x").catch((e) => e);
      expect(err.name).toBe("InvalidChangeBatch");
      expect(server.log.length - before).toBe(1);
    } finally {
      server.syncDelayMs = 30_000;
      adaptive.destroy();
    }
  });

  it("completes a walk while a quarter of all Route53 calls are throttled at random (other stacks spending the account's budget)", async () => {
    const faults = new FaultInjector({ throttle: 0.25, seed: 15 });
    const busy = await startRoute53Server({ syncDelayMs: 0, now: () => clock.now(), faults });
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret" });
    const adaptive = makeRoute53Client(busy.endpoint);
    try {
      const busyZone = busy.createZone("example.com");
      busy.putRecord(busyZone, { Name: NAME, Type: "A", TTL: 60, ResourceRecords: ["192.0.2.10"] });
      const started = Date.now();
      const report = await runCutover({ ...plan({ steps: [50, 100] }), zoneId: busyZone }, { client: adaptive, clock });
      expect(report.weights).toEqual({ aws: 0, oci: 100 });
      expect(faults.counts.throttle).toBeGreaterThan(1);
      expect(busy.log.filter((l) => l.status === 400).length).toBe(faults.counts.throttle);
      console.log(`walk under ${faults.counts.throttle} throttled answers of ${busy.log.length}: ${Date.now() - started} ms`);
    } finally {
      adaptive.destroy();
      await busy.stop();
    }
  }, 120_000);

  it("never writes all-zero weights: the guard stops before any request", async () => {
    seedPlainRecord(60);
    await runCutover(plan({ steps: [50], targetOciPercent: 50 }), { client, clock });
    const records = new PairRecords(client, clock, { zoneId: zone, recordName: NAME, recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" });
    const before = server.log.length;
    const aws = targetRecord(records.addr, { setIdentifier: "aws", values: ["192.0.2.10"] }, 0, 60);
    const oci = targetRecord(records.addr, { setIdentifier: "oci", values: ["198.51.100.20"] }, 0, 60);
    await expect(records.writePair(aws, oci, "x")).rejects.toThrow(/all-zero/);
    await expect(setLiveWeights(records.addr, { aws: 0, oci: 0 }, "x", { client, clock })).rejects.toThrow(/all-zero/);
    expect(server.log.slice(before).filter((l) => l.action === "ChangeResourceRecordSets")).toHaveLength(0);
    expect(live()).toMatchObject({ aws: 50, oci: 50 });
  });

  it("treats hand-made all-zero weights as an equal split and restarts from AWS 100%", async () => {
    seedPlainRecord(60);
    await runCutover(plan({ steps: [5, 50], targetOciPercent: 50 }), { client, clock });
    for (const id of ["aws", "oci"]) {
      const r = server.records(zone).find((x) => x.SetIdentifier === id)!;
      server.putRecord(zone, { ...r, Weight: 0 });
    }
    const seen: number[] = [];
    const report = await runCutover(plan({ steps: [5, 50], targetOciPercent: 50 }), {
      client,
      clock,
      log: (line) => {
        const m = line.match(/^step: .*oci (\d+)%\)/);
        if (m) seen.push(Number(m[1]));
      },
    });
    expect(seen).toEqual([5, 50]);
    expect(report.weights).toEqual({ aws: 50, oci: 50 });
  });

  it("moves back towards AWS in one change without gates, and refuses a plain record that points elsewhere", async () => {
    seedPlainRecord(60);
    await runCutover(plan({ steps: [50, 100] }), { client, clock });
    target.errorRate = 1; // would fail any gate: none runs on the way back
    const changesBefore = server.log.filter((l) => l.action === "ChangeResourceRecordSets").length;
    const report = await runCutover(plan({ targetOciPercent: 0 }), { client, clock });
    expect(report.weights).toEqual({ aws: 100, oci: 0 });
    expect(server.log.filter((l) => l.action === "ChangeResourceRecordSets").length - changesBefore).toBe(1);

    zone = server.createZone("example.com");
    server.putRecord(zone, { Name: NAME, Type: "A", TTL: 300, ResourceRecords: ["203.0.113.99"] });
    await expect(runCutover(plan(), { client, clock })).rejects.toThrow(/points at 203\.0\.113\.99, but the AWS target is 192\.0\.2\.10/);
    expect(server.records(zone)).toHaveLength(1);
  });

  it("creates the pair at AWS 100% when the name has no record yet, with nothing to wait out", async () => {
    const started = clock.now();
    const report = await runCutover(plan({ steps: [5, 25], targetOciPercent: 25, bakeMs: 60_000 }), { client, clock });
    expect(report.history.map((h) => h.event)).toEqual(["migrate-simple-record", "step", "step-passed", "step", "step-passed", "complete"]);
    expect(report.history[0].weights).toEqual({ aws: 100, oci: 0 });
    expect(live()).toEqual({ aws: 75, oci: 25, ttl: [60, 60] });
    // 3 changes x INSYNC (30 s, seen by polls at 0.25, 0.5, 1, 2, 4, then every 5 s: 32.75 s)
    // + 2 steps x (60 s TTL + 60 s bake), and no old TTL to wait out.
    expect(clock.now() - started).toBe(3 * 32_750 + 2 * 120_000);
  });

  it("starts from the live weights when they differ from any step (e.g. after an emergency rollback)", async () => {
    seedPlainRecord(60);
    await runCutover(plan({ steps: [5, 25, 50, 100] }), { client, clock });
    const change = await setLiveWeights(
      { zoneId: zone, recordName: NAME, recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" },
      { aws: 100, oci: 0 },
      "emergency",
      { client, clock },
    );
    expect(change.before).toEqual({ aws: 0, oci: 100 });
    const seen: string[] = [];
    await runCutover(plan({ steps: [5, 25, 50, 100] }), { client, clock, log: (l) => seen.push(l) });
    expect(seen.filter((l) => l.startsWith("step: ")).map((l) => l.match(/oci (\d+)%\)/)![1])).toEqual(["5", "25", "50", "100"]);
  });
});
