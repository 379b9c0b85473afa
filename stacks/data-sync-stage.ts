// The data sync stage of a tenant stack (`tundra:dataSync`): one DataSync from the tenant's S3
// prefix to its OCI bucket. Its manifestDigest is the generation the later stages load and check.
// With `tundra:dataSync.bulk`, AWS DataSync makes the first full copy (DataSyncBulkCopy) and the
// DataSync waits for its execution, then syncs the final delta and verifies (docs/scale.md).
import type { Resource } from "@pulumi/pulumi";
import { DataSyncBulkCopy } from "../components/aws/datasync-bulk";
import { DataSync } from "../components/datasync/data-sync";
import { normalisePrefix } from "../components/common/prefix";
import { freeformTags } from "../components/oci/tags";
import type { Foundation, SyncedData } from "./foundation";

/**
 * With a DR region, the replication policy: Oracle ("Object Storage Replication") replicates only
 * objects uploaded after the policy exists, so the sync must not write the bucket before it.
 */
function replicationFirst(foundation: Foundation): Resource[] {
  const policy = foundation.replication?.replicationPolicy;
  return policy ? [policy] : [];
}

/** The bulk copy on AWS DataSync, when `tundra:dataSync.bulk` is set: the same prefixes and generation as the DataSync. */
function bulkCopy(foundation: Foundation): DataSyncBulkCopy | undefined {
  const { config } = foundation;
  const section = config.dataSync;
  if (!section?.bulk) return undefined;
  const { bulk } = section;
  return new DataSyncBulkCopy(`${config.tenant.id}-bulk-copy`, {
    tenant: config.tenant.id,
    env: config.tenant.env,
    awsAccountId: bulk.awsAccountId,
    source: { region: section.source.region, bucket: section.source.bucket, prefix: section.source.prefix },
    destination: { namespace: foundation.namespace, region: config.tenant.region, bucket: foundation.bucket.bucketName, prefix: section.destinationPrefix },
    ociSecretArn: bulk.ociSecretArn,
    ociAccessKeyId: bulk.ociAccessKeyId,
    ociUser: { tenancyId: config.tenant.tenancyId, compartmentId: config.tenant.compartmentId, provider: foundation.homeProvider },
    generation: section.generation,
    ...(bulk.pollSeconds !== undefined ? { pollSeconds: bulk.pollSeconds } : {}),
    ...(bulk.timeoutHours !== undefined ? { timeoutSeconds: bulk.timeoutHours * 3600 } : {}),
    tags: { ...freeformTags({ tenant: config.tenant.id, env: config.tenant.env, extra: config.tags }, "bulk-copy"), "managed-by": "tundra-replatform" },
  }, { dependsOn: [foundation.bucket, ...replicationFirst(foundation)] });
}

/** The data sync, when the stack configures `tundra:dataSync`. */
export function syncData(foundation: Foundation): SyncedData | undefined {
  const section = foundation.config.dataSync;
  if (!section) return undefined;
  const bulk = bulkCopy(foundation);
  // Private endpoints or the rehearsal's stand-ins (tundra:endpoints): S3 path-style by default for
  // an endpoint of one's own; the OCI side through the same endpoint the agents use.
  const endpoints = foundation.config.endpoints;
  const s3Endpoint = section.source.endpoint ?? endpoints?.s3;
  const forcePathStyle = endpoints?.s3ForcePathStyle ?? (endpoints?.s3 !== undefined ? true : undefined);
  const sync = new DataSync(`${foundation.config.tenant.id}-data-sync`, {
    source: {
      ...section.source,
      ...(s3Endpoint !== undefined ? { endpoint: s3Endpoint } : {}),
      ...(forcePathStyle !== undefined ? { forcePathStyle } : {}),
    },
    destination: {
      namespace: foundation.namespace,
      bucket: foundation.bucket.bucketName,
      prefix: section.destinationPrefix,
      region: foundation.config.tenant.region,
      ...(endpoints?.ociObjectStorage !== undefined ? { endpoint: endpoints.ociObjectStorage } : {}),
    },
    generation: section.generation,
    concurrency: section.concurrency,
    partConcurrency: section.partConcurrency,
    multipartThresholdMiB: section.multipartThresholdMiB,
    partSizeMiB: section.partSizeMiB,
    extraneous: section.extraneous,
    purgeOnDelete: section.purgeOnDelete,
    previewPendingWork: section.previewPendingWork,
    bulk: bulk !== undefined,
    copyWindowHours: section.copyWindowHours,
  }, { dependsOn: [foundation.bucket, ...replicationFirst(foundation), ...(bulk ? [bulk.execution] : [])] });
  return {
    resource: sync,
    prefix: section.destinationPrefix,
    outputs: {
      manifestDigest: sync.manifestDigest,
      objectCount: sync.objectCount,
      totalBytes: sync.totalBytes,
      complete: sync.complete,
      drift: sync.drift,
      // What the AWS-side stack's DecommissionGuard reads through its StackReference: where the
      // data went (it compares the AWS source with it) and where it came from (it must be the
      // AWS-side stack's own source).
      destination: { namespace: foundation.namespace, bucket: foundation.bucket.bucketName, prefix: normalisePrefix(section.destinationPrefix), region: foundation.config.tenant.region },
      source: { bucket: section.source.bucket, prefix: normalisePrefix(section.source.prefix), region: section.source.region },
    },
  };
}
