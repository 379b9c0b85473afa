// The Cutover dynamic resource through the real dynamic-provider host (child process, gRPC),
// against the Route53 test server and a local HTTP target standing in for the OCI load balancer.
// The host runs the provider with the real system clock, so bakes here are real but small
// (TTL 1 s, bake 1 s, analysis every 500 ms); the engine tests cover 10-minute bakes with an
// injected clock. No test-only clock exists in the provider.
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  destroy,
  partialState,
  ProviderCallError,
  ProviderHost,
  refresh,
  ResourceState,
  serializeProvider,
  startProviderHost,
  UNKNOWN,
  up,
} from "../support/provider-host";
import { rollback } from "../../scripts/rollback";
import { HttpTarget, startHttpTarget } from "../support/http-target";
import { Route53Server, startRoute53Server } from "../support/route53-server";

const execFileAsync = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const NAME = "tenant7.example.com";
const credentials = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "us-east-1" };

let server: Route53Server;
let target: HttpTarget;
let host: ProviderHost;
let provider: string;
let zone: string;

function inputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    zoneId: zone,
    recordName: NAME,
    recordType: "A",
    ttl: 1,
    aws: { values: ["192.0.2.10"] },
    oci: { values: ["198.51.100.20"] },
    targetOciPercent: 100,
    steps: [25, 100],
    bake: "1s",
    gates: { interval: "500ms", probe: { url: target.url, hostHeader: NAME, samples: 10, concurrency: 5, timeout: "2s" } },
    ...overrides,
  };
}

function weights(): { aws?: number; oci?: number } {
  const records = server.records(zone);
  return { aws: records.find((r) => r.SetIdentifier === "aws")?.Weight, oci: records.find((r) => r.SetIdentifier === "oci")?.Weight };
}

