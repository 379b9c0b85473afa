// Human-readable plan: resources in creation order, with the inputs a reviewer looks at first
// for each type and the dependency edges.
import type { Plan, PlannedResource } from "./run";
import { stageOf, stageOrder } from "./order";
import { showValue, type ShowOptions } from "./values";

const KEY_INPUTS: Record<string, string[]> = {
  "pulumi:providers:oci": ["region", "auth"],
  "oci:Core/vcn:Vcn": ["cidrBlocks"],
  "oci:Core/subnet:Subnet": ["cidrBlock", "prohibitPublicIpOnVnic"],
  "oci:Core/instance:Instance": ["availabilityDomain", "faultDomain", "shape", "shapeConfig"],
  "oci:Core/volume:Volume": ["availabilityDomain", "sizeInGbs", "vpusPerGb"],
  "oci:Core/volumeAttachment:VolumeAttachment": ["attachmentType", "device"],
  "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule": ["direction", "description"],
  "oci:ObjectStorage/bucket:Bucket": ["name", "accessType", "autoTiering", "versioning"],
  "oci:Identity/dynamicGroup:DynamicGroup": ["name", "matchingRule"],
  "oci:Identity/policy:Policy": ["name", "statements"],
  "oci:LoadBalancer/loadBalancer:LoadBalancer": ["shape", "shapeDetails", "isPrivate", "reservedIps"],
  "oci:Core/publicIp:PublicIp": ["lifetime", "displayName"],
  "oci:LoadBalancer/backendSet:BackendSet": ["policy", "healthChecker"],
  "oci:LoadBalancer/listener:Listener": ["port", "protocol"],
  "oci:LoadBalancer/backend:Backend": ["ipAddress", "port"],
  "oci:ObjectStorage/storageObject:StorageObject": ["bucket", "object", "contentMd5"],
  "command:local:Command": ["create", "dir"],
  "pulumi-nodejs:dynamic:Resource": ["recordName", "targetOciPercent", "steps", "bake"],
  "pulumi-nodejs:dynamic/datasync:DataSync": ["source", "destination", "generation"],
  "pulumi-nodejs:dynamic/hydration:Hydration": ["nodes", "bucket", "prefix", "generation"],
  "pulumi-nodejs:dynamic/hydration:AgentBundleUpload": ["bucket", "objectName", "sha256", "size"],
  // The source from this stack's config; the rest from the OCI stack's outputs (null, and named in
  // ociStack.missing, until that stack exports them).
  "pulumi-nodejs:dynamic/decommission:DecommissionGuard": ["source", "route53", "destination", "ociStack"],
};

function summary(r: PlannedResource, options: ShowOptions): string {
  const keys = KEY_INPUTS[r.type] ?? Object.keys(r.inputs).filter((k) => typeof r.inputs[k] !== "object").slice(0, 3);
  return keys
    .filter((k) => r.inputs[k] !== undefined && ![LISTED_ONE_PER_LINE, LARGE_INPUTS, POLICY_DOCUMENTS].some((own) => (own[r.type] ?? []).includes(k)))
    .map((k) => `${k}=${showValue(r.inputs[k], options)}`)
    .join(" ");
}

/** Inputs shown in full, one element per line, under the resource (IAM policy statements). */
const LISTED_ONE_PER_LINE: Record<string, string[]> = {
  "oci:Identity/policy:Policy": ["statements"],
};

/** Inputs that are large by nature: always listed, summarised as size and hash unless --full. */
const LARGE_INPUTS: Record<string, string[]> = {
  "oci:Core/instance:Instance": ["metadata"],
};

/** AWS IAM policy documents (JSON in a string): each statement in full, one per line. */
const POLICY_DOCUMENTS: Record<string, string[]> = {
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:iam/policy:Policy": ["policy"],
};

function policyStatementLines(document: unknown, key: string, show: ShowOptions): string[] {
  try {
    const statements = (JSON.parse(String(document)) as { Statement?: unknown }).Statement;
    if (Array.isArray(statements)) return statements.map((st, i) => `      ${key}.Statement[${i}]: ${JSON.stringify(st)}`);
  } catch {
    // not JSON (a value only known after apply): shown as it is
  }
  return [`      ${key}: ${showValue(document, show)}`];
}

/**
 * The stack as `pulumi up` creates it (scripts/plan/order.ts), stage by stage; each resource
 * with its key inputs, its parent and what it waits for. Values only the mocks made up are
 * marked `(mock)`; large values are size and SHA-256 unless `full`.
 */
export function formatPlanTree(plan: Plan, options: Pick<ShowOptions, "full"> = {}): string {
  const show: ShowOptions = { ...options, mockValues: plan.mockValues ?? [] };
  const lines = [`stack ${plan.stack}: ${plan.resources.length} resources, in the order \`pulumi up\` creates them`];
  if (show.mockValues!.length > 0) lines.push("(mock): a value the plan mocks made up (ids, IPs, namespace, AD names); the cloud answers otherwise");
  let stage = "";
  for (const r of stageOrder(plan.resources)) {
    if (stageOf(r.type) !== stage) {
      stage = stageOf(r.type);
      lines.push(`[${stage}]`);
    }
    const flags = Object.keys(r.options ?? {}).map((o) => `[${o}]`).join(" ");
    lines.push(`  ${r.type} ${r.name}${flags ? ` ${flags}` : ""}  ${summary(r, show)}`.trimEnd());
    for (const key of LARGE_INPUTS[r.type] ?? []) if (r.inputs[key] !== undefined) lines.push(`      ${key}: ${showValue(r.inputs[key], show)}`);
    for (const key of POLICY_DOCUMENTS[r.type] ?? []) if (r.inputs[key] !== undefined) lines.push(...policyStatementLines(r.inputs[key], key, show));
    for (const key of LISTED_ONE_PER_LINE[r.type] ?? []) {
      const list = r.inputs[key];
      if (Array.isArray(list)) list.forEach((item, i) => lines.push(`      ${key}[${i}]: ${typeof item === "string" ? item : showValue(item, show)}`));
    }
    const edges = [...(r.parent ? [`in ${r.parent}`] : []), ...((r.dependsOn ?? []).length > 0 ? [`after ${r.dependsOn.join(", ")}`] : [])];
    if (edges.length > 0) lines.push(`      ${edges.join("; ")}`);
  }
  return `${lines.join("\n")}\n`;
}
