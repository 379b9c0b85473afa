// The Tundra policy rules as plain functions over a small resource shape, so the same code runs
// in the CrossGuard pack (policy/pack.ts, during `pulumi preview/up --policy-pack policy`) and
// over the offline plan (`checkPlanResources`, printed by `npm run plan`). What a rule needs to
// know about the stack (a customer key, a public load balancer) comes in a StackPolicyContext:
// from the stack config for the plan (policy/context.ts), from the pack's policy config in
// CrossGuard (the same context, written by scripts/policy-config.ts).
import { FLEX_SHAPES } from "../components/oci/shapes";
import { UHP_MIN_VPUS } from "../stacks/config/cluster";
import { uhpNeedsMultipath } from "../stacks/config/rules";
import { findCredentials } from "../stacks/config/credentials";

export interface PolicyResource {
  type: string;
  name: string;
  /** The resource's inputs as the engine receives them. */
  props: Record<string, unknown>;
  /**
   * Lifecycle options. `retainOnDelete` is undefined when the caller cannot see it: CrossGuard's
   * AnalyzerResourceOptions (@pulumi/policy 1.21.0 with @pulumi/pulumi 3.248.0) carries `protect`
   * but not `retainOnDelete`; the offline plan sees both.
   */
  options: { protect: boolean; retainOnDelete?: boolean };
}

/** What the rules need to know about the stack; every field defaults to the strict reading. */
export interface StackPolicyContext {
  /** `tundra:bucket.kmsKeyId`: the Vault key the tenant bucket must be encrypted with. */
  customerKeyId?: string;
  /** `tundra:dr.kmsKeyId`: the Vault key of the DR (replication destination) bucket. */
  drCustomerKeyId?: string;
  /** `tundra:loadBalancer.visibility: public`. */
  allowPublicLoadBalancer: boolean;
  /**
   * `tundra:protection.tenantData: retain`: a tenant data resource without `protect` passes where
   * `retainOnDelete` cannot be seen (CrossGuard); the plan still checks that it is set.
   */
  tenantDataRetained: boolean;
}

export const STRICT_CONTEXT: StackPolicyContext = { allowPublicLoadBalancer: false, tenantDataRetained: false };

export interface Violation {
  rule: string;
  /** Name of the resource at fault; absent for a finding about the whole stack. */
  resource?: string;
  message: string;
}

type Finding = { resource?: string; message: string };

export interface PolicyRule {
  /** CrossGuard policy name (lower-case, dashes). */
  name: string;
  description: string;
  /** Context fields the rule reads: they become the policy's config in the pack. */
  reads: (keyof StackPolicyContext)[];
  /** Per resource (CrossGuard validateResource) ... */
  checkResource?: (r: PolicyResource, ctx: StackPolicyContext) => string[];
  /** ... or over the whole stack (validateStack). */
  checkStack?: (resources: PolicyResource[], ctx: StackPolicyContext) => Finding[];
}

export const TYPES = {
  instance: "oci:Core/instance:Instance",
  vnicAttachment: "oci:Core/vnicAttachment:VnicAttachment",
  publicIp: "oci:Core/publicIp:PublicIp",
  volume: "oci:Core/volume:Volume",
  bucket: "oci:ObjectStorage/bucket:Bucket",
  loadBalancer: "oci:LoadBalancer/loadBalancer:LoadBalancer",
} as const;

/** `tundra-role` freeform tag (components/oci/tags.ts) of the DR bucket, a replication destination. */
const DR_BUCKET_ROLE = "disaster-recovery";
/** Inputs that are code, not data: a dynamic resource's serialized provider. */
const CODE_INPUTS = new Set(["__provider"]);

const role = (r: PolicyResource): unknown => (r.props.freeformTags as Record<string, unknown> | undefined)?.["tundra-role"];
/** Several @pulumi/oci inputs are strings where a boolean or number is meant (FACTS.md). */
const isFalse = (v: unknown) => v === false || v === "false";
const isTrue = (v: unknown) => v === true || v === "true";

