// The DataSyncBulkExecution resource: one run of the bulk copy's DataSync task, waited for with
// progress (token `pulumi-nodejs:dynamic/bulk:DataSyncBulkExecution`; never deployed under another
// token, so no alias).
import * as pulumi from "@pulumi/pulumi";
import type { DeepInput } from "../../dynamic/inputs";
import { outputSlots } from "../../dynamic/outputs";
import { dynamicResourceOptions, type DynamicType } from "../../dynamic/resource";
import { bulkExecutionProvider } from "./provider";
import type { BulkExecutionInputs } from "./spec";

const TYPE: DynamicType = { module: "bulk", type: "DataSyncBulkExecution" };
/** No secret outputs: nothing it stores can quote a secret (the key stays in Secrets Manager). */
const SECRET_OUTPUTS: string[] = [];

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
      dynamicResourceOptions(TYPE, opts, SECRET_OUTPUTS),
      TYPE.module,
      TYPE.type,
    );
  }
}
