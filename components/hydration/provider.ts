// The Hydration dynamic provider: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../dynamic/provider";
import type * as operations from "./operations";

export const hydrationProvider = dynamicProvider("components/hydration/operations" satisfies OperationsModule<typeof operations>);
