// The Cutover resource's inputs as a user writes them (`inputsSchema`), every refusal named by its
// property with the fix, and the CutoverPlan the engine runs (`planOf`). Field rules live on the
// fields; rules that join fields (values against the record type, the target among the steps,
// the gates...) live in `crossFieldIssues`. Values still unknown in preview (the OCI load
// balancer's address before the cluster exists) are skipped by checkAgainst (components/dynamic)
// and by crossFieldIssues, and leave the plan undefined: never a failure.
import { z } from "zod";
import { refusedHealthCheckRange } from "../aws/route53-health-checks";
import { isUnknown, UNKNOWN } from "../dynamic/unknown";
import type { CutoverPlan, GateSpec, HealthCheckSpec, ProbeSpec, RecordType, TargetSpec } from "./types";


/** The SetIdentifiers of the weighted pair when the stack names none (the guard reads the same pair). */
export const DEFAULT_SET_IDENTIFIERS = { aws: "aws", oci: "oci" } as const;
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
const RECORD_TYPES = ["A", "AAAA", "CNAME"] as const;
const got = (input: unknown) => JSON.stringify(input);

// ---- fields ---------------------------------------------------------------------------------

function integer(min: number, max: number, what = "an integer") {
  const message = (iss: { input?: unknown }) => `must be ${what} from ${min} to ${max}, got ${got(iss.input)}`;
  return z.number({ error: message }).refine((n) => Number.isInteger(n) && n >= min && n <= max, { error: message });
}

const nonEmpty = z.string({ error: "is required: a non-empty string" }).refine((s) => s.trim() !== "", { error: "is required: a non-empty string" });

const durationMessage = (iss: { input?: unknown }) => `must be a positive duration such as "10m", "90s" or "1h" (or a number of seconds), got ${got(iss.input)}`;
const durationField = z.union([z.string(), z.number()], { error: durationMessage }).refine((v) => parseDuration(v) !== undefined, { error: durationMessage });

/** The port a Route53 health check calls when none is given: 80 for HTTP, 443 for HTTPS and TCP. */
export function healthCheckPortOf(raw: { type?: string; port?: number }): number {
  return raw.port ?? ((raw.type ?? "HTTPS") === "HTTP" ? 80 : 443);
}

/** A Route53 health check the engine creates for a target (without the "ipAddress or fqdn" rule). */
export const healthCheckFields = z.strictObject({
  type: z.enum(["HTTP", "HTTPS", "TCP"], { error: (iss) => `must be HTTP, HTTPS or TCP, got ${got(iss.input)}` }).optional(),
  port: integer(1, 65535).optional(),
  path: z.string().optional(),
  fqdn: z.string().optional(),
  ipAddress: z
    .string({ error: (iss) => `must be an IPv4 address, got ${got(iss.input)}` })
    .superRefine((address, ctx) => {
      if (!IPV4.test(address)) return ctx.addIssue({ code: "custom", message: `must be an IPv4 address, got ${got(address)}` });
      const refused = refusedHealthCheckRange(address);
      if (refused) {
        ctx.addIssue({
          code: "custom",
          message:
            `${address} is in ${refused.cidr}, ${refused.use}: Route53 cannot health-check local, private or non-routable addresses ` +
            "(API reference, HealthCheckConfig.IPAddress); use a public address, or drop the health check and gate on gates.probe",
        });
      }
    })
    .optional(),
  intervalSeconds: z.union([z.literal(10), z.literal(30)], { error: "must be 10 or 30 (the intervals Route53 offers)" }).optional(),
  failureThreshold: integer(1, 10).optional(),
});

export const healthCheckSchema = healthCheckFields.refine((hc) => Boolean(hc.ipAddress || hc.fqdn), {
  error: "needs ipAddress or fqdn: the endpoint Route53 health checkers call",
});

export const aliasSchema = z.strictObject({
  hostedZoneId: nonEmpty,
  dnsName: nonEmpty,
  evaluateTargetHealth: z.boolean({ error: "must be true or false" }).optional(),
});

/** The SetIdentifier of a side's weighted record (Route53: 1 to 128 characters). */
export const setIdentifierField = z
  .string({ error: "must be a string of 1 to 128 characters" })
  .refine((s) => s.length >= 1 && s.length <= 128, { error: "must be a string of 1 to 128 characters" });

