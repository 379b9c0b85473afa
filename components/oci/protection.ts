// What a plain `pulumi destroy` (or a replacing edit) may do to tenant data: the tenant bucket,
// the DR bucket and the data volumes. One mode per stack (`tundra:protection.tenantData`).
import type * as pulumi from "@pulumi/pulumi";

export const DATA_PROTECTION_MODES = ["protect", "retain", "none"] as const;
export type DataProtection = (typeof DATA_PROTECTION_MODES)[number];

/**
 * - `protect`: Pulumi refuses to delete or replace the resource (`pulumi destroy` and `up` fail
 *   naming it) until the stack says otherwise and an `up` has recorded that.
 * - `retain`: Pulumi drops it from the stack but leaves it in OCI (`retainOnDelete`).
 * - `none`: deleted with the stack.
 */
export function dataProtectionOptions(mode: DataProtection): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  if (mode === "protect") return { protect: true };
  if (mode === "retain") return { retainOnDelete: true };
  return {};
}
