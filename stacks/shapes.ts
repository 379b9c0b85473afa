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
}

export const FLEX_SHAPES: Readonly<Record<string, FlexShapeLimits>> = {
  "VM.Standard.E4.Flex": { minOcpus: 1, maxOcpus: 64, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 1024, coreLimitName: "standard-e4-core-count" },
  "VM.Standard.E5.Flex": { minOcpus: 1, maxOcpus: 94, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 1049, coreLimitName: "standard-e5-core-count" },
  "VM.Standard.A1.Flex": { minOcpus: 1, maxOcpus: 80, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 512, coreLimitName: "standard-a1-core-count" },
  "VM.Standard3.Flex": { minOcpus: 1, maxOcpus: 32, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 512, coreLimitName: "standard3-core-count" },
  "VM.Optimized3.Flex": { minOcpus: 1, maxOcpus: 18, minMemoryPerOcpuGbs: 1, maxMemoryPerOcpuGbs: 64, maxMemoryGbs: 256, coreLimitName: "optimized3-core-count" },
};

export const FLEX_SHAPE_NAMES = Object.keys(FLEX_SHAPES) as [string, ...string[]];
