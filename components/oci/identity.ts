// TundraIdentity: what the tenant's nodes may do as instance principals. The dynamic group
// matches only instances in the tenant compartment carrying the tenant's defined tag; every
// object grant is scoped to the tenant bucket. No users, API keys or secrets are created.
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { freeformTags, type DefinedTag, type TenantTagging } from "./tags";

export interface TundraIdentityArgs {
  /** Tenancy OCID: dynamic groups are tenancy-level (and the key grants attach there when the key is elsewhere). */
  tenancyId: string;
  compartmentId: string;
  tagging: TenantTagging;
  /** Defined tag marking the tenant's instances. */
  tenantTag: DefinedTag;
  bucketName: pulumi.Input<string>;
  /** Cluster region, for the Object Storage service principal `objectstorage-<region>`. */
  region: string;
  /** Vault key of the bucket, when one is configured, and its compartment. */
  kms?: { keyId: pulumi.Input<string>; compartmentId: string };
  /** Metrics namespace the nodes publish to. */
  metricsNamespace: string;
  /** IAM group allowed to run commands on the nodes (Run Command), if any. */
  operatorGroup?: string;
}

/** The dynamic group's matching rule: compartment AND tenant tag. */
export function nodeMatchingRule(compartmentId: string, tag: DefinedTag, tenant: string): string {
  return `ALL {instance.compartment.id = '${compartmentId}', tag.${tag.namespace}.${tag.key}.value = '${tenant}'}`;
}

export interface PolicyInputs {
  group: string;
  compartmentId: string;
  bucketName: string;
  region: string;
  metricsNamespace: string;
  kms?: { keyId: string; compartmentId: string };
  operatorGroup?: string;
}

/**
 * Grants on the bucket's Vault key: the nodes use it, and Object Storage encrypts with it. A
 * policy can name only the compartment it is attached to and those below it (Oracle IAM docs,
 * "How Policies Work", Policy Attachment and Policies and Compartment Hierarchies; "Locations",
 * https://docs.oracle.com/iaas/Content/Identity/policysyntax/location.htm), so these go in a
 * policy attached where it can name the key's compartment (`keyPolicyCompartment`).
 */
export function keyPolicyStatements(group: string, region: string, kms: { keyId: string; compartmentId: string }): string[] {
  const where = `in compartment id ${kms.compartmentId} where target.key.id = '${kms.keyId}'`;
  return [
    `Allow dynamic-group ${group} to use keys ${where}`,
    // Object Storage itself encrypts with the key (server-side encryption).
    `Allow service objectstorage-${region} to use keys ${where}`,
  ];
}

/**
 * Where the key grants are attached: with the node grants when the key is in the tenant
 * compartment (a policy names its own compartment), otherwise at the tenancy, the one
 * compartment above every other (the DR grant does the same: stacks/dr.ts).
 */
export function keyPolicyCompartment(tenancyId: string, compartmentId: string, keyCompartmentId: string): string | undefined {
  return keyCompartmentId === compartmentId ? undefined : tenancyId;
}

/** Least-privilege statements for the nodes (and the operators' Run Command grant); key grants only when the key shares their compartment. */
export function nodePolicyStatements(p: PolicyInputs): string[] {
  const inCompartment = `in compartment id ${p.compartmentId}`;
  const dg = `Allow dynamic-group ${p.group} to`;
  const bucket = `where target.bucket.name = '${p.bucketName}'`;
  return [
    `${dg} read buckets ${inCompartment} ${bucket}`,
    `${dg} read objects ${inCompartment} ${bucket}`,
    // Hydration receipts: the agents write their own status objects; create and overwrite only,
    // so a node can never delete (or version-purge) tenant data.
    `${dg} manage objects ${inCompartment} where all {target.bucket.name = '${p.bucketName}', any {request.permission = 'OBJECT_CREATE', request.permission = 'OBJECT_OVERWRITE'}}`,
    `${dg} use metrics ${inCompartment} where target.metrics.namespace = '${p.metricsNamespace}'`,
    `${dg} use log-content ${inCompartment}`,
    // Run Command: the agent on each node fetches and answers only its own commands.
    `${dg} use instance-agent-command-execution-family ${inCompartment} where request.instance.id = target.instance.id`,
    // Block Volume Management plugin: reports the multipath iSCSI setup of the UHP volumes.
    `${dg} use instances ${inCompartment} where request.instance.id = target.instance.id`,
    `${dg} use volume-attachments ${inCompartment}`,
    ...(p.kms && p.kms.compartmentId === p.compartmentId ? keyPolicyStatements(p.group, p.region, p.kms) : []),
    ...(p.operatorGroup ? [`Allow group ${p.operatorGroup} to manage instance-agent-command-family ${inCompartment}`] : []),
  ];
}

