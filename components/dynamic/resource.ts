// Every dynamic resource registers under its own type token, so `pulumi preview` and the plan can
// tell a Cutover from a DataSync. The package must stay `pulumi-nodejs`: the engine sends every
// resource of that package to the dynamic-provider host, and a `tundra:` package would make it look
// for a provider plugin named tundra. `pulumi.dynamic.Resource(provider, name, props, opts, module,
// type)` registers `pulumi-nodejs:dynamic/<module>:<Type>`; that is the only part we choose.
import type * as pulumi from "@pulumi/pulumi";
import { withSecretOutputs } from "../secret-outputs";

/** What a dynamic resource registers as. */
export interface DynamicType {
  /** The component folder, e.g. "cutover": the token is `pulumi-nodejs:dynamic/cutover:Cutover`. */
  module: string;
  type: string;
  /** Tokens this resource registered under before (aliased, so existing stacks do not replace it). */
  previousTypes?: readonly string[];
}

/** The token `pulumi.dynamic.Resource` registers for `t`. */
export function dynamicTypeToken(t: DynamicType): string {
  return `pulumi-nodejs:dynamic/${t.module}:${t.type}`;
}

/** `opts` with an alias from each earlier type token (kept beside any aliases the caller set). */
export function withTypeAliases(t: DynamicType, opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  const previous = (t.previousTypes ?? []).map((type) => ({ type }));
  return previous.length === 0 ? opts : { ...opts, aliases: [...(opts.aliases ?? []), ...previous] };
}

/**
 * The options every dynamic resource class passes to `pulumi.dynamic.Resource`: the caller's,
 * aliases from earlier type tokens, and the outputs that can quote secrets
 * (components/secret-outputs.ts says which and why).
 */
export function dynamicResourceOptions(t: DynamicType, opts: pulumi.CustomResourceOptions | undefined, secretOutputs: readonly string[]): pulumi.CustomResourceOptions {
  return withSecretOutputs(withTypeAliases(t, opts), secretOutputs);
}
