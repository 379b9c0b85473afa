// The hydration stage of the tenant program: renders the nodes' cloud-init (before the cluster
// exists), uploads the agent bundle to the tenant bucket, and declares the Hydration resource
// that waits for every node to load DataSync's generation. Wire it in stacks/stages.ts (after
// adding `hydration: hydrationSchema` from ./config/hydration to SECTIONS):
//
//   nodeUserData: (ctx) => ctx.config.dataSync
//     ? hydrationUserData(ctx, ctx.config.hydration ?? {}, ctx.config.dataSync.destinationPrefix) : undefined,
//   hydration: (f, prior) => f.config.dataSync
//     ? hydrationStage(f, prior, f.config.hydration ?? {}, f.config.dataSync.destinationPrefix) : undefined,
import * as pulumi from "@pulumi/pulumi";
import { DATA_DEVICE_PATH } from "../components/oci/cluster";
import { DEFAULT_CONTROL_PREFIX } from "../components/hydration/control";
import { HydrationAgentBundle } from "../components/hydration/agent-package";
import { Hydration } from "../components/hydration/hydration";
import { renderHydrationUserData } from "../components/hydration/userdata";
import type { HydrationSection } from "./config/hydration";
import { UHP_MIN_VPUS } from "./config/cluster";
import type { Foundation, PreClusterContext, StageName, StageResult } from "./stages";

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

/** The nodes' cloud-init: needs only region, namespace and bucket name, known before the cluster. */
export function hydrationUserData(ctx: PreClusterContext, settings: NonNullable<HydrationSection>, dataPrefix: string): string {
  return renderHydrationUserData({
    region: ctx.config.tenant.region,
    namespace: ctx.namespace,
    bucket: ctx.bucketName,
    prefix: dataPrefix,
    controlPrefix: DEFAULT_CONTROL_PREFIX,
    dataDevice: DATA_DEVICE_PATH,
    ...(settings.dataRoot !== undefined ? { dataRoot: settings.dataRoot } : {}),
    ...(settings.pollSeconds !== undefined ? { pollSeconds: settings.pollSeconds } : {}),
    ...(settings.nodeRuntimeUrl !== undefined && settings.nodeRuntimeSha256 !== undefined
      ? { nodeRuntime: { url: settings.nodeRuntimeUrl, sha256: settings.nodeRuntimeSha256 } }
      : {}),
  });
}

/** The agent bundle in the bucket and the Hydration resource, after DataSync and the cluster. */
export function hydrationStage(
  f: Foundation,
  prior: Partial<Record<StageName, StageResult>>,
  settings: NonNullable<HydrationSection>,
  dataPrefix: string,
): StageResult {
  const dataSync = dataSyncOf(prior);
  const agent = new HydrationAgentBundle("hydration-agent", { namespace: f.namespace, bucket: f.bucket.bucketName, region: f.config.tenant.region }, {
    provider: f.provider,
    dependsOn: [f.bucket],
  });
  const names = nodeDisplayNames(f);
  const hydration = new Hydration("hydration", {
    nodes: names,
    namespace: f.namespace,
    bucket: f.bucket.bucketName,
    region: f.config.tenant.region,
    prefix: dataPrefix,
    generation: dataSync.manifestDigest,
    // A UHP volume on a single-path attachment must not pass as ready (docs/hydration.md).
    requireMultipath: f.config.cluster.dataVolume.vpusPerGb >= UHP_MIN_VPUS,
    dataAttachmentMultipath: pulumi.all(f.cluster.nodes.map((n) => n.dataAttachmentMultipath))
      .apply((multipath) => Object.fromEntries(names.map((name, i) => [name, multipath[i]]))),
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
}
