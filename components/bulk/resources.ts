// The two dynamic resources of the bulk copy: the OCI location DataSync writes to, and the task
// execution that copies (tokens `pulumi-nodejs:dynamic/bulk:<Type>`; never deployed under
// another token, so no alias).
import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "../dynamic/inputs";
import { outputSlots } from "../dynamic/outputs";
import { dynamicResourceOptions, type DynamicType } from "../dynamic/resource";
import { bulkExecutionProvider, ociLocationProvider } from "./provider";
import type { BulkExecutionInputs, OciLocationInputs } from "./spec";

const LOCATION_TYPE: DynamicType = { module: "bulk", type: "DataSyncOciLocation" };
const EXECUTION_TYPE: DynamicType = { module: "bulk", type: "DataSyncBulkExecution" };
/** Neither lists secret outputs: no input or answer they store can quote a secret (the key stays in Secrets Manager). */
const NO_SECRET_OUTPUTS: string[] = [];

export class DataSyncOciLocation extends pulumi.dynamic.Resource {
  declare readonly locationArn: pulumi.Output<string>;

  constructor(name: string, args: DeepInput<OciLocationInputs>, opts?: pulumi.CustomResourceOptions) {
    super(ociLocationProvider, name, { ...(args as object), ...outputSlots(["locationArn"]) }, dynamicResourceOptions(LOCATION_TYPE, opts, NO_SECRET_OUTPUTS), LOCATION_TYPE.module, LOCATION_TYPE.type);
  }
}

export class DataSyncBulkExecution extends pulumi.dynamic.Resource {
  declare readonly executionArn: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly bytesTransferred: pulumi.Output<number>;
  declare readonly filesTransferred: pulumi.Output<number>;
  declare readonly filesVerified: pulumi.Output<number>;

  constructor(name: string, args: DeepInput<Omit<BulkExecutionInputs, "pollSeconds" | "timeoutSeconds"> & Partial<Pick<BulkExecutionInputs, "pollSeconds" | "timeoutSeconds">>>, opts?: pulumi.CustomResourceOptions) {
    super(
      bulkExecutionProvider,
      name,
      { ...(args as object), ...outputSlots(["executionArn", "status", "bytesTransferred", "filesTransferred", "filesVerified"]) },
      dynamicResourceOptions(EXECUTION_TYPE, opts, NO_SECRET_OUTPUTS),
      EXECUTION_TYPE.module,
      EXECUTION_TYPE.type,
    );
  }
}
