// HydrationAgentBundle: puts the agent bundle into the tenant bucket, where the nodes' boot step
// fetches it (the user data pins its SHA-256; see userdata.ts). The user data itself is rendered
// before the cluster exists (renderHydrationUserData needs no resource); this object only has to
// exist before the agents can start, and nodes that boot earlier retry every 10 s until it does.
//
//   const bundle = new HydrationAgentBundle("hydration-agent", { namespace, bucket, region }, { dependsOn: [bucketResource] });
//   new TundraCluster("cluster", { ..., userData: renderHydrationUserData({...}) });
//
// A new agent build means a new key (`<controlPrefix>agent/<sha256>.js`): a replace, while
// nodes already booted keep the agent they fetched (OCI applies user data at first boot only).
// The program builds the bundle only for its SHA-256 and size: the upload (AgentBundleUpload)
// builds it again in the provider host, so the script is in neither the plan nor the state.
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_CONTROL_PREFIX } from "./control";
import { buildAgentBundle } from "./agent/bundle";
import { AgentBundleUpload } from "./agent-upload/agent-bundle-upload";
import { agentObjectKey } from "./userdata";

export interface HydrationAgentBundleArgs {
  namespace: pulumi.Input<string>;
  bucket: pulumi.Input<string>;
  /** The bucket's region (the tenant's region). */
  region: pulumi.Input<string>;
  /** Must match the user data's controlPrefix (default "_tundra/hydration/"). */
  controlPrefix?: string;
  /** Object Storage endpoint override (tundra:endpoints.ociObjectStorage). */
  endpoint?: string;
}

export class HydrationAgentBundle extends pulumi.ComponentResource {
  /** Object key of the agent bundle in the bucket. */
  readonly objectKey: string;
  readonly sha256: string;

  constructor(name: string, args: HydrationAgentBundleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:hydration:HydrationAgentBundle", name, {}, opts);
    const bundle = buildAgentBundle();
    this.sha256 = bundle.sha256;
    this.objectKey = agentObjectKey(args.controlPrefix ?? DEFAULT_CONTROL_PREFIX, bundle.sha256);
    new AgentBundleUpload(`${name}-upload`, {
      namespace: args.namespace,
      bucket: args.bucket,
      region: args.region,
      ...(args.endpoint !== undefined ? { endpoint: args.endpoint } : {}),
      objectName: this.objectKey,
      sha256: bundle.sha256,
      size: Buffer.byteLength(bundle.script, "utf8"),
      // A component's dependsOn does not reach its children: pass it on (the bucket must exist).
    }, { parent: this, dependsOn: opts?.dependsOn });
    this.registerOutputs({ objectKey: this.objectKey, sha256: this.sha256 });
  }
}
