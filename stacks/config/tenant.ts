// `tundra:tenant`: who the stack is for and where it lives.
import { z } from "zod";
import { ocid, ociRegion, text } from "./fields";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

export const tenantSchema = z.strictObject({
  /** Tenant id: lower-case letters, digits and dashes; it names every resource and tag. */
  id: text(/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/, "2-24 lower-case letters, digits or '-', starting with a letter"),
  env: z.enum(ENVIRONMENTS, { error: (iss) => `must be one of ${ENVIRONMENTS.join(", ")} (got ${JSON.stringify(iss.input)})` }),
  /** Compartment that holds the tenant's resources. */
  compartmentId: ocid("compartment", "tenancy"),
  /** Tenancy OCID: dynamic groups live in the tenancy (root compartment). */
  tenancyId: ocid("tenancy"),
  /** OCI region of the cluster. */
  region: ociRegion,
  /** The tenancy's home region, where IAM (dynamic groups, policies) must be written. */
  homeRegion: ociRegion,
});

export type TenantSection = z.output<typeof tenantSchema>;
