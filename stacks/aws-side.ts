// The AWS-side program (`tundra:role: aws-side`): what the migration owns on AWS for one tenant,
// in a stack of its own so that `pulumi destroy` removes it without touching OCI, behind the
// DecommissionGuard, which depends on everything here and refuses until the migration is done.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SyncRunnerAccess } from "../components/aws/sync-runner-access";
import { beginDecommissionScope } from "../components/decommission/guard-scope";
import { ociStackFacts } from "../components/decommission/oci-stack-facts";
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

  // The OCI tenant stack's cutover outputs: when OCI took all traffic, and whether AWS is marked decommissioned.
  const ociStack = new pulumi.StackReference(`${config.tenant}-oci-stack`, { name: config.ociStack });
  const facts = ociStack.getOutput("cutover").apply(ociStackFacts);

  const guard = scope.guard(`${config.tenant}-decommission-guard`, {
    tenant: config.tenant,
    route53: config.route53,
    source: { bucket: config.source.bucket, prefix: sourcePrefix, region: config.region },
    destination: { namespace: config.destination.namespace, bucket: config.destination.bucket, prefix: normalisePrefix(config.destination.prefix), region: config.destination.region },
    minDaysOnOci: config.minDaysOnOci,
    ociStack: { name: config.ociStack, ociFullSince: facts.ociFullSince, awsDecommissioned: facts.awsDecommissioned, note: facts.note },
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
