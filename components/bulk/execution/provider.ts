// The DataSyncBulkExecution dynamic provider: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../../dynamic/provider";
import type * as operations from "./operations";

export const bulkExecutionProvider = dynamicProvider("components/bulk/execution/operations" satisfies OperationsModule<typeof operations>);
