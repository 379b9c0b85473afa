// InstanceRelocation: moves an OCI compute instance to another region as one declarative,
// resumable resource. `pulumi preview` lists the steps (`steps`) and those that remain (`plan`); a failed `pulumi up`
// keeps what it finished in the state and the next `up` continues from the first unfinished step;
// `pulumi destroy` terminates the moved instance and deletes every intermediate (never the source).
import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceOptions, type DynamicType } from "../dynamic/resource";
import { outputSlots } from "../dynamic/outputs";
import type { DeepInput } from "../dynamic/inputs";
import { instanceRelocationProvider } from "./provider";
import type { RelocationInputs } from "./spec";

/** The token it has always registered under (`pulumi-nodejs:dynamic/region:InstanceRelocation`): no alias needed. */
const TYPE: DynamicType = { module: "region", type: "InstanceRelocation", previousTypes: [] };
/** Outputs whose text can quote the inputs (components/secret-outputs.ts): as before. */
const SECRET_OUTPUTS = ["plan", "exportedObject"];
const OUTPUTS = ["steps", "plan", "runId", "sourceImageId", "exportedObject", "targetImageId", "targetInstanceId", "completedSteps", "remainingSteps", "complete"] as const;

/**
 * The inputs of components/region/spec.ts (`inputsSchema`: what each field means and its limits),
 * each accepting an Output; `name` defaults to the resource name.
 */
type RelocationFields = Omit<RelocationInputs, "name">;
export type InstanceRelocationArgs = { [K in keyof RelocationFields]: DeepInput<RelocationFields[K]> } & { name?: pulumi.Input<string> };

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
        ...outputSlots(OUTPUTS),
      },
      dynamicResourceOptions(TYPE, opts, SECRET_OUTPUTS),
      TYPE.module,
      TYPE.type,
    );
  }
}
