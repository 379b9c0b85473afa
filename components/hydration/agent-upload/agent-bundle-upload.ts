// AgentBundleUpload: the agent bundle as an object in the tenant bucket, uploaded by the provider
// host. Its inputs name the object and the bundle (SHA-256, size); the 1.45 MB script itself is
// built in the host from the checkout, so it is in neither the plan nor the state.
import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "../../dynamic/inputs";
import { outputSlots } from "../../dynamic/outputs";
import { dynamicResourceOptions, type DynamicType } from "../../dynamic/resource";
import { agentBundleUploadProvider } from "./provider";
import type { AgentBundleUploadInputs } from "./spec";

/** A new resource: no earlier token. */
const TYPE: DynamicType = { module: "hydration", type: "AgentBundleUpload", previousTypes: [] };
/** Nothing it outputs quotes a secret (names, digests, a size). */
const SECRET_OUTPUTS: string[] = [];
const OUTPUTS = ["md5"] as const;

export type AgentBundleUploadArgs = { [K in keyof AgentBundleUploadInputs]: DeepInput<AgentBundleUploadInputs[K]> };

export class AgentBundleUpload extends pulumi.dynamic.Resource {
  declare readonly namespace: pulumi.Output<string>;
  declare readonly bucket: pulumi.Output<string>;
  declare readonly objectName: pulumi.Output<string>;
  declare readonly sha256: pulumi.Output<string>;
  declare readonly size: pulumi.Output<number>;
  /** Hex MD5 the service reported for what it stored. */
  declare readonly md5: pulumi.Output<string>;

  constructor(name: string, args: AgentBundleUploadArgs, opts?: pulumi.CustomResourceOptions) {
    super(agentBundleUploadProvider, name, { ...args, ...outputSlots(OUTPUTS) }, dynamicResourceOptions(TYPE, opts, SECRET_OUTPUTS), TYPE.module, TYPE.type);
  }
}
