// DataSync: keeps an OCI Object Storage prefix a verified copy of an S3 prefix. `pulumi up` syncs
// when the generation (or a setting) changes, `pulumi preview --diff` shows the pending work,
// `pulumi refresh` reports drift, `pulumi destroy` keeps the data unless purgeOnDelete is set.
// Its `manifestDigest` output is the data generation hydration waits for.
import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "../dynamic/inputs";
import { outputSlots } from "../dynamic/outputs";
import { dynamicResourceOptions, type DynamicType } from "../dynamic/resource";
import { dataSyncProvider } from "./provider";
import type { DataSyncArgsSpec } from "./spec";

/** What a DataSync is given: components/datasync/spec.ts (`writtenSchema`) says what each input means. */
export type DataSyncArgs = DeepInput<DataSyncArgsSpec>;

/** The token DataSync has always registered: `pulumi-nodejs:dynamic/datasync:DataSync`. */
const TYPE: DynamicType = { module: "datasync", type: "DataSync" };
/** Outputs whose text can quote inputs or a service's answer (components/secret-outputs.ts). */
const SECRET_OUTPUTS = ["lastError", "pendingWork", "drift"];
const OUTPUTS = [
  "pendingWork", "complete", "objectCount", "totalBytes", "copiedObjects", "copiedBytes", "skippedObjects", "deletedObjects",
  "extraneousObjects", "failedObjects", "durationSeconds", "throughputMBps", "manifestDigest", "syncedAt", "lastError", "drift",
  "driftObjects", "schemaVersion",
] as const;

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
    super(dataSyncProvider, name, { ...args, ...outputSlots(OUTPUTS) }, dynamicResourceOptions(TYPE, opts, SECRET_OUTPUTS), TYPE.module, TYPE.type);
  }
}
