// The DecommissionGuard's inputs (`inputsSchema`): checked and normalized (every default filled
// in, prefixes as the stores keep them), each refusal named by its property with the fix. Pure:
// no Pulumi, no I/O. The AWS-side stack's config (stacks/config/aws-side.ts) is derived from it.
//
// The source and destination schemas are the guard's own, stricter than DataSync's (the format
// rules of the AWS-side config: AWS region, namespace, bucket names) and filling every default;
// what they produce must be DataSync's SourceSpec/DestinationSpec (checked where the guard uses them).
import { z } from "zod";
import { normalisePrefix } from "../common/prefix";
import { DEFAULT_SET_IDENTIFIERS } from "../cutover/spec";

export const DEFAULT_MIN_DAYS_ON_OCI = 7;

const got = (input: unknown) => JSON.stringify(input);

/** A string of `pattern`: "is required" when absent or not a string, "must be" when it does not match. */
function text(pattern: RegExp, what: string) {
  return z
    .string({ error: (iss) => `is required: ${what} (got ${got(iss.input)})` })
    .regex(pattern, { error: (iss) => `must be ${what} (got ${got(iss.input)})` });
}

const nonEmpty = /\S/;
const optionalText = z.string({ error: (iss) => `must be a string (got ${got(iss.input)})` }).default("");
/** A key prefix as every store keeps it: no leading "/", a trailing "/" unless empty. */
const prefix = z
  .string({ error: (iss) => `must be a string (got ${got(iss.input)})` })
  .optional()
  .transform((p) => normalisePrefix(p));
const yesNo = z.boolean({ error: "must be true or false" });
/** For a section that is missing or not an object (other problems keep their own message). */
const requiredObject = (iss: { code?: string }) => (iss.code === "invalid_type" ? "is required (an object; see docs/decommission.md)" : undefined);

