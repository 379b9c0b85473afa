// The two dynamic resources of the bulk copy, built by the project's one provider factory
// (components/dynamic/provider.ts) over their operations modules.
import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../dynamic/provider";
import { outputSlots } from "../dynamic/outputs";
import type { DeepInput } from "../dynamic/inputs";
import type { BulkExecutionInputs, OciLocationInputs } from "./spec";

/** The providers (module-level, so that tests serialize exactly what the resources pass). */
export const ociLocationProvider = dynamicProvider("components/bulk/location-operations");
export const bulkExecutionProvider = dynamicProvider("components/bulk/execution-operations");

export class DataSyncOciLocation extends pulumi.dynamic.Resource {
  declare readonly locationArn: pulumi.Output<string>;

  constructor(name: string, args: DeepInput<OciLocationInputs>, opts?: pulumi.CustomResourceOptions) {
    super(ociLocationProvider, name, { ...(args as object), ...outputSlots(["locationArn"]) }, opts);
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
      opts,
    );
  }
}
