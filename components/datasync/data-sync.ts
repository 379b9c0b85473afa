// DataSync: keeps an OCI Object Storage prefix a verified copy of an S3 prefix. `pulumi up` syncs
// when the generation (or a setting) changes, `pulumi preview --diff` shows the pending work,
// `pulumi refresh` reports drift, `pulumi destroy` keeps the data unless purgeOnDelete is set.
// Its `manifestDigest` output is the data generation hydration waits for.
import * as pulumi from "@pulumi/pulumi";
import { dataSyncProvider } from "./provider";
import { withSecretOutputs } from "../secret-outputs";

export interface DataSyncArgs {
  source: pulumi.Input<{
    bucket: pulumi.Input<string>;
    prefix?: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** S3-compatible endpoint (omit for AWS). */
    endpoint?: pulumi.Input<string>;
    forcePathStyle?: pulumi.Input<boolean>;
  }>;
  destination: pulumi.Input<{
    namespace: pulumi.Input<string>;
    bucket: pulumi.Input<string>;
    prefix?: pulumi.Input<string>;
    region?: pulumi.Input<string>;
    endpoint?: pulumi.Input<string>;
  }>;
  /** Change it (e.g. a date or a source snapshot id) to sync new data. */
  generation: pulumi.Input<string>;
  /** Objects copied at once (default 16). */
  concurrency?: pulumi.Input<number>;
  /** Part uploads at once across objects (default 8). */
  partConcurrency?: pulumi.Input<number>;
  /** Objects above this many MiB use multipart upload (default 200, rclone's cutoff). */
  multipartThresholdMiB?: pulumi.Input<number>;
  /** Multipart part size in MiB (default 16). */
  partSizeMiB?: pulumi.Input<number>;
  /** "keep" (default) reports destination objects missing from the source; "delete" removes them. */
  extraneous?: pulumi.Input<"keep" | "delete">;
  /** Delete the synced data on `pulumi destroy` (default false). */
  purgeOnDelete?: pulumi.Input<boolean>;
  /** List both sides during preview to show the pending work (default true). */
  previewPendingWork?: pulumi.Input<boolean>;
}

export class DataSync extends pulumi.dynamic.Resource {
  // `declare`: an ES2022 class field (`readonly x!:`) would reset each output to undefined
  // right after the Resource constructor has set it.
  declare readonly generation: pulumi.Output<string>;
  declare readonly pendingWork: pulumi.Output<string>;
  declare readonly complete: pulumi.Output<boolean>;
  declare readonly objectCount: pulumi.Output<number>;
  declare readonly totalBytes: pulumi.Output<number>;
  declare readonly copiedObjects: pulumi.Output<number>;
  declare readonly copiedBytes: pulumi.Output<number>;
  declare readonly skippedObjects: pulumi.Output<number>;
  declare readonly deletedObjects: pulumi.Output<number>;
  declare readonly extraneousObjects: pulumi.Output<number>;
  declare readonly failedObjects: pulumi.Output<number>;
  declare readonly durationSeconds: pulumi.Output<number>;
  declare readonly throughputMBps: pulumi.Output<number>;
  /** Digest over the destination's sorted (key, size, checksum): the data generation. */
  declare readonly manifestDigest: pulumi.Output<string>;
  declare readonly syncedAt: pulumi.Output<string>;
  declare readonly lastError: pulumi.Output<string>;
  declare readonly drift: pulumi.Output<string>;
  declare readonly driftObjects: pulumi.Output<number>;

  constructor(name: string, args: DataSyncArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = {
      pendingWork: undefined, complete: undefined, objectCount: undefined, totalBytes: undefined, copiedObjects: undefined,
      copiedBytes: undefined, skippedObjects: undefined, deletedObjects: undefined, extraneousObjects: undefined,
      failedObjects: undefined, durationSeconds: undefined, throughputMBps: undefined, manifestDigest: undefined,
      syncedAt: undefined, lastError: undefined, drift: undefined, driftObjects: undefined, schemaVersion: undefined,
    };
    super(dataSyncProvider, name, { ...args, ...outputs }, withSecretOutputs(opts, ["lastError", "pendingWork", "drift"]), "datasync", "DataSync");
  }
}
