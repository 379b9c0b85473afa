// The DataSyncOciLocation resource: the OCI object-storage location the bulk copy's DataSync task
// writes to (token `pulumi-nodejs:dynamic/bulk:DataSyncOciLocation`; never deployed under another
// token, so no alias).
import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "../../dynamic/inputs";
import { outputSlots } from "../../dynamic/outputs";
import { dynamicResourceOptions, type DynamicType } from "../../dynamic/resource";
import { ociLocationProvider } from "./provider";
import type { OciLocationInputs } from "./spec";

const TYPE: DynamicType = { module: "bulk", type: "DataSyncOciLocation" };
/** No secret outputs: nothing it stores can quote a secret (the key stays in Secrets Manager). */
const SECRET_OUTPUTS: string[] = [];

export class DataSyncOciLocation extends pulumi.dynamic.Resource {
  declare readonly locationArn: pulumi.Output<string>;

  constructor(name: string, args: DeepInput<OciLocationInputs>, opts?: pulumi.CustomResourceOptions) {
    super(ociLocationProvider, name, { ...(args as object), ...outputSlots(["locationArn"]) }, dynamicResourceOptions(TYPE, opts, SECRET_OUTPUTS), TYPE.module, TYPE.type);
  }
}
