// SyncRunnerAccess: the AWS identity the migration's sync runner uses to read one tenant's data:
// a customer-managed policy (read-only, the tenant's bucket prefix only), a role that the named
// principals may assume, and the attachment. Deleted with the AWS-side stack, behind the guard.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, syncSourceReadPolicy, type SourceReadScope } from "./policies";

export interface SyncRunnerAccessArgs {
  tenant: string;
  env: string;
  source: SourceReadScope;
  /** IAM principals (role/user ARNs) allowed to assume the role, e.g. the CI runner's role. */
  trustedPrincipals: string[];
  /** Required in sts:AssumeRole when set (a third party runs the sync). */
  externalId?: string;
  /** Longest session the role grants, seconds (3600..43200). */
  maxSessionSeconds: number;
  tags: Record<string, string>;
}

export class SyncRunnerAccess extends pulumi.ComponentResource {
  readonly policy: aws.iam.Policy;
  readonly role: aws.iam.Role;
  readonly attachment: aws.iam.RolePolicyAttachment;
  readonly roleArn: pulumi.Output<string>;
  readonly policyArn: pulumi.Output<string>;

  constructor(name: string, args: SyncRunnerAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:aws:SyncRunnerAccess", name, {}, opts);
    const base = `tundra-${args.tenant}-${args.env}-sync-reader`;
    this.policy = new aws.iam.Policy(`${name}-policy`, {
      name: base,
      description: `Read-only access to s3://${args.source.bucket}/${args.source.prefix} for the Tundra sync of tenant ${args.tenant} (${args.env})`,
      policy: JSON.stringify(syncSourceReadPolicy(args.source)),
      tags: args.tags,
    }, { parent: this });
    this.role = new aws.iam.Role(`${name}-role`, {
      name: base,
      description: `Assumed by the Tundra sync runner of tenant ${args.tenant} (${args.env}) to read its AWS data`,
      assumeRolePolicy: JSON.stringify(assumeRolePolicy(args.trustedPrincipals, args.externalId)),
      maxSessionDuration: args.maxSessionSeconds,
      tags: args.tags,
    }, { parent: this });
    this.attachment = new aws.iam.RolePolicyAttachment(`${name}-attachment`, {
      role: this.role.name,
      policyArn: this.policy.arn,
    }, { parent: this });
    this.roleArn = this.role.arn;
    this.policyArn = this.policy.arn;
    this.registerOutputs({ roleArn: this.roleArn, policyArn: this.policyArn });
  }
}
