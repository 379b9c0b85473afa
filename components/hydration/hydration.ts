// Hydration: every node of a cluster loads one data generation (DataSync's manifest digest) from
// the tenant bucket, verified and switched atomically; `pulumi up` waits for all of them.
//
//   new Hydration("hydration", {
//     nodes: cluster.nodeNames, namespace, bucket: bucket.name, region, prefix: "warehouse/",
//     generation: dataSync.manifestDigest,
//   }, { parent: this, dependsOn: [cluster, agentPackage] });
import * as pulumi from "@pulumi/pulumi";
import { hydrationProvider } from "./provider";
import { withSecretOutputs } from "../secret-outputs";
import type { NodeOutcome } from "./provider-impl";

export interface HydrationArgs {
  /** Node names as the agents report them (the instances' display names by default). */
  nodes: pulumi.Input<pulumi.Input<string>[]>;
  namespace: pulumi.Input<string>;
  bucket: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Data prefix in the bucket (the DataSync destination prefix). */
  prefix: pulumi.Input<string>;
  /** The generation to load: DataSync's manifest digest ("sha256:..."). */
  generation: pulumi.Input<string>;
  /** Default "_tundra/hydration/"; must match the agents' config (HydrationAgentPackage). */
  controlPrefix?: pulumi.Input<string>;
  /** How long `up` waits for every node (default 480 s, the operators' 8-minute target). */
  timeoutSeconds?: pulumi.Input<number>;
  /** Parallel downloads per node (default 16). */
  concurrency?: pulumi.Input<number>;
  /** Object Storage endpoint override (private endpoint). */
  endpoint?: pulumi.Input<string>;
  /** The data volumes are Ultra High Performance: create/update refuse nodes whose attachment is not multipath. */
  requireMultipath?: pulumi.Input<boolean>;
  /** OCI's `isMultipath` of each node's data-volume attachment, by node name (TundraCluster.nodes). */
  dataAttachmentMultipath?: pulumi.Input<Record<string, pulumi.Input<boolean>>>;
}

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
    super(hydrationProvider, name, {
      ...args,
      transition: undefined,
      complete: undefined,
      nodeStatus: undefined,
      offGeneration: undefined,
      files: undefined,
      bytes: undefined,
      requestId: undefined,
    }, withSecretOutputs(opts, ["nodeStatus"]), "hydration", "Hydration");
  }
}
