// Where a DataSync reads and writes: the S3 source and the OCI destination as transfer-engine
// stores. DecommissionGuard builds its stores here too, so both read the same places the same way.
// Loaded in the provider host only: the SDK-backed stores are required at call time.
import type { ObjectStore } from "../transfer";
import type { OciAuth } from "../transfer/oci-store";
import type { DestinationSpec, SourceSpec } from "./spec";

/** Provider settings: credentials are never inputs; they come from here. */
export interface DataSyncSettings {
  /** How the destination bucket is reached: components/oci-auth.ts decides (stack config, then OCI CLI env). */
  oci: OciAuth;
}

export function sourceStore(source: SourceSpec): ObjectStore {
  const { S3Store } = require("../transfer/s3-store") as typeof import("../transfer/s3-store");
  return new S3Store({
    bucket: source.bucket,
    prefix: source.prefix,
    region: source.region,
    endpoint: source.endpoint || undefined,
    forcePathStyle: source.forcePathStyle,
  });
}

export function destinationStore(destination: DestinationSpec, settings: DataSyncSettings): ObjectStore {
  const { OciStore } = require("../transfer/oci-store") as typeof import("../transfer/oci-store");
  return new OciStore({
    namespace: destination.namespace,
    bucket: destination.bucket,
    prefix: destination.prefix,
    region: destination.region || undefined,
    endpoint: destination.endpoint || undefined,
    auth: settings.oci,
  });
}
