// The Cutover resource: shifts a tenant's DNS traffic from AWS to OCI in gated steps.
// A `pulumi.dynamic.Resource` over cutoverProvider; see docs/cutover.md.
import * as pulumi from "@pulumi/pulumi";
import { cutoverProvider } from "./provider";
import { withSecretOutputs } from "../secret-outputs";
import type { CutoverInputs } from "./spec";
import type { HistoryEvent, Measurement } from "./types";

/** Every field may be an Input (e.g. the OCI load balancer's address from the cluster). */
export type DeepInput<T> = T extends (infer U)[]
  ? pulumi.Input<DeepInput<U>[]>
  : T extends object
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;

/** The inputs documented on CutoverInputs (components/cutover/spec.ts), each possibly an Input. */
export type CutoverArgs = { [K in keyof CutoverInputs]: DeepInput<CutoverInputs[K]> };

export class Cutover extends pulumi.dynamic.Resource {
  /** The change as a reviewer reads it in `pulumi preview --diff`. */
  declare readonly transition: pulumi.Output<string>;
  declare readonly safety: pulumi.Output<string>;
  declare readonly awsWeight: pulumi.Output<number>;
  declare readonly ociWeight: pulumi.Output<number>;
  declare readonly ociPercent: pulumi.Output<number>;
  /** "complete", "rolled-back" (a gate failed) or "failed" (an API error; weights as live). */
  declare readonly status: pulumi.Output<string>;
  declare readonly lastError: pulumi.Output<string>;
  declare readonly history: pulumi.Output<HistoryEvent[]>;
  declare readonly lastMeasurements: pulumi.Output<Measurement[]>;
  declare readonly healthCheckIds: pulumi.Output<{ aws: string; oci: string }>;
  /** When OCI began carrying all traffic (ISO time); "" while AWS has any weight. */
  declare readonly ociFullSince: pulumi.Output<string>;

  constructor(name: string, args: CutoverArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      cutoverProvider,
      name,
      {
        ...args,
        transition: undefined,
        safety: undefined,
        awsWeight: undefined,
        ociWeight: undefined,
        ociPercent: undefined,
        status: undefined,
        lastError: undefined,
        history: undefined,
        lastMeasurements: undefined,
        healthCheckIds: undefined,
        ociFullSince: undefined,
      },
      withSecretOutputs(opts, ["lastError", "history", "lastMeasurements"]),
    );
  }
}
