// What the migration stages of the tenant program (stacks/*-stage.ts) receive: the validated
// config and the OCI foundation declared before them, and what each stage hands back. Types
// only; stacks/tenant.ts builds them.
import type * as oci from "@pulumi/oci";
import type * as pulumi from "@pulumi/pulumi";
import type { DataSync } from "../components/datasync/data-sync";
import type { TenantBucket, TenantNetwork, TundraCluster, TundraIdentity } from "../components/oci";
import type { TenantReplication } from "../components/region";
import type { TenantConfig } from "./config";

/** What is known before the cluster is declared (for rendering the nodes' cloud-init). */
export interface Site {
  config: TenantConfig;
  /** The provider of the tenant's region. */
  provider: oci.Provider;
  /** The provider of the tenancy's home region (identity resources). */
  homeProvider: oci.Provider;
  namespace: string;
  bucketName: string;
  availabilityDomains: string[];
}

export interface Foundation extends Site {
  network: TenantNetwork;
  bucket: TenantBucket;
  identity: TundraIdentity;
  cluster: TundraCluster;
  /** Present when `tundra:dr` names a DR region. */
  replication?: TenantReplication;
}

/** A stage's typed resource (what later stages read and wait for) and its stack outputs. */
export interface Staged<R extends pulumi.Resource> {
  readonly resource: R;
  /** Exported under the stage's name. */
  readonly outputs: Record<string, pulumi.Input<unknown>>;
}

/** The data sync stage's DataSync (its manifestDigest is the generation), and the prefix of the tenant bucket it writes. */
export interface SyncedData extends Staged<DataSync> {
  readonly prefix: string;
}
