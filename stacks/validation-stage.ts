// The validation stage: after hydration, before cutover. A PreCutoverValidation command compares
// the tenant's queries on AWS and on the OCI load balancer; its failure stops the update before
// the cutover stage (which depends on every earlier stage) touches DNS.
import * as pulumi from "@pulumi/pulumi";
import { PreCutoverValidation } from "../components/validation/pre-cutover-validation";
import { probeUrlOf } from "./cutover-stage";
import type { Stage } from "./stages";

export const validationStage: Stage = (f, prior) => {
  const section = f.config.validation;
  if (!section) return undefined;
  const generation = prior.dataSync?.outputs.manifestDigest ?? "no-data-sync";
  const ociUrl = f.cluster.loadBalancerAddress.apply((address) => probeUrlOf(address, f.config.loadBalancer.listenerPort, "/"));
  const validation = new PreCutoverValidation(
    `${f.config.tenant.id}-validation`,
    {
      spec: pulumi.all([pulumi.output(generation), ociUrl]).apply(([digest, url]) => ({
        tenant: f.config.tenant.id,
        generation: String(digest),
        parity: {
          awsUrl: section.awsUrl,
          ociUrl: url,
          ...(section.hostHeader ? { hostHeader: section.hostHeader } : {}),
          ...(section.timeoutMs ? { timeoutMs: section.timeoutMs } : {}),
          queries: section.queries,
        },
      })),
    },
    { dependsOn: Object.values(prior).flatMap((stage) => stage?.resources ?? []) },
  );
  return { resources: [validation], outputs: { report: validation.report } };
};
