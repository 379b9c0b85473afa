// `tundra:awsSide`: the AWS-side stack of a tenant (`tundra:role: aws-side`). It holds what the
// migration owns on AWS (the sync runner's read-only role) behind the decommission guard, and
// names the data source (needed before the OCI stack syncs: the runner's role reads it) and the
// OCI tenant stack, whose outputs give the guard the rest: the Route53 pair, the destination,
// what it synced from, when OCI took all traffic. The guard's inputs are derived from its schema
// (components/decommission/spec.ts); this stack adds what only it needs.
import { z } from "zod";
import { awsRegion, DEFAULT_MIN_DAYS_ON_OCI, OCI_STACK_OUTPUTS, s3BucketName } from "../../components/decommission/spec";
import { integer, tagMap, text } from "./fields";
import { tenantSchema } from "./tenant";
import { findCredentials } from "./credentials";
import { credentialIssues, dedupe, keyOf, withoutValues, zodIssues, type ConfigIssue, type ParseResultOf, type RawConfig } from "./index";

const iamPrincipalArn = text(/^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@\/-]+|user\/[\w+=,.@\/-]+)$/, "an IAM role, user or account-root ARN (arn:aws:iam::123456789012:role/name)");
const prefix = z
  .string({ error: (iss) => `must be a string: a key prefix such as tenants/acme/ ("" for the whole bucket) (got ${JSON.stringify(iss.input)})` })
  .refine((p) => !p.startsWith("/"), { error: "must not start with '/' (object keys have no leading slash)" })
  .default("");

export const awsSideSchema = z.strictObject({
  tenant: tenantSchema.shape.id,
  env: tenantSchema.shape.env,
  /** AWS region of the source bucket; this stack's AWS provider uses it. */
  region: awsRegion,
  /** The OCI tenant stack whose dataSync and cutover outputs the guard reads: <stack>, <project>/<stack> or <org>/<project>/<stack>. It must exist: `pulumi stack init` it first (docs/decommission.md). */
  ociStack: text(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/, "a stack name: <stack>, <project>/<stack> or <org>/<project>/<stack>"),
  /** The tenant's data on AWS (the sync source). */
  source: z.strictObject({
    bucket: s3BucketName,
    prefix,
    /** The bucket's SSE-KMS key, when objects are encrypted with one (the role may decrypt through S3 only). */
    kmsKeyArn: text(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)").optional(),
  }),
  /** Who runs the sync: the principals that may assume the read-only role. */
  syncRunner: z.strictObject({
    trustedPrincipals: z.array(iamPrincipalArn).min(1, { error: "must name at least one principal that runs the sync" }),
    externalId: text(/^[\w+=,.@:\/-]{2,1224}$/, "2-1224 characters of letters, digits and +=,.@:/-").optional(),
    maxSessionHours: integer(1, 12).default(1),
  }),
  /** Days OCI must have carried 100% of the traffic before AWS may go. */
  minDaysOnOci: integer(0, 365).default(DEFAULT_MIN_DAYS_ON_OCI),
  /** Extra tags on every AWS resource of the stack. */
  tags: tagMap.default({}),
});

export type AwsSideConfig = z.output<typeof awsSideSchema>;

/** Keys this section had before the guard read them from the OCI stack, and the output that gives them now. */
const READ_FROM_OCI_STACK = { route53: OCI_STACK_OUTPUTS.route53, destination: OCI_STACK_OUTPUTS.destination } as const;

/** One issue per key that is now read from the OCI stack; the section without them. */
function withoutKeysReadFromOciStack(section: unknown): { issues: ConfigIssue[]; rest: unknown } {
  if (!section || typeof section !== "object" || Array.isArray(section)) return { issues: [], rest: section };
  const rest: Record<string, unknown> = { ...(section as Record<string, unknown>) };
  const issues: ConfigIssue[] = [];
  for (const [key, output] of Object.entries(READ_FROM_OCI_STACK)) {
    if (!(key in rest)) continue;
    delete rest[key];
    issues.push({
      key: keyOf("awsSide", [key]),
      message: `is no longer set here: the guard reads it from the OCI stack's ${output} output (the stack named in tundra:awsSide.ociStack); remove it from this stack's config`,
    });
  }
  return { issues, rest };
}

/** The sections an aws-side stack may have. */
const AWS_SIDE_SECTIONS = ["role", "awsSide"];

/** Validates an aws-side stack's `tundra:*` config. Pure: no Pulumi, no I/O. */
export function parseAwsSideConfig(raw: RawConfig): ParseResultOf<AwsSideConfig> {
  const issues: ConfigIssue[] = [];
  for (const name of Object.keys(raw)) {
    if (!AWS_SIDE_SECTIONS.includes(name)) {
      issues.push({ key: keyOf(name, []), message: "is not used by an aws-side stack (tundra:role is aws-side: only tundra:awsSide applies; the tenant sections belong in the OCI stack)" });
    }
  }
  const credentials = findCredentials(raw);
  issues.push(...credentialIssues(credentials));
  const readFromOciStack = withoutKeysReadFromOciStack(raw.awsSide);
  issues.push(...readFromOciStack.issues);
  const result = awsSideSchema.safeParse(readFromOciStack.rest);
  if (raw.awsSide === undefined) {
    issues.push({ key: keyOf("awsSide", []), message: "is required in an aws-side stack: add a tundra:awsSide object (see docs/decommission.md)" });
  } else if (!result.success) {
    issues.push(...zodIssues("awsSide", result.error).map((i) => ({ ...i, message: i.message.replace("docs/foundation.md", "docs/decommission.md") })));
  }
  if (issues.length > 0 || !result.success) return { ok: false, issues: withoutValues(dedupe(issues), credentials) };
  return { ok: true, config: result.data };
}
