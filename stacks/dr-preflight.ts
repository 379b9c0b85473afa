// Read-only checks of the DR setup against what OCI already has, before anything is declared
// (like the capacity preflight): they need no Pulumi state, so they also hold for a stack whose
// config was edited by hand.
//
// - A replicated volume cannot be resized (Oracle, "Block Volume Replication", Limitations and
//   Considerations, https://docs.oracle.com/iaas/Content/Block/Concepts/volumereplication.htm:
//   "You can't resize a volume with replication enabled. When resizing a volume, you need to
//   disable replication, which deletes the volume replica."). The tenant's data volumes are found
//   by their freeform tags (tundra-tenant, tundra-env, tundra-role = data-volume) and compared
//   with `tundra:cluster.dataVolume.sizeInGbs`.
// - Replication goes only to a region the tenancy is subscribed to (Oracle, "Creating an Object
//   Storage Replication Policy": "Your tenancy must be subscribed to a region for you to
//   replicate to that region"; the same holds for volume replicas).
import * as oci from "@pulumi/oci";
import { freeformTags } from "../components/oci";
import type { TenantConfig } from "./config";

export interface ExistingVolume {
  displayName: string;
  sizeInGbs: string;
  state: string;
  blockVolumeReplicas: { availabilityDomain: string; displayName: string }[];
  freeformTags: Record<string, string>;
}

/** The refusal for each of the tenant's data volumes that has replicas and a size other than the configured one. */
export function replicatedResizeProblems(config: TenantConfig, volumes: ExistingVolume[]): string[] {
  const { tenant, cluster } = config;
  const wanted = cluster.dataVolume.sizeInGbs;
  const ours = freeformTags({ tenant: tenant.id, env: tenant.env }, "data-volume");
  return volumes
    .filter((v) => v.state !== "TERMINATED" && v.state !== "TERMINATING")
    .filter((v) => Object.entries(ours).every(([k, value]) => v.freeformTags?.[k] === value))
    .filter((v) => (v.blockVolumeReplicas ?? []).length > 0 && Number(v.sizeInGbs) !== wanted)
    .map((v) =>
      `tundra:cluster.dataVolume.sizeInGbs: ${wanted} GB would resize ${v.displayName} (${v.sizeInGbs} GB), which has a replica ` +
      `(${v.blockVolumeReplicas.map((r) => `${r.displayName} in ${r.availabilityDomain}`).join(", ")}); Oracle cannot resize a volume with replication enabled. ` +
      `Keep ${v.sizeInGbs}, or: 1) set tundra:dr.replicateVolumes: false with the old size and run pulumi up (this deletes the replicas), ` +
      `2) change the size and run pulumi up, 3) set replicateVolumes back to true (the replicas sync again from the start)`,
    );
}

/** The refusal when the tenancy has no READY subscription to the DR region. */
export function drSubscriptionProblems(drRegion: string, subscriptions: { regionName: string; state: string }[]): string[] {
  if (subscriptions.some((s) => s.regionName === drRegion && s.state === "READY")) return [];
  const subscribed = subscriptions.filter((s) => s.state === "READY").map((s) => s.regionName).sort();
  return [
    `tundra:dr.region: the tenancy is not subscribed to ${drRegion} (subscribed: ${subscribed.join(", ") || "none"}); ` +
    `OCI replicates buckets and volumes only to subscribed regions. Subscribe the tenancy to ${drRegion} (Console: Governance, Region Management) or choose a subscribed region`,
  ];
}

/** Both checks, through read-only invokes; an empty list means go on. */
export async function drPreflight(config: TenantConfig, provider: oci.Provider, homeProvider: oci.Provider): Promise<string[]> {
  const { tenant, dr } = config;
  const [volumes, subscriptions] = await Promise.all([
    oci.core.getVolumes({ compartmentId: tenant.compartmentId }, { provider }).then((r) => r.volumes as ExistingVolume[]),
    dr
      ? oci.identity.getRegionSubscriptions({ tenancyId: tenant.tenancyId }, { provider: homeProvider }).then((r) => r.regionSubscriptions)
      : Promise.resolve(undefined),
  ]);
  return [...replicatedResizeProblems(config, volumes), ...(dr && subscriptions ? drSubscriptionProblems(dr.region, subscriptions) : [])];
}