const noPublicIpOnNodes: PolicyRule = {
  name: "no-public-ip-on-nodes",
  description: "Tundra nodes get no public IP: every VNIC says assignPublicIp false, and no public IP is bound to a private IP.",
  reads: [],
  checkResource: (r) => {
    if (r.type === TYPES.instance || r.type === TYPES.vnicAttachment) {
      const vnic = r.props.createVnicDetails as Record<string, unknown> | undefined;
      // Omitted, OCI assigns a public IP on a public subnet: the value must be explicit.
      return isFalse(vnic?.assignPublicIp) ? [] : [`createVnicDetails.assignPublicIp must be false (got ${JSON.stringify(vnic?.assignPublicIp)}): nodes are reached through the private load balancer only`];
    }
    if (r.type === TYPES.publicIp && r.props.privateIpId !== undefined) {
      return ["binds a public IP to a private IP (a node's VNIC): nodes get no public IP"];
    }
    return [];
  },
};

const tenantBuckets: PolicyRule = {
  name: "tenant-buckets-private-versioned-tiered",
  description: "Tenant buckets are private, versioned and auto-tiered, encrypted with the stack's Vault key when it sets one.",
  reads: ["customerKeyId", "drCustomerKeyId"],
  checkResource: (r, ctx) => {
    if (r.type !== TYPES.bucket) return [];
    const problems: string[] = [];
    if (r.props.accessType !== "NoPublicAccess") problems.push(`accessType must be NoPublicAccess (got ${JSON.stringify(r.props.accessType)})`);
    // The DR bucket is a replication destination: read-only, written only by replication
    // (Oracle, "Using Replication"), so versioning and tiering are the source bucket's business.
    const isDr = role(r) === DR_BUCKET_ROLE;
    if (!isDr) {
      if (r.props.versioning !== "Enabled") problems.push(`versioning must be Enabled (got ${JSON.stringify(r.props.versioning)})`);
      if (r.props.autoTiering !== "InfrequentAccess") problems.push(`autoTiering must be InfrequentAccess (got ${JSON.stringify(r.props.autoTiering)})`);
    }
    const key = isDr ? ctx.drCustomerKeyId : ctx.customerKeyId;
    if (key !== undefined && r.props.kmsKeyId !== key) {
      problems.push(`kmsKeyId must be the stack's Vault key ${key} (${isDr ? "tundra:dr.kmsKeyId" : "tundra:bucket.kmsKeyId"}) (got ${JSON.stringify(r.props.kmsKeyId)})`);
    }
    return problems;
  },
};

const vpusOf = (r: PolicyResource) => Number(r.props.vpusPerGb);

const uhpOnMultipathShapes: PolicyRule = {
  name: "data-volumes-uhp-on-multipath-shapes",
  description: `Data volumes are Ultra High Performance (>= ${UHP_MIN_VPUS} VPUs/GB) and the nodes' shape gets multipath-enabled attachments (stacks/shapes.ts).`,
  reads: [],
  checkStack: (resources) => {
    const volumes = resources.filter((r) => r.type === TYPES.volume);
    const findings: Finding[] = volumes
      .filter((v) => !(vpusOf(v) >= UHP_MIN_VPUS))
      .map((v) => ({ resource: v.name, message: `vpusPerGb must be at least ${UHP_MIN_VPUS} (Ultra High Performance) (got ${JSON.stringify(v.props.vpusPerGb)})` }));
    const uhp = volumes.filter((v) => vpusOf(v) >= UHP_MIN_VPUS);
    if (uhp.length === 0) return findings;
    // The cluster is one shape: a UHP volume on any node asks every node for multipath.
    const vpusPerGb = Math.max(...uhp.map(vpusOf));
    for (const node of resources.filter((r) => r.type === TYPES.instance)) {
      const shape = String(node.props.shape);
      const ocpus = Number((node.props.shapeConfig as Record<string, unknown> | undefined)?.ocpus);
      if (!FLEX_SHAPES[shape]) {
        findings.push({ resource: node.name, message: `shape ${shape} is not in stacks/shapes.ts: whether it gets multipath attachments for UHP volumes is unknown` });
        continue;
      }
      for (const issue of uhpNeedsMultipath({ cluster: { shape, ocpus, dataVolume: { sizeInGbs: 0, vpusPerGb } } })) {
        findings.push({ resource: node.name, message: issue.message });
      }
    }
    return findings;
  },
};