/** One side of the weighted pair: what it serves (values or an alias) and its record's identity. */
function targetSchema(side: "aws" | "oci") {
  return z
    .strictObject(
      {
        setIdentifier: setIdentifierField.optional(),
        /** A/AAAA addresses or the CNAME host name (checked against recordType in crossFieldIssues). */
        values: z.array(z.string({ error: "must be a list of strings" }), { error: "must be a non-empty list" }).min(1, { error: "must be a non-empty list" }).optional(),
        alias: aliasSchema.optional(),
        healthCheck: healthCheckSchema.optional(),
      },
      { error: (iss) => (iss.code === "invalid_type" ? `is required: { values: [...] } or { alias: {...} } for the ${side.toUpperCase()} endpoint` : undefined) },
    )
    .refine((t) => (t.values === undefined) !== (t.alias === undefined), {
      error: "needs exactly one of values (addresses or a host name) and alias (an AWS alias target)",
    });
}

/** HTTP probe of the OCI endpoint (URL plus Host header, as a tenant's client would send). */
export const probeFields = z.strictObject({
  url: z.string({ error: (iss) => `must be an http(s) URL of the OCI endpoint, got ${got(iss.input)}` }).refine(isHttpUrl, {
    error: (iss) => `must be an http(s) URL of the OCI endpoint, got ${got(iss.input)}`,
  }),
  hostHeader: z.string().optional(),
  samples: integer(1, 10_000).optional(),
  concurrency: integer(1, 64).optional(),
  timeout: durationField.optional(),
  maxP95Ms: z.number({ error: "must be a positive number of milliseconds" }).positive({ error: "must be a positive number of milliseconds" }).optional(),
  maxErrorPercent: z
    .number({ error: "must be a number above 0 and at most 100 (the run fails when the error rate reaches it)" })
    .refine((p) => p > 0 && p <= 100, { error: "must be a number above 0 and at most 100 (the run fails when the error rate reaches it)" })
    .optional(),
});

