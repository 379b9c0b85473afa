// HydrationAgentPackage: puts the agent bundle into the tenant bucket and renders the node user
// data that installs it. Create it before the cluster and pass `userData` to TundraCluster:
//
//   const agent = new HydrationAgentPackage("hydration-agent", { namespace, bucket, region, prefix,
//     dataDevice: DATA_DEVICE_PATH }, { parent: this });
//   new TundraCluster("cluster", { ..., userData: agent.userData });
//
// The user data pins the bundle's SHA-256, so the object key and the user data change together
// whenever the agent code changes (running nodes keep their agent: OCI applies user data at
// first boot only, and the cluster ignores metadata changes).
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_CONTROL_PREFIX } from "./control";
import { buildAgentBundle } from "./agent/bundle";
import { agentObjectKey, renderHydrationUserData, type HydrationUserDataArgs } from "./userdata";

export interface HydrationAgentPackageArgs {
  namespace: pulumi.Input<string>;
  bucket: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Data prefix the nodes load from (the DataSync destination prefix). */
  prefix: pulumi.Input<string>;
  controlPrefix?: string;
  dataRoot?: string;
  /** Data volume device to mount at dataRoot (TundraCluster's DATA_DEVICE_PATH). */
  dataDevice?: string;
  pollSeconds?: number;
  endpoint?: string;
  npmRegistry?: string;
}

export class HydrationAgentPackage extends pulumi.ComponentResource {
  /** cloud-init user data (plain text) for every node. */
  readonly userData: pulumi.Output<string>;
  /** Object key of the agent bundle in the bucket. */
  readonly agentObject: pulumi.Output<string>;
  readonly agentSha256: string;

  constructor(name: string, args: HydrationAgentPackageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:hydration:HydrationAgentPackage", name, {}, opts);
    const bundle = buildAgentBundle();
    const controlPrefix = args.controlPrefix ?? DEFAULT_CONTROL_PREFIX;
    const key = agentObjectKey(controlPrefix, bundle.sha256);
    this.agentSha256 = bundle.sha256;

    const object = new oci.objectstorage.StorageObject(`${name}-bundle`, {
      namespace: args.namespace,
      bucket: args.bucket,
      object: key,
      content: bundle.script,
      contentType: "application/javascript",
      contentMd5: require("crypto").createHash("md5").update(bundle.script).digest("base64"),
    }, { parent: this });
    this.agentObject = object.object;

    this.userData = pulumi
      .all([args.namespace, args.bucket, args.region, args.prefix])
      .apply(([namespace, bucket, region, prefix]) => {
        const render: HydrationUserDataArgs = { namespace, bucket, region, prefix, controlPrefix };
        for (const k of ["dataRoot", "dataDevice", "pollSeconds", "endpoint", "npmRegistry"] as const) {
          if (args[k] !== undefined) (render as unknown as Record<string, unknown>)[k] = args[k];
        }
        return renderHydrationUserData(render, bundle);
      });
    this.registerOutputs({ userData: this.userData, agentObject: this.agentObject, agentSha256: this.agentSha256 });
  }
}
