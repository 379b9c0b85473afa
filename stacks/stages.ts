// The seam where the migration stages plug into the tenant program, in the order `pulumi up`
// runs them: data sync -> hydration -> validation -> cutover. Each stage receives the
// foundation (network, bucket, identity, cluster) and the results of the stages before it,
// and returns the resources the next stage must wait for plus its stack outputs.
//
// To wire a stage: import its function here and set it in `migrationStages` (one line).
import type * as oci from "@pulumi/oci";
import type * as pulumi from "@pulumi/pulumi";
import type { TenantNetwork, TenantBucket, TundraCluster, TundraIdentity } from "../components/oci";
import type { TenantReplication } from "../components/region";
import type { TenantConfig } from "./config";
import { dataSyncStage } from "../components/datasync/stage";
import { cutoverStage } from "./cutover-stage";
import { hydrationStage, hydrationUserData } from "./hydration-stage";
import { validationStage } from "./validation-stage";

/** What is known before the cluster is declared (for rendering the nodes' cloud-init). */
export interface PreClusterContext {
  config: TenantConfig;
  provider: oci.Provider;
  namespace: string;
  bucketName: string;
  availabilityDomains: string[];
}

export interface Foundation extends PreClusterContext {
  network: TenantNetwork;
  bucket: TenantBucket;
  identity: TundraIdentity;
  cluster: TundraCluster;
  /** Present when `tundra:dr` names a DR region. */
  replication?: TenantReplication;
}

export interface StageResult {
  /** Resources the next stage depends on (its `dependsOn`). */
  resources: pulumi.Resource[];
  /** Stack outputs of this stage, exported under the stage's name. */
  outputs: Record<string, pulumi.Input<unknown>>;
}

export const STAGE_ORDER = ["dataSync", "hydration", "validation", "cutover"] as const;
export type StageName = (typeof STAGE_ORDER)[number];

export type Stage = (foundation: Foundation, prior: Partial<Record<StageName, StageResult>>) => StageResult | undefined;

export interface MigrationStages extends Partial<Record<StageName, Stage>> {
  /** cloud-init user data for the query nodes (plain text); the hydration stage renders it. */
  nodeUserData?: (ctx: PreClusterContext) => pulumi.Input<string> | undefined;
}

export const migrationStages: MigrationStages = {
  // The nodes' cloud-init installs the hydration agent once data sync is configured.
  nodeUserData: (ctx) =>
    ctx.config.dataSync ? hydrationUserData(ctx, ctx.config.hydration ?? {}, ctx.config.dataSync.destinationPrefix) : undefined,
  dataSync: (f) => (f.config.dataSync ? dataSyncStage(f, f.config.dataSync) : undefined),
  hydration: (f, prior) =>
    f.config.dataSync ? hydrationStage(f, prior, f.config.hydration ?? {}, f.config.dataSync.destinationPrefix) : undefined,
  validation: validationStage,
  cutover: cutoverStage,
};
