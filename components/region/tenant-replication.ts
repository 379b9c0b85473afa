// TenantReplication: the tenant's disaster-recovery copy in another OCI region. The tenant
// bucket replicates to a bucket in the DR region (a replication policy on the source bucket,
// created after the IAM grant that lets Object Storage replicate on the tenant's behalf), and
// the data volumes carry cross-region block volume replicas (`volumeReplicaArgs`, spread into
// each oci.core.Volume by the component that creates the volume).
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";

/** The permissions Object Storage needs to replicate (Oracle's least-privilege form). */
const REPLICATION_PERMISSIONS = [
  "BUCKET_READ", "BUCKET_UPDATE", "OBJECT_READ", "OBJECT_INSPECT", "OBJECT_CREATE", "OBJECT_OVERWRITE", "OBJECT_RESTORE", "OBJECT_DELETE",
];

/**
 * The IAM statement that authorizes the Object Storage service of `sourceRegion` to replicate
 * into and out of a compartment ("Object Storage Replication" > Service Permissions).
 */
export function replicationStatement(sourceRegion: string, compartmentId: string): string {
  const permissions = REPLICATION_PERMISSIONS.map((p) => `request.permission='${p}'`).join(", ");
  return `Allow service objectstorage-${sourceRegion} to manage object-family in compartment id ${compartmentId} where any {${permissions}}`;
}

export interface TenantReplicationArgs {
  /** Compartment of the source bucket (and of the grant). */
  compartmentId: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  sourceRegion: string;
  sourceBucketName: pulumi.Input<string>;
  drRegion: string;
  drBucketName: pulumi.Input<string>;
  /** Compartment of the DR bucket; the source compartment when omitted. */
  drCompartmentId?: pulumi.Input<string>;
  /**
   * Where the IAM grant is attached; the source compartment when omitted. A policy can name only
   * its own compartment and those below it, so pass the tenancy when the DR bucket lives elsewhere.
   */
  grantCompartmentId?: pulumi.Input<string>;
  /** Vault key in the DR region for the DR bucket and the volume replicas. */
  drKmsKeyId?: pulumi.Input<string>;
  /** Availability domain of the volume replicas; the first AD of the DR region when omitted. */
  drAvailabilityDomain?: pulumi.Input<string>;
  replicateBucket: boolean;
  /** Provider for the DR region; one is made from `drProviderArgs` plus the DR region when omitted. */
  drProvider?: oci.Provider;
  drProviderArgs?: Omit<oci.ProviderArgs, "region">;
  /** Provider for IAM writes (the home region); the parent's provider when omitted. */
  identityProvider?: oci.Provider;
  freeformTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class TenantReplication extends pulumi.ComponentResource {
  readonly drRegion: string;
  readonly drAvailabilityDomain: pulumi.Output<string>;
  readonly drProvider: oci.Provider;
  readonly drBucketName?: pulumi.Output<string>;
  readonly replicationPolicyId?: pulumi.Output<string>;
  readonly replicationGrantId?: pulumi.Output<string>;
  private readonly drKmsKeyId?: pulumi.Input<string>;

  constructor(name: string, args: TenantReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:region:TenantReplication", name, {}, opts);
    if (args.drRegion === args.sourceRegion) {
      throw new Error(`TenantReplication ${name}: drRegion must differ from sourceRegion (both are ${args.sourceRegion})`);
    }
    this.drRegion = args.drRegion;
    this.drKmsKeyId = args.drKmsKeyId;
    this.drProvider = args.drProvider ?? new oci.Provider(`${name}-dr`, { ...args.drProviderArgs, region: args.drRegion }, { parent: this });
    const drOpts = { parent: this, provider: this.drProvider };

    this.drAvailabilityDomain = args.drAvailabilityDomain
      ? pulumi.output(args.drAvailabilityDomain)
      : oci.identity
          .getAvailabilityDomainsOutput({ compartmentId: args.compartmentId }, drOpts)
          .apply(({ availabilityDomains }) => {
            const first = availabilityDomains[0]?.name;
            if (!first) throw new Error(`TenantReplication ${name}: OCI lists no availability domain in ${args.drRegion} (is the tenancy subscribed to it?)`);
            return first;
          });

    if (args.replicateBucket) {
      const destination = new oci.objectstorage.Bucket(`${name}-dr-bucket`, {
        compartmentId: args.drCompartmentId ?? args.compartmentId,
        namespace: args.namespace,
        name: args.drBucketName,
        accessType: "NoPublicAccess",
        storageTier: "Standard",
        kmsKeyId: args.drKmsKeyId,
        freeformTags: args.freeformTags,
      }, drOpts);

      const compartments = pulumi
        .all([args.compartmentId, args.drCompartmentId ?? args.compartmentId])
        .apply(([source, dr]) => [...new Set([source, dr])]);
      const grant = new oci.identity.Policy(`${name}-replication-grant`, {
        compartmentId: args.grantCompartmentId ?? args.compartmentId,
        description: `Lets Object Storage in ${args.sourceRegion} replicate the tenant bucket to ${args.drRegion}`,
        statements: compartments.apply((ids) => ids.map((id) => replicationStatement(args.sourceRegion, id))),
        freeformTags: args.freeformTags,
      }, { parent: this, ...(args.identityProvider ? { provider: args.identityProvider } : {}) });

      const policy = new oci.objectstorage.ReplicationPolicy(`${name}-replication`, {
        namespace: args.namespace,
        bucket: args.sourceBucketName,
        destinationBucketName: destination.name,
        destinationRegionName: args.drRegion,
        name: pulumi.interpolate`${args.sourceBucketName}-to-${args.drRegion}`,
      }, { parent: this, dependsOn: [grant, destination] });

      this.drBucketName = destination.name;
      this.replicationPolicyId = policy.id;
      this.replicationGrantId = grant.id;
    }

    this.registerOutputs({
      drRegion: this.drRegion,
      drAvailabilityDomain: this.drAvailabilityDomain,
      drBucketName: this.drBucketName,
      replicationPolicyId: this.replicationPolicyId,
      replicationGrantId: this.replicationGrantId,
    });
  }

  /** What the stack exports about the DR copy. */
  summary(): Record<string, pulumi.Input<unknown>> {
    return {
      region: this.drRegion,
      availabilityDomain: this.drAvailabilityDomain,
      ...(this.drBucketName ? { bucketName: this.drBucketName, replicationPolicyId: this.replicationPolicyId } : {}),
    };
  }

  /** Volume arguments that add a cross-region replica of the volume in the DR region. */
  volumeReplicaArgs(displayName: string): Pick<oci.core.VolumeArgs, "blockVolumeReplicas"> {
    return {
      blockVolumeReplicas: [{
        availabilityDomain: this.drAvailabilityDomain,
        displayName: `${displayName}-${this.drRegion}`,
        ...(this.drKmsKeyId ? { xrrKmsKeyId: this.drKmsKeyId } : {}),
      }],
    };
  }
}
