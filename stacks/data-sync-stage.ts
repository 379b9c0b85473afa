// The data sync stage of a tenant stack (`tundra:dataSync`): one DataSync from the tenant's S3
// prefix to its OCI bucket. Its manifestDigest is the generation the later stages load and check.
import type { Resource } from "@pulumi/pulumi";
import { DataSync } from "../components/datasync/data-sync";
import type { Foundation, SyncedData } from "./foundation";

/**
 * With a DR region, the replication policy: Oracle ("Object Storage Replication") replicates only
 * objects uploaded after the policy exists, so the sync must not write the bucket before it.
 */
function replicationFirst(foundation: Foundation): Resource[] {
  const policy = foundation.replication?.replicationPolicy;
  return policy ? [policy] : [];
}

/** The data sync, when the stack configures `tundra:dataSync`. */
export function syncData(foundation: Foundation): SyncedData | undefined {
  const section = foundation.config.dataSync;
  if (!section) return undefined;
  const sync = new DataSync(`${foundation.config.tenant.id}-data-sync`, {
    source: section.source,
    destination: {
      namespace: foundation.namespace,
      bucket: foundation.bucket.bucketName,
      prefix: section.destinationPrefix,
      region: foundation.config.tenant.region,
    },
    generation: section.generation,
    concurrency: section.concurrency,
    partConcurrency: section.partConcurrency,
    extraneous: section.extraneous,
    purgeOnDelete: section.purgeOnDelete,
    previewPendingWork: section.previewPendingWork,
  }, { dependsOn: [foundation.bucket, ...replicationFirst(foundation)] });
  return {
    resource: sync,
    prefix: section.destinationPrefix,
    outputs: {
      manifestDigest: sync.manifestDigest,
      objectCount: sync.objectCount,
      totalBytes: sync.totalBytes,
      complete: sync.complete,
      drift: sync.drift,
    },
  };
}
