// The Cutover resource: shifts a tenant's DNS traffic from AWS to OCI in gated steps.
// A `pulumi.dynamic.Resource` over cutoverProvider; see docs/cutover.md.
import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "../dynamic/inputs";
import { outputSlots } from "../dynamic/outputs";
import { dynamicResourceOptions, type DynamicType } from "../dynamic/resource";
import { cutoverProvider } from "./provider";
import type { CutoverInputs } from "./spec";
import type { HistoryEvent, Measurement } from "./types";

/** Registered as `pulumi-nodejs:dynamic/cutover:Cutover`; earlier versions used the generic dynamic token. */
export const CUTOVER_TYPE: DynamicType = { module: "cutover", type: "Cutover", previousTypes: ["pulumi-nodejs:dynamic:Resource"] };

/** Outputs that can quote what a probe or an API error returned (components/secret-outputs.ts). */
const SECRET_OUTPUTS = ["lastError", "history", "lastMeasurements"];

const OUTPUTS = [
  "transition",
  "safety",
  "awsWeight",
  "ociWeight",
  "ociPercent",
  "status",
  "lastError",
  "history",
  "lastMeasurements",
  "healthCheckIds",
  "ociFullSince",
] as const;

/** The inputs of CutoverInputs (components/cutover/spec.ts), each possibly an Input. */
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
      { ...args, ...outputSlots(OUTPUTS) },
      dynamicResourceOptions(CUTOVER_TYPE, opts, SECRET_OUTPUTS),
      CUTOVER_TYPE.module,
      CUTOVER_TYPE.type,
    );
  }
}