function isHttpUrl(url: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** Analysis in the spirit of Argo Rollouts (interval, count, failureLimit) and Flagger (threshold). */
export const gatesFields = z.strictObject({
  /** Require the OCI record's Route53 health check at every analysis run (default: when oci.healthCheck is set). */
  healthCheck: z.boolean({ error: "must be true or false" }).optional(),
  probe: probeFields.optional(),
  interval: durationField.optional(),
  failureLimit: integer(0, 100).optional(),
});

/** Every input on its own; `inputsSchema` adds the rules that join fields. */
export const cutoverFields = z.object({
  /** Route53 hosted zone id of the tenant's name. */
  zoneId: nonEmpty,
  /** The tenant's DNS name, e.g. tenant42.example.com. */
  recordName: nonEmpty.refine((name) => HOSTNAME.test(name), { error: (iss) => `${got(iss.input)} is not a DNS name` }),
  recordType: z.enum(RECORD_TYPES, { error: (iss) => `must be A, AAAA or CNAME, got ${got(iss.input)}` }).optional(),
  /** TTL of both records during the cutover (default 60 s; a higher old TTL is lowered and waited out first). */
  ttl: integer(0, 172_800).optional(),
  /** What the name serves today (values or alias), SetIdentifier "aws" by default. */
  aws: targetSchema("aws"),
  /** The OCI load balancer (values), SetIdentifier "oci" by default, optional Route53 health check. */
  oci: targetSchema("oci"),
  /** OCI share to reach, percent: 0 or one of `steps`. */
  targetOciPercent: integer(0, 100, "an integer percent"),
  /** OCI share per step, strictly ascending, 1..100 (default 1, 5, 25, 50, 100). */
  steps: z
    .array(integer(1, 100, "an integer percent"), { error: "must be a non-empty list of OCI percentages, e.g. [1, 5, 25, 50, 100]" })
    .min(1, { error: "must be a non-empty list of OCI percentages, e.g. [1, 5, 25, 50, 100]" })
    .superRefine((steps, ctx) => {
      const valid = (s: unknown): s is number => Number.isInteger(s) && (s as number) >= 1 && (s as number) <= 100;
      steps.forEach((s, i) => {
        if (i > 0 && valid(s) && valid(steps[i - 1]) && s <= steps[i - 1]) {
          ctx.addIssue({ code: "custom", path: [i], message: `steps must be strictly ascending: ${s} follows ${steps[i - 1]}` });
        }
      });
    })
    .optional(),
  /** Bake time per step, e.g. "10m" (default). */
  bake: durationField.optional(),
  /** Gates evaluated during each bake (at least one of probe and the OCI health check). */
  gates: gatesFields.optional(),
  /** Where a failed gate sends traffic: "last-good" weights (default) or "aws" 100%. */
  rollback: z.enum(["last-good", "aws"], { error: (iss) => `must be "last-good" or "aws", got ${got(iss.input)}` }).optional(),
  /** When true, deleting the resource leaves OCI at 100% and removes the AWS record. */
  awsDecommissioned: z.boolean({ error: "must be true or false" }).optional(),
});

// ---- rules that join fields -------------------------------------------------------------------

export interface CrossFieldIssue {
  path: (string | number)[];
  message: string;
}

type Loose = Record<string, any>;
const objectOr = (value: unknown): Loose => (value && typeof value === "object" && !Array.isArray(value) ? (value as Loose) : {});

/**
 * The rules that read more than one field. They run even when a field was refused (every problem
 * at once), so they read the inputs defensively and say nothing about a value that is unknown
 * (preview) or already refused on its own.
 */
export function crossFieldIssues(raw: Loose): CrossFieldIssue[] {
  const issues: CrossFieldIssue[] = [];
  const fail = (path: (string | number)[], message: string) => issues.push({ path, message });
  const recordType = raw.recordType ?? "A";
  const typeKnown = (RECORD_TYPES as readonly unknown[]).includes(recordType);

  for (const side of ["aws", "oci"] as const) {
    const target = objectOr(raw[side]);
    if (!typeKnown) continue;
    if (Array.isArray(target.values) && target.values.length > 0 && target.alias === undefined && !isUnknown(target.values)) {
      if (recordType === "CNAME" && target.values.length !== 1) fail([side, "values"], "a CNAME target takes exactly one host name");
      else {
        for (const v of target.values) {
          const ok = recordType === "A" ? IPV4.test(v) : recordType === "CNAME" ? HOSTNAME.test(v) : typeof v === "string" && v.includes(":");
          if (!ok) fail([side, "values"], `${got(v)} is not a valid ${recordType === "CNAME" ? "host name" : `${recordType} address`}`);
        }
      }
    }
    if (target.alias !== undefined && target.values === undefined && recordType === "CNAME") fail([side, "alias"], "alias targets need recordType A or AAAA");
  }

  // A whole side unknown (the stage's OCI target before the load balancer exists) may hold anything.
  const sidesKnown = raw.aws !== UNKNOWN && raw.oci !== UNKNOWN;
  const awsId = objectOr(raw.aws).setIdentifier ?? DEFAULT_SET_IDENTIFIERS.aws;
  const ociId = objectOr(raw.oci).setIdentifier ?? DEFAULT_SET_IDENTIFIERS.oci;
  if (sidesKnown && !isUnknown(awsId) && awsId === ociId) fail(["oci", "setIdentifier"], `must differ from aws.setIdentifier (both are ${got(awsId)})`);

  const steps = raw.steps ?? DEFAULTS.steps;
  const target = raw.targetOciPercent;
  if (Number.isInteger(target) && target > 0 && target <= 100 && Array.isArray(steps) && !isUnknown(steps) && !steps.includes(target)) {
    fail(["targetOciPercent"], `${target} is not one of the steps ${got(steps)}: add it to steps or pick a step (or 0 for all AWS)`);
  }

  const gates = objectOr(raw.gates);
  const bakeMs = parseDuration(raw.bake ?? DEFAULTS.bake);
  const intervalMs = parseDuration(gates.interval ?? DEFAULTS.interval);
  if (bakeMs !== undefined && intervalMs !== undefined && intervalMs > bakeMs) {
    fail(["gates", "interval"], `(${formatDuration(intervalMs)}) must not exceed bake (${formatDuration(bakeMs)}): each step needs at least one analysis run`);
  }
  // Presence, not the parsed spec: an OCI health check whose address is unknown in preview still gates.
  const ociHealthCheck = objectOr(raw.oci).healthCheck !== undefined;
  const healthCheckGate = gates.healthCheck ?? ociHealthCheck;
  if (healthCheckGate === true && !ociHealthCheck && raw.oci !== UNKNOWN) fail(["gates", "healthCheck"], "is on but oci.healthCheck is not set: add oci.healthCheck or turn the gate off");
  if (!healthCheckGate && gates.probe === undefined && raw.oci !== UNKNOWN) {
    fail(["gates"], "configure gates.probe and/or oci.healthCheck: without a gate nothing can detect a bad step or roll back");
  }

  if (raw.awsDecommissioned === true && typeof target === "number" && target !== 100) {
    fail(["awsDecommissioned"], `needs targetOciPercent 100 (got ${got(target)}): AWS can only be decommissioned once OCI serves everything`);
  }
  return issues;
}

/** The Cutover resource's inputs: every field, then the rules that join them. */
export const inputsSchema = cutoverFields.superRefine(
  (inputs, ctx) => {
    for (const issue of crossFieldIssues(inputs)) ctx.addIssue({ code: "custom", ...issue });
  },
  // Also when a field was refused: the user sees every problem at once.
  { when: () => true },
);

/** The inputs as a user writes them (each may be a pulumi.Input on the resource class). */
export type CutoverInputs = z.input<typeof inputsSchema>;
export type CheckedCutoverInputs = z.output<typeof inputsSchema>;

// ---- the engine's plan ------------------------------------------------------------------------

function healthCheckOf(raw: z.output<typeof healthCheckSchema>): HealthCheckSpec {
  const type = raw.type ?? "HTTPS";
  return {
    type,
    port: healthCheckPortOf(raw),
    ...(type !== "TCP" ? { resourcePath: raw.path ?? "/" } : {}),
    ...(raw.fqdn ? { fqdn: raw.fqdn } : {}),
    ...(raw.ipAddress ? { ipAddress: raw.ipAddress } : {}),
    requestIntervalSeconds: raw.intervalSeconds ?? 10,
    failureThreshold: raw.failureThreshold ?? 2,
  };
}

function targetOf(side: "aws" | "oci", raw: CheckedCutoverInputs["aws"]): TargetSpec {
  return {
    setIdentifier: raw.setIdentifier ?? side,
    ...(raw.values ? { values: raw.values } : {}),
    ...(raw.alias ? { alias: { hostedZoneId: raw.alias.hostedZoneId, dnsName: raw.alias.dnsName, evaluateTargetHealth: raw.alias.evaluateTargetHealth ?? false } } : {}),
    ...(raw.healthCheck ? { healthCheck: healthCheckOf(raw.healthCheck) } : {}),
  };
}

function probeOf(raw: z.output<typeof probeFields>): ProbeSpec {
  return {
    url: raw.url,
    ...(raw.hostHeader ? { hostHeader: raw.hostHeader } : {}),
    samples: raw.samples ?? DEFAULTS.samples,
    concurrency: raw.concurrency ?? DEFAULTS.concurrency,
    timeoutMs: parseDuration(raw.timeout ?? DEFAULTS.timeout)!,
    maxP95Ms: raw.maxP95Ms ?? DEFAULTS.maxP95Ms,
    maxErrorRate: (raw.maxErrorPercent ?? DEFAULTS.maxErrorPercent) / 100,
  };
}

/** The gates with every default filled in, from inputs that may still hold unknowns (the preview text reads them). */
function gatesOf(raw: Loose): GateSpec {
  const gates = objectOr(raw.gates);
  const gate: GateSpec = {
    healthCheck: gates.healthCheck ?? objectOr(raw.oci).healthCheck !== undefined,
    intervalMs: parseDuration(gates.interval ?? DEFAULTS.interval) ?? parseDuration(DEFAULTS.interval)!,
    failureLimit: typeof gates.failureLimit === "number" ? gates.failureLimit : DEFAULTS.failureLimit,
  };
  if (gates.probe !== undefined) gate.probe = probeOf(objectOr(gates.probe) as z.output<typeof probeFields>);
  return gate;
}

/** The plan the engine runs, for inputs inputsSchema accepted; undefined while any is unknown (preview). */
export function planOf(inputs: CheckedCutoverInputs | undefined): CutoverPlan | undefined {
  if (!inputs || isUnknown(inputs)) return undefined;
  const recordType: RecordType = inputs.recordType ?? "A";
  return {
    zoneId: inputs.zoneId,
    recordName: inputs.recordName,
    recordType,
    ttl: inputs.ttl ?? DEFAULTS.ttl,
    aws: targetOf("aws", inputs.aws),
    oci: targetOf("oci", inputs.oci),
    steps: inputs.steps ?? DEFAULTS.steps,
    targetOciPercent: inputs.targetOciPercent,
    bakeMs: parseDuration(inputs.bake ?? DEFAULTS.bake)!,
    gates: gatesOf(inputs),
    rollback: inputs.rollback ?? DEFAULTS.rollback,
  };
}

// ---- what a reviewer reads in `pulumi preview --diff` -------------------------------------------

/** The readable change, e.g. "oci 0% -> 100% via 1/5/25/50/100, bake 10m". */
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

/** The gates and the rollback policy in one line, for the same reviewer (inputs may hold unknowns). */
export function describeSafety(raw: Partial<CutoverInputs>): string {
  const gates = gatesOf(raw);
  const ociHealthCheck = objectOr(raw.oci).healthCheck !== undefined;
  const parts: string[] = [];
  if (gates.healthCheck && ociHealthCheck) parts.push("Route53 health check of oci");
  const p = gates.probe;
  if (p) {
    parts.push(
      `probe ${isUnknown(p.url) ? "(OCI URL known after apply)" : p.url}${p.hostHeader ? ` Host ${p.hostHeader}` : ""}: ${p.samples} samples, ` +
        `p95 < ${p.maxP95Ms} ms, errors < ${Math.round(p.maxErrorRate * 10_000) / 100}%`,
    );
  }
  const rollback = raw.rollback ?? DEFAULTS.rollback;
  return (
    `gates every ${formatDuration(gates.intervalMs)}: ${parts.join(" + ")}; failure limit ${gates.failureLimit}; ` +
    `on failure roll back to ${rollback === "aws" ? "AWS 100%" : "the last good weights"}`
  );
}
