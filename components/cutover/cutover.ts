// The Cutover resource: shifts a tenant's DNS traffic from AWS to OCI in gated steps.
// A `pulumi.dynamic.Resource` over cutoverProvider; see docs/cutover.md.
import * as pulumi from "@pulumi/pulumi";
import { cutoverProvider } from "./provider";
import type { HealthCheckInput } from "./spec";
import type { HistoryEvent, Measurement, RecordType } from "./types";

export interface CutoverTargetArgs {
  /** Route53 SetIdentifier of this side's weighted record (default "aws" / "oci"). */
  setIdentifier?: pulumi.Input<string>;
  /** A/AAAA addresses or the CNAME host name (exactly one of values and alias). */
  values?: pulumi.Input<pulumi.Input<string>[]>;
  alias?: pulumi.Input<{ hostedZoneId: pulumi.Input<string>; dnsName: pulumi.Input<string>; evaluateTargetHealth?: pulumi.Input<boolean> }>;
  /** A Route53 health check the cutover creates for this record. */
  healthCheck?: pulumi.Input<{ [K in keyof HealthCheckInput]: pulumi.Input<HealthCheckInput[K]> }>;
}

export interface CutoverArgs {
  zoneId: pulumi.Input<string>;
  recordName: pulumi.Input<string>;
  recordType?: pulumi.Input<RecordType>;
  /** TTL of both records during the cutover (default 60 s); a higher old TTL is lowered and waited out first. */
  ttl?: pulumi.Input<number>;
  aws: pulumi.Input<CutoverTargetArgs>;
  oci: pulumi.Input<CutoverTargetArgs>;
  /** OCI share to reach, percent: 0 or one of `steps`. */
  targetOciPercent: pulumi.Input<number>;
  /** OCI share per step, strictly ascending (default 1, 5, 25, 50, 100). */
  steps?: pulumi.Input<pulumi.Input<number>[]>;
  /** Bake time per step, e.g. "10m" (default). */
  bake?: pulumi.Input<string>;
  gates?: pulumi.Input<{
    healthCheck?: pulumi.Input<boolean>;
    probe?: pulumi.Input<{
      url: pulumi.Input<string>;
      hostHeader?: pulumi.Input<string>;
      samples?: pulumi.Input<number>;
      concurrency?: pulumi.Input<number>;
      timeout?: pulumi.Input<string>;
      maxP95Ms?: pulumi.Input<number>;
      maxErrorPercent?: pulumi.Input<number>;
    }>;
    interval?: pulumi.Input<string>;
    failureLimit?: pulumi.Input<number>;
  }>;
  /** Where a failed gate sends traffic: "last-good" weights (default) or "aws" 100%. */
  rollback?: pulumi.Input<"last-good" | "aws">;
  /** When true, `pulumi destroy` leaves OCI at 100% and removes the AWS record instead of restoring AWS. */
  awsDecommissioned?: pulumi.Input<boolean>;
}

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
      },
      opts,
    );
  }
}
