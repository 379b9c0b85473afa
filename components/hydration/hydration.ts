// Hydration: every node of a cluster loads one data generation (DataSync's manifest digest) from
// the tenant bucket, verified and switched atomically; `pulumi up` waits for all of them.
//
//   new Hydration("hydration", {
//     nodes: cluster.nodeNames, namespace, bucket: bucket.name, region, prefix: "warehouse/",
//     generation: dataSync.manifestDigest,
//   }, { parent: this, dependsOn: [cluster, agentPackage] });
import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "../dynamic/inputs";
import { outputSlots } from "../dynamic/outputs";
import { dynamicResourceOptions, type DynamicType } from "../dynamic/resource";
import { hydrationProvider } from "./provider";
import type { HydrationArgsSpec, NodeOutcome } from "./spec";

/** What a Hydration is given: components/hydration/spec.ts (`inputsSchema`) says what each input means. */
export type HydrationArgs = DeepInput<HydrationArgsSpec>;

/** The token Hydration has always registered: `pulumi-nodejs:dynamic/hydration:Hydration`. */
const TYPE: DynamicType = { module: "hydration", type: "Hydration" };
/** Per-node reports can quote a service's answer (components/secret-outputs.ts). */
const SECRET_OUTPUTS = ["nodeStatus"];
const OUTPUTS = ["transition", "complete", "nodeStatus", "offGeneration", "files", "bytes", "requestId"] as const;

export class Hydration extends pulumi.dynamic.Resource {
  declare readonly generation: pulumi.Output<string>;
  /** Readable summary of the change, e.g. "generation 1a2b... -> 3c4d... on n0, n1, n2". */
  declare readonly transition: pulumi.Output<string>;
  declare readonly complete: pulumi.Output<boolean>;
  declare readonly nodeStatus: pulumi.Output<Record<string, NodeOutcome>>;
  declare readonly offGeneration: pulumi.Output<string[]>;
  declare readonly files: pulumi.Output<number>;
  declare readonly bytes: pulumi.Output<number>;
  declare readonly requestId: pulumi.Output<string>;

  constructor(name: string, args: HydrationArgs, opts?: pulumi.CustomResourceOptions) {
    super(hydrationProvider, name, { ...args, ...outputSlots(OUTPUTS) }, dynamicResourceOptions(TYPE, opts, SECRET_OUTPUTS), TYPE.module, TYPE.type);
  }
}
