// Preflight: before any resource is declared, check that the compartment's service limits
// leave room for the cluster's OCPUs in every availability domain it uses. A cluster that
// does not fit fails here with the numbers, instead of failing halfway through a create.
//
// Not a resource on purpose: resources are created concurrently, so a "preflight resource"
// would fail while the others are already being created. The program awaits these invokes
// first and declares resources only after they pass.
import * as oci from "@pulumi/oci";
import type * as pulumi from "@pulumi/pulumi";
import { FLEX_SHAPES } from "./shapes";
import type { NodePlacement } from "./placement";

export interface AdCapacity {
  availabilityDomain: string;
  /** OCPUs the cluster wants in this AD. */
  wanted: number;
  /** OCPUs this tenant stack's own instances already hold there (an update reuses them). */
  held: number;
  /** OCPUs the limit still has free (getResourceAvailability `available`). */
  available: number;
}

export interface PreflightReport {
  ok: boolean;
  shape: string;
  limitName: string;
  perAvailabilityDomain: AdCapacity[];
  problems: string[];
}

/** OCPUs wanted per availability domain, in the order the ADs first appear. */
export function ocpusPerAvailabilityDomain(placements: readonly NodePlacement[], ocpusPerNode: number): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const p of placements) wanted.set(p.availabilityDomain, (wanted.get(p.availabilityDomain) ?? 0) + ocpusPerNode);
  return wanted;
}

/** Pure verdict: an AD fails when the OCPUs still to be added exceed what the limit has free. */
export function evaluateCapacity(shape: string, limitName: string, capacity: AdCapacity[]): PreflightReport {
  const problems = capacity
    .filter((c) => c.wanted - c.held > c.available)
    .map((c) =>
      `${shape} needs ${c.wanted - c.held} more OCPUs in ${c.availabilityDomain} ` +
      `(wanted ${c.wanted}, this stack already holds ${c.held}) but limit ${limitName} has ${c.available} available; ` +
      `request a limit increase or lower tundra:cluster.nodeCount / tundra:cluster.ocpus`,
    );
  return { ok: problems.length === 0, shape, limitName, perAvailabilityDomain: capacity, problems };
}

const LIVE_STATES = new Set(["PROVISIONING", "STARTING", "RUNNING", "STOPPING", "STOPPED", "MOVING", "CREATING_IMAGE"]);

export interface PreflightArgs {
  compartmentId: string;
  tenant: string;
  env: string;
  shape: string;
  ocpusPerNode: number;
  placements: readonly NodePlacement[];
}

export async function runPreflight(args: PreflightArgs, opts: pulumi.InvokeOptions): Promise<PreflightReport> {
  const limitName = FLEX_SHAPES[args.shape].coreLimitName;
  const wanted = ocpusPerAvailabilityDomain(args.placements, args.ocpusPerNode);
  const capacity = await Promise.all(
    [...wanted].map(async ([availabilityDomain, ocpus]): Promise<AdCapacity> => {
      const [availability, instances] = await Promise.all([
        oci.limits.getResourceAvailability({ compartmentId: args.compartmentId, serviceName: "compute", limitName, availabilityDomain }, opts),
        oci.core.getInstances({ compartmentId: args.compartmentId, availabilityDomain }, opts),
      ]);
      const held = (instances.instances ?? [])
        .filter((i) => i.shape === args.shape && LIVE_STATES.has(i.state))
        .filter((i) => i.freeformTags?.["tundra-tenant"] === args.tenant && i.freeformTags?.["tundra-env"] === args.env)
        .reduce((sum, i) => sum + (i.shapeConfigs?.[0]?.ocpus ?? 0), 0);
      return { availabilityDomain, wanted: ocpus, held, available: Number(availability.available) };
    }),
  );
  return evaluateCapacity(args.shape, limitName, capacity);
}
