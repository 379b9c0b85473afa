// The DataSyncBulkExecution's inputs: which DataSync task to run, and for which generation.
import { z } from "zod";
import { arn, awsRegion } from "../inputs";

export const inputsSchema = z.strictObject({
  awsRegion,
  taskArn: arn("datasync", "a DataSync task ARN"),
  /** A new generation runs the task again (it copies what changed since). */
  generation: z.string().min(1),
  /** Between polls of the execution, seconds. */
  pollSeconds: z.number().int().min(5).max(600).default(30),
  /** Longest wait for one `pulumi up`, seconds; the execution keeps running after it and the next up follows it. */
  timeoutSeconds: z.number().int().min(60).max(7 * 24 * 3600).default(24 * 3600),
});
export type BulkExecutionInputs = z.output<typeof inputsSchema>;
