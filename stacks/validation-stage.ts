// The validation stage (`tundra:validation`): after hydration, before cutover. A
// PreCutoverValidation command compares the tenant's queries on AWS and on the OCI load balancer;
// its failure stops the update before the cutover stage (which depends on it) touches DNS.
import * as pulumi from "@pulumi/pulumi";
import type { Hydration } from "../components/hydration/hydration";
import { PreCutoverValidation } from "../components/validation/pre-cutover-validation";
import type { Foundation, Staged, SyncedData } from "./foundation";
import { probeUrlOf } from "./probe-url";

/** The generation a validation vouches for in a stack without data sync (the data got to OCI another way). */
export const NO_DATA_SYNC = "no-data-sync";

export function validate(
  f: Foundation,
  earlier: { sync?: SyncedData; hydration?: Staged<Hydration> },
): Staged<PreCutoverValidation> | undefined {
  const section = f.config.validation;
  if (!section) return undefined;
  const generation = earlier.sync?.resource.manifestDigest ?? NO_DATA_SYNC;
  const ociUrl = f.cluster.loadBalancerAddress.apply((address) => probeUrlOf(address, f.config.loadBalancer.listenerPort, "/"));
  const validation = new PreCutoverValidation(
    `${f.config.tenant.id}-validation`,
    {
      spec: pulumi.all([generation, ociUrl]).apply(([digest, url]) => ({
        tenant: f.config.tenant.id,
        generation: digest,
        parity: {
          awsUrl: section.awsUrl,
          ociUrl: url,
          ...(section.hostHeader ? { hostHeader: section.hostHeader } : {}),
          ...(section.timeoutMs ? { timeoutMs: section.timeoutMs } : {}),
          queries: section.queries,
        },
      })),
    },
    { dependsOn: [earlier.sync?.resource, earlier.hydration?.resource].filter((r) => r !== undefined) },
  );
  return { resource: validation, outputs: { report: validation.report } };
}
