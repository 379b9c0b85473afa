// Pulumi mocks for the offline plan and the tests: deterministic ids derived from resource
// names, and invoke answers shaped like OCI's (real AD count and names for the region, the
// region's "All Services" service, a generous service limit unless told otherwise).
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { OCI_REGIONS, availabilityDomainNames, type OciRegion } from "../../components/oci/regions";

/** OCPUs every limit reports as available in the plan; tests lower it to exercise preflight. */
export const AVAILABLE_OCPUS_ENV = "TUNDRA_PLAN_AVAILABLE_OCPUS";
const DEFAULT_AVAILABLE_OCPUS = 100_000;

export interface ResourceRecord {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

export interface PlanMocksOptions {
  /**
   * Cluster region: decides the ADs and service names the invokes answer with. Unknown or
   * missing: region-dependent invokes fail (the program validates the region before any).
   */
  region: string | undefined;
  availableOcpus?: number;
  /** Extra invoke answers by token, for stages that add invokes. */
  calls?: Record<string, (inputs: Record<string, any>) => Record<string, unknown>>;
  /** Extra output properties by resource type (merged over the inputs). */
  outputs?: Record<string, (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>>;
}

/**
 * What an output of a dynamic resource reads as in the plan: the provider computes it during
 * `pulumi up`, so the plan can only say where it will come from (like Pulumi's own preview, which
 * shows such values as unknown), never a made-up value.
 */
export function knownAfterApply(resourceName: string, output: string): string {
  return `(known after apply: ${resourceName}.${output})`;
}

/** Type tokens of dynamic resources: `pulumi-nodejs:dynamic:Resource` or `pulumi-nodejs:dynamic/<module>:<Type>`. */
export const isDynamicType = (type: string) => /^pulumi-nodejs:dynamic[:/]/.test(type);

export function digest(text: string, length = 24): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A private IP derived from the name (10.255.x.y), stable across runs. */
function mockPrivateIp(name: string): string {
  const h = createHash("sha256").update(name).digest();
  return `10.255.${h[0]}.${(h[1] % 250) + 2}`;
}

export interface PlanMocks extends pulumi.runtime.Mocks {
  records: ResourceRecord[];
  /**
   * Output names each dynamic resource declares (the props it passes as `undefined`), by
   * `type::name`; the offline plan fills them from a stack transformation. The mocks answer each
   * with `knownAfterApply` instead of leaving it `undefined`.
   */
  dynamicOutputs: Map<string, string[]>;
  /**
   * Every value these mocks made up (resource ids, IPs, ARNs, the Object Storage namespace, AD
   * names and ids): the plan marks inputs built from them, since the cloud will answer otherwise.
   */
  madeUp: Set<string>;
}

export function createPlanMocks(options: PlanMocksOptions): PlanMocks {
  const knownRegion = options.region === undefined ? undefined : OCI_REGIONS.get(options.region);
  const regional = <T>(answer: (region: OciRegion) => T) => () => {
    if (!knownRegion) throw new Error(`plan mocks: no OCI region to answer for (got ${JSON.stringify(options.region)})`);
    return answer(knownRegion);
  };
  const envOcpus = process.env[AVAILABLE_OCPUS_ENV];
  const availableOcpus = options.availableOcpus ?? (envOcpus !== undefined ? Number(envOcpus) : DEFAULT_AVAILABLE_OCPUS);
  if (!Number.isFinite(availableOcpus)) throw new Error(`${AVAILABLE_OCPUS_ENV} must be a number (got "${envOcpus}")`);
  const records: ResourceRecord[] = [];
  const madeUp = new Set<string>();
  /** Records every string leaf of a made-up answer, except the known-after-apply placeholders. */
  const made = <T>(value: T): T => {
    const walk = (v: unknown): void => {
      if (typeof v === "string" && !v.startsWith("(known after apply")) madeUp.add(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(value);
    return value;
  };

  // Region of each explicit OCI provider, so an invoke made through a provider for another
  // region (the DR region) is answered for that region.
  const providerRegions = new Map<string, OciRegion>();
  const calls: Record<string, (inputs: Record<string, any>, providerRegion?: OciRegion) => Record<string, unknown>> = {
    "oci:Identity/getAvailabilityDomains:getAvailabilityDomains": (inputs, providerRegion) => ({
      compartmentId: inputs.compartmentId,
      availabilityDomains: (providerRegion ? availabilityDomainNames(providerRegion) : regional(availabilityDomainNames)())
        .map((name) => ({ ...made({ name, id: `ocid1.availabilitydomain.oc1..${digest(name)}` }), compartmentId: inputs.compartmentId })),
    }),
    "oci:Limits/getResourceAvailability:getResourceAvailability": (inputs) => ({
      ...inputs,
      available: String(availableOcpus),
      used: "0",
      effectiveQuotaValue: availableOcpus,
      fractionalAvailability: availableOcpus,
      fractionalUsage: 0,
    }),
    "oci:Core/getInstances:getInstances": (inputs) => ({ ...inputs, instances: [] }),
    "oci:ObjectStorage/getNamespace:getNamespace": (inputs) => made({ namespace: `mockns${digest(String(inputs.compartmentId), 8)}` }),
    // Offline, nothing exists yet (no volume to resize) and the tenancy counts as subscribed to
    // every region: the DR preflight (stacks/dr-preflight.ts) only checks against real answers.
    "oci:Core/getVolumes:getVolumes": (inputs) => ({ ...inputs, volumes: [] }),
    "oci:Identity/getRegionSubscriptions:getRegionSubscriptions": (inputs) => ({
      ...inputs,
      regionSubscriptions: [...OCI_REGIONS.values()].map((r) => ({ regionName: r.id, regionKey: r.key, state: "READY", isHomeRegion: false, tenancyId: inputs.tenancyId })),
    }),
    "oci:Core/getServices:getServices": regional((region) => {
      const key = region.key.toLowerCase();
      return { services: [
        { id: `ocid1.service.oc1.${key}..${digest(`${key}-all`)}`, name: `All ${region.key} Services In Oracle Services Network`, cidrBlock: `all-${key}-services-in-oracle-services-network`, description: "All services" },
        { id: `ocid1.service.oc1.${key}..${digest(`${key}-os`)}`, name: `OCI ${region.key} Object Storage`, cidrBlock: `oci-${key}-objectstorage`, description: "Object Storage" },
      ] };
    }),
    ...options.calls,
  };

  const outputs: Record<string, (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>> = {
    "oci:Core/instance:Instance": (args) => ({ privateIp: mockPrivateIp(args.name), state: "RUNNING" }),
    // OCI decides whether an attachment is multipath when it attaches: the plan cannot know.
    "oci:Core/volumeAttachment:VolumeAttachment": (args) => ({ isMultipath: knownAfterApply(args.name, "isMultipath") }),
    "oci:LoadBalancer/loadBalancer:LoadBalancer": (args) => ({ ipAddressDetails: [{ ipAddress: mockPrivateIp(args.name), isPublic: args.inputs.isPrivate === false }] }),
    // A reserved public IP from TEST-NET-3 (RFC 5737), stable across runs.
    "oci:Core/publicIp:PublicIp": (args) => ({ ipAddress: `203.0.113.${(parseInt(digest(args.name, 2), 16) % 250) + 2}` }),
    "oci:ObjectStorage/bucket:Bucket": (args) => ({ bucketId: `ocid1.bucket.oc1..${digest(args.name)}` }),
    // IAM ARNs as AWS forms them (account 123456789012 is AWS's documentation example).
    "aws:iam/role:Role": (args) => ({ arn: `arn:aws:iam::123456789012:role/${args.inputs.name ?? args.name}` }),
    "aws:iam/policy:Policy": (args) => ({ arn: `arn:aws:iam::123456789012:policy/${args.inputs.name ?? args.name}` }),
    // Offline, a referenced stack has no outputs (the AWS-side stack reads the OCI stack's).
    "pulumi:pulumi:StackReference": () => ({ outputs: {} }),
    ...options.outputs,
  };

  const dynamicOutputs = new Map<string, string[]>();
  const placeholders = (args: pulumi.runtime.MockResourceArgs): Record<string, string> =>
    Object.fromEntries((dynamicOutputs.get(`${args.type}::${args.name}`) ?? []).filter((k) => !(k in args.inputs)).map((k) => [k, knownAfterApply(args.name, k)]));

  return {
    records,
    dynamicOutputs,
    madeUp,
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
      records.push({ type: args.type, name: args.name, custom: args.custom ?? false, inputs: args.inputs });
      const providerRegion = args.type === "pulumi:providers:oci" ? OCI_REGIONS.get(String(args.inputs.region)) : undefined;
      if (providerRegion) providerRegions.set(args.name, providerRegion);
      const id = args.custom ? made(`mock-${digest(`${args.type}::${args.name}`)}`) : undefined;
      return { id, state: { ...args.inputs, ...placeholders(args), ...made(outputs[args.type]?.(args) ?? {}) } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
      const answer = calls[args.token];
      if (!answer) throw new Error(`plan mocks: no answer for invoke ${args.token}; add one in scripts/plan/mocks.ts`);
      // A provider reference is `<urn>::<id>`; the provider's name is the last URN segment.
      const providerName = args.provider?.split("::")[3];
      return answer(args.inputs, providerName ? providerRegions.get(providerName) : undefined);
    },
  };
}
