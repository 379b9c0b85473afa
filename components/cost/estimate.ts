// Cost and egress estimates from a tenant's stack config and its data size, against the price
// table in prices.ts. Pure functions: `npm run cost` and the fleet summary feed them.
//
// - Monthly OCI cost of a tenant: Flex OCPUs and memory, boot volumes (Balanced), UHP data
//   volumes by VPUs, the tenant bucket (auto-tiering moves the cold share to Infrequent Access),
//   the flexible load balancer (base + its minimum bandwidth, which is billed whether used or not;
//   the maximum gives the ceiling).
// - The migration's egress: AWS bills data out of S3 to the internet (the copy to OCI) in tiers
//   after the monthly free 100 GB; AWS DataSync adds its per-GB fee when the bulk copy runs there.
// - OCI's egress: the tenancy's free monthly allowance is shared by every tenant stack, so the
//   overage and the 80 % warning are decided on the fleet's total, and shared out pro rata.
import {
  AWS_DATASYNC_PER_GB, AWS_EGRESS_FREE_GB_PER_MONTH, AWS_EGRESS_TIERS, EGRESS_WARNING_SHARE, GB,
  HOURS_PER_MONTH, OCI_FLEX_SHAPE_PRICES, OCI_PRICES,
} from "./prices";

/** The parts of a tenant's config the estimate reads (stacks/config's TenantConfig has them). */
export interface TenantSizing {
  cluster: {
    nodeCount: number;
    shape: string;
    ocpus: number;
    memoryInGbs: number;
    bootVolumeSizeInGbs: number;
    dataVolume: { sizeInGbs: number; vpusPerGb: number };
  };
  loadBalancer: { minBandwidthMbps: number; maxBandwidthMbps: number };
}

export interface MonthlyCost {
  compute: number;
  blockVolumes: number;
  objectStorage: number;
  loadBalancer: number;
  /** At the load balancer's maximum bandwidth all month (the ceiling). */
  loadBalancerCeiling: number;
  total: number;
}

const round2 = (usd: number) => Math.round(usd * 100) / 100;

/**
 * @param storedBytes the tenant's data in its bucket (its source size)
 * @param infrequentShare share of it auto-tiering has moved to Infrequent Access (0..1; 0 = all Standard, the upper bound)
 */
export function monthlyOciCost(sizing: TenantSizing, storedBytes: number, infrequentShare = 0): MonthlyCost {
  const { cluster, loadBalancer } = sizing;
  const shape = OCI_FLEX_SHAPE_PRICES[cluster.shape];
  if (!shape) throw new Error(`no price for shape ${cluster.shape} in components/cost/prices.ts: add it with its source`);
  if (!(infrequentShare >= 0 && infrequentShare <= 1)) throw new Error(`infrequentShare must be from 0 to 1 (got ${infrequentShare})`);
  const n = cluster.nodeCount;
  const compute = n * HOURS_PER_MONTH * (cluster.ocpus * shape.ocpuHour.usd + cluster.memoryInGbs * shape.memoryGbHour.usd);
  const volumeGb = (sizeGb: number, vpus: number) => sizeGb * (OCI_PRICES.blockStorageGbMonth.usd + vpus * OCI_PRICES.blockVpuGbMonth.usd);
  const blockVolumes = n * (volumeGb(cluster.dataVolume.sizeInGbs, cluster.dataVolume.vpusPerGb) + volumeGb(cluster.bootVolumeSizeInGbs, OCI_PRICES.bootVolumeVpusPerGb));
  const storedGb = storedBytes / GB;
  const objectStorage = storedGb * ((1 - infrequentShare) * OCI_PRICES.objectStandardGbMonth.usd + infrequentShare * OCI_PRICES.objectInfrequentGbMonth.usd);
  const lb = (mbps: number) => HOURS_PER_MONTH * (OCI_PRICES.loadBalancerBaseHour.usd + mbps * OCI_PRICES.loadBalancerMbpsHour.usd);
  const loadBalancerCost = lb(loadBalancer.minBandwidthMbps);
  return {
    compute: round2(compute),
    blockVolumes: round2(blockVolumes),
    objectStorage: round2(objectStorage),
    loadBalancer: round2(loadBalancerCost),
    loadBalancerCeiling: round2(lb(loadBalancer.maxBandwidthMbps)),
    total: round2(compute + blockVolumes + objectStorage + loadBalancerCost),
  };
}

