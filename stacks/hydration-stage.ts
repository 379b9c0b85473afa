// The hydration stage of the tenant program: renders the nodes' cloud-init (before the cluster
// exists), uploads the agent bundle to the tenant bucket, and declares the Hydration resource
// that waits for every node to load DataSync's generation. It runs whenever data sync does
// (`tundra:hydration` only tunes it).
import * as pulumi from "@pulumi/pulumi";
import { DATA_DEVICE_PATH } from "../components/oci/cluster";
import { DEFAULT_CONTROL_PREFIX } from "../components/hydration/control";
import { HydrationAgentBundle } from "../components/hydration/agent-package";
import { Hydration } from "../components/hydration/hydration";
import { renderHydrationUserData } from "../components/hydration/userdata";
import { UHP_MIN_VPUS } from "./config/cluster";
import type { Foundation, Site, Staged, SyncedData } from "./foundation";

/** The nodes' cloud-init, with data sync: needs only region, namespace and bucket name, known before the cluster. */
export function nodeUserData(site: Site): string | undefined {
  const { config } = site;
  if (!config.dataSync) return undefined;
  const settings = config.hydration ?? {};
  return renderHydrationUserData({
    region: config.tenant.region,
    namespace: site.namespace,
    bucket: site.bucketName,
    prefix: config.dataSync.destinationPrefix,
    controlPrefix: DEFAULT_CONTROL_PREFIX,
    dataDevice: DATA_DEVICE_PATH,
    // A private endpoint (tundra:endpoints.ociObjectStorage) for the agents too, not only the program.
    ...(config.endpoints?.ociObjectStorage !== undefined ? { endpoint: config.endpoints.ociObjectStorage } : {}),
    ...(settings.dataRoot !== undefined ? { dataRoot: settings.dataRoot } : {}),
    ...(settings.pollSeconds !== undefined ? { pollSeconds: settings.pollSeconds } : {}),
    ...(settings.nodeRuntimeUrl !== undefined && settings.nodeRuntimeSha256 !== undefined
      ? { nodeRuntime: { url: settings.nodeRuntimeUrl, sha256: settings.nodeRuntimeSha256 } }
      : {}),
  });
}

/** The agent bundle in the bucket and the Hydration resource, after the DataSync and the cluster. */
export function hydrate(f: Foundation, sync: SyncedData): Staged<Hydration> {
  const settings = f.config.hydration ?? {};
  const endpoint = f.config.endpoints?.ociObjectStorage;
  const agent = new HydrationAgentBundle("hydration-agent", { namespace: f.namespace, bucket: f.bucket.bucketName, region: f.config.tenant.region, ...(endpoint !== undefined ? { endpoint } : {}) }, {
    provider: f.provider,
    dependsOn: [f.bucket],
  });
  // The agents report under the instance display name (they read it from the instance metadata).
  const names = f.cluster.nodes.map((node) => node.displayName);
  const hydration = new Hydration("hydration", {
    nodes: names,
    namespace: f.namespace,
    bucket: f.bucket.bucketName,
    region: f.config.tenant.region,
    prefix: sync.prefix,
    generation: sync.resource.manifestDigest,
    // A UHP volume on a single-path attachment must not pass as ready (docs/hydration.md).
    requireMultipath: f.config.cluster.dataVolume.vpusPerGb >= UHP_MIN_VPUS,
    dataAttachmentMultipath: pulumi.all(f.cluster.nodes.map((n) => n.dataAttachmentMultipath))
      .apply((multipath) => Object.fromEntries(names.map((name, i) => [name, multipath[i]]))),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(settings.timeoutSeconds !== undefined ? { timeoutSeconds: settings.timeoutSeconds } : {}),
    ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}),
  }, { dependsOn: [sync.resource, f.cluster, agent] });
  return {
    resource: hydration,
    outputs: {
      generation: hydration.generation,
      transition: hydration.transition,
      complete: hydration.complete,
      nodeStatus: hydration.nodeStatus,
      agentBundle: agent.objectKey,
    },
  };
}
