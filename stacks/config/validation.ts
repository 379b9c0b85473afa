// `tundra:validation` (optional): the pre-cutover checks that run inside `pulumi up` between
// hydration and cutover. The OCI side is the tenant's load balancer; the AWS side is named here.
import { z } from "zod";
import { parityQuerySchema } from "../../components/validation/spec";

export const validationSchema = z
  .strictObject({
    /** Base URL of the tenant's AWS endpoint that answers the same queries, e.g. https://acme.aws.example.com */
    awsUrl: z.url("must be an http(s) URL of the AWS endpoint"),
    /** Host header sent to both sides (the tenant's DNS name), so both answer as the tenant. */
    hostHeader: z.string().min(1).optional(),
    /** Per-request timeout in milliseconds (default 10000). */
    timeoutMs: z.number().int().positive().optional(),
    /** Queries whose answers must be identical on AWS and OCI. */
    queries: z
      .array(parityQuerySchema)
      .min(1, "list at least one query to compare"),
  })
  .optional();

export type ValidationSection = z.output<typeof validationSchema>;
