// Figures for docs/cutover.md: realized traffic split per step, probe accuracy, and the time
// from a failing OCI endpoint to rolled-back weights in Route53 (real clock, test server with a
// configurable PENDING -> INSYNC delay standing in for Route53 propagation).
//   npx tsx test/bench/cutover.bench.ts
import { Route53Client } from "@aws-sdk/client-route-53";
import { systemClock } from "../../components/common/clock";
import { CutoverFailure, runCutover } from "../../components/cutover/engine";
import { probeEndpoint } from "../../components/cutover/probe";
import type { CutoverPlan } from "../../components/cutover/types";
import { startHttpTarget } from "../support/http-target";
import { startRoute53Server } from "../support/route53-server";

async function main(): Promise<void> {
  const server = await startRoute53Server({ syncDelayMs: 1_000 });
  const target = await startHttpTarget();
  const client = new Route53Client({
    region: "us-east-1",
    endpoint: server.endpoint,
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "x" },
    maxAttempts: 1,
  });
  const name = "bench.example.com";

  // 1. Realized split: 20 runs of 10,000 resolver queries per step.
  console.log("realized OCI share over 10,000 queries (20 seeds per step)");
  for (const oci of [1, 5, 25, 50, 100]) {
    const zone = server.createZone("example.com");
    server.putRecord(zone, { Name: name, Type: "A", SetIdentifier: "aws", Weight: 100 - oci, TTL: 60, ResourceRecords: ["192.0.2.1"] });
    server.putRecord(zone, { Name: name, Type: "A", SetIdentifier: "oci", Weight: oci, TTL: 60, ResourceRecords: ["192.0.2.2"] });
    const shares = Array.from({ length: 20 }, (_, seed) => server.sampleSplit(zone, name, "A", 10_000, seed + 1).oci ?? 0);
    const worst = Math.max(...shares.map((s) => Math.abs(s - oci / 100)));
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    console.log(`  step ${String(oci).padStart(3)}%: mean ${(mean * 100).toFixed(2)}%, worst deviation ${(worst * 100).toFixed(2)} points`);
  }

  // 2. Probe accuracy: measured p95 against the latency the target adds.
  console.log("probe: 20 samples, concurrency 4");
  for (const latencyMs of [0, 50, 200, 500]) {
    target.latencyMs = latencyMs;
    const started = Date.now();
    const r = await probeEndpoint({ url: target.url, hostHeader: name, samples: 20, concurrency: 4, timeoutMs: 5_000, maxP95Ms: 1000, maxErrorRate: 0.01 });
    console.log(`  target latency ${String(latencyMs).padStart(3)} ms: p95 ${r.p95Ms} ms, errors ${r.errors}/${r.samples}, probe took ${Date.now() - started} ms`);
  }
  target.latencyMs = 0;

  // 3. Failure to rollback: OCI starts failing when 25% is reached.
  const zone = server.createZone("example.com");
  server.putRecord(zone, { Name: name, Type: "A", TTL: 1, ResourceRecords: ["192.0.2.1"] });
  const plan: CutoverPlan = {
    zoneId: zone,
    recordName: name,
    recordType: "A",
    ttl: 1,
    aws: { setIdentifier: "aws", values: ["192.0.2.1"] },
    oci: { setIdentifier: "oci", values: ["192.0.2.2"] },
    steps: [5, 25, 100],
    targetOciPercent: 100,
    bakeMs: 2_000,
    gates: { healthCheck: false, intervalMs: 500, failureLimit: 0, probe: { url: target.url, hostHeader: name, samples: 20, concurrency: 4, timeoutMs: 2_000, maxP95Ms: 1000, maxErrorRate: 0.01 } },
    rollback: "last-good",
  };
  let failingSince = 0;
  const started = Date.now();
  const err = await runCutover(plan, {
    client,
    clock: systemClock,
    log: (line) => {
      if (line.startsWith("step: ") && line.includes("oci 25%")) {
        target.errorRate = 0.5;
        failingSince = Date.now();
      }
    },
  }).catch((e) => e);
  const rolledBackAt = Date.now();
  if (!(err instanceof CutoverFailure)) throw new Error(`expected a rollback, got ${err}`);
  const rollback = err.report.history.find((h) => h.event === "rollback")!;
  console.log("failure -> rollback (TTL 1 s, interval 500 ms, failure limit 0, INSYNC delay 1 s)");
  console.log(`  weights now ${JSON.stringify(err.report.weights)}; ${rollback.detail}`);
  console.log(`  OCI failing -> rollback INSYNC: ${((rolledBackAt - failingSince) / 1000).toFixed(1)} s (TTL wait 1 s + first analysis 0.5 s + probe + INSYNC)`);
  console.log(`  whole run: ${((rolledBackAt - started) / 1000).toFixed(1)} s`);

  client.destroy();
  await target.stop();
  await server.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
