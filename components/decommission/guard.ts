// The DecommissionGuard resource: refuses to be deleted until the tenant's AWS side can go. It
// depends on every other resource of its stack (see guard-scope.ts), so `pulumi destroy` must
// delete it first, and its refusal stops the destroy before anything is deleted.
// A `pulumi.dynamic.Resource` over decommissionGuardProvider; see docs/decommission.md.
import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "../dynamic/inputs";
import { outputSlots } from "../dynamic/outputs";
import { dynamicResourceOptions, type DynamicType } from "../dynamic/resource";
import { decommissionGuardProvider } from "./provider";
import type { GuardInputs } from "./spec";

/** Registered as `pulumi-nodejs:dynamic/decommission:DecommissionGuard`; earlier versions used the generic dynamic token. */
export const DECOMMISSION_GUARD_TYPE: DynamicType = { module: "decommission", type: "DecommissionGuard", previousTypes: ["pulumi-nodejs:dynamic:Resource"] };

/** Outputs that can quote the facts gathered (components/secret-outputs.ts). */
const SECRET_OUTPUTS = ["blockers", "verdict"];

const OUTPUTS = ["safe", "blockers", "verdict", "assessedAt", "schemaVersion"] as const;

/** The inputs of GuardInputs (components/decommission/spec.ts), each possibly an Input (e.g. the OCI stack's facts from a StackReference). */
export type DecommissionGuardArgs = { [K in keyof GuardInputs]: DeepInput<GuardInputs[K]> };

export class DecommissionGuard extends pulumi.dynamic.Resource {
  /** Whether a `pulumi destroy` would be allowed now (as of the last up or refresh). */
  declare readonly safe: pulumi.Output<boolean>;
  /** Every unmet condition, with its numbers. */
  declare readonly blockers: pulumi.Output<string[]>;
  /** One line for the reader: "destroy allowed ..." or "destroy refused: N blockers (...)". */
  declare readonly verdict: pulumi.Output<string>;
  /** When the recorded blockers were assessed (moves only when they change). */
  declare readonly assessedAt: pulumi.Output<string>;

  constructor(name: string, args: DecommissionGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      decommissionGuardProvider,
      name,
      { ...args, ...outputSlots(OUTPUTS) },
      dynamicResourceOptions(DECOMMISSION_GUARD_TYPE, opts, SECRET_OUTPUTS),
      DECOMMISSION_GUARD_TYPE.module,
      DECOMMISSION_GUARD_TYPE.type,
    );
  }
}