const nodesSpread: PolicyRule = {
  name: "nodes-spread-over-ads-or-fault-domains",
  description: "The nodes are spread over at least two availability domains or fault domains.",
  reads: [],
  checkStack: (resources) => {
    const nodes = resources.filter((r) => r.type === TYPES.instance);
    if (nodes.length === 0) return [];
    const ads = new Set(nodes.map((n) => n.props.availabilityDomain));
    const faultDomains = new Set(nodes.map((n) => `${n.props.availabilityDomain}/${n.props.faultDomain}`));
    if (ads.size >= 2 || faultDomains.size >= 2) return [];
    return [{ message: `all ${nodes.length} node(s) are in one fault domain (${[...faultDomains].join(", ")}): one AD or fault-domain failure takes the cluster down; run at least 2 nodes` }];
  },
};

const noKeyMaterial: PolicyRule = {
  name: "no-key-material-in-inputs",
  description: "No resource input holds key material: private keys, access keys, passwords, credentials in URLs.",
  reads: [],
  checkResource: (r) => {
    const data = Object.fromEntries(Object.entries(r.props).filter(([k]) => !CODE_INPUTS.has(k)));
    // findCredentials speaks of stack config; here the finding is about a resource input.
    return findCredentials(data).map((f) => {
      // "looks like <what>: credentials never go in stack config ..." (<what> may hold a colon itself).
      const what = /^(looks like .*?): credentials never go/.exec(f.reason)?.[1] ?? "its name says it holds a credential";
      return `${f.path.map(String).join(".")} ${what}: key material never goes into a resource input (inputs are stored in the state); use instance principals or a Vault secret reference`;
    });
  },
};

const loadBalancerPrivate: PolicyRule = {
  name: "load-balancer-private",
  description: "The load balancer is private unless the stack allows a public one (tundra:loadBalancer.visibility: public).",
  reads: ["allowPublicLoadBalancer"],
  checkResource: (r, ctx) => {
    if (r.type !== TYPES.loadBalancer || ctx.allowPublicLoadBalancer) return [];
    // Omitted, OCI creates a public load balancer.
    return isTrue(r.props.isPrivate) ? [] : [`isPrivate must be true (got ${JSON.stringify(r.props.isPrivate)}): set tundra:loadBalancer.visibility: public to allow a public one`];
  },
};

const tenantDataProtected: PolicyRule = {
  name: "tenant-data-protected",
  description: "Tenant data (buckets, data volumes) is protected from deletion: protect or retainOnDelete.",
  reads: ["tenantDataRetained"],
  checkResource: (r, ctx) => {
    if (r.type !== TYPES.bucket && r.type !== TYPES.volume) return [];
    const { protect, retainOnDelete } = r.options;
    if (protect || retainOnDelete === true || (retainOnDelete === undefined && ctx.tenantDataRetained)) return [];
    return ["tenant data must be protected from deletion: set tundra:protection.tenantData to protect (default) or retain"];
  },
};

export const POLICY_RULES: readonly PolicyRule[] = [noPublicIpOnNodes, tenantBuckets, uhpOnMultipathShapes, nodesSpread, noKeyMaterial, loadBalancerPrivate, tenantDataProtected];

/** Every rule over every resource. */
export function checkResources(resources: PolicyResource[], ctx: StackPolicyContext = STRICT_CONTEXT): Violation[] {
  return POLICY_RULES.flatMap((rule) => [
    ...(rule.checkResource ? resources.flatMap((r) => rule.checkResource!(r, ctx).map((message) => ({ rule: rule.name, resource: r.name, message }))) : []),
    ...(rule.checkStack ? rule.checkStack(resources, ctx).map((f) => ({ rule: rule.name, ...f })) : []),
  ]);
}

/** A resource of the offline plan (scripts/plan/run.ts PlannedResource), structurally. */
export interface PlanResourceLike {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  options?: { protect?: boolean; retainOnDelete?: boolean };
}

/** The rules over the offline plan's resources; the plan sees retainOnDelete, so it is never unknown here. */
export function checkPlanResources(resources: readonly PlanResourceLike[], ctx: StackPolicyContext = STRICT_CONTEXT): Violation[] {
  return checkResources(
    resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs, options: { protect: r.options?.protect === true, retainOnDelete: r.options?.retainOnDelete === true } })),
    ctx,
  );
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `[${v.rule}] ${v.resource ? `${v.resource}: ` : ""}${v.message}`).join("\n");
}
