// Inputs of the two dynamic resources of the bulk copy (checked with the kit's checkAgainst):
// the OCI object-storage location DataSync writes to, and the task execution that copies.
// No secret is an input: the Customer Secret Key's secret stays in Secrets Manager.
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { checkAgainst } from "../dynamic/check";

const arn = (service: string, what: string) =>
  z.string().regex(new RegExp(`^arn:aws(-[a-z]+)*:${service}:`), { error: (iss) => `must be ${what} (got ${JSON.stringify(iss.input)})` });

export const ociLocationInputsSchema = z.strictObject({
  /** AWS region of the DataSync task (the source bucket's region). */
  awsRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region such as us-east-1" }),
  namespace: z.string().min(1),
  ociRegion: z.string().regex(/^[a-z]{2,}-[a-z]+-\d$/, { error: "must be an OCI region such as ca-toronto-1" }),
  bucket: z.string().min(1),
  prefix: z.string().default(""),
  accessKeyId: z.string().min(1),
  secretArn: arn("secretsmanager", "a Secrets Manager secret ARN"),
  secretAccessRoleArn: arn("iam", "an IAM role ARN"),
});
export type OciLocationInputs = z.output<typeof ociLocationInputsSchema>;

export const bulkExecutionInputsSchema = z.strictObject({
  awsRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region such as us-east-1" }),
  taskArn: arn("datasync", "a DataSync task ARN"),
  /** A new generation runs the task again (it copies what changed since). */
  generation: z.string().min(1),
  /** Between polls of the execution, seconds. */
  pollSeconds: z.number().int().min(5).max(600).default(30),
  /** Longest wait for one `pulumi up`, seconds; the execution keeps running after it and the next up follows it. */
  timeoutSeconds: z.number().int().min(60).max(7 * 24 * 3600).default(24 * 3600),
});
export type BulkExecutionInputs = z.output<typeof bulkExecutionInputsSchema>;

/** The host adds the serialized provider to every input set (`__provider`); the schemas see the rest. */
export function resourceInputs(props: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _provider, ...rest } = props;
  return rest;
}

/** The kit's check for one of these resources: parsed inputs, or the refused properties. */
export function checkResourceInputs(schema: z.ZodType, news: Record<string, unknown>): pulumi.dynamic.CheckResult {
  const checked = checkAgainst(schema, resourceInputs(news));
  return checked.inputs ? { inputs: checked.inputs as Record<string, unknown> } : { inputs: news, failures: checked.failures };
}
