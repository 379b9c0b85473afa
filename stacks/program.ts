// The tenant stack program: validate the `tundra:*` config, then run the staged tenant
// program (stacks/tenant.ts). stacks/index.ts exports this for Pulumi; the offline plan runs
// the same function under mocks.
import { loadTenantConfig } from "./config/load";
import { tenantProgram } from "./tenant";

export async function runTenantStack(): Promise<Record<string, unknown>> {
  return tenantProgram(loadTenantConfig());
}
