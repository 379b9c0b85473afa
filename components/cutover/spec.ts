// Cutover inputs as a user writes them -> a validated CutoverPlan, every failure named by its
// property with the fix. Values still unknown in preview (the OCI load balancer address before
// the cluster exists) skip their own checks and leave the plan undefined, never a failure.
import { refusedHealthCheckRange } from "../aws/route53-health-checks";
import type { CutoverPlan, GateSpec, HealthCheckSpec, ProbeSpec, RecordType, TargetSpec } from "./types";

/** The engine's marker for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface HealthCheckInput {
  type?: "HTTP" | "HTTPS" | "TCP";
  port?: number;
  path?: string;
  fqdn?: string;
  ipAddress?: string;
  intervalSeconds?: 10 | 30;
  failureThreshold?: number;
}

export interface TargetInput {
  setIdentifier?: string;
  values?: string[];
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth?: boolean };
  healthCheck?: HealthCheckInput;
}

export interface ProbeInput {
  url: string;
  hostHeader?: string;
  samples?: number;
  concurrency?: number;
  timeout?: string | number;
  maxP95Ms?: number;
  maxErrorPercent?: number;
}

export interface GatesInput {
  healthCheck?: boolean;
  probe?: ProbeInput;
  interval?: string | number;
  failureLimit?: number;
}

export interface CutoverInputs {
  /** Route53 hosted zone id of the tenant's name. */
  zoneId: string;
  /** The tenant's DNS name, e.g. tenant42.example.com. */
  recordName: string;
  recordType: RecordType;
  /** TTL of both records during the cutover (default 60 s; a higher old TTL is lowered and waited out first). */
  ttl?: number;
  /** What the name serves today (values or alias), SetIdentifier "aws" by default. */
  aws: TargetInput;
  /** The OCI load balancer (values), SetIdentifier "oci" by default, optional Route53 health check. */
  oci: TargetInput;
  /** OCI share to reach, percent: 0 or one of `steps`. */
  targetOciPercent: number;
  /** OCI share per step, strictly ascending, 1..100 (default 1, 5, 25, 50, 100). */
  steps?: number[];
  /** Bake time per step, e.g. "10m" (default). */
  bake?: string | number;
  /** Gates evaluated during each bake (at least one of probe and the OCI health check). */
  gates?: GatesInput;
  /** Where a failed gate sends traffic: "last-good" weights (default) or "aws" 100%. */
  rollback?: "last-good" | "aws";
  /** When true, deleting the resource leaves OCI at 100% and removes the AWS record. */
  awsDecommissioned?: boolean;
}

export const DEFAULTS = {
  ttl: 60,
  steps: [1, 5, 25, 50, 100],
  bake: "10m",
  interval: "1m",
  failureLimit: 0,
  samples: 20,
  concurrency: 4,
  timeout: "5s",
  maxP95Ms: 1000,
  maxErrorPercent: 1,
  rollback: "last-good" as const,
};

export interface Failure {
  property: string;
  reason: string;
}

export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

/** "10m", "90s", "1h", "500ms" or a number of seconds -> milliseconds; undefined when invalid. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== "string") return undefined;
  const m = value.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/);
  if (!m) return undefined;
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
  return ms > 0 ? Math.round(ms) : undefined;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}\.?$)([a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i;

class Collector {
  failures: Failure[] = [];
  unknown = false;
  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }
  /** True when the value is known (an unknown marks the plan incomplete but is no failure). */
  known(value: unknown): boolean {
    if (isUnknown(value)) {
      this.unknown = true;
      return false;
    }
    return true;
  }
}

function integerIn(c: Collector, property: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!c.known(value)) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    c.fail(property, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return fallback;
  }
  return value;
}

function duration(c: Collector, property: string, value: unknown, fallback: string): number {
  const raw = value ?? fallback;
  if (!c.known(raw)) return parseDuration(fallback)!;
  const ms = parseDuration(raw);
  if (ms === undefined) {
    c.fail(property, `must be a positive duration such as "10m", "90s" or "1h" (or a number of seconds), got ${JSON.stringify(raw)}`);
    return parseDuration(fallback)!;
  }
  return ms;
}

/** The port a Route53 health check calls when none is given: 80 for HTTP, 443 for HTTPS and TCP. */
export function healthCheckPortOf(raw: Pick<HealthCheckInput, "type" | "port">): number {
  return raw.port ?? ((raw.type ?? "HTTPS") === "HTTP" ? 80 : 443);
}

