// Rules that relate several keys (or a key and a table). Each returns issues naming the key
// to change; a rule runs only when the sections it reads parsed cleanly.
import type { ConfigIssue, PartialConfig, RawConfig } from "./index";
import { FLEX_SHAPES } from "../../components/oci/shapes";
import { OCI_REGIONS, isAvailabilityDomainOf } from "../../components/oci/regions";
import { cidrContains, cidrsOverlap, parseCidr, type Cidr } from "./cidr";
import { cutoverHealthCheckRule } from "./cutover";
import { drRegionRule } from "./dr";
import { hydrationInternetRule } from "./hydration";
import { uniqueRelocationNames } from "./relocations";
import { UHP_MIN_VPUS } from "./cluster";
import { oneS3Endpoint } from "./endpoints";

/**
 * Fields are present only when they parsed on their own; a rule skips what is missing. `raw` is
 * the config as written, for a rule whose message should replace the field's own (its issue
 * replaces the section's issues for the same key).
 */
export type ConfigRule = (cfg: PartialConfig, raw?: RawConfig) => ConfigIssue[];

export const PROD_MIN_NODES = 3;

/** Also for a count below the field's own minimum (0): the prod minimum is the one to give. */
const prodNodeCount: ConfigRule = ({ tenant, cluster }, raw) => {
  const rawCluster = raw?.cluster;
  const written = rawCluster !== null && typeof rawCluster === "object" ? (rawCluster as Record<string, unknown>).nodeCount : undefined;
  const nodeCount = cluster?.nodeCount ?? (typeof written === "number" ? written : typeof written === "string" && written.trim() !== "" ? Number(written) : undefined);
  return tenant?.env === "prod" && nodeCount !== undefined && Number.isInteger(nodeCount) && nodeCount < PROD_MIN_NODES
    ? [{ key: "tundra:cluster.nodeCount", message: `must be at least ${PROD_MIN_NODES} in prod (got ${nodeCount})` }]
    : [];
};

const shapeLimits: ConfigRule = ({ cluster }) => {
  const { ocpus, memoryInGbs, shape } = cluster ?? {};
  if (shape === undefined || ocpus === undefined) return [];
  const limits = FLEX_SHAPES[shape];
  const issues: ConfigIssue[] = [];
  if (ocpus < limits.minOcpus || ocpus > limits.maxOcpus || !Number.isInteger(ocpus)) {
    issues.push({ key: "tundra:cluster.ocpus", message: `${shape} takes ${limits.minOcpus}-${limits.maxOcpus} whole OCPUs (got ${ocpus})` });
    return issues;
  }
  const minMemory = ocpus * limits.minMemoryPerOcpuGbs;
  const maxMemory = Math.min(ocpus * limits.maxMemoryPerOcpuGbs, limits.maxMemoryGbs);
  if (memoryInGbs !== undefined && (memoryInGbs < minMemory || memoryInGbs > maxMemory)) {
    issues.push({
      key: "tundra:cluster.memoryInGbs",
      message:
        `${shape} with ${ocpus} OCPUs takes ${minMemory}-${maxMemory} GB ` +
        `(${limits.minMemoryPerOcpuGbs}-${limits.maxMemoryPerOcpuGbs} GB per OCPU, at most ${limits.maxMemoryGbs} GB) (got ${memoryInGbs})`,
    });
  }
  return issues;
};

/**
 * An Ultra High Performance volume performs only on a multipath-enabled attachment, and a Flex VM
 * gets one only with enough OCPUs (components/oci/shapes.ts, minOcpusForMultipath). Every config is
 * checked, so lowering `ocpus` of a running cluster (a rolling Flex resize) is refused the same
 * way as a new cluster: the attachments would stay single-path after the resize.
 */