/** Samples the realized split every time the live weights change, while `work` runs in the host. */
async function watchSplits<T>(work: Promise<T>, onWeights?: (oci: number) => void): Promise<{ result: T; splits: Map<number, number> }> {
  const splits = new Map<number, number>();
  let done = false;
  const watcher = (async () => {
    while (!done) {
      const oci = weights().oci;
      if (oci !== undefined && !splits.has(oci)) {
        splits.set(oci, server.sampleSplit(zone, NAME, "A", 10_000).oci ?? 0);
        onWeights?.(oci);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return { result: await work, splits };
  } finally {
    done = true;
    await watcher;
  }
}

function changeCount(): number {
  return server.log.filter((l) => l.action === "ChangeResourceRecordSets" && l.status === 200).length;
}

beforeAll(async () => {
  server = await startRoute53Server({ syncDelayMs: 200 });
  // scripts/rollback.ts also runs in this process (besides the child-process run below).
  Object.assign(process.env, credentials, { TUNDRA_ROUTE53_ENDPOINT: server.endpoint });
  target = await startHttpTarget();
  provider = await serializeProvider("components/cutover/provider.ts", "cutoverProvider");
  host = await startProviderHost({ env: { ...credentials, TUNDRA_ROUTE53_ENDPOINT: server.endpoint }, deadlineMs: 120_000 });
}, 120_000);
afterAll(async () => {
  await host?.stop();
  await server?.stop();
  await target?.stop();
});
beforeEach(() => {
  zone = server.createZone("example.com");
  server.putRecord(zone, { Name: NAME, Type: "A", TTL: 2, ResourceRecords: ["192.0.2.10"] });
  target.errorRate = 0;
  target.latencyMs = 0;
});

describe("Cutover resource through the provider host", () => {
  it("serializes without capturing an absolute path or the SDK", () => {
    expect(provider).toContain("loadProjectModule");
    expect(provider).not.toContain(root);
    expect(provider).not.toContain("Route53Client");
  });

  it("previews with the OCI address unknown, showing a readable transition, and changes nothing", async () => {
    const unknownOci = inputs({
      oci: { values: [UNKNOWN], healthCheck: { type: "HTTPS", ipAddress: UNKNOWN, path: "/health" } },
      gates: { interval: "1m", probe: { url: UNKNOWN, hostHeader: NAME } },
      steps: [1, 5, 25, 50, 100],
      bake: "10m",
    });
    const preview = await up(host, provider, undefined, unknownOci, { preview: true });
    expect(preview.op).toBe("create");
    expect(preview.checked.transition).toBe("oci 0% (new weighted pair) -> 100% via 1/5/25/50/100, bake 10m");
    expect(preview.checked.safety).toBe(
      `gates every 1m: Route53 health check of oci + probe (OCI URL known after apply) Host ${NAME}: 20 samples, p95 < 1000 ms, errors < 1%; ` +
        "failure limit 0; on failure roll back to the last good weights",
    );
    expect(changeCount()).toBe(0);
    expect(server.healthCheckIds()).toHaveLength(0);
  });

  it("fails check with every problem named by property", async () => {
    const err: ProviderCallError = await up(
      host,
      provider,
      undefined,
      inputs({ steps: [50, 25], targetOciPercent: 30, bake: "-1m", recordType: "MX", gates: { probe: { url: "ftp://x" } } }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.failures.map((f) => f.property).sort()).toEqual(["bake", "gates.probe.url", "recordType", "steps[1]", "targetOciPercent"]);
    expect(err.failures.find((f) => f.property === "targetOciPercent")?.reason).toContain("30 is not one of the steps [50,25]");
    const noGates: ProviderCallError = await up(host, provider, undefined, inputs({ gates: {}, bake: "10m" })).catch((e) => e);
    expect(noGates.failures).toEqual([
      { property: "gates", reason: "configure gates.probe and/or oci.healthCheck: without a gate nothing can detect a bad step or roll back" },
    ]);
  });

  it("walks to 100% through every step; each step's realized split is within 2%; refresh sees a hand-made change", async () => {
    const { result, splits } = await watchSplits(up(host, provider, undefined, inputs({ steps: [1, 5, 25, 50, 100] })));
    expect(result.op).toBe("create");
    const state = result.state!;
    expect(state.outputs).toMatchObject({ awsWeight: 0, ociWeight: 100, ociPercent: 100, status: "complete", lastError: "", schemaVersion: 1 });
    for (const percent of [0, 1, 5, 25, 50, 100]) {
      expect(splits.has(percent), `saw oci weight ${percent}`).toBe(true);
      expect(Math.abs(splits.get(percent)! - percent / 100)).toBeLessThanOrEqual(0.02);
    }
    expect(target.hostHeaders).toEqual(new Set([NAME]));
    const fullSince = Date.parse(state.outputs.ociFullSince as string);
    expect(Date.now() - fullSince).toBeGreaterThanOrEqual(1_000); // reached before the last TTL wait and bake
    expect(Date.now() - fullSince).toBeLessThan(60_000);

    // A side cannot be renamed in place.
    const renamed: ProviderCallError = await up(host, provider, state, inputs({ steps: [1, 5, 25, 50, 100], oci: { setIdentifier: "oci-2", values: ["198.51.100.20"] } })).catch((e) => e);
    expect(renamed.failures).toEqual([
      {
        property: "oci.setIdentifier",
        reason: 'cannot change on a live cutover ("oci" -> "oci-2"): the old record would stay in the weighted set; keep "oci"',
      },
    ]);

    // Nothing to do on the next run.
    const before = changeCount();
    expect((await up(host, provider, state, inputs({ steps: [1, 5, 25, 50, 100] }))).op).toBe("same");
    expect(changeCount()).toBe(before);

    // A hand-made change shows up on refresh.
    const oci = server.records(zone).find((r) => r.SetIdentifier === "oci")!;
    const aws = server.records(zone).find((r) => r.SetIdentifier === "aws")!;
    server.putRecord(zone, { ...aws, Weight: 30 });
    server.putRecord(zone, { ...oci, Weight: 70 });
    const refreshed = await refresh(host, state);
    expect(refreshed!.outputs).toMatchObject({ awsWeight: 30, ociWeight: 70, ociPercent: 70, ociFullSince: "" });
  }, 120_000);

  it("rolls back when the gate fails at 25%, records the live weights and fails with the numbers; the next up resumes", async () => {
    const failing = inputs({ steps: [5, 25, 50, 100] });
    const { result: err } = await watchSplits(
      up(host, provider, undefined, failing).catch((e) => e),
      (oci) => {
        if (oci === 25) target.errorRate = 0.5;
      },
    );
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.message).toContain("at OCI 25%");
    expect(err.message).toContain("error rate 50.0% (5/10, first: HTTP 503) is not below 1.0%");
    expect(err.message).toContain("Rolled back to aws 95 / oci 5 (oci 5%)");
    expect(weights()).toEqual({ aws: 95, oci: 5 });
    const recorded = partialState(err, failing);
    expect(recorded.outputs).toMatchObject({ awsWeight: 95, ociWeight: 5, ociPercent: 5, status: "rolled-back" });
    expect((recorded.outputs.lastMeasurements as any[])[0]).toMatchObject({ ociPercent: 25, samples: 10, errors: 5, errorRate: 0.5 });
    expect(recorded.initErrors![0]).toContain("error rate 50.0%");

    // OCI fixed: the next `up` updates from the recorded partial state and finishes from 5%.
    target.errorRate = 0;
    const preview = await up(host, provider, recorded, failing, { preview: true });
    expect(preview.checked.transition).toBe("oci 5% (live; the last run targeted 100%) -> 100% via 25/50/100, bake 1s");
    const resumed = await up(host, provider, recorded, failing);
    expect(resumed.op).toBe("update");
    expect(resumed.state!.outputs).toMatchObject({ ociPercent: 100, status: "complete" });
  }, 120_000);

  it("reconciles with an emergency rollback instead of fighting it", async () => {
    const created = await up(host, provider, undefined, inputs());
    expect(weights()).toEqual({ aws: 0, oci: 100 });

    const { stdout } = await execFileAsync(
      process.execPath,
      ["--import", "tsx", "scripts/rollback.ts", "--zone", zone, "--name", NAME],
      { cwd: root, env: { ...process.env, ...credentials, TUNDRA_ROUTE53_ENDPOINT: server.endpoint } },
    );
    expect(stdout).toContain(`EMERGENCY ROLLBACK of ${NAME} A in zone ${zone}`);
    expect(stdout).toContain("before: aws 0 / oci 100 (oci 100%)");
    expect(stdout).toContain("after:  aws 100 / oci 0 (oci 0%)");
    expect(weights()).toEqual({ aws: 100, oci: 0 });

    // The state still says 100%; preview reads the live weights and shows the walk from 0%.
    const preview = await up(host, provider, created.state, inputs(), { preview: true });
    expect(preview.op).toBe("update");
    expect(preview.checked.transition).toBe("oci 0% (live; the last run targeted 100%) -> 100% via 25/100, bake 1s");

    // An operator who wants to stay on AWS sets the target to 0: the update records it without any change.
    const before = changeCount();
    const stay = await up(host, provider, created.state, inputs({ targetOciPercent: 0 }));
    expect(stay.op).toBe("update");
    expect(stay.state!.outputs).toMatchObject({ awsWeight: 100, ociWeight: 0, status: "complete" });
    expect(changeCount()).toBe(before);

    // Going again walks the steps from the live 0% behind the gates, never jumping straight to 100%.
    const seen: number[] = [];
    await watchSplits(up(host, provider, stay.state, inputs()), (oci) => seen.push(oci));
    expect(seen).toEqual([0, 25, 100]);
  }, 120_000);

  it("ociFullSince follows the live weights: kept while OCI stays at 100%, restarted by a walk after a rollback outside Pulumi", async () => {
    const created = await up(host, provider, undefined, inputs());
    const first = created.state!.outputs.ociFullSince as string;
    expect(Date.parse(first)).toBeGreaterThan(0);

    // An update that finds OCI at 100% live (a setting changed) keeps the time OCI took over.
    const kept = await up(host, provider, created.state, inputs({ bake: "2s" }));
    expect(kept.op).toBe("update");
    expect(kept.state!.outputs.ociFullSince).toBe(first);

    // Emergency rollback outside Pulumi: the state still says aws 0 / oci 100 since `first`.
    const rolledBackAt = Date.now();
    expect(await rollback(["--zone", zone, "--name", NAME], () => undefined)).toBe(0);
    expect(weights()).toEqual({ aws: 100, oci: 0 });
    expect(kept.state!.outputs).toMatchObject({ awsWeight: 0, ociWeight: 100, ociFullSince: first });

    // The next walk starts from the live AWS 100%: AWS carried traffic after `first`, so the days
    // the decommission guard counts start again when this walk reaches 100%.
    const walked = await up(host, provider, kept.state, inputs({ bake: "2s" }));
    expect(walked.op).toBe("update");
    const second = walked.state!.outputs.ociFullSince as string;
    expect(Date.parse(second)).toBeGreaterThan(rolledBackAt);
    const reached = (walked.state!.outputs.history as { event: string; at: string; weights: { aws: number } }[]).filter(
      (h) => h.event === "step" && h.weights.aws === 0,
    );
    expect(reached[reached.length - 1].at).toBe(second);
  }, 120_000);

  it("guards against all-zero weights: a hand-made 0/0 reads as an equal split and the next up restarts from AWS", async () => {
    const created = await up(host, provider, undefined, inputs({ targetOciPercent: 25 }));
    for (const id of ["aws", "oci"]) {
      const r = server.records(zone).find((x) => x.SetIdentifier === id)!;
      server.putRecord(zone, { ...r, Weight: 0 });
    }
    const refreshed = (await refresh(host, created.state!))!;
    expect(refreshed.outputs).toMatchObject({ awsWeight: 0, ociWeight: 0, ociPercent: 50 });
    const seen: string[] = [];
    const changesBefore = server.log.length;
    await watchSplits(up(host, provider, refreshed, inputs({ targetOciPercent: 25 })), (oci) => seen.push(String(oci)));
    expect(weights()).toEqual({ aws: 75, oci: 25 });
    // Route53 never held 0/0 because of us: the first write set AWS 100%, then 25%.
    expect(seen).toEqual(["0", "25"]);
    expect(server.log.slice(changesBefore).filter((l) => l.action === "ChangeResourceRecordSets")).toHaveLength(2);
  }, 120_000);

  it("delete restores AWS 100% and removes the OCI record and its health check", async () => {
    const withHealth = inputs({
      oci: { values: ["129.213.45.67"], healthCheck: { type: "HTTP", ipAddress: "129.213.45.67", port: 80, path: "/health" } },
    });
    const created = await up(host, provider, undefined, withHealth);
    const hc = (created.state!.outputs.healthCheckIds as { oci: string }).oci;
    expect(server.healthCheckIds()).toContain(hc);
    expect(server.records(zone).find((r) => r.SetIdentifier === "oci")?.HealthCheckId).toBe(hc);
    await destroy(host, created.state!);
    expect(server.records(zone).map((r) => [r.SetIdentifier, r.Weight])).toEqual([["aws", 100]]);
    expect(server.healthCheckIds()).not.toContain(hc);
    expect(server.sampleSplit(zone, NAME, "A").aws).toBe(1);

    // The tenant comes back: a new life of the resource gets a new health check (Route53 refuses
    // the caller reference of a deleted one).
    const again = await up(host, provider, undefined, withHealth);
    const hc2 = (again.state!.outputs.healthCheckIds as { oci: string }).oci;
    expect(hc2).not.toBe(hc);
    expect(weights()).toEqual({ aws: 0, oci: 100 });
  }, 120_000);

  it("delete keeps OCI at 100% when AWS is decommissioned, and never moves traffic onto OCI itself", async () => {
    const created = await up(host, provider, undefined, inputs());
    const decommissioned = await up(host, provider, created.state, inputs({ awsDecommissioned: true }));
    expect(decommissioned.op).toBe("update");
    const changesBefore = changeCount();

    // Someone sent traffic back to AWS after the flag was set: a delete must not undo that.
    const rolledBack = await rollback(["--zone", zone, "--name", NAME], () => undefined);
    expect(rolledBack).toBe(0);
    const refused = await destroy(host, decommissioned.state as ResourceState).catch((e) => e);
    expect(refused).toBeInstanceOf(ProviderCallError);
    expect(refused.message).toContain("AWS is marked decommissioned but OCI serves only 0% live");
    expect(weights()).toEqual({ aws: 100, oci: 0 });
    expect(changeCount()).toBe(changesBefore + 1);

    // Finished again through the gates, the delete keeps OCI and removes the AWS record.
    const finished = await up(host, provider, decommissioned.state, inputs({ awsDecommissioned: true }));
    await destroy(host, finished.state as ResourceState);
    expect(server.records(zone).map((r) => [r.SetIdentifier, r.Weight])).toEqual([["oci", 100]]);
  }, 120_000);

  it("moving to another name replaces: the new name walks the steps, then the old name goes back to AWS", async () => {
    const created = await up(host, provider, undefined, inputs());
    const other = "tenant7-new.example.com";
    server.putRecord(zone, { Name: other, Type: "A", TTL: 2, ResourceRecords: ["192.0.2.10"] });
    const moved = await up(host, provider, created.state, inputs({ recordName: other }));
    expect(moved.op).toBe("replace");
    expect(moved.diff?.replaces).toEqual(["recordName"]);
    const byName = (name: string) =>
      server
        .records(zone)
        .filter((r) => r.Name === `${name}.`)
        .map((r) => [r.SetIdentifier, r.Weight]);
    expect(byName(other)).toEqual([
      ["aws", 0],
      ["oci", 100],
    ]);
    expect(byName(NAME)).toEqual([["aws", 100]]);
  }, 120_000);

  it("the rollback script changes nothing when AWS already has everything, and explains bad arguments", async () => {
    const lines: string[] = [];
    await up(host, provider, undefined, inputs({ targetOciPercent: 0 }));
    const before = changeCount();
    expect(await rollback(["--zone", zone, "--name", NAME], (l) => lines.push(l))).toBe(0);
    expect(lines).toEqual([`${NAME} A in zone ${zone}: already aws 100 / oci 0 (oci 0%); nothing changed.`]);
    expect(changeCount()).toBe(before);
    lines.length = 0;
    expect(await rollback(["--name", NAME], (l) => lines.push(l))).toBe(2);
    expect(lines[0]).toContain("missing --zone");
    const missing = await rollback(["--zone", zone, "--name", "other.example.com"], () => undefined).catch((e) => e);
    expect(missing.message).toContain("other.example.com A has no weighted pair aws/oci");
  }, 120_000);
});