function healthCheck(c: Collector, property: string, raw: HealthCheckInput | undefined): HealthCheckSpec | undefined {
  if (raw === undefined) return undefined;
  if (!c.known(raw)) return undefined;
  const type = raw.type ?? "HTTPS";
  if (!["HTTP", "HTTPS", "TCP"].includes(type)) c.fail(`${property}.type`, `must be HTTP, HTTPS or TCP, got ${JSON.stringify(type)}`);
  if (!raw.ipAddress && !raw.fqdn) c.fail(property, "needs ipAddress or fqdn: the endpoint Route53 health checkers call");
  if (raw.ipAddress && !IPV4.test(raw.ipAddress)) c.fail(`${property}.ipAddress`, `must be an IPv4 address, got ${JSON.stringify(raw.ipAddress)}`);
  const refused = raw.ipAddress ? refusedHealthCheckRange(raw.ipAddress) : undefined;
  if (refused) {
    c.fail(
      `${property}.ipAddress`,
      `${raw.ipAddress} is in ${refused.cidr}, ${refused.use}: Route53 cannot health-check local, private or non-routable addresses ` +
        "(API reference, HealthCheckConfig.IPAddress); use a public address, or drop the health check and gate on gates.probe",
    );
  }
  const interval = raw.intervalSeconds ?? 10;
  if (interval !== 10 && interval !== 30) c.fail(`${property}.intervalSeconds`, "must be 10 or 30 (the intervals Route53 offers)");
  return {
    type,
    port: integerIn(c, `${property}.port`, raw.port, 1, 65535, healthCheckPortOf({ type })),
    ...(type !== "TCP" ? { resourcePath: raw.path ?? "/" } : {}),
    ...(raw.fqdn ? { fqdn: raw.fqdn } : {}),
    ...(raw.ipAddress ? { ipAddress: raw.ipAddress } : {}),
    requestIntervalSeconds: interval,
    failureThreshold: integerIn(c, `${property}.failureThreshold`, raw.failureThreshold, 1, 10, 2),
  };
}

function target(c: Collector, side: "aws" | "oci", raw: TargetInput | undefined, type: RecordType): TargetSpec {
  const setIdentifier = raw?.setIdentifier ?? side;
  if (!raw || typeof raw !== "object") {
    c.fail(side, `is required: { values: [...] } or { alias: {...} } for the ${side.toUpperCase()} endpoint`);
    return { setIdentifier };
  }
  if (c.known(setIdentifier) && (typeof setIdentifier !== "string" || setIdentifier.length < 1 || setIdentifier.length > 128)) {
    c.fail(`${side}.setIdentifier`, "must be a string of 1 to 128 characters");
  }
  const spec: TargetSpec = { setIdentifier };
  if ((raw.values === undefined) === (raw.alias === undefined)) {
    c.fail(side, "needs exactly one of values (addresses or a host name) and alias (an AWS alias target)");
  } else if (raw.values !== undefined && c.known(raw.values)) {
    if (!Array.isArray(raw.values) || raw.values.length === 0) c.fail(`${side}.values`, "must be a non-empty list");
    else if (type === "CNAME" && raw.values.length !== 1) c.fail(`${side}.values`, "a CNAME target takes exactly one host name");
    else if (["A", "AAAA", "CNAME"].includes(type)) {
      for (const v of raw.values) {
        const ok = type === "A" ? IPV4.test(v) : type === "CNAME" ? HOSTNAME.test(v) : typeof v === "string" && v.includes(":");
        if (!ok) c.fail(`${side}.values`, `${JSON.stringify(v)} is not a valid ${type === "CNAME" ? "host name" : `${type} address`}`);
      }
    }
    spec.values = raw.values;
  } else if (raw.values !== undefined) {
    spec.values = raw.values;
  } else if (raw.alias && c.known(raw.alias)) {
    if (type === "CNAME") c.fail(`${side}.alias`, "alias targets need recordType A or AAAA");
    if (!raw.alias.hostedZoneId || !raw.alias.dnsName) c.fail(`${side}.alias`, "needs hostedZoneId and dnsName");
    spec.alias = { hostedZoneId: raw.alias.hostedZoneId, dnsName: raw.alias.dnsName, evaluateTargetHealth: raw.alias.evaluateTargetHealth ?? false };
  }
  const hc = healthCheck(c, `${side}.healthCheck`, raw.healthCheck);
  if (hc) spec.healthCheck = hc;
  return spec;
}

