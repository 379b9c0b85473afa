// Pulumi entry point (Pulumi.yaml `main: stacks/`): validate the `tundra:*` config, then run
// the tenant program. See stacks/tenant.ts for the stages.
import { loadTenantConfig } from "./config/load";
import { tenantProgram } from "./tenant";

export = async () => tenantProgram(loadTenantConfig());
