// The fleet file (YAML): which tenant stacks move, the canaries that go first, and how the rest
// go in waves (size, concurrency, when to stop). Validated with zod, every problem reported at
// once, each named by its key (`fleet.waves.size: ...`). Pulumi-free: the rollout, the CI matrix
// and the cost estimate all read it.
import { z } from "zod";
import { parse as parseYaml } from "yaml";

const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

const wholeNumber = (min: number) =>
  z
    .number({ error: (iss) => `must be a whole number of at least ${min} (got ${JSON.stringify(iss.input)})` })
    .int({ error: (iss) => `must be a whole number (got ${iss.input})` })
    .min(min, { error: (iss) => `must be at least ${min} (got ${iss.input})` });

export const fleetTenantSchema = z.strictObject({
  /** Pulumi stack name, e.g. `acme-prod`. */
  stack: z.string({ error: "must be a stack name" }).regex(STACK_NAME, { error: (iss) => `must be a Pulumi stack name (letters, digits, '_', '.', '-'; got ${JSON.stringify(iss.input)})` }),
  /** The stack's config file, relative to the fleet file (default `Pulumi.<stack>.yaml` in workDir). */
  config: z.string().min(1).optional(),
  /** Bytes under the tenant's S3 prefix, when known (cost and copy-time estimates without a listing). */
  sourceBytes: wholeNumber(0).optional(),
  /** Internet egress the tenant's OCI side is expected to send per month, GB (cost estimate). */
  egressGBPerMonth: z.number({ error: "must be a number of GB" }).min(0, { error: "must be at least 0" }).optional(),
});

export const wavesSchema = z.strictObject({
  /** Tenants per wave after the canaries. */
  size: wholeNumber(1),
  /** Tenants of one wave running at once (default 4). */
  concurrency: wholeNumber(1).default(4),
  /** No new tenant of a wave starts once one of its tenants failed (default true); running ones finish. */
  failedTenantStopsWave: z.boolean({ error: "must be true or false" }).default(true),
  /** A wave with more than this many failed tenants stops the rollout (default 0). Canaries: always 0. */
  maxFailures: wholeNumber(0).default(0),
});

export const fleetFileSchema = z
  .strictObject({
    /** The Pulumi project directory, relative to the fleet file (default: the fleet file's directory). */
    workDir: z.string().min(1).default("."),
    tenants: z.array(fleetTenantSchema).min(1, { error: "must list at least one tenant stack" }),
    /** Stacks (from `tenants`) that run first, alone in their own wave, one failure stopping everything. */
    canary: z.array(z.string()).default([]),
    waves: wavesSchema,
  })
  .superRefine((fleet, ctx) => {
    const seen = new Set<string>();
    fleet.tenants.forEach((t, i) => {
      if (seen.has(t.stack)) ctx.addIssue({ code: "custom", path: ["tenants", i, "stack"], message: `${t.stack} is listed twice: each tenant stack moves once` });
      seen.add(t.stack);
    });
    fleet.canary.forEach((name, i) => {
      if (!seen.has(name)) ctx.addIssue({ code: "custom", path: ["canary", i], message: `${name} is not in fleet.tenants: add it there or remove it here` });
    });
    if (new Set(fleet.canary).size !== fleet.canary.length) ctx.addIssue({ code: "custom", path: ["canary"], message: "lists a stack twice" });
  });

export type FleetFile = z.output<typeof fleetFileSchema>;
export type FleetTenant = z.output<typeof fleetTenantSchema>;
export type WaveSettings = z.output<typeof wavesSchema>;

export interface FleetIssue {
  key: string;
  message: string;
}

export type FleetParseResult = { ok: true; fleet: FleetFile } | { ok: false; issues: FleetIssue[] };

function keyOf(path: ReadonlyArray<PropertyKey>): string {
  return `fleet${path.map((s) => (typeof s === "number" ? `[${s}]` : `.${String(s)}`)).join("")}`;
}

export function parseFleet(raw: unknown): FleetParseResult {
  const result = fleetFileSchema.safeParse(raw);
  if (result.success) return { ok: true, fleet: result.data };
  const issues = result.error.issues.flatMap((issue): FleetIssue[] =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((k) => ({ key: keyOf([...issue.path, k]), message: "unknown key (see docs/fleet.md)" }))
      : [{ key: keyOf(issue.path), message: issue.path.length > 0 && issue.message.startsWith("Invalid input") ? "is required" : issue.message }],
  );
  return { ok: false, issues };
}

export function parseFleetYaml(text: string): FleetParseResult {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return { ok: false, issues: [{ key: "fleet", message: `is not valid YAML: ${(err as Error).message}` }] };
  }
  return parseFleet(raw);
}

export function formatFleetIssues(issues: FleetIssue[]): string {
  return [`Invalid fleet file (${issues.length} problem${issues.length === 1 ? "" : "s"}):`, ...issues.map((i) => `  ${i.key}: ${i.message}`)].join("\n");
}
