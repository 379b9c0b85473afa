// DataSyncBulkCopy: the first full copy of a tenant too big for one runner, on AWS DataSync in
// Enhanced mode (S3 -> OCI Object Storage through OCI's S3 compatibility API, no agent), declared
// as Pulumi resources (docs/scale.md):
//   - the IAM role DataSync reads the S3 source with (read-only, the tenant prefix), and the
//     S3 location;
//   - the IAM role DataSync reads the OCI key's secret with (that one secret), and the OCI
//     location (DataSyncOciLocation: CustomSecretConfig, so the secret is never an input);
//   - the bucket-scoped OCI user whose Customer Secret Key that secret holds (user, group,
//     membership, policy); the key itself is created by an operator straight into Secrets
//     Manager (docs/scale.md): created by Pulumi, its secret would be in the state;
//   - the task (ENHANCED, object tags not copied, only changed objects copied and verified);
//   - the execution (DataSyncBulkExecution), started per generation and awaited with progress.
// Our engine then syncs the final delta and verifies every object; its plan must show nothing
// left to copy before the manifest digest is output (components/bulk/final-delta.ts).
import * as aws from "@pulumi/aws";
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { DataSyncBulkExecution } from "../bulk/execution/bulk-execution";
import { DataSyncOciLocation } from "../bulk/location/oci-location-resource";
import { dataSyncSecretReadPolicy, dataSyncSourceReadPolicy, dataSyncTrustPolicy, ociBulkWriterStatements } from "./datasync-bulk-policies";
import { partitionOf, type SourceReadScope } from "./policies";

export interface DataSyncBulkCopyArgs {
  tenant: string;
  env: string;
  /** The AWS account the task runs in (trust-policy conditions). */
  awsAccountId: string;
  source: SourceReadScope;
  destination: {
    namespace: pulumi.Input<string>;
    region: string;
    bucket: pulumi.Input<string>;
    prefix: string;
  };
  /** Secrets Manager secret (ARN) holding the OCI Customer Secret Key's secret, as plain text. */
  ociSecretArn: string;
  /** That Customer Secret Key's access key (not a secret). */
  ociAccessKeyId: string;
  /** The bucket-scoped OCI user, group and policy; omit when the user is managed elsewhere. */
  ociUser?: { tenancyId: string; compartmentId: string; provider: oci.Provider };
  /** Change it to run the task again (it copies what changed since the last execution). */
  generation: pulumi.Input<string>;
  pollSeconds?: number;
  timeoutSeconds?: number;
  tags: Record<string, string>;
  /** AWS provider for the source's region (the default provider otherwise). */
  awsProvider?: aws.Provider;
}

export class DataSyncBulkCopy extends pulumi.ComponentResource {
  readonly taskArn: pulumi.Output<string>;
  readonly execution: DataSyncBulkExecution;
  readonly ociUserName?: pulumi.Output<string>;

