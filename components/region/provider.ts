// The InstanceRelocation dynamic provider: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../dynamic/provider";
import type * as operations from "./operations";

export const instanceRelocationProvider = dynamicProvider("components/region/operations" satisfies OperationsModule<typeof operations>);
