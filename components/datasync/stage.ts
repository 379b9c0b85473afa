// The data sync stage of a tenant stack: one DataSync from the tenant's S3 prefix to its OCI
// bucket. Wire it in stacks/stages.ts with
//   dataSync: (f) => (f.config.dataSync ? dataSyncStage(f, f.config.dataSync) : undefined),
// after adding `dataSync: dataSyncSchema` (stacks/config/data-sync.ts) to SECTIONS.
import type { Foundation, StageResult } from "../../stacks/stages";
import type { DataSyncSection } from "../../stacks/config/data-sync";
import type { Resource } from "@pulumi/pulumi";
import { DataSync } from "./data-sync";

/**
 * With a DR region, the replication policy: Oracle ("Object Storage Replication") replicates only
 * objects uploaded after the policy exists, so the sync must not write the bucket before it.
 */
function replicationFirst(foundation: Foundation): Resource[] {
  const policy = foundation.replication?.replicationPolicy;
  return policy ? [policy] : [];
}

export function dataSyncStage(foundation: Foundation, section: NonNullable<DataSyncSection>): StageResult {
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
    resources: [sync],
    outputs: {
      manifestDigest: sync.manifestDigest,
      objectCount: sync.objectCount,
      totalBytes: sync.totalBytes,
      complete: sync.complete,
      drift: sync.drift,
    },
  };
}
