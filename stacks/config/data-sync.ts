// `tundra:dataSync` (optional; the data sync stage runs when it is set): which S3 prefix holds the
// tenant's data, and the generation token that makes `pulumi up` sync new data. Credentials never
// go here: the AWS default chain and `tundra:oci` decide who reads and writes (docs/sync.md).
import { z } from "zod";
import { boolean, decimal, integer, text } from "./fields";

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
    bulk: bulkSchema.optional(),
    /** Hours the first full copy may take on one runner before the plan warns (default 6). */
    copyWindowHours: decimal(0.1, 168).optional(),
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
