// Which program a stack runs, by `tundra:role`: the OCI tenant program (default) or the AWS side.
import { runAwsSideStack } from "./aws-side";
import { loadStackRole } from "./config/load";
import { markOutputs, protectSecretConfig } from "./config/secrets";
import { runTenantStack } from "./program";

export async function runStack(): Promise<Record<string, unknown>> {
  // Before any resource: inputs that carry a `--secret` config value are marked secret.
  const secrets = protectSecretConfig();
  const outputs = await (loadStackRole() === "aws-side" ? runAwsSideStack() : runTenantStack());
  return markOutputs(outputs, secrets);
}
