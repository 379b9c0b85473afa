// The DataSync resource's inputs: the one schema of them. check applies `inputsSchema` (defaults
// filled, prefixes normalised); the `tundra:dataSync` config section (stacks/config/data-sync.ts)
// is derived from `sourceSchema` and `writtenSchema`. Module-scope zod is fine here: only the
// operations module path is serialized into the state, never this file.
import { z } from "zod";
import { normalisePrefix } from "../common/prefix";
import { wholeNumber } from "../common/whole-number";
import { DEFAULT_COPY_WINDOW_HOURS } from "../transfer/copy-time";
import { TRANSFER_DEFAULTS } from "../transfer/defaults";

const MiB = 1024 * 1024;

const nonEmpty = z.string().min(1, "must not be empty");

/** A key prefix as written: no leading "/" (object keys have none), no control characters. */
export const keyPrefixSchema = z.string().regex(/^(?!\/)[^\u0000-\u001f]*$/, "must be a key prefix without a leading '/' (object keys have no leading slash)");

/** The S3 (or S3-compatible) prefix the data comes from, as written. */
export const sourceSchema = z.object(
  {
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 lower-case letters, digits, '.', '-')"),
    prefix: keyPrefixSchema.optional(),
    region: nonEmpty,
    /** S3-compatible endpoint (omit for AWS). */
    endpoint: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://s3.example.com" }).optional(),
    forcePathStyle: z.boolean().optional(),
  },
  { error: "source is required: {bucket, prefix, region}" },
);

/** The OCI Object Storage prefix the data goes to, as written. */
export const destinationSchema = z.object(
  {
    namespace: nonEmpty,
    bucket: nonEmpty,
    prefix: keyPrefixSchema.optional(),
    /** Omitted: the auth provider's region. */
    region: z.string().optional(),
    /** Omitted: the region's public endpoint. */
    endpoint: z.url("must be a URL such as https://objectstorage.us-ashburn-1.oraclecloud.com").optional(),
  },
  { error: "destination is required: {namespace, bucket, prefix}" },
);

/** The inputs as a user writes them (DataSyncArgs): optional fields without their defaults. */
export const writtenSchema = z.object({
  source: sourceSchema,
  destination: destinationSchema,
  /** Change it (e.g. a date or a source snapshot id) to sync new data. */
  generation: z
    .string({ error: "generation is required: change it (e.g. a date) to sync new data" })
    .regex(/^\S.{0,127}$/, "generation must be a non-empty token of at most 128 characters: change it (e.g. a date such as 2026-11-23) to sync new data"),
  /** Objects copied at once. */
  concurrency: wholeNumber(1, 256).optional(),
  /** Part uploads at once across objects. */
  partConcurrency: wholeNumber(1, 256).optional(),
  /** Objects above this many MiB use multipart upload. */
  multipartThresholdMiB: wholeNumber(5, 5 * 1024, " MiB (5120: S3's single-PUT limit)").optional(),
  /** Multipart part size in MiB. */
  partSizeMiB: wholeNumber(5, 5 * 1024, " MiB (5: S3's smallest part)").optional(),
  /** "keep" reports destination objects missing from the source; "delete" removes them after a clean run. */
  extraneous: z.enum(["keep", "delete"], { error: (iss) => `extraneous must be "keep" or "delete": "keep" reports destination objects missing from the source, "delete" removes them (got ${JSON.stringify(iss.input)})` }).optional(),
  /** Delete the synced data on `pulumi destroy`. */
  purgeOnDelete: z.boolean().optional(),
  /** List both sides during preview to show the pending work. */
  previewPendingWork: z.boolean().optional(),
  /**
   * The first full copy is done by a bulk engine (AWS DataSync, `tundra:dataSync.bulk`,
   * docs/scale.md): each run is the final delta, and it outputs a manifest digest only when the
   * engine's plan afterwards finds nothing left to copy.
   */
  bulk: z.boolean().optional(),
  /** Hours the copy may take on one runner before the preview warns (the copy-time estimate). */
  copyWindowHours: z
    .number({ error: (iss) => `copyWindowHours must be a number of hours from 0.1 to 168 (got ${JSON.stringify(iss.input)})` })
    .min(0.1, { error: (iss) => `copyWindowHours must be at least 0.1 h (got ${iss.input})` })
    .max(168, { error: (iss) => `copyWindowHours must be at most 168 h (got ${iss.input})` })
    .optional(),
});

/** The source as check stores it: prefix normalised, "" for the AWS endpoint. */
export const checkedSourceSchema = sourceSchema.transform((s) => ({
  bucket: s.bucket,
  prefix: normalisePrefix(s.prefix),
  region: s.region,
  endpoint: s.endpoint ?? "",
  forcePathStyle: s.forcePathStyle ?? false,
}));

/** The destination as check stores it: prefix normalised, "" for the auth region and the public endpoint. */
export const checkedDestinationSchema = destinationSchema.transform((d) => ({
  namespace: d.namespace,
  bucket: d.bucket,
  prefix: normalisePrefix(d.prefix),
  region: d.region ?? "",
  endpoint: d.endpoint ?? "",
}));

/** What check returns (before the pending work is added): every default filled in, plain JSON. */
export const inputsSchema = writtenSchema.extend({
  source: checkedSourceSchema,
  destination: checkedDestinationSchema,
  concurrency: writtenSchema.shape.concurrency.default(TRANSFER_DEFAULTS.concurrency),
  partConcurrency: writtenSchema.shape.partConcurrency.default(TRANSFER_DEFAULTS.partConcurrency),
  multipartThresholdMiB: writtenSchema.shape.multipartThresholdMiB.default(TRANSFER_DEFAULTS.multipartThreshold / MiB),
  partSizeMiB: writtenSchema.shape.partSizeMiB.default(TRANSFER_DEFAULTS.partSize / MiB),
  extraneous: writtenSchema.shape.extraneous.default("keep"),
  purgeOnDelete: writtenSchema.shape.purgeOnDelete.default(false),
  previewPendingWork: writtenSchema.shape.previewPendingWork.default(true),
  bulk: writtenSchema.shape.bulk.default(false),
  copyWindowHours: writtenSchema.shape.copyWindowHours.default(DEFAULT_COPY_WINDOW_HOURS),
});

export type SourceSpec = z.output<typeof checkedSourceSchema>;
export type DestinationSpec = z.output<typeof checkedDestinationSchema>;
export type DataSyncArgsSpec = z.input<typeof writtenSchema>;

/** Checked inputs. */
export type DataSyncInputs = z.output<typeof inputsSchema> & {
  /** Readable summary of the work an update would do (computed by check; never decides a diff). */
  pendingWork: string;
};

/** What the provider stores: the checked inputs and what the last run did. */
export interface DataSyncOutputs extends DataSyncInputs {
  schemaVersion: number;
  /** False after a run that failed part-way: the next `up` resumes. */
  complete: boolean;
  objectCount: number;
  totalBytes: number;
  copiedObjects: number;
  copiedBytes: number;
  skippedObjects: number;
  deletedObjects: number;
  extraneousObjects: number;
  failedObjects: number;
  durationSeconds: number;
  throughputMBps: number;
  /** Digest of the destination after the last clean sync: the data generation for hydration. */
  manifestDigest: string;
  syncedAt: string;
  lastError: string;
  /** "none", or what `read` found missing or changed at the destination. */
  drift: string;
  driftObjects: number;
}
