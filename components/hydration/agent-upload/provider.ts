// The AgentBundleUpload dynamic provider: components/dynamic/provider.ts says how every provider works.
import { dynamicProvider, type OperationsModule } from "../../dynamic/provider";
import type * as operations from "./operations";

export const agentBundleUploadProvider = dynamicProvider("components/hydration/agent-upload/operations" satisfies OperationsModule<typeof operations>);