export interface AwsEgress {
  gb: number;
  /** GB billed after the monthly free allowance. */
  billedGb: number;
  transferUsd: number;
  /** AWS DataSync's per-GB fee when the bulk copy runs on it (0 otherwise). */
  dataSyncUsd: number;
  totalUsd: number;
}

/**
 * What AWS bills for copying `bytes` out of S3 to OCI within one month, through the tiers.
 * `freeGb`: the part of the monthly free allowance still unused (default all of it; pass 0
 * when other traffic of the account already uses it).
 */
export function migrationEgress(bytes: number, options: { dataSyncMode?: "basic" | "enhanced"; freeGb?: number } = {}): AwsEgress {
  const gb = bytes / GB;
  const billedGb = Math.max(0, gb - (options.freeGb ?? AWS_EGRESS_FREE_GB_PER_MONTH.usd));
  let remaining = billedGb;
  let floor = 0;
  let transfer = 0;
  for (const tier of AWS_EGRESS_TIERS) {
    const inTier = Math.min(remaining, tier.upToGb - floor);
    transfer += inTier * tier.usdPerGb;
    remaining -= inTier;
    floor = tier.upToGb;
    if (remaining <= 0) break;
  }
  const dataSync = options.dataSyncMode ? gb * AWS_DATASYNC_PER_GB[options.dataSyncMode].usd : 0;
  return { gb: round2(gb), billedGb: round2(billedGb), transferUsd: round2(transfer), dataSyncUsd: round2(dataSync), totalUsd: round2(transfer + dataSync) };
}

export interface OciEgress {
  gbPerMonth: number;
  allowanceGb: number;
  /** Share of the free allowance used (1 = all of it). */
  allowanceShare: number;
  overageGb: number;
  overageUsd: number;
  /** Set from 80 % of the allowance on: what is near or over it. */
  warning?: string;
}

/** The tenancy's OCI egress per month against its free allowance (pass the fleet's total). */
export function ociEgress(gbPerMonth: number, allowanceGb = OCI_PRICES.egressFreeGbPerMonth.usd): OciEgress {
  const share = allowanceGb > 0 ? gbPerMonth / allowanceGb : Infinity;
  const overageGb = Math.max(0, gbPerMonth - allowanceGb);
  const result: OciEgress = {
    gbPerMonth: round2(gbPerMonth), allowanceGb, allowanceShare: Math.round(share * 1000) / 1000,
    overageGb: round2(overageGb), overageUsd: round2(overageGb * OCI_PRICES.egressOverageGb.usd),
  };
  if (overageGb > 0) {
    result.warning = `OCI egress ${result.gbPerMonth} GB/month is over the free ${allowanceGb} GB by ${result.overageGb} GB ($${result.overageUsd}/month at $${OCI_PRICES.egressOverageGb.usd}/GB)`;
  } else if (share >= EGRESS_WARNING_SHARE) {
    result.warning = `OCI egress ${result.gbPerMonth} GB/month is ${Math.round(share * 100)} % of the free ${allowanceGb} GB allowance (warning from ${EGRESS_WARNING_SHARE * 100} %)`;
  }
  return result;
}

/** A tenant's part of the tenancy's egress overage, pro rata of its egress. */
export function overageShare(tenantGb: number, fleet: OciEgress): number {
  return fleet.gbPerMonth > 0 ? round2((fleet.overageUsd * tenantGb) / fleet.gbPerMonth) : 0;
}
