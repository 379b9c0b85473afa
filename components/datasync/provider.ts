// The DataSync dynamic provider: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../dynamic/provider";
import type * as operations from "./operations";

export const dataSyncProvider = dynamicProvider("components/datasync/operations" satisfies OperationsModule<typeof operations>);
