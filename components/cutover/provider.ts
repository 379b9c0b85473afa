// The Cutover dynamic provider: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../dynamic/provider";
import type * as operations from "./operations";

export const cutoverProvider = dynamicProvider("components/cutover/operations" satisfies OperationsModule<typeof operations>);
