// Flexible compute shapes the cluster accepts, with the limits Oracle documents for VM
// instances ("Compute Shapes" > Flexible Shapes; the ShapeOcpuOptions/ShapeMemoryOptions of
// ListShapes). A Flex shape is always launched with an explicit shape config (OCPUs and memory):
// the seed's region tool launched one without it.

export interface FlexShapeLimits {
  readonly minOcpus: number;
  readonly maxOcpus: number;
  /** Memory per OCPU, GB. */
  readonly minMemoryPerOcpuGbs: number;
  readonly maxMemoryPerOcpuGbs: number;
  /** Total memory ceiling for one instance, GB. */
  readonly maxMemoryGbs: number;
  /** OCI service-limit name (service `compute`, AD-scoped) that counts this shape's OCPUs. */
  readonly coreLimitName: string;
  /**
   * Fewest OCPUs with which the shape gets multipath-enabled volume attachments, the only kind on
   * which an Ultra High Performance volume performs. Source: Oracle Block Volume docs, "Block
   * Volume Performance" > VM Shapes for iSCSI and Paravirtualized Attached Volumes, column
   * "Supports Ultra High Performance (UHP)": "Yes (>=16 OCPUs) No (<16 OCPUs)" for every Flex
   * shape below (page updated 2024-07-19, read 2026-12-06); "Configuring Attachments to Ultra High
   * Performance Volumes": "Current VM shapes configured for 16 cores or more support
   * multipath-enabled attachments".
   */
  readonly minOcpusForMultipath: number;
}

export const FLEX_SHAPES: Readonly<Record<string, FlexShapeLimits>> = {
  "VM.Standard.E4.Flex": { minOcpus: 1, maxOcpus: 64, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 1024, coreLimitName: "standard-e4-core-count", minOcpusForMultipath: 16 },
  "VM.Standard.E5.Flex": { minOcpus: 1, maxOcpus: 94, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 1049, coreLimitName: "standard-e5-core-count", minOcpusForMultipath: 16 },
  "VM.Standard.A1.Flex": { minOcpus: 1, maxOcpus: 80, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 512, coreLimitName: "standard-a1-core-count", minOcpusForMultipath: 16 },
  "VM.Standard3.Flex": { minOcpus: 1, maxOcpus: 32, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 512, coreLimitName: "standard3-core-count", minOcpusForMultipath: 16 },
  "VM.Optimized3.Flex": { minOcpus: 1, maxOcpus: 18, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 256, coreLimitName: "optimized3-core-count", minOcpusForMultipath: 16 },
};

export const FLEX_SHAPE_NAMES = Object.keys(FLEX_SHAPES) as [string, ...string[]];
