// List prices the cost estimate uses, kept as data: USD, pay-as-you-go, no negotiated discount.
// Date of this table: 2026-12-06. Each entry names its source; `checked` says whether the figure
// was read from that source when the table was written (true) or carried from Oracle's/AWS's
// public price list without a page at hand to confirm it (false): re-check those before quoting
// a customer. Units: GB as the providers bill it (2^30 bytes), month = 730 hours.
//
// Sources:
//  [oci-compute]  https://www.oracle.com/cloud/compute/pricing/ (Compute - Standard - E4/E5/A1 OCPU and Memory;
//                 x86 OCPU = 2 vCPUs, billed per OCPU hour)
//  [oci-block]    https://www.oracle.com/cloud/storage/block-volumes/pricing/ (Block Volume Storage per GB-month,
//                 Performance Units per GB-month: "10 VPUs at $0.017 ... 30 VPUs at $0.051 for UHP")
//  [oci-object]   https://www.oracle.com/cloud/storage/pricing/ (Object Storage Standard, Infrequent Access)
//  [oci-lb]       https://www.oracle.com/cloud/networking/load-balancing/pricing/ (Flexible LB base + Mbps)
//  [oci-network]  https://www.oracle.com/cloud/networking/pricing/ (Outbound Data Transfer: first 10 TB/month free)
//  [aws-dto]      https://aws.amazon.com/s3/pricing/ (Data Transfer OUT to internet, tiered; 100 GB/month free,
//                 aggregated over AWS services: https://aws.amazon.com/about-aws/global-infrastructure/global-network/faqs)
//  [aws-datasync] https://aws.amazon.com/datasync/pricing/ (per GB copied, by task mode)

export const PRICE_TABLE_DATE = "2026-12-06";
export const HOURS_PER_MONTH = 730;
export const GB = 1024 ** 3;

export interface Price {
  usd: number;
  source: string;
  checked: boolean;
}

/** Per OCPU-hour and per GB-of-memory-hour, by Flex shape (stacks/shapes.ts lists the shapes). */
export const OCI_FLEX_SHAPE_PRICES: Record<string, { ocpuHour: Price; memoryGbHour: Price }> = {
  "VM.Standard.E4.Flex": { ocpuHour: { usd: 0.025, source: "oci-compute", checked: false }, memoryGbHour: { usd: 0.0015, source: "oci-compute", checked: false } },
  "VM.Standard.E5.Flex": { ocpuHour: { usd: 0.03, source: "oci-compute", checked: false }, memoryGbHour: { usd: 0.002, source: "oci-compute", checked: false } },
  // A1: "$0.01 vCPU per hour" and "$0.0015 Gigabyte per hour"; one A1 OCPU is one vCPU.
  "VM.Standard.A1.Flex": { ocpuHour: { usd: 0.01, source: "oci-compute", checked: true }, memoryGbHour: { usd: 0.0015, source: "oci-compute", checked: true } },
  "VM.Standard3.Flex": { ocpuHour: { usd: 0.04, source: "oci-compute", checked: false }, memoryGbHour: { usd: 0.0015, source: "oci-compute", checked: false } },
  "VM.Optimized3.Flex": { ocpuHour: { usd: 0.054, source: "oci-compute", checked: false }, memoryGbHour: { usd: 0.0015, source: "oci-compute", checked: false } },
};

export const OCI_PRICES = {
  blockStorageGbMonth: { usd: 0.0255, source: "oci-block", checked: false },
  /** Per VPU per GB-month: 30 VPUs/GB (the least UHP) is $0.051 per GB-month. */
  blockVpuGbMonth: { usd: 0.0017, source: "oci-block", checked: true },
  /** Boot volumes keep the default Balanced level. */
  bootVolumeVpusPerGb: 10,
  objectStandardGbMonth: { usd: 0.0255, source: "oci-object", checked: false },
  objectInfrequentGbMonth: { usd: 0.01, source: "oci-object", checked: false },
  loadBalancerBaseHour: { usd: 0.0113, source: "oci-lb", checked: false },
  loadBalancerMbpsHour: { usd: 0.0001, source: "oci-lb", checked: false },
  /** Free outbound data transfer per month, per tenancy (shared by every tenant stack in it). */
  egressFreeGbPerMonth: { usd: 10 * 1024, source: "oci-network", checked: true },
  egressOverageGb: { usd: 0.0085, source: "oci-network", checked: false },
} satisfies Record<string, Price | number>;

/** AWS data transfer out to the internet from S3 (the migration's egress), tiered per month. */
export const AWS_EGRESS_FREE_GB_PER_MONTH: Price = { usd: 100, source: "aws-dto", checked: true };
export const AWS_EGRESS_TIERS: Array<{ upToGb: number; usdPerGb: number }> = [
  { upToGb: 10 * 1024, usdPerGb: 0.09 },
  { upToGb: 50 * 1024, usdPerGb: 0.085 },
  { upToGb: 150 * 1024, usdPerGb: 0.07 },
  { upToGb: Infinity, usdPerGb: 0.05 },
];
export const AWS_EGRESS_TIERS_SOURCE = { source: "aws-dto", checked: true };

export const AWS_DATASYNC_PER_GB = {
  basic: { usd: 0.0125, source: "aws-datasync", checked: false },
  enhanced: { usd: 0.015, source: "aws-datasync", checked: false },
} satisfies Record<string, Price>;

/** Warn when the fleet's OCI egress reaches this share of the free allowance. */
export const EGRESS_WARNING_SHARE = 0.8;
