// "Deleting nothing": `pulumi destroy` deletes a resource before the resources it depends on, so
// a guard that depends on every other resource of its stack is deleted first, and when its delete
// refuses, the engine deletes nothing else. This helper makes that hold by construction:
//
//   const scope = beginDecommissionScope();        // first thing in the program
//   ... declare the stack's resources ...
//   scope.guard("acme-decommission-guard", args);  // last: depends on every resource above
//
// A stack transformation records every resource registered after `beginDecommissionScope()`
// (components, their children, providers, stack references). `guard()` gives the guard all of
// them as `dependsOn`. A resource registered after the guard (e.g. inside an `apply`) could be
// deleted without the guard's consent, so registering one fails the program, naming it.
import * as pulumi from "@pulumi/pulumi";
import { DecommissionGuard, type DecommissionGuardArgs } from "./guard";

export interface DecommissionScope {
  /** Every resource recorded so far (in registration order). */
  readonly resources: readonly pulumi.Resource[];
  /** Declares the guard, depending on every recorded resource; nothing may be declared after it. */
  guard(name: string, args: DecommissionGuardArgs, opts?: pulumi.CustomResourceOptions): DecommissionGuard;
}

function describe(args: pulumi.ResourceTransformationArgs): string {
  return `${args.type} "${args.name}"`;
}

/** Starts recording the stack's resources. Call it before declaring any resource. */
export function beginDecommissionScope(): DecommissionScope {
  const resources: pulumi.Resource[] = [];
  let state: "recording" | "declaring-guard" | "sealed" = "recording";
  let guardName = "";

  pulumi.runtime.registerStackTransformation((args) => {
    if (state === "recording") {
      resources.push(args.resource);
    } else if (state === "sealed") {
      throw new pulumi.RunError(
        `${describe(args)} is declared after the DecommissionGuard "${guardName}", so \`pulumi destroy\` could delete it ` +
          "without the guard's consent. Declare every resource before calling scope.guard(...) (see docs/decommission.md).",
      );
    }
    // While the guard itself is being declared: nothing to record (it must not depend on itself).
    return undefined;
  });

  return {
    resources,
    guard(name, args, opts = {}) {
      if (state !== "recording") throw new pulumi.RunError(`a DecommissionGuard was already declared in this stack ("${guardName}")`);
      guardName = name;
      const extra = opts.dependsOn === undefined ? [] : Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn];
      if (!extra.every((r) => pulumi.Resource.isInstance(r))) {
        throw new pulumi.RunError("scope.guard: opts.dependsOn takes resources (not outputs or promises); it already depends on every resource of the stack");
      }
      state = "declaring-guard";
      try {
        return new DecommissionGuard(name, args, { ...opts, dependsOn: [...new Set([...resources, ...(extra as pulumi.Resource[])])] });
      } finally {
        state = "sealed";
      }
    },
  };
}
