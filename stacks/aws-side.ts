// The AWS-side program (`tundra:role: aws-side`): what the migration owns on AWS for one tenant,
// in a stack of its own so that `pulumi destroy` removes it without touching OCI, behind the
// DecommissionGuard, which depends on everything here and refuses until the migration is done.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SyncRunnerAccess } from "../components/aws/sync-runner-access";
import { beginDecommissionScope } from "../components/decommission/guard-scope";
import { OCI_STACK_FACT_FIELDS, ociStackFacts } from "../components/decommission/oci-stack-facts";
import { normalisePrefix } from "../components/common/prefix";
import type { AwsSideConfig } from "./config/aws-side";

export function awsSideProgram(config: AwsSideConfig): Record<string, unknown> {
  // First, before any resource: the guard must depend on every resource of this stack.
  const scope = beginDecommissionScope();
  const tags = { ...config.tags, tenant: config.tenant, env: config.env, "managed-by": "tundra-replatform", "tundra-role": "aws-side" };
  // An explicit provider, so the region comes from the validated config only.
  const provider = new aws.Provider("aws", { region: config.region, defaultTags: { tags } });
  const sourcePrefix = normalisePrefix(config.source.prefix);

  const runner = new SyncRunnerAccess(`${config.tenant}-sync-runner`, {
    tenant: config.tenant,
    env: config.env,
    source: { region: config.region, bucket: config.source.bucket, prefix: sourcePrefix, kmsKeyArn: config.source.kmsKeyArn },
    trustedPrincipals: config.syncRunner.trustedPrincipals,
    externalId: config.syncRunner.externalId,
    maxSessionSeconds: config.syncRunner.maxSessionHours * 3600,
    tags,
  }, { provider });

  // What the OCI tenant stack knows: its dataSync output (where the data went, where from) and its
  // cutover output (the Route53 pair, when OCI took all traffic, whether AWS is marked
  // decommissioned). This stack is deployed first, so they may not exist yet: the guard is then
  // created all the same and names what is missing (components/decommission/oci-stack-facts.ts).
  const ociStack = new pulumi.StackReference(`${config.tenant}-oci-stack`, { name: config.ociStack });
  const facts = pulumi
    .all([readable(ociStack, "dataSync", OCI_STACK_FACT_FIELDS.dataSync), readable(ociStack, "cutover", OCI_STACK_FACT_FIELDS.cutover)])
    .apply(([dataSync, cutover]) => ociStackFacts({ dataSync, cutover }));

  const guard = scope.guard(`${config.tenant}-decommission-guard`, {
    tenant: config.tenant,
    route53: facts.route53,
    source: { bucket: config.source.bucket, prefix: sourcePrefix, region: config.region },
    destination: facts.destination,
    minDaysOnOci: config.minDaysOnOci,
    ociStack: facts.ociStack.apply((known) => ({ name: config.ociStack, ...known })),
  });

  return {
    role: "aws-side",
    tenant: config.tenant,
    env: config.env,
    syncRunnerRoleArn: runner.roleArn,
    syncRunnerPolicyArn: runner.policyArn,
    decommission: { safe: guard.safe, verdict: guard.verdict, blockers: guard.blockers, assessedAt: guard.assessedAt },
  };
}

/**
 * The fields the guard reads from one of the OCI stack's outputs, as plain values. The engine marks
 * a whole stack output secret when anything in it is (the dataSync output carries DataSync's secret
 * `drift`), and a secret would make every guard input secret: `pulumi preview --diff` would show
 * the bucket and the Route53 pair the guard checks as [secret]. Bucket names, prefixes, the pair
 * and the cutover's dates are the OCI stack's config and history, not secrets: only they are
 * unsecreted, never the rest of the output.
 */
function readable(ociStack: pulumi.StackReference, output: string, fields: readonly string[]): pulumi.Output<Record<string, unknown> | undefined> {
  return pulumi.unsecret(ociStack.getOutput(output).apply((value: unknown) => {
    if (!value || typeof value !== "object") return undefined;
    const picked = Object.fromEntries(fields.filter((f) => f in value).map((f) => [f, (value as Record<string, unknown>)[f]]));
    return picked;
  }));
}
