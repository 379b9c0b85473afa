// TenantReplication: the tenant's disaster-recovery copy in another OCI region. The tenant
// bucket replicates to a bucket in the DR region (a replication policy on the source bucket,
// created after the IAM grant that lets Object Storage replicate on the tenant's behalf), and
// the data volumes carry cross-region block volume replicas (`volumeReplicaArgs`, spread into
// each oci.core.Volume by the component that creates the volume).
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { dataProtectionOptions, type DataProtection } from "../oci/protection";

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

/**
 * Grants for a Vault key in the DR region: Object Storage there encrypts the DR bucket with it,
 * and Block Volume encrypts the volume replicas with it.
 */
export function drKeyStatements(drRegion: string, keyCompartmentId: string, keyId: string): string[] {
  const where = `in compartment id ${keyCompartmentId} where target.key.id = '${keyId}'`;
  return [`Allow service objectstorage-${drRegion} to use keys ${where}`, `Allow service blockstorage to use keys ${where}`];
}

/**
 * Volume arguments for a volume that must have no replica: `blockVolumeReplicasDeletion`, which
 * Oracle's example (terraform-provider-oci examples/storage/block/volume/volume_replicas.tf) sets
 * to disable the replicas of a volume. The provider (internal/service/core/core_volume_resource.go,
 * Update) then sends an empty `blockVolumeReplicas` list in every UpdateVolume; without the flag,
 * dropping `blockVolumeReplicas` from the program leaves the replicas in place (the field is
 * optional and computed, so the old value stays). Never set with replicas wanted: every later
 * in-place update of the volume (a tag, its VPUs) would delete them.
 */
export function volumeWithoutReplicaArgs(): Pick<oci.core.VolumeArgs, "blockVolumeReplicasDeletion"> {
  return { blockVolumeReplicasDeletion: true };
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
  /** Vault key in the DR region for the DR bucket and the volume replicas, and its compartment. */
  drKmsKey?: { keyId: pulumi.Input<string>; compartmentId: pulumi.Input<string> };
  /** Availability domain of the volume replicas; the first AD of the DR region when omitted. */
  drAvailabilityDomain?: pulumi.Input<string>;
  replicateBucket: boolean;
  /** Provider for the DR region; one is made from `drProviderArgs` plus the DR region when omitted. */
  drProvider?: oci.Provider;
  drProviderArgs?: Omit<oci.ProviderArgs, "region">;
  /** Provider for IAM writes (the home region); the parent's provider when omitted. */
  identityProvider?: oci.Provider;
  freeformTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The DR bucket holds tenant data: protected from `pulumi destroy` by default (components/oci/protection.ts). */
  dataProtection?: DataProtection;
}

export class TenantReplication extends pulumi.ComponentResource {
  readonly drRegion: string;
  readonly drAvailabilityDomain: pulumi.Output<string>;
  readonly drProvider: oci.Provider;
  readonly drBucketName?: pulumi.Output<string>;
  readonly replicationPolicyId?: pulumi.Output<string>;
  /**
   * The bucket's replication policy. Oracle ("Object Storage Replication"): objects uploaded to
   * the source bucket before the policy exists are not replicated, so whatever writes the tenant
   * bucket (the data sync) must depend on this.
   */
  readonly replicationPolicy?: oci.objectstorage.ReplicationPolicy;
  readonly replicationGrantId?: pulumi.Output<string>;
  /** The DR key, known only once its grants exist (so whatever uses it is created after them). */
  private readonly drKmsKeyId?: pulumi.Output<string>;

  constructor(name: string, args: TenantReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:region:TenantReplication", name, {}, opts);
    if (args.drRegion === args.sourceRegion) {
      throw new Error(`TenantReplication ${name}: drRegion must differ from sourceRegion (both are ${args.sourceRegion})`);
    }
    this.drRegion = args.drRegion;
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

    const drCompartmentId = args.drCompartmentId ?? args.compartmentId;
    const key = args.drKmsKey;
    let grant: oci.identity.Policy | undefined;
    if (args.replicateBucket || key) {
      const statements = pulumi
        .all([args.compartmentId, drCompartmentId, key?.keyId, key?.compartmentId])
        .apply(([source, dr, keyId, keyCompartmentId]) => [
          ...(args.replicateBucket ? [...new Set([source, dr])].map((id) => replicationStatement(args.sourceRegion, id)) : []),
          ...(keyId && keyCompartmentId ? drKeyStatements(args.drRegion, keyCompartmentId, keyId) : []),
        ]);
      grant = new oci.identity.Policy(`${name}-replication-grant`, {
        compartmentId: args.grantCompartmentId ?? args.compartmentId,
        description: `Lets OCI services replicate the tenant's data from ${args.sourceRegion} to ${args.drRegion}`,
        statements,
        freeformTags: args.freeformTags,
      }, { parent: this, ...(args.identityProvider ? { provider: args.identityProvider } : {}) });
      this.replicationGrantId = grant.id;
    }
    if (key) this.drKmsKeyId = pulumi.all([grant!.id, key.keyId]).apply(([, keyId]) => keyId);

    if (args.replicateBucket) {
      const destination = new oci.objectstorage.Bucket(`${name}-dr-bucket`, {
        compartmentId: drCompartmentId,
        namespace: args.namespace,
        name: args.drBucketName,
        accessType: "NoPublicAccess",
        storageTier: "Standard",
        kmsKeyId: this.drKmsKeyId,
        freeformTags: args.freeformTags,
      }, { ...drOpts, ...dataProtectionOptions(args.dataProtection ?? "protect") });

      const policy = new oci.objectstorage.ReplicationPolicy(`${name}-replication`, {
        namespace: args.namespace,
        bucket: args.sourceBucketName,
        destinationBucketName: destination.name,
        destinationRegionName: args.drRegion,
        name: pulumi.interpolate`${args.sourceBucketName}-to-${args.drRegion}`,
      }, { parent: this, dependsOn: [grant!, destination] });

      this.drBucketName = destination.name;
      this.replicationPolicy = policy;
      this.replicationPolicyId = policy.id;
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
