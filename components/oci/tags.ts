// Tags every tenant resource carries. Freeform tags are for people and cost reports; the
// defined tag `<namespace>.<key> = <tenant>` is what the dynamic group matches.
import type * as pulumi from "@pulumi/pulumi";

export interface TenantTagging {
  tenant: string;
  env: string;
  /** Extra freeform tags from `tundra:tags`. */
  extra?: Record<string, string>;
}

export function freeformTags(t: TenantTagging, role?: string): Record<string, string> {
  return { ...t.extra, "tundra-tenant": t.tenant, "tundra-env": t.env, ...(role ? { "tundra-role": role } : {}) };
}

export interface DefinedTag {
  namespace: string;
  key: string;
}

export function tenantDefinedTag(tag: DefinedTag, tenant: string): pulumi.Input<Record<string, pulumi.Input<string>>> {
  return { [`${tag.namespace}.${tag.key}`]: tenant };
}
