// Region clients for tests that assert every refusal and fault they cause: the OCI SDK's own
// "Request cannot be retried ..." lines for those would only be noise (components/oci/sdk-warnings.ts).
import type { RegionClients } from "../../components/region/oci-clients";
import { withSdkErrorsHandled } from "../../components/oci/sdk-warnings";

export function quietRegionClients(c: RegionClients): RegionClients {
  return { region: c.region, compute: withSdkErrorsHandled(c.compute), workRequests: withSdkErrorsHandled(c.workRequests), objectStorage: withSdkErrorsHandled(c.objectStorage) };
}