  constructor(name: string, args: DataSyncBulkCopyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:aws:DataSyncBulkCopy", name, {}, opts);
    const base = `tundra-${args.tenant}-${args.env}-bulk`;
    const awsOpts = { parent: this, ...(args.awsProvider ? { provider: args.awsProvider } : {}) };
    const trust = JSON.stringify(dataSyncTrustPolicy(args.awsAccountId, args.source.region));

    const sourceRole = new aws.iam.Role(`${name}-source-role`, {
      name: `${base}-s3-reader`,
      description: `DataSync reads s3://${args.source.bucket}/${args.source.prefix} for the bulk copy of tenant ${args.tenant} (${args.env})`,
      assumeRolePolicy: trust,
      tags: args.tags,
    }, awsOpts);
    const sourcePolicy = new aws.iam.RolePolicy(`${name}-source-read`, {
      role: sourceRole.name,
      policy: JSON.stringify(dataSyncSourceReadPolicy(args.source)),
    }, awsOpts);
    const sourceLocation = new aws.datasync.S3Location(`${name}-source`, {
      s3BucketArn: `arn:${partitionOf(args.source.region)}:s3:::${args.source.bucket}`,
      // DataSync refuses a subdirectory with `//`, `/./` or `/../` (CreateLocationS3): the config refuses such prefixes.
      subdirectory: `/${args.source.prefix}`,
      s3Config: { bucketAccessRoleArn: sourceRole.arn },
      tags: args.tags,
    }, { ...awsOpts, dependsOn: [sourcePolicy] });

    const secretRole = new aws.iam.Role(`${name}-secret-role`, {
      name: `${base}-secret-reader`,
      description: `DataSync reads the OCI Customer Secret Key of tenant ${args.tenant} (${args.env}) from Secrets Manager`,
      assumeRolePolicy: trust,
      tags: args.tags,
    }, awsOpts);
    const secretPolicy = new aws.iam.RolePolicy(`${name}-secret-read`, {
      role: secretRole.name,
      policy: JSON.stringify(dataSyncSecretReadPolicy(args.ociSecretArn)),
    }, awsOpts);

    if (args.ociUser) {
      const { tenancyId, compartmentId, provider } = args.ociUser;
      const ociOpts = { parent: this, provider };
      const user = new oci.identity.User(`${name}-oci-user`, {
        compartmentId: tenancyId,
        name: `${base}-writer`,
        description: `AWS DataSync writes the bulk copy of tenant ${args.tenant} (${args.env}) with this user's Customer Secret Key`,
        freeformTags: args.tags,
      }, ociOpts);
      const group = new oci.identity.Group(`${name}-oci-group`, {
        compartmentId: tenancyId,
        name: `${base}-writers`,
        description: `Writes objects of the tenant bucket only (bulk copy of ${args.tenant}, ${args.env})`,
        freeformTags: args.tags,
      }, ociOpts);
      new oci.identity.UserGroupMembership(`${name}-oci-membership`, { groupId: group.id, userId: user.id }, ociOpts);
      new oci.identity.Policy(`${name}-oci-policy`, {
        compartmentId: tenancyId,
        name: `${base}-writers`,
        description: `The bulk copy's OCI user writes tenant ${args.tenant}'s bucket only`,
        statements: pulumi.output(args.destination.bucket).apply((bucket) => ociBulkWriterStatements(`${base}-writers`, compartmentId, bucket)),
        freeformTags: args.tags,
      }, { ...ociOpts, dependsOn: [group] });
      this.ociUserName = user.name;
    }

    const ociLocation = new DataSyncOciLocation(`${name}-oci-location`, {
      awsRegion: args.source.region,
      namespace: args.destination.namespace,
      ociRegion: args.destination.region,
      bucket: args.destination.bucket,
      prefix: args.destination.prefix,
      accessKeyId: args.ociAccessKeyId,
      secretArn: args.ociSecretArn,
      secretAccessRoleArn: secretRole.arn,
    }, { parent: this, dependsOn: [secretPolicy] });

    const task = new aws.datasync.Task(`${name}-task`, {
      name: base,
      sourceLocationArn: sourceLocation.arn,
      destinationLocationArn: ociLocation.locationArn,
      // Enhanced mode: other clouds' object storage <-> S3 without an agent (DataSync User Guide, "Choosing a task mode").
      taskMode: "ENHANCED",
      options: {
        // Enhanced mode fails a run at once when tags are to be preserved to storage without object tagging.
        objectTags: "NONE",
        transferMode: "CHANGED",
        // Enhanced mode verifies the data it transferred.
        verifyMode: "ONLY_FILES_TRANSFERRED",
        overwriteMode: "ALWAYS",
        preserveDeletedFiles: "PRESERVE",
      },
      tags: args.tags,
    }, awsOpts);
    this.taskArn = task.arn;

    this.execution = new DataSyncBulkExecution(`${name}-execution`, {
      awsRegion: args.source.region,
      taskArn: task.arn,
      generation: args.generation,
      ...(args.pollSeconds !== undefined ? { pollSeconds: args.pollSeconds } : {}),
      ...(args.timeoutSeconds !== undefined ? { timeoutSeconds: args.timeoutSeconds } : {}),
    }, { parent: this });

    this.registerOutputs({ taskArn: this.taskArn, executionArn: this.execution.executionArn, bytesTransferred: this.execution.bytesTransferred });
  }
}
