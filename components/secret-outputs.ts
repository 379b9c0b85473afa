// Outputs of a dynamic resource are stored in the state in plain text unless the resource lists
// them in `additionalSecretOutputs` (an input marked secret only makes the output of the same
// name secret). Each resource lists the outputs whose text can quote its inputs or a service's
// answer about them (errors, blockers, per-node reports), so a value set with
// `pulumi config set --secret` never lands in the state in plain text through them.
import type * as pulumi from "@pulumi/pulumi";

/** The options with these outputs added to `additionalSecretOutputs`. */
export function withSecretOutputs<T extends pulumi.CustomResourceOptions>(opts: T | undefined, outputs: readonly string[]): T {
  return { ...(opts as T), additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...outputs] };
}
