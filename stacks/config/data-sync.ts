// `tundra:dataSync` (optional; the data sync stage runs when it is set): which S3 prefix holds the
// tenant's data, and the generation token that makes `pulumi up` sync new data. Credentials never
// go here: the AWS default chain and `tundra:oci` decide who reads and writes (docs/sync.md).
import { z } from "zod";
import { boolean, integer, text } from "./fields";

export const dataSyncSchema = z
  .strictObject({
    source: z.strictObject({
      /** S3 bucket holding the tenant's data today. */
      bucket: text(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name (3-63 lower-case letters, digits, '.', '-')"),
      /** Prefix of the tenant's objects in that bucket ("" for the whole bucket). */
      prefix: text(/^(?!\/)[^\u0000-\u001f]*$/, "a key prefix without a leading '/'").default(""),
      /** AWS region of the bucket. */
      region: text(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-west-2"),
      /** S3-compatible endpoint instead of AWS (path-style addressing). */
      endpoint: text(/^https?:\/\/\S+$/, "an http(s) URL").optional(),
    }),
    /** Change it (a date, a snapshot id) to make the next `pulumi up` sync new data. */
    generation: text(/^\S.{0,127}$/, "a non-empty token of at most 128 characters, e.g. 2026-11-23"),
    /** Prefix in the tenant bucket (default "data/"). */
    destinationPrefix: text(/^(?!\/)[^\u0000-\u001f]*$/, "a key prefix without a leading '/'").default("data/"),
    concurrency: integer(1, 256).optional(),
    partConcurrency: integer(1, 256).optional(),
    /** "keep" (default) reports destination objects that are not in the source; "delete" removes them. */
    extraneous: z.enum(["keep", "delete"], { error: (iss) => `must be "keep" or "delete" (got ${JSON.stringify(iss.input)})` }).optional(),
    /** Delete the synced objects on `pulumi destroy` (default false). */
    purgeOnDelete: boolean.optional(),
    /** List both sides during preview to show the pending work (default true). */
    previewPendingWork: boolean.optional(),
  })
  .optional();

export type DataSyncSection = z.output<typeof dataSyncSchema>;
