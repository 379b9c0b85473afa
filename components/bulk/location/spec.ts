// The DataSyncOciLocation's inputs: the object-storage location on OCI's S3 compatibility endpoint
// that DataSync writes to. No secret is an input: the Customer Secret Key's secret stays in
// Secrets Manager (referenced by ARN).
import { z } from "zod";
import { arn, awsRegion } from "../inputs";

export const inputsSchema = z.strictObject({
  /** AWS region of the DataSync task (the source bucket's region). */
  awsRegion,
  namespace: z.string().min(1),
  ociRegion: z.string().regex(/^[a-z]{2,}-[a-z]+-\d$/, { error: "must be an OCI region such as ca-toronto-1" }),
  bucket: z.string().min(1),
  prefix: z.string().default(""),
  accessKeyId: z.string().min(1),
  secretArn: arn("secretsmanager", "a Secrets Manager secret ARN"),
  secretAccessRoleArn: arn("iam", "an IAM role ARN"),
});
export type OciLocationInputs = z.output<typeof inputsSchema>;
