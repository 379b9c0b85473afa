// `tundra:dr` (optional): a disaster-recovery region. When set, the tenant's data volumes get
// cross-region block volume replicas and the tenant bucket a replication policy to a bucket in
// the DR region (with the IAM grant Object Storage needs to replicate). See docs/region.md.
import { z } from "zod";
import { boolean, ocid, ociRegion, text } from "./fields";
import type { ConfigIssue, PartialConfig } from "./index";
import { OCI_REGIONS, isAvailabilityDomainOf } from "../../components/oci/regions";

export const drSchema = z
  .strictObject({
    /** The DR region: an OCI region other than `tundra:tenant.region`. */
    region: ociRegion,
    /** Availability domain of the volume replicas; the first AD OCI lists in the DR region when omitted. */
    availabilityDomain: text(/^[A-Za-z0-9]+:[A-Z0-9-]+-AD-\d$/, "an availability domain name such as Uocm:SA-BOGOTA-1-AD-1").optional(),
    /** Destination bucket in the DR region; defaults to `<tenant bucket>-dr`. */
    bucketName: text(/^[A-Za-z0-9_.-]{1,256}$/, "1-256 letters, digits, '.', '_' or '-'").optional(),
    /** Compartment of the destination bucket; defaults to the tenant compartment. */
    compartmentId: ocid("compartment", "tenancy").optional(),
    /** Vault key in the DR region for the DR bucket and the volume replicas (needed when the source data uses a Vault key). */
    kmsKeyId: ocid("key").optional(),
    /** Compartment of that key; defaults to the DR bucket's compartment. */
    kmsKeyCompartmentId: ocid("compartment", "tenancy").optional(),
    replicateVolumes: boolean.default(true),
    replicateBucket: boolean.default(true),
  })
  .optional();

export type DrSection = z.output<typeof drSchema>;

/** The DR region must differ from the tenant region, the replica AD must be in it, and something must be replicated. */
export function drRegionRule({ tenant, dr }: PartialConfig): ConfigIssue[] {
  if (!dr?.region) return [];
  const issues: ConfigIssue[] = [];
  if (tenant?.region && dr.region === tenant.region) {
    issues.push({ key: "tundra:dr.region", message: `must differ from tundra:tenant.region (both are ${dr.region}); a DR copy in the same region does not survive a regional outage` });
  }
  if (dr.replicateVolumes === false && dr.replicateBucket === false) {
    issues.push({ key: "tundra:dr", message: "replicates nothing (replicateVolumes and replicateBucket are both false): remove the section or enable one" });
  }
  const region = OCI_REGIONS.get(dr.region);
  if (region && dr.availabilityDomain && !isAvailabilityDomainOf(region, dr.availabilityDomain)) {
    issues.push({ key: "tundra:dr.availabilityDomain", message: `"${dr.availabilityDomain}" is not an availability domain of ${dr.region}` });
  }
  return issues;
}
