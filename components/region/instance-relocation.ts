// InstanceRelocation: moves an OCI compute instance to another region as one declarative,
// resumable resource. `pulumi preview` lists the steps (`steps`) and those that remain (`plan`); a failed `pulumi up`
// keeps what it finished in the state and the next `up` continues from the first unfinished step;
// `pulumi destroy` terminates the moved instance and deletes every intermediate (never the source).
import * as pulumi from "@pulumi/pulumi";
import { instanceRelocationProvider } from "./relocation-provider";
import { withSecretOutputs } from "../secret-outputs";

export interface InstanceRelocationArgs {
  /** Names the intermediate images, the exported object and (by default) the new instance. Defaults to the resource name. */
  name?: pulumi.Input<string>;
  source: pulumi.Input<{
    region: pulumi.Input<string>;
    compartmentId: pulumi.Input<string>;
    instanceId: pulumi.Input<string>;
    /** A bucket in the source region that receives the exported image. */
    bucket: pulumi.Input<string>;
  }>;
  target: pulumi.Input<{
    region: pulumi.Input<string>;
    compartmentId: pulumi.Input<string>;
    availabilityDomain: pulumi.Input<string>;
    subnetId: pulumi.Input<string>;
    /** A Flex shape; OCPUs and memory are always sent with it. */
    shape: pulumi.Input<string>;
    ocpus: pulumi.Input<number>;
    memoryInGBs: pulumi.Input<number>;
    displayName?: pulumi.Input<string>;
    assignPublicIp?: pulumi.Input<boolean>;
    /** Network security groups of the new instance's VNIC (in the target VCN). */
    nsgIds?: pulumi.Input<pulumi.Input<string>[]>;
  }>;
  /** Delete the source-region image and exported object once the new instance runs (default false). */
  cleanup?: pulumi.Input<boolean>;
  /** Lifetime of the read-only pre-authenticated request the import reads through (default 24). */
  parTtlHours?: pulumi.Input<number>;
  /** Waits on work requests and lifecycle states (defaults 120 min, polls from 5 s doubling to 60 s). */
  waits?: pulumi.Input<{ timeoutMinutes?: pulumi.Input<number>; pollInitialSeconds?: pulumi.Input<number>; pollMaxSeconds?: pulumi.Input<number> }>;
  freeformTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class InstanceRelocation extends pulumi.dynamic.Resource {
  /** One readable line per step this relocation runs (also shown by `pulumi preview --diff`). */
  declare readonly steps: pulumi.Output<string[]>;
  /**
   * Which steps remain, e.g. `remaining: importImage, launchInstance, cleanup (found in OCI: ...)`.
   * In preview it is what OCI shows the run has done; after an up, what the state records.
   */
  declare readonly plan: pulumi.Output<string>;
  /** The run this relocation's images, instance and exported object are tagged or named with. */
  declare readonly runId: pulumi.Output<string>;
  declare readonly sourceImageId: pulumi.Output<string>;
  /** `<bucket>/<object>` of the exported image in the source region ("" once cleaned up or before export). */
  declare readonly exportedObject: pulumi.Output<string>;
  declare readonly targetImageId: pulumi.Output<string>;
  declare readonly targetInstanceId: pulumi.Output<string>;
  declare readonly completedSteps: pulumi.Output<string[]>;
  declare readonly remainingSteps: pulumi.Output<string[]>;
  declare readonly complete: pulumi.Output<boolean>;

  constructor(name: string, args: InstanceRelocationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      instanceRelocationProvider,
      name,
      {
        name: args.name ?? name,
        source: args.source,
        target: args.target,
        cleanup: args.cleanup,
        parTtlHours: args.parTtlHours,
        waits: args.waits,
        freeformTags: args.freeformTags,
        steps: undefined,
        plan: undefined,
        runId: undefined,
        sourceImageId: undefined,
        exportedObject: undefined,
        targetImageId: undefined,
        targetInstanceId: undefined,
        completedSteps: undefined,
        remainingSteps: undefined,
        complete: undefined,
      },
      withSecretOutputs(opts, ["plan", "exportedObject"]),
      "region",
      "InstanceRelocation",
    );
  }
}
