// The agent's two views of the tenant bucket: the data prefix (what it loads) and the control
// prefix (desired generation, manifests, receipts), both through the transfer engine's OCI store.
import { OciStore, type OciAuth } from "../../transfer/oci-store";
import type { AgentStores, ResolvedAgentConfig } from "./agent";

export function ociAuthOf(config: Pick<ResolvedAgentConfig, "auth">): OciAuth {
  return config.auth === "instance_principal"
    ? { kind: "instance-principal" }
    : { kind: "config-file", file: config.auth.configFile, profile: config.auth.profile };
}

export async function openBucketStores(config: ResolvedAgentConfig): Promise<AgentStores> {
  const common = { bucket: config.bucket, namespace: config.namespace, region: config.region, endpoint: config.endpoint, auth: ociAuthOf(config) };
  return {
    data: new OciStore({ ...common, prefix: config.prefix }),
    control: new OciStore({ ...common, prefix: config.controlPrefix }),
  };
}
