// The hydration stage of the tenant program: renders the nodes' cloud-init (before the cluster
// exists), uploads the agent bundle to the tenant bucket, and declares the Hydration resource
// that waits for every node to load DataSync's generation. Wire it in stacks/stages.ts:
//
//   export const migrationStages: MigrationStages = {
//     ...hydrationStages({ prefix: <the DataSync destination prefix> }),
//     dataSync: dataSyncStage, ...
//   };
import type * as pulumi from "@pulumi/pulumi";
import { DATA_DEVICE_PATH } from "../components/oci/cluster";
import { DEFAULT_CONTROL_PREFIX } from "../components/hydration/control";
import { HydrationAgentBundle } from "../components/hydration/agent-package";
import { Hydration } from "../components/hydration/hydration";
import { renderHydrationUserData } from "../components/hydration/userdata";
import type { Foundation, MigrationStages, PreClusterContext, StageName, StageResult } from "./stages";

export interface HydrationStageSettings {
  /** The data prefix in the tenant bucket: the DataSync destination prefix. */
  prefix: string;
  /** How long `pulumi up` waits for every node (default 480 s). */
  timeoutSeconds?: number;
  /** Parallel downloads per node (default 16). */
  concurrency?: number;
  /** Where generations live on a node (default /mnt/tundra, on the data volume). */
  dataRoot?: string;
  /** How often agents poll for a new generation (default 10 s). */
  pollSeconds?: number;
  /** npm registry (or mirror) the nodes install the agent's packages from. */
  npmRegistry?: string;
}

/**
 * The instance display names the agents report under (they read it from the instance metadata).
 * TundraCluster names instance i `tundra-<tenant>-<env>-<i>`.
 */
export function nodeDisplayNames(f: Foundation): string[] {
  return f.cluster.nodes.map((_, i) => `tundra-${f.config.tenant.id}-${f.config.tenant.env}-${i}`);
}

/** The DataSync resource of the data-sync stage: its manifestDigest is the generation. */
function dataSyncOf(prior: Partial<Record<StageName, StageResult>>): pulumi.Resource & { manifestDigest: pulumi.Output<string> } {
  const found = prior.dataSync?.resources.find((r): r is pulumi.Resource & { manifestDigest: pulumi.Output<string> } => "manifestDigest" in r);
  if (!found) throw new Error("The hydration stage needs the dataSync stage (a DataSync resource whose manifestDigest is the generation to load): wire dataSync in stacks/stages.ts.");
  if (found.manifestDigest === undefined) {
    // A class field without `declare` is re-initialised to undefined after the Resource
    // constructor has set it (ES2022 class fields): the output would silently be lost.
    throw new Error("The DataSync resource has no manifestDigest output at run time: declare its output fields with `declare readonly`, not `readonly x!:`.");
  }
  return found;
}

export function hydrationStages(settings: HydrationStageSettings): Pick<MigrationStages, "nodeUserData" | "hydration"> {
  return {
    nodeUserData: (ctx: PreClusterContext) =>
      renderHydrationUserData({
        region: ctx.config.tenant.region,
        namespace: ctx.namespace,
        bucket: ctx.bucketName,
        prefix: settings.prefix,
        controlPrefix: DEFAULT_CONTROL_PREFIX,
        dataDevice: DATA_DEVICE_PATH,
        ...(settings.dataRoot !== undefined ? { dataRoot: settings.dataRoot } : {}),
        ...(settings.pollSeconds !== undefined ? { pollSeconds: settings.pollSeconds } : {}),
        ...(settings.npmRegistry !== undefined ? { npmRegistry: settings.npmRegistry } : {}),
      }),

    hydration: (f: Foundation, prior): StageResult => {
      const dataSync = dataSyncOf(prior);
      const agent = new HydrationAgentBundle("hydration-agent", { namespace: f.namespace, bucket: f.bucket.bucketName }, {
        provider: f.provider,
        dependsOn: [f.bucket],
      });
      const hydration = new Hydration("hydration", {
        nodes: nodeDisplayNames(f),
        namespace: f.namespace,
        bucket: f.bucket.bucketName,
        region: f.config.tenant.region,
        prefix: settings.prefix,
        generation: dataSync.manifestDigest,
        ...(settings.timeoutSeconds !== undefined ? { timeoutSeconds: settings.timeoutSeconds } : {}),
        ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}),
      }, { dependsOn: [...(prior.dataSync?.resources ?? []), f.cluster, agent] });
      return {
        resources: [hydration],
        outputs: {
          generation: hydration.generation,
          transition: hydration.transition,
          complete: hydration.complete,
          nodeStatus: hydration.nodeStatus,
          agentBundle: agent.objectKey,
        },
      };
    },
  };
}
