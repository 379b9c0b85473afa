// The DecommissionGuard resource: refuses to be deleted until the tenant's AWS side can go. It
// depends on every other resource of its stack (see guard-scope.ts), so `pulumi destroy` must
// delete it first, and its refusal stops the destroy before anything is deleted.
// A `pulumi.dynamic.Resource` over decommissionGuardProvider; see docs/decommission.md.
import * as pulumi from "@pulumi/pulumi";
import { decommissionGuardProvider } from "./provider";
import { withSecretOutputs } from "../secret-outputs";
import type { GuardInputs } from "./spec";

/** Every field may be an Input (e.g. the OCI stack's facts from a StackReference). */
type DeepInput<T> = [T] extends [(infer U)[]]
  ? pulumi.Input<DeepInput<U>[]>
  : [T] extends [object]
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;

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
      { ...args, safe: undefined, blockers: undefined, verdict: undefined, assessedAt: undefined, schemaVersion: undefined },
      withSecretOutputs(opts, ["blockers", "verdict"]),
    );
  }
}
