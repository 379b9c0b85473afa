// `tundra:dataSync` (optional; the data sync stage runs when it is set): which S3 prefix holds the
// tenant's data, and the generation token that makes `pulumi up` sync new data. Credentials never
// go here: the AWS default chain and `tundra:oci` decide who reads and writes (docs/sync.md).
import { z } from "zod";
import { keyPrefixSchema, sourceSchema, writtenSchema } from "../../components/datasync/spec";
import { boolean, integer, numeric, text } from "./fields";

// The section is the DataSync resource's own schema (components/datasync/spec.ts), minus what the
// stage fills in (the destination bucket), with config's ways of writing numbers and booleans.
const resource = writtenSchema.shape;

/**
 * `tundra:dataSync.bulk`: the first full copy on AWS DataSync (Enhanced mode, S3 -> OCI's S3
 * compatibility API), for tenants whose copy does not fit one runner's window (docs/scale.md).
 * Only references: the OCI Customer Secret Key's secret stays in AWS Secrets Manager.
 */
export const bulkSchema = z.strictObject({
  engine: z.literal("aws-datasync", { error: (iss) => `must be "aws-datasync", the one bulk engine (docs/scale.md; got ${JSON.stringify(iss.input)})` }),
  /** The AWS account the DataSync task runs in (the roles' trust conditions). */
  awsAccountId: text(/^\d{12}$/, "a 12-digit AWS account id"),
  /** Secrets Manager secret holding the OCI Customer Secret Key's secret as plain text. */
  ociSecretArn: text(/^arn:aws(-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/, "the ARN of the Secrets Manager secret holding the OCI Customer Secret Key's secret"),
  /** That key's access key (shown by OCI with the key; not a secret). */
  ociAccessKeyId: text(/^[A-Za-z0-9]{16,128}$/, "the Customer Secret Key's access key (letters and digits)"),
  /** Seconds between polls of the task execution (default 30). */
  pollSeconds: integer(5, 600).optional(),
  /** Longest wait in one `pulumi up` (default 24); the execution goes on and the next up follows it. */
  timeoutHours: integer(1, 168).optional(),
});

/** DataSync refuses S3 subdirectories with these (CreateLocationS3, Subdirectory). */
const DATASYNC_REFUSED_PREFIX = /\/\/|\/\.\/|\/\.\.\/|^\.\.?\//;

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
    /** Objects above this many MiB go up in parts (default 200; 5 is S3's smallest part). */
    multipartThresholdMiB: numeric(resource.multipartThresholdMiB.unwrap()).optional(),
    partSizeMiB: numeric(resource.partSizeMiB.unwrap()).optional(),
    extraneous: resource.extraneous,
    purgeOnDelete: boolean.optional(),
    previewPendingWork: boolean.optional(),
    bulk: bulkSchema.optional(),
    /** Hours the first full copy may take on one runner before the preview warns (default 6). */
    copyWindowHours: numeric(resource.copyWindowHours.unwrap()).optional(),
  })
  .superRefine((section, ctx) => {
    if (section.bulk && DATASYNC_REFUSED_PREFIX.test(section.source.prefix)) {
      ctx.addIssue({
        code: "custom",
        path: ["source", "prefix"],
        message: `AWS DataSync cannot copy from a prefix containing "//", "/./" or "/../" (got ${JSON.stringify(section.source.prefix)}): normalise the prefix or remove tundra:dataSync.bulk`,
      });
    }
  })
  .optional();

export type DataSyncSection = z.output<typeof dataSyncSchema>;
