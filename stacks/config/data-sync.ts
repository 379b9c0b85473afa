// `tundra:dataSync` (optional; the data sync stage runs when it is set): which S3 prefix holds the
// tenant's data, and the generation token that makes `pulumi up` sync new data. Credentials never
// go here: the AWS default chain and `tundra:oci` decide who reads and writes (docs/sync.md).
import { z } from "zod";
import { keyPrefixSchema, sourceSchema, writtenSchema } from "../../components/datasync/spec";
import { boolean, numeric, text } from "./fields";

// The section is the DataSync resource's own schema (components/datasync/spec.ts), minus what the
// stage fills in (the destination bucket), with config's ways of writing numbers and booleans.
const resource = writtenSchema.shape;

export const dataSyncSchema = z
  .strictObject({
    source: z.strictObject({
      ...sourceSchema.pick({ bucket: true, endpoint: true }).shape,
      /** Prefix of the tenant's objects in that bucket ("" for the whole bucket). */
      prefix: keyPrefixSchema.default(""),
      /** The stack reads the tenant's data from AWS: the bucket's AWS region. */
      region: text(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-west-2"),
    }),
    generation: resource.generation,
    /** Prefix in the tenant bucket (default "data/"). */
    destinationPrefix: keyPrefixSchema.default("data/"),
    concurrency: numeric(resource.concurrency.unwrap()).optional(),
    partConcurrency: numeric(resource.partConcurrency.unwrap()).optional(),
    extraneous: resource.extraneous,
    purgeOnDelete: boolean.optional(),
    previewPendingWork: boolean.optional(),
  })
  .optional();

export type DataSyncSection = z.output<typeof dataSyncSchema>;