/** The tenant's weighted Route53 pair (as the OCI stack's cutover wrote it). */
export const route53Schema = z
  .strictObject(
    {
      zoneId: text(/^Z[A-Z0-9]{1,32}$/, "a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
      recordName: text(/^(?=.{1,253}\.?$)([a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i, "the tenant's DNS name, e.g. acme.analytics.example.com"),
      recordType: z.enum(["A", "AAAA", "CNAME"], { error: (iss) => `must be A, AAAA or CNAME (got ${got(iss.input)})` }).default("A"),
      awsSetIdentifier: text(/^.{1,128}$/, "the SetIdentifier of the AWS record, 1-128 characters").default(DEFAULT_SET_IDENTIFIERS.aws),
      ociSetIdentifier: text(/^.{1,128}$/, "the SetIdentifier of the OCI record, 1-128 characters").default(DEFAULT_SET_IDENTIFIERS.oci),
    },
    { error: requiredObject },
  )
  .refine((r) => r.awsSetIdentifier !== r.ociSetIdentifier, {
    path: ["ociSetIdentifier"],
    error: (iss) => `must differ from route53.awsSetIdentifier (both are ${got((iss.input as { ociSetIdentifier?: unknown }).ociSetIdentifier)})`,
  });

/** The AWS region of a bucket. */
export const awsRegion = text(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "an AWS region such as us-east-1");
/** An S3 bucket name (S3 User Guide, "Bucket naming rules"). */
export const s3BucketName = text(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name (3-63 lower-case letters, digits, '.' or '-')");
export const ociNamespace = text(/^[a-z0-9]{1,64}$/, "the OCI Object Storage namespace (`oci os ns get`)");
export const ociBucketName = text(/^[A-Za-z0-9_.-]{1,256}$/, "an OCI bucket name");

/** The AWS data the migration copied (the DataSync source). */
export const sourceSchema = z.strictObject(
  {
    bucket: s3BucketName,
    prefix,
    region: awsRegion,
    /** An S3-compatible endpoint; "" for AWS. */
    endpoint: optionalText,
    forcePathStyle: yesNo.default(false),
  },
  { error: requiredObject },
);

/** Where it went in OCI (the DataSync destination). */
export const destinationSchema = z.strictObject(
  {
    namespace: ociNamespace,
    bucket: ociBucketName,
    prefix,
    /** "" for the OCI authentication's region. */
    region: optionalText,
    /** "" for the region's public endpoint. */
    endpoint: optionalText,
  },
  { error: requiredObject },
);

/** Days OCI must have carried 100% of the traffic before AWS may go. */
export const minDaysOnOciSchema = z
  .number({ error: (iss) => `must be a number of days from 0 to 365 (got ${got(iss.input)})` })
  .refine((d) => d >= 0 && d <= 365, { error: (iss) => `must be a number of days from 0 to 365 (got ${got(iss.input)})` })
  .default(DEFAULT_MIN_DAYS_ON_OCI);

/** What the OCI stack's DataSync copied from (its `dataSync.source` output): must be this stack's source. */
export const syncedSourceSchema = z.strictObject({ bucket: s3BucketName, prefix, region: awsRegion }, { error: requiredObject });

/**
 * The OCI stack outputs the guard reads, by the input they feed (see oci-stack-facts.ts). An input
 * whose output the OCI stack does not export yet (the AWS-side stack is deployed first), or exports
 * in a form the guard cannot use, is null, and `ociStack.missing` / `ociStack.invalid` say which.
 */
export const OCI_STACK_OUTPUTS = { route53: "cutover.route53", destination: "dataSync.destination", source: "dataSync.source" } as const;

/** An output of the OCI stack, as it exports it (e.g. cutover.route53). */
const outputName = text(nonEmpty, "an output of the OCI stack, e.g. cutover.route53");

/** What the OCI tenant stack says (see oci-stack-facts.ts). */
export const ociStackSchema = z.strictObject(
  {
    /** The OCI stack's name, for the reader (e.g. acme-org/tundra-replatform/prod). */
    name: text(nonEmpty, "the OCI tenant stack, e.g. acme-org/tundra-replatform/prod"),
    /** ISO time OCI started carrying all traffic, "" when unknown. */
    ociFullSince: z
      .string({ error: (iss) => `must be an ISO date such as 2026-11-10T08:00:00Z, or "" when unknown (got ${got(iss.input)})` })
      .refine((s) => s === "" || Number.isFinite(Date.parse(s)), {
        error: (iss) => `must be an ISO date such as 2026-11-10T08:00:00Z, or "" when unknown (got ${got(iss.input)})`,
      })
      .default(""),
    awsDecommissioned: yesNo.default(false),
    /** Where its DataSync copied from; null when it exports no usable dataSync.source (named in missing or invalid). */
    source: syncedSourceSchema.nullable(),
    /** Outputs the guard needs that the OCI stack does not export (yet): each is a blocker. */
    missing: z.array(outputName, { error: "must be a list of OCI stack outputs" }).default([]),
    /** Outputs it exports that the guard cannot use, with why: each is a blocker, never taken. */
    invalid: z.array(z.strictObject({ output: outputName, reason: text(nonEmpty, "why the output cannot be used") }), { error: "must be a list of { output, reason }" }).default([]),
  },
  { error: requiredObject },
);

export const inputsSchema = z
  .object({
    tenant: text(nonEmpty, "the tenant id"),
    /** From the OCI stack's cutover.route53; null until it exports one. */
    route53: route53Schema.nullable(),
    source: sourceSchema,
    /** From the OCI stack's dataSync.destination; null until it exports one. */
    destination: destinationSchema.nullable(),
    minDaysOnOci: minDaysOnOciSchema,
    ociStack: ociStackSchema,
  })
  .superRefine((inputs, ctx) => {
    // A fact is absent only for a stated reason, so the guard's blockers can name the output.
    const named = new Set([...inputs.ociStack.missing, ...inputs.ociStack.invalid.map((i) => i.output)]);
    const facts: [PropertyKey[], unknown, string][] = [
      [["route53"], inputs.route53, OCI_STACK_OUTPUTS.route53],
      [["destination"], inputs.destination, OCI_STACK_OUTPUTS.destination],
      [["ociStack", "source"], inputs.ociStack.source, OCI_STACK_OUTPUTS.source],
    ];
    for (const [path, value, output] of facts) {
      if (value === null && !named.has(output)) {
        ctx.addIssue({ code: "custom", path, message: `is null, but neither ociStack.missing nor ociStack.invalid names ${output}: say why the OCI stack's ${output} is absent` });
      }
    }
  });

/** The inputs as a user writes them (each may be a pulumi.Input on the resource class). */
export type GuardInputs = z.input<typeof inputsSchema>;
/** Checked inputs: defaults filled in, prefixes normalized. */
export type CheckedGuardInputs = z.output<typeof inputsSchema>;

/** The input keys (everything else in inputs or state is computed or the provider's own). */
export const INPUT_KEYS = Object.keys(inputsSchema.shape) as (keyof GuardInputs)[];
