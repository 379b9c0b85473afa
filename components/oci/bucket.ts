// TenantBucket: the tenant's data in Object Storage. Private, versioned (an overwritten or
// deleted object stays recoverable during the migration), auto-tiered, object events on (the
// sync and hydration stages can react to changes), optionally encrypted with a Vault key.
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { freeformTags, type TenantTagging } from "./tags";
import { dataProtectionOptions, type DataProtection } from "./protection";

export interface TenantBucketArgs {
  compartmentId: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  name: string;
  tagging: TenantTagging;
  /** Vault master key OCID; Oracle-managed encryption when omitted. */
  kmsKeyId?: pulumi.Input<string>;
  /** Resources the bucket must wait for (the Vault key grant); see TundraClusterArgs.nodesCreateAfter. */
  createAfter?: pulumi.Resource[];
  /** Tenant data: protected from `pulumi destroy` unless the stack says otherwise (default `protect`). */
  dataProtection?: DataProtection;
}

export class TenantBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  readonly bucketId: pulumi.Output<string>;

  constructor(name: string, args: TenantBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:oci:TenantBucket", name, {}, opts);
    const bucket = new oci.objectstorage.Bucket(`${name}-bucket`, {
      compartmentId: args.compartmentId,
      namespace: args.namespace,
      name: args.name,
      accessType: "NoPublicAccess",
      storageTier: "Standard",
      autoTiering: "InfrequentAccess",
      versioning: "Enabled",
      objectEventsEnabled: true,
      kmsKeyId: args.kmsKeyId,
      freeformTags: freeformTags(args.tagging, "data"),
    }, { parent: this, dependsOn: args.createAfter ?? [], ...dataProtectionOptions(args.dataProtection ?? "protect") });
    this.bucketName = bucket.name;
    this.namespace = bucket.namespace;
    this.bucketId = bucket.bucketId;
    this.registerOutputs({ bucketName: this.bucketName, namespace: this.namespace, bucketId: this.bucketId });
  }
}
