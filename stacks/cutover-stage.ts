// The cutover stage of the tenant program: one Cutover resource that moves the tenant's DNS
// name from AWS to OCI, after every earlier stage (data sync, hydration, validation) succeeded.
import { Cutover } from "../components/cutover/cutover";
import { cutoverInputsOf, type CutoverSection } from "./config/cutover";
import type { Foundation, Stage, StageName, StageResult } from "./stages";

/** The default probe URL: the OCI load balancer's listener, as the tenant's clients reach it. */
export function probeUrlOf(address: string, listenerPort: number, path: string): string {
  const scheme = listenerPort === 80 || listenerPort === 8080 ? "http" : "https";
  const host = address.includes(":") ? `[${address}]` : address;
  return `${scheme}://${host}:${listenerPort}${path.startsWith("/") ? path : `/${path}`}`;
}

export const cutoverStage: Stage = (foundation: Foundation, prior: Partial<Record<StageName, StageResult>>) => {
  // `tundra:cutover` is optional: stacks that have not reached the cutover declare nothing here.
  // (The cast is for branches where the section is not yet in SECTIONS.)
  const section = (foundation.config as { cutover?: CutoverSection }).cutover;
  if (!section) return undefined;
  const port = foundation.config.loadBalancer.listenerPort;
  const path = section.gates.probe?.path ?? "/";
  const args = foundation.cluster.loadBalancerAddress.apply((address) => cutoverInputsOf(section, address, probeUrlOf(address, port, path)));
  // Every earlier stage must have succeeded: a failed validation means no traffic moves.
  const dependsOn = Object.values(prior).flatMap((stage) => stage?.resources ?? []);
  const cutover = new Cutover(
    `${foundation.config.tenant.id}-cutover`,
    {
      zoneId: section.zoneId,
      recordName: section.recordName,
      recordType: section.recordType,
      ...(section.ttl !== undefined ? { ttl: section.ttl } : {}),
      aws: section.aws,
      oci: args.oci,
      targetOciPercent: section.targetOciPercent,
      ...(section.steps ? { steps: section.steps } : {}),
      ...(section.bake !== undefined ? { bake: section.bake } : {}),
      gates: args.apply((a) => a.gates ?? {}),
      ...(section.rollback ? { rollback: section.rollback } : {}),
      awsDecommissioned: section.awsDecommissioned,
    },
    { dependsOn },
  );
  return {
    resources: [cutover],
    outputs: {
      transition: cutover.transition,
      ociPercent: cutover.ociPercent,
      awsWeight: cutover.awsWeight,
      ociWeight: cutover.ociWeight,
      status: cutover.status,
      ociFullSince: cutover.ociFullSince,
      awsDecommissioned: section.awsDecommissioned,
    },
  };
};
