// The cutover stage of the tenant program (`tundra:cutover`): one Cutover resource that moves the
// tenant's DNS name from AWS to OCI, after every earlier stage (data sync, hydration, validation)
// succeeded.
import type * as pulumi from "@pulumi/pulumi";
import { Cutover } from "../components/cutover/cutover";
import { DEFAULT_SET_IDENTIFIERS } from "../components/cutover/spec";
import { cutoverInputsOf } from "./config/cutover";
import type { Foundation, Staged } from "./foundation";
import { probeUrlOf } from "./probe-url";

export function cutOver(f: Foundation, earlier: { sync?: Staged<pulumi.Resource>; hydration?: Staged<pulumi.Resource>; validation?: Staged<pulumi.Resource> }): Staged<Cutover> | undefined {
  // `tundra:cutover` is optional: stacks that have not reached the cutover declare nothing here.
  const section = f.config.cutover;
  if (!section) return undefined;
  const address = f.cluster.loadBalancerAddress;
  const probeUrl = address.apply((a) => probeUrlOf(a, f.config.loadBalancer.listenerPort, section.gates.probe?.path ?? "/"));
  // Directly after every earlier stage, not only the last: each is optional, and a failed
  // validation means no traffic moves.
  const dependsOn = [earlier.sync, earlier.hydration, earlier.validation].flatMap((stage) => (stage ? [stage.resource] : []));
  const cutover = new Cutover(`${f.config.tenant.id}-cutover`, cutoverInputsOf(section, address, probeUrl), { dependsOn });
  return {
    resource: cutover,
    outputs: {
      transition: cutover.transition,
      ociPercent: cutover.ociPercent,
      awsWeight: cutover.awsWeight,
      ociWeight: cutover.ociWeight,
      status: cutover.status,
      ociFullSince: cutover.ociFullSince,
      awsDecommissioned: section.awsDecommissioned,
      // The weighted pair (SetIdentifiers defaulted as the Cutover defaults them), for the AWS-side stack's
      // DecommissionGuard, which reads it through its StackReference.
      route53: {
        zoneId: section.zoneId,
        recordName: section.recordName,
        recordType: section.recordType,
        awsSetIdentifier: section.aws.setIdentifier ?? DEFAULT_SET_IDENTIFIERS.aws,
        ociSetIdentifier: section.oci.setIdentifier ?? DEFAULT_SET_IDENTIFIERS.oci,
      },
    },
  };
}
