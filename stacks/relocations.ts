// `tundra:relocations`: one InstanceRelocation per entry. They stand apart from the tenant's
// cluster (the query nodes are stateless and never relocated): they move other instances.
import { InstanceRelocation } from "../components/region";
import type { TenantConfig } from "./config";

export function declareRelocations(config: TenantConfig): { name: string; relocation: InstanceRelocation }[] {
  return (config.relocations ?? []).map((entry) => ({
    name: entry.name,
    relocation: new InstanceRelocation(`${config.tenant.id}-relocate-${entry.name}`, entry),
  }));
}