export const uhpNeedsMultipath: ConfigRule = ({ cluster }) => {
  const { shape, ocpus, dataVolume } = cluster ?? {};
  if (shape === undefined || ocpus === undefined || dataVolume === undefined || dataVolume.vpusPerGb < UHP_MIN_VPUS) return [];
  const min = FLEX_SHAPES[shape].minOcpusForMultipath;
  if (ocpus >= min) return [];
  return [{
    key: "tundra:cluster.ocpus",
    message:
      `Ultra High Performance data volumes (${dataVolume.vpusPerGb} VPUs/GB) need a multipath-enabled attachment, which ${shape} gets only with ` +
      `at least ${min} OCPUs (got ${ocpus}): set tundra:cluster.ocpus to ${min} or more (a resize below ${min} is refused for the same reason)`,
  }];
};

const availabilityDomains: ConfigRule = ({ tenant, cluster }) => {
  const ads = cluster?.availabilityDomains;
  if (!tenant?.region || !ads) return [];
  const region = OCI_REGIONS.get(tenant.region)!;
  const issues: ConfigIssue[] = [];
  if (ads.length > region.availabilityDomains) {
    issues.push({
      key: "tundra:cluster.availabilityDomains",
      message: `${region.id} has ${region.availabilityDomains} availability domain(s) (got ${ads.length})`,
    });
  }
  ads.forEach((ad, i) => {
    if (!isAvailabilityDomainOf(region, ad)) {
      issues.push({ key: `tundra:cluster.availabilityDomains[${i}]`, message: `"${ad}" is not an availability domain of ${region.id}` });
    }
    if (ads.indexOf(ad) !== i) {
      issues.push({ key: `tundra:cluster.availabilityDomains[${i}]`, message: `"${ad}" is listed twice` });
    }
  });
  return issues;
};

const subnets: ConfigRule = ({ network }) => {
  const { vcnCidr, nodeSubnetCidr, lbSubnetCidr } = network ?? {};
  if (!vcnCidr || !nodeSubnetCidr || !lbSubnetCidr) return [];
  const parse = (text: string) => parseCidr(text) as Cidr; // the cidr fields already validated these
  const vcn = parse(vcnCidr);
  const issues: ConfigIssue[] = [];
  if (vcn.prefix < 16 || vcn.prefix > 30) {
    issues.push({ key: "tundra:network.vcnCidr", message: `a VCN must be /16 to /30 (got /${vcn.prefix})` });
  }
  const named = [
    ["nodeSubnetCidr", parse(nodeSubnetCidr)],
    ["lbSubnetCidr", parse(lbSubnetCidr)],
  ] as const;
  for (const [key, subnet] of named) {
    if (!cidrContains(vcn, subnet)) {
      issues.push({ key: `tundra:network.${key}`, message: `${subnet.text} is not inside the VCN ${vcn.text}` });
    }
    if (subnet.prefix > 30) {
      issues.push({ key: `tundra:network.${key}`, message: `a subnet must be /30 or larger (got /${subnet.prefix})` });
    }
  }
  if (cidrsOverlap(named[0][1], named[1][1])) {
    issues.push({ key: "tundra:network.lbSubnetCidr", message: `${named[1][1].text} overlaps the node subnet ${named[0][1].text}` });
  }
  return issues;
};

const lbBandwidth: ConfigRule = ({ loadBalancer }) =>
  loadBalancer?.minBandwidthMbps !== undefined &&
  loadBalancer.maxBandwidthMbps !== undefined &&
  loadBalancer.minBandwidthMbps > loadBalancer.maxBandwidthMbps
    ? [{
        key: "tundra:loadBalancer.minBandwidthMbps",
        message: `must not exceed maxBandwidthMbps (${loadBalancer.minBandwidthMbps} > ${loadBalancer.maxBandwidthMbps})`,
      }]
    : [];

export const CONFIG_RULES: ConfigRule[] = [prodNodeCount, shapeLimits, uhpNeedsMultipath, availabilityDomains, subnets, lbBandwidth, drRegionRule, uniqueRelocationNames, cutoverHealthCheckRule, hydrationInternetRule, oneS3Endpoint];
