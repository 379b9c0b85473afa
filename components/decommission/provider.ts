// The DecommissionGuard dynamic provider: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../dynamic/provider";
import type * as operations from "./operations";

export const decommissionGuardProvider = dynamicProvider("components/decommission/operations" satisfies OperationsModule<typeof operations>);
