// What both bulk-copy resources' specs share: the ARN field, and the kit's check over the inputs
// without the host's `__provider`.
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { checkAgainst } from "../dynamic/check";

export const arn = (service: string, what: string) =>
  z.string().regex(new RegExp(`^arn:aws(-[a-z]+)*:${service}:`), { error: (iss) => `must be ${what} (got ${JSON.stringify(iss.input)})` });

/** An AWS region (the DataSync task's, which is the source bucket's). */
export const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region such as us-east-1" });

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
