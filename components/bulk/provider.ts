// The bulk copy's two dynamic providers: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../dynamic/provider";
import type * as executionOperations from "./execution-operations";
import type * as locationOperations from "./location-operations";

export const ociLocationProvider = dynamicProvider("components/bulk/location-operations" satisfies OperationsModule<typeof locationOperations>);
export const bulkExecutionProvider = dynamicProvider("components/bulk/execution-operations" satisfies OperationsModule<typeof executionOperations>);