function probe(c: Collector, raw: ProbeInput | undefined): ProbeSpec | undefined {
  if (raw === undefined) return undefined;
  if (c.known(raw.url)) {
    let ok = false;
    try {
      ok = ["http:", "https:"].includes(new URL(raw.url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) c.fail("gates.probe.url", `must be an http(s) URL of the OCI endpoint, got ${JSON.stringify(raw.url)}`);
  } else c.known(raw.url);
  const maxErrorPercent = raw.maxErrorPercent ?? DEFAULTS.maxErrorPercent;
  if (c.known(maxErrorPercent) && (typeof maxErrorPercent !== "number" || maxErrorPercent <= 0 || maxErrorPercent > 100)) {
    c.fail("gates.probe.maxErrorPercent", "must be a number above 0 and at most 100 (the run fails when the error rate reaches it)");
  }
  const maxP95Ms = raw.maxP95Ms ?? DEFAULTS.maxP95Ms;
  if (c.known(maxP95Ms) && (typeof maxP95Ms !== "number" || maxP95Ms <= 0)) c.fail("gates.probe.maxP95Ms", "must be a positive number of milliseconds");
  return {
    url: raw.url,
    ...(raw.hostHeader ? { hostHeader: raw.hostHeader } : {}),
    samples: integerIn(c, "gates.probe.samples", raw.samples, 1, 10_000, DEFAULTS.samples),
    concurrency: integerIn(c, "gates.probe.concurrency", raw.concurrency, 1, 64, DEFAULTS.concurrency),
    timeoutMs: duration(c, "gates.probe.timeout", raw.timeout, DEFAULTS.timeout),
    maxP95Ms: Number(maxP95Ms),
    maxErrorRate: Number(maxErrorPercent) / 100,
  };
}

export interface Validated {
  plan?: CutoverPlan;
  failures: Failure[];
  /** Some value is unknown (preview before its producer exists): no plan yet, no failure either. */
  unknown: boolean;
  /** Gates and rollback policy, known even when the plan is not (for the preview text). */
  gates: GateSpec;
  rollback: CutoverPlan["rollback"];
  ociHealthCheck: boolean;
}

export function validateInputs(raw: Partial<CutoverInputs>): Validated {
  const c = new Collector();
  for (const key of ["zoneId", "recordName"] as const) {
    const v = raw[key];
    if (c.known(v) && (typeof v !== "string" || v.trim() === "")) c.fail(key, `is required: a non-empty string`);
  }
  if (c.known(raw.recordName) && typeof raw.recordName === "string" && raw.recordName && !HOSTNAME.test(raw.recordName)) {
    c.fail("recordName", `${JSON.stringify(raw.recordName)} is not a DNS name`);
  }
  const recordType = (raw.recordType ?? "A") as RecordType;
  if (c.known(recordType) && !["A", "AAAA", "CNAME"].includes(recordType)) {
    c.fail("recordType", `must be A, AAAA or CNAME, got ${JSON.stringify(raw.recordType)}`);
  }
  const ttl = integerIn(c, "ttl", raw.ttl, 0, 172_800, DEFAULTS.ttl);
  const aws = target(c, "aws", raw.aws, recordType);
  const oci = target(c, "oci", raw.oci, recordType);
  if (c.known(aws.setIdentifier) && aws.setIdentifier === oci.setIdentifier) {
    c.fail("oci.setIdentifier", `must differ from aws.setIdentifier (both are ${JSON.stringify(aws.setIdentifier)})`);
  }

  const steps = raw.steps ?? DEFAULTS.steps;
  if (c.known(steps)) {
    if (!Array.isArray(steps) || steps.length === 0) c.fail("steps", "must be a non-empty list of OCI percentages, e.g. [1, 5, 25, 50, 100]");
    else {
      steps.forEach((s, i) => {
        if (!Number.isInteger(s) || s < 1 || s > 100) c.fail(`steps[${i}]`, `must be an integer percent from 1 to 100, got ${JSON.stringify(s)}`);
        else if (i > 0 && s <= steps[i - 1]) c.fail(`steps[${i}]`, `steps must be strictly ascending: ${s} follows ${steps[i - 1]}`);
      });
    }
  }
  const targetOciPercent = raw.targetOciPercent;
  if (c.known(targetOciPercent)) {
    if (typeof targetOciPercent !== "number" || !Number.isInteger(targetOciPercent) || targetOciPercent < 0 || targetOciPercent > 100) {
      c.fail("targetOciPercent", `must be an integer percent from 0 to 100, got ${JSON.stringify(targetOciPercent)}`);
    } else if (targetOciPercent !== 0 && Array.isArray(steps) && c.known(steps) && !steps.includes(targetOciPercent)) {
      c.fail("targetOciPercent", `${targetOciPercent} is not one of the steps ${JSON.stringify(steps)}: add it to steps or pick a step (or 0 for all AWS)`);
    }
  }
  const bakeMs = duration(c, "bake", raw.bake, DEFAULTS.bake);
  const gatesRaw = raw.gates ?? {};
  const intervalMs = duration(c, "gates.interval", gatesRaw.interval, DEFAULTS.interval);
  if (intervalMs > bakeMs) c.fail("gates.interval", `(${formatDuration(intervalMs)}) must not exceed bake (${formatDuration(bakeMs)}): each step needs at least one analysis run`);
  // Presence, not the parsed spec: an OCI health check whose address is unknown in preview still gates.
  const ociHealthCheck = raw.oci?.healthCheck !== undefined;
  const gates: GateSpec = {
    healthCheck: gatesRaw.healthCheck ?? ociHealthCheck,
    intervalMs,
    failureLimit: integerIn(c, "gates.failureLimit", gatesRaw.failureLimit, 0, 100, DEFAULTS.failureLimit),
  };
  const probeSpec = probe(c, gatesRaw.probe);
  if (probeSpec) gates.probe = probeSpec;
  if (gates.healthCheck && !ociHealthCheck) {
    c.fail("gates.healthCheck", "is on but oci.healthCheck is not set: add oci.healthCheck or turn the gate off");
  }
  if (!gates.healthCheck && !gates.probe) {
    c.fail("gates", "configure gates.probe and/or oci.healthCheck: without a gate nothing can detect a bad step or roll back");
  }
  const rollback = raw.rollback ?? DEFAULTS.rollback;
  if (!["last-good", "aws"].includes(rollback)) c.fail("rollback", `must be "last-good" or "aws", got ${JSON.stringify(rollback)}`);
  if (raw.awsDecommissioned !== undefined && c.known(raw.awsDecommissioned)) {
    if (typeof raw.awsDecommissioned !== "boolean") c.fail("awsDecommissioned", "must be true or false");
    else if (raw.awsDecommissioned && c.known(targetOciPercent) && targetOciPercent !== 100) {
      c.fail("awsDecommissioned", `needs targetOciPercent 100 (got ${JSON.stringify(targetOciPercent)}): AWS can only be decommissioned once OCI serves everything`);
    }
  }

  const result: Validated = { failures: c.failures, unknown: c.unknown, gates, rollback, ociHealthCheck };
  if (c.failures.length === 0 && !c.unknown) {
    result.plan = {
      zoneId: raw.zoneId as string,
      recordName: raw.recordName as string,
      recordType,
      ttl,
      aws,
      oci,
      steps: steps as number[],
      targetOciPercent: targetOciPercent as number,
      bakeMs,
      gates,
      rollback,
    };
  }
  return result;
}

/** The readable change a reviewer sees in `pulumi preview --diff`, e.g. "oci 0% -> 100% via 1/5/25/50/100, bake 10m". */
export function describeTransition(raw: Partial<CutoverInputs>, from: { percent: number; source: "live" | "recorded" | "new"; note?: string }): string {
  const target = raw.targetOciPercent;
  const steps = raw.steps ?? DEFAULTS.steps;
  const bake = parseDuration(raw.bake ?? DEFAULTS.bake);
  const origin = `oci ${from.percent}%${from.note ? ` (${from.note})` : ""}`;
  if (isUnknown(target) || typeof target !== "number") return `${origin} -> (target unknown until apply)`;
  if (target === from.percent) return `${origin}, no traffic change`;
  if (target < from.percent) return `${origin} -> ${target}% in one change (towards AWS, no gates)`;
  const path = Array.isArray(steps) ? steps.filter((s) => s > from.percent && s <= target) : [];
  return `${origin} -> ${target}% via ${path.join("/")}, bake ${bake ? formatDuration(bake) : String(raw.bake)}`;
}

/** The gates and the rollback policy in one line, for the same reviewer. */
export function describeSafety(plan: Pick<CutoverPlan, "gates" | "rollback">, ociHealthCheck: boolean): string {
  const parts: string[] = [];
  if (plan.gates.healthCheck && ociHealthCheck) parts.push("Route53 health check of oci");
  const p = plan.gates.probe;
  if (p) {
    parts.push(
      `probe ${isUnknown(p.url) ? "(OCI URL known after apply)" : p.url}${p.hostHeader ? ` Host ${p.hostHeader}` : ""}: ${p.samples} samples, ` +
        `p95 < ${p.maxP95Ms} ms, errors < ${Math.round(p.maxErrorRate * 10_000) / 100}%`,
    );
  }
  return (
    `gates every ${formatDuration(plan.gates.intervalMs)}: ${parts.join(" + ")}; failure limit ${plan.gates.failureLimit}; ` +
    `on failure roll back to ${plan.rollback === "aws" ? "AWS 100%" : "the last good weights"}`
  );
}
