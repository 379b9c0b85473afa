// `tundra:protection` (optional): what a plain `pulumi destroy` may do to tenant data (the tenant
// bucket, the DR bucket, the data volumes). See components/oci/protection.ts.
import { z } from "zod";
import { DATA_PROTECTION_MODES } from "../../components/oci/protection";

export const protectionSchema = z
  .strictObject({
    /** `protect` (default): destroy and replacement refuse; `retain`: left in OCI; `none`: deleted with the stack. */
    tenantData: z
      .enum(DATA_PROTECTION_MODES, { error: (iss) => `must be one of ${DATA_PROTECTION_MODES.join(", ")} (got ${JSON.stringify(iss.input)})` })
      .default("protect"),
  })
  .default({ tenantData: "protect" });

export type ProtectionSection = z.output<typeof protectionSchema>;
