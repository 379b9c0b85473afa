// `tundra:dr` (optional): a disaster-recovery region. When set, the tenant's data volumes get
// cross-region block volume replicas and the tenant bucket a replication policy to a bucket in
// the DR region (with the IAM grant Object Storage needs to replicate). Pure: no Pulumi.
import { z } from "zod";
import { lookupRegion } from "../regions";

const ocidPattern = (type: string) => new RegExp(`^ocid1\\.${type}\\.oc\\d+\\.[a-z0-9-]*\\.[a-z0-9]+$`);

const region = z
  .string({ error: (iss) => `must be an OCI region identifier such as sa-bogota-1 (got ${JSON.stringify(iss.input)})` })
  .superRefine((value, ctx) => {
    const found = lookupRegion(value);
    if ("error" in found) ctx.addIssue({ code: "custom", message: found.error });
  });

export const drSchema = z
  .strictObject({
    /** The DR region: an OCI region other than the tenant's own. */
    region,
    /** Availability domain of the volume replicas in the DR region; the first AD OCI lists when omitted. */
    availabilityDomain: z
      .string()
      .regex(/^[A-Za-z0-9]+:[A-Z0-9-]+-AD-\d$/, { error: (iss) => `must be an availability domain name such as Uocm:SA-BOGOTA-1-AD-1 (got ${JSON.stringify(iss.input)})` })
      .optional(),
    /** Destination bucket in the DR region; defaults to `<tenant bucket>-dr`. */
    bucketName: z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/, { error: "must be 1-256 letters, digits, '.', '_' or '-'" }).optional(),
    /** Compartment of the destination bucket; defaults to the tenant compartment. */
    compartmentId: z.string().regex(ocidPattern("(compartment|tenancy)"), { error: "must be a compartment OCID" }).optional(),
    /** Vault key in the DR region for the replicas (needed when the source data is encrypted with a Vault key). */
    kmsKeyId: z.string().regex(ocidPattern("key"), { error: "must be a Vault key OCID in the DR region" }).optional(),
    replicateVolumes: z.boolean().default(true),
    replicateBucket: z.boolean().default(true),
  })
  .optional();

export type DrSection = z.output<typeof drSchema>;

export interface DrIssue {
  key: string;
  message: string;
}

/** Cross-key rules: the DR region must differ from the tenant region, and the AD must be in it. */
export function drRules(dr: DrSection, tenantRegion: string | undefined): DrIssue[] {
  if (!dr) return [];
  const issues: DrIssue[] = [];
  if (tenantRegion && dr.region === tenantRegion) {
    issues.push({ key: "tundra:dr.region", message: `must differ from tundra:tenant.region (both are ${tenantRegion}); a DR copy in the same region does not survive a regional outage` });
  }
  if (dr.availabilityDomain && !dr.availabilityDomain.endsWith(`${dr.region.toUpperCase()}-AD-${dr.availabilityDomain.slice(-1)}`)) {
    issues.push({ key: "tundra:dr.availabilityDomain", message: `${dr.availabilityDomain} is not an availability domain of ${dr.region}` });
  }
  return issues;
}

/** Validates `tundra:dr` on its own (the tenant region comes from `tundra:tenant.region`). */
export function parseDrConfig(raw: unknown, tenantRegion: string | undefined): { ok: true; dr: DrSection } | { ok: false; issues: DrIssue[] } {
  const parsed = drSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.flatMap((issue) =>
        issue.code === "unrecognized_keys"
          ? issue.keys.map((k) => ({ key: `tundra:dr.${k}`, message: "unknown key (see docs/region.md)" }))
          : [{ key: ["tundra:dr", ...issue.path.map(String)].join("."), message: issue.message }],
      ),
    };
  }
  const issues = drRules(parsed.data, tenantRegion);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, dr: parsed.data };
}
