// Human-readable plan: resources nested under their parents, with the inputs a reviewer looks
// at first for each type.
import type { Plan, PlannedResource } from "./run";

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
};

/** Long values (an embedded bundle, a policy document) are cut in the tree; --json keeps them whole. */
const MAX_VALUE_CHARS = 240;

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS)}... (${text.length} chars)`;
}

function summary(r: PlannedResource): string {
  const keys = KEY_INPUTS[r.type] ?? Object.keys(r.inputs).filter((k) => typeof r.inputs[k] !== "object").slice(0, 3);
  return keys
    .filter((k) => r.inputs[k] !== undefined)
    .map((k) => `${k}=${shown(r.inputs[k])}`)
    .join(" ");
}

export function formatPlanTree(plan: Plan): string {
  const children = new Map<string | null, PlannedResource[]>();
  for (const r of plan.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const lines = [`stack ${plan.stack}: ${plan.resources.length} resources`];
  const walk = (parent: string | null, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const flags = Object.keys(r.options ?? {}).map((o) => `[${o}]`).join(" ");
      lines.push(`${indent}${last ? "└─" : "├─"} ${r.type} ${r.name}${flags ? ` ${flags}` : ""}  ${summary(r)}`.trimEnd());
      walk(r.name, `${indent}${last ? "   " : "│  "}`);
    });
  };
  walk(null, "");
  return `${lines.join("\n")}\n`;
}
