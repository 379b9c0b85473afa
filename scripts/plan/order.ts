// The order `pulumi up` creates a stack's resources in: a topological order of the dependency
// edges the plan recorded (dependsOn and parent), ties broken by a fixed stage rank so the
// migration reads top to bottom: network, bucket, identity, cluster, data sync, hydration,
// validation, cutover, guard. The rank only breaks ties; an edge always wins over it.
import type { PlannedResource } from "./run";

/** Stages by type token, first match wins; unmatched types (providers, stack references) rank first. */
const STAGES: { stage: string; type: RegExp }[] = [
  { stage: "network", type: /^oci:Core\/(vcn|subnet|networkSecurityGroup|networkSecurityGroupSecurityRule|routeTable|securityList|serviceGateway|natGateway|internetGateway):|^tundra:oci:TenantNetwork$/ },
  { stage: "bucket", type: /^oci:ObjectStorage\/bucket:|^tundra:oci:TenantBucket$/ },
  { stage: "identity", type: /^oci:Identity\/|^tundra:oci:TundraIdentity$|^aws:iam\/|^tundra:aws:/ },
  { stage: "cluster", type: /^oci:(Core|LoadBalancer)\/|^tundra:oci:TundraCluster$/ },
  { stage: "data sync", type: /^pulumi-nodejs:dynamic\/datasync:/ },
  { stage: "hydration", type: /^pulumi-nodejs:dynamic\/hydration:|^tundra:hydration:|^oci:ObjectStorage\/storageObject:/ },
  { stage: "validation", type: /^tundra:validation:|^command:local:Command$/ },
  { stage: "cutover", type: /^pulumi-nodejs:dynamic\/cutover:|^pulumi-nodejs:dynamic:Resource$/ },
  { stage: "guard", type: /^pulumi-nodejs:dynamic\/decommission:|^tundra:decommission:/ },
];

export const STAGE_NAMES = ["setup", ...STAGES.map((s) => s.stage)] as const;

export function stageOf(type: string): string {
  return STAGES.find((s) => s.type.test(type))?.stage ?? "setup";
}

const rank = (type: string) => STAGE_NAMES.indexOf(stageOf(type));

/**
 * The resources in creation order: each after its parent and everything it depends on; among
 * those ready, the lower stage first, then by name. Edges to names not in the list are ignored;
 * a cycle (which the engine would refuse) leaves its members at the end, by rank.
 */
export function stageOrder<T extends Pick<PlannedResource, "type" | "name" | "parent"> & { dependsOn?: string[] }>(resources: readonly T[]): T[] {
  const names = new Set(resources.map((r) => r.name));
  const waitsFor = new Map(resources.map((r) => [r, [...(r.dependsOn ?? []), ...(r.parent ? [r.parent] : [])].filter((n) => names.has(n) && n !== r.name)]));
  const done = new Set<string>();
  const pending = [...resources].sort((a, b) => rank(a.type) - rank(b.type) || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type.localeCompare(b.type)));
  const ordered: T[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((r) => waitsFor.get(r)!.every((n) => done.has(n)));
    const next = pending.splice(i === -1 ? 0 : i, 1)[0];
    ordered.push(next);
    // A name is done once every resource of that name is placed (names are unique per type only).
    if (!pending.some((r) => r.name === next.name)) done.add(next.name);
  }
  return ordered;
}