export class TundraIdentity extends pulumi.ComponentResource {
  readonly dynamicGroupName: pulumi.Output<string>;
  readonly policyId: pulumi.Output<string>;
  /** The key grants' own policy, when the Vault key is outside the tenant compartment. */
  readonly keyPolicy?: oci.identity.Policy;
  readonly matchingRule: pulumi.Output<string>;
  readonly statements: pulumi.Output<string[]>;

  constructor(name: string, args: TundraIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:oci:TundraIdentity", name, {}, opts);
    const { tenant, env } = args.tagging;
    const tags = freeformTags(args.tagging);
    const groupName = `tundra-${tenant}-${env}-nodes`;

    const matchingRule = pulumi.output(args.compartmentId).apply((c) => nodeMatchingRule(c, args.tenantTag, tenant));
    const group = new oci.identity.DynamicGroup(`${name}-nodes`, {
      compartmentId: args.tenancyId,
      name: groupName,
      description: `Tundra query nodes of tenant ${tenant} (${env})`,
      matchingRule,
      freeformTags: tags,
    }, { parent: this });

    const statements = pulumi
      .all([group.name, args.compartmentId, args.bucketName, args.kms?.keyId, args.kms?.compartmentId])
      .apply(([g, compartmentId, bucketName, keyId, keyCompartmentId]) =>
        nodePolicyStatements({
          group: g,
          compartmentId,
          bucketName,
          region: args.region,
          metricsNamespace: args.metricsNamespace,
          kms: keyId ? { keyId, compartmentId: keyCompartmentId ?? compartmentId } : undefined,
          operatorGroup: args.operatorGroup,
        }),
      );
    const policy = new oci.identity.Policy(`${name}-nodes-policy`, {
      compartmentId: args.compartmentId,
      name: groupName,
      description: `Least privilege for the Tundra query nodes of tenant ${tenant} (${env})`,
      statements,
      freeformTags: tags,
    }, { parent: this });

    // A key in another compartment: its grants in a policy of their own, attached where a policy
    // can name the key's compartment.
    const keyPolicyAt = args.kms ? keyPolicyCompartment(args.tenancyId, args.compartmentId, args.kms.compartmentId) : undefined;
    if (args.kms && keyPolicyAt) {
      const kms = args.kms;
      this.keyPolicy = new oci.identity.Policy(`${name}-key-policy`, {
        compartmentId: keyPolicyAt,
        name: `${groupName}-key`,
        description: `Vault key grants for the Tundra query nodes of tenant ${tenant} (${env}); the key is outside the tenant compartment`,
        statements: pulumi.all([group.name, kms.keyId]).apply(([g, keyId]) => keyPolicyStatements(g, args.region, { keyId, compartmentId: kms.compartmentId })),
        freeformTags: tags,
      }, { parent: this });
    }

    this.dynamicGroupName = group.name;
    this.policyId = policy.id;
    this.matchingRule = matchingRule;
    this.statements = statements;
    this.registerOutputs({ dynamicGroupName: this.dynamicGroupName, policyId: this.policyId, matchingRule, statements });
  }
}
