// The tenant's disaster-recovery copy (`tundra:dr`): bucket replication and volume replicas in
// the DR region. Declared right after the tenant bucket, before the cluster, whose data volumes
// take their replica arguments from it.
import * as oci from "@pulumi/oci";
import { freeformTags, type TenantBucket, type TenantTagging } from "../components/oci";
import { TenantReplication } from "../components/region";
import type { Site } from "./foundation";

export function drReplication(ctx: Site, bucket: TenantBucket, homeProvider: oci.Provider, tagging: TenantTagging): TenantReplication | undefined {
  const { config } = ctx;
  const { dr, tenant } = config;
  if (!dr) return undefined;
  // IAM and the DR region may be the same region: reuse the home provider then.
  const drProvider = dr.region === tenant.homeRegion
    ? homeProvider
    : new oci.Provider(`${tenant.id}-oci-dr`, { region: dr.region, auth: config.oci.auth, configFileProfile: config.oci.configFileProfile });
  const drCompartmentId = dr.compartmentId ?? tenant.compartmentId;
  const drKmsKey = dr.kmsKeyId ? { keyId: dr.kmsKeyId, compartmentId: dr.kmsKeyCompartmentId ?? drCompartmentId } : undefined;
  // A policy names only its own compartment and those below: attach to the tenancy when the DR
  // bucket or key lives outside the tenant compartment.
  const outside = [drCompartmentId, drKmsKey?.compartmentId].some((c) => c !== undefined && c !== tenant.compartmentId);
  return new TenantReplication(`${tenant.id}-dr`, {
    compartmentId: tenant.compartmentId,
    namespace: ctx.namespace,
    sourceRegion: tenant.region,
    sourceBucketName: bucket.bucketName,
    drRegion: dr.region,
    drBucketName: dr.bucketName ?? `${ctx.bucketName}-dr`,
    drCompartmentId,
    grantCompartmentId: outside ? tenant.tenancyId : tenant.compartmentId,
    drKmsKey,
    drAvailabilityDomain: dr.availabilityDomain,
    replicateBucket: dr.replicateBucket,
    drProvider,
    identityProvider: homeProvider,
    freeformTags: freeformTags(tagging, "disaster-recovery"),
    dataProtection: config.protection.tenantData,
  }, { provider: ctx.provider });
}
