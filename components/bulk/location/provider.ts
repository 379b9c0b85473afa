// The DataSyncOciLocation dynamic provider: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../../dynamic/provider";
import type * as operations from "./operations";

export const ociLocationProvider = dynamicProvider("components/bulk/location/operations" satisfies OperationsModule<typeof operations>);
