// Pulumi entry point (Pulumi.yaml `main: stacks/`). `tundra:role` picks the program: the OCI
// tenant program (./tenant, the default) or the AWS-side stack (./aws-side). The offline plan
// (scripts/plan) runs this same function under mocks.
import { awsSideProgram } from "./aws-side";
import { loadAwsSideConfig, loadStackRole, loadTenantConfig } from "./config/load";
import { markOutputs, protectSecretConfig } from "./config/secrets";
import { tenantProgram } from "./tenant";

async function runStack(): Promise<Record<string, unknown>> {
  // Before any resource: inputs that carry a `--secret` config value are marked secret.
  const secrets = protectSecretConfig();
  const outputs = loadStackRole() === "aws-side" ? awsSideProgram(loadAwsSideConfig()) : await tenantProgram(loadTenantConfig());
  return markOutputs(outputs, secrets);
}

export = runStack;
