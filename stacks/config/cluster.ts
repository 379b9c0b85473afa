// `tundra:cluster`: the query nodes, their shape and their UHP data volumes.
import { z } from "zod";
import { decimal, integer, ocid, text } from "./fields";
import { FLEX_SHAPE_NAMES } from "../../components/oci/shapes";

/** Ultra High Performance is 30-120 VPUs/GB (10 is Balanced, 20 Higher Performance). */
export const UHP_MIN_VPUS = 30;
export const UHP_MAX_VPUS = 120;

export const dataVolumeSchema = z.strictObject({
  sizeInGbs: integer(50, 32768),
  vpusPerGb: integer(0, UHP_MAX_VPUS).superRefine((vpus, ctx) => {
    // zod runs this check even after the range check failed: a value out of range (121) already
    // has its message, so it gets no second one.
    if (!Number.isInteger(vpus) || vpus < 0 || vpus > UHP_MAX_VPUS) return;
    if (vpus < UHP_MIN_VPUS || vpus % 10 !== 0) {
      const level = vpus === 20 ? ": 20 is Higher Performance" : vpus === 10 ? ": 10 is Balanced" : "";
      ctx.addIssue({
        code: "custom",
        message: `data volumes must be Ultra High Performance: ${UHP_MIN_VPUS}-${UHP_MAX_VPUS} VPUs/GB in steps of 10 (got ${vpus}${level})`,
      });
    }
  }),
});

export const clusterSchema = z.strictObject({
  nodeCount: integer(1, 64),
  shape: z.enum(FLEX_SHAPE_NAMES, { error: (iss) => `must be a Flex shape: ${FLEX_SHAPE_NAMES.join(", ")} (got ${JSON.stringify(iss.input)})` }),
  ocpus: decimal(1, 128),
  memoryInGbs: decimal(1, 2048),
  /** Image of the query node (an OCID of an image in the region). */
  imageId: ocid("image"),
  bootVolumeSizeInGbs: integer(50, 32768).default(100),
  dataVolume: dataVolumeSchema,
  /**
   * Availability-domain names (e.g. `Uocm:US-ASHBURN-AD-1`). Omit to discover them with
   * getAvailabilityDomains; nodes are spread over them round-robin either way.
   */
  availabilityDomains: z
    .array(text(/^[A-Za-z0-9]+:[A-Z0-9-]+-AD-\d$/, "an availability-domain name such as Uocm:US-ASHBURN-AD-1"))
    .min(1, { error: "must list at least one availability domain, or be omitted to discover them" })
    .optional(),
  /**
   * Port the query service serves TLS on (load-balancer backends and their TCP health check).
   * There is no HTTP health path: the listener passes TLS through, and a plain-HTTP check against
   * a TLS port fails on every node (docs/foundation.md, TundraCluster).
   */
  queryPort: integer(1024, 65535).default(8080),
});

export type ClusterSection = z.output<typeof clusterSchema>;
