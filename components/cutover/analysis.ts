// Gates evaluated during a bake: at every interval, the OCI health check's status and an HTTP
// probe (error rate, p95) are compared with the thresholds. More failed runs than failureLimit
// fail the step, like an Argo Rollouts AnalysisRun or a Flagger canary reaching its threshold.
import type { Clock } from "../common/clock";
import { probeEndpoint } from "./probe";
import type { GateSpec, Measurement } from "./types";

export interface AnalysisDeps {
  clock: Clock;
  /** Health of the OCI record's health check; undefined when there is none. */
  healthOf?: () => Promise<boolean>;
  log: (line: string) => void;
}

export interface BakeOutcome {
  passed: boolean;
  measurements: Measurement[];
  failed: Measurement[];
}

export async function measureOnce(gates: GateSpec, ociPercent: number, deps: AnalysisDeps): Promise<Measurement> {
  const reasons: string[] = [];
  let healthCheck: Measurement["healthCheck"] = null;
  if (gates.healthCheck) {
    if (!deps.healthOf) {
      healthCheck = "unhealthy";
      reasons.push("the health-check gate is on but the OCI record has no health check");
    } else {
      healthCheck = (await deps.healthOf()) ? "healthy" : "unhealthy";
      if (healthCheck === "unhealthy") reasons.push("Route53 health check of the OCI target reports unhealthy");
    }
  }
  let samples = 0;
  let errors = 0;
  let errorRate = 0;
  let p95Ms = 0;
  if (gates.probe) {
    const result = await probeEndpoint(gates.probe);
    ({ samples, errors, errorRate, p95Ms } = result);
    if (errorRate >= gates.probe.maxErrorRate) {
      reasons.push(
        `error rate ${(errorRate * 100).toFixed(1)}% (${errors}/${samples}${result.firstError ? `, first: ${result.firstError}` : ""}) is not below ${(gates.probe.maxErrorRate * 100).toFixed(1)}%`,
      );
    }
    if (p95Ms >= gates.probe.maxP95Ms) reasons.push(`p95 ${p95Ms} ms is not below ${gates.probe.maxP95Ms} ms`);
  }
  return {
    at: new Date(deps.clock.now()).toISOString(),
    ociPercent,
    healthCheck,
    samples,
    errors,
    errorRate: Math.round(errorRate * 10_000) / 10_000,
    p95Ms,
    passed: reasons.length === 0,
    reasons,
  };
}

/** Bakes one step: `runs` analysis runs spaced by the interval; stops early once the step has failed. */
export async function bake(gates: GateSpec, bakeMs: number, ociPercent: number, deps: AnalysisDeps): Promise<BakeOutcome> {
  const runs = Math.max(1, Math.floor(bakeMs / gates.intervalMs));
  const spacing = bakeMs / runs;
  const measurements: Measurement[] = [];
  const failed: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    await deps.clock.sleep(spacing);
    const m = await measureOnce(gates, ociPercent, deps);
    measurements.push(m);
    deps.log(
      `  analysis ${i + 1}/${runs} at oci ${ociPercent}%: ${m.passed ? "ok" : "FAILED"}` +
        `${m.healthCheck ? `, health ${m.healthCheck}` : ""}${m.samples ? `, p95 ${m.p95Ms} ms, errors ${m.errors}/${m.samples}` : ""}`,
    );
    if (!m.passed) {
      failed.push(m);
      if (failed.length > gates.failureLimit) return { passed: false, measurements, failed };
    }
  }
  return { passed: true, measurements, failed };
}
