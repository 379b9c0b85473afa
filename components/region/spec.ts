// The InstanceRelocation's inputs (zod: `inputsSchema`, which `tundra:relocations` in stack
// config derives from), and the ordered steps a relocation runs. Pure: no SDK calls. Only
// operations.ts loads it in the provider host; nothing here is serialized into the state.
import * as crypto from "crypto";
import { z } from "zod";
import { checkAgainst, type CheckFailure } from "../dynamic/check";
import { UNKNOWN } from "../dynamic/unknown";
import { isAvailabilityDomainOf, lookupRegion, OCI_REGIONS } from "../oci/regions";
import { FLEX_SHAPES } from "../oci/shapes";

export const STEP_NAMES = ["createImage", "exportImage", "importImage", "launchInstance", "cleanup"] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface RelocationSpec {
  /** Names the intermediate image, object and the target instance; unique per relocation. */
  name: string;
  source: { region: string; compartmentId: string; instanceId: string; bucket: string };
  target: {
    region: string;
    compartmentId: string;
    availabilityDomain: string;
    subnetId: string;
    shape: string;
    ocpus: number;
    memoryInGBs: number;
    displayName: string;
    assignPublicIp: boolean;
    nsgIds: string[];
  };
  /** Delete the source-region image and the exported object once the target instance runs. */
  cleanup: boolean;
  /** Lifetime of the read-only pre-authenticated request the target region imports through. */
  parTtlHours: number;
  waits: { timeoutMinutes: number; pollInitialSeconds: number; pollMaxSeconds: number };
  freeformTags: Record<string, string>;
}

/**
 * The inputs of one relocation. With `allowUnknown` (the provider's check during preview) any
 * field may be the engine's unknown placeholder; stack config never may.
 */
function relocationSchemaOf(allowUnknown: boolean) {
  const isUnknown = (v: unknown) => allowUnknown && v === UNKNOWN;
  // Typed as a number: the placeholder only ever reaches describeSteps, which prints it as unknown.
  const flexAmount = (max: number, missing: string) =>
    z.custom<number>((v) => isUnknown(v) || (typeof v === "number" && v > 0 && v <= max), {
      error: (iss) => (iss.input === undefined ? missing : `must be a number above 0 and at most ${max} (got ${JSON.stringify(iss.input)})`),
    });

  function ocidOf(...types: string[]) {
    const pattern = new RegExp(`^ocid1\\.(${types.join("|")})\\.oc\\d+\\.[a-z0-9-]*\\.[a-z0-9]+$`);
    return z.string().refine((v) => isUnknown(v) || pattern.test(v), {
      error: (iss) => `must be an OCID of type ${types.join(" or ")} (got ${JSON.stringify(iss.input)})`,
    });
  }

  const region = z.string().superRefine((value, ctx) => {
    if (isUnknown(value)) return;
    const found = lookupRegion(value);
    if ("error" in found) ctx.addIssue({ code: "custom", message: found.error });
  });

  function positive(max: number) {
    return z.number({ error: (iss) => `must be a number (got ${JSON.stringify(iss.input)})` }).positive().max(max);
  }

  return z
    .strictObject({
      name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: "must be 1-63 lower-case letters, digits or '-' (it names the image, object and instance)" }),
      source: z.strictObject({
        region,
        compartmentId: ocidOf("compartment", "tenancy"),
        instanceId: ocidOf("instance"),
        bucket: z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/, { error: "must be the name of an Object Storage bucket in the source region" }),
      }),
      target: z.strictObject({
        region,
        compartmentId: ocidOf("compartment", "tenancy"),
        availabilityDomain: z.string().min(1, { error: "must name an availability domain of the target region, e.g. Uocm:SA-BOGOTA-1-AD-1" }),
        subnetId: ocidOf("subnet"),
        shape: z.string().refine((s) => isUnknown(s) || s in FLEX_SHAPES, {
          error: (iss) => `must be a Flex shape (${Object.keys(FLEX_SHAPES).join(", ")}); got ${JSON.stringify(iss.input)}`,
        }),
        ocpus: flexAmount(128, "is required for a Flex shape: a number of OCPUs"),
        memoryInGBs: flexAmount(4096, "is required for a Flex shape: memory in GB"),
        displayName: z.string().min(1).max(255).optional(),
        assignPublicIp: z.boolean().default(false),
        nsgIds: z.array(ocidOf("networksecuritygroup")).max(5, { error: "a VNIC takes at most 5 network security groups" }).default([]),
      }),
      cleanup: z.boolean().default(false),
      parTtlHours: positive(24 * 7).default(24),
      waits: z
        .strictObject({
          timeoutMinutes: positive(24 * 60).default(120),
          pollInitialSeconds: positive(600).default(5),
          pollMaxSeconds: positive(3600).default(60),
        })
        .default({ timeoutMinutes: 120, pollInitialSeconds: 5, pollMaxSeconds: 60 }),
      freeformTags: z.record(z.string(), z.string()).default({}),
    })
    .superRefine((spec, ctx) => {
      const { source, target } = spec;
      if (!isUnknown(source.region) && source.region === target.region) {
        ctx.addIssue({ code: "custom", path: ["target", "region"], message: `must differ from source.region (both are ${source.region}); a relocation moves an instance to another region` });
      }
      const limits = FLEX_SHAPES[target.shape];
      if (limits && typeof target.ocpus === "number") {
        if (target.ocpus < limits.minOcpus || target.ocpus > limits.maxOcpus) {
          ctx.addIssue({ code: "custom", path: ["target", "ocpus"], message: `${target.shape} takes ${limits.minOcpus}-${limits.maxOcpus} OCPUs (got ${target.ocpus})` });
        } else if (typeof target.memoryInGBs === "number") {
          const perOcpu = target.memoryInGBs / target.ocpus;
          if (perOcpu < limits.minMemoryPerOcpuGbs || perOcpu > limits.maxMemoryPerOcpuGbs || target.memoryInGBs > limits.maxMemoryGbs) {
            ctx.addIssue({
              code: "custom", path: ["target", "memoryInGBs"],
              message: `${target.shape} takes ${limits.minMemoryPerOcpuGbs}-${limits.maxMemoryPerOcpuGbs} GB per OCPU and at most ${limits.maxMemoryGbs} GB (got ${target.memoryInGBs} GB for ${target.ocpus} OCPUs)`,
            });
          }
        }
      }
      const targetRegion = OCI_REGIONS.get(target.region);
      if (targetRegion && !isUnknown(target.availabilityDomain) && !isAvailabilityDomainOf(targetRegion, target.availabilityDomain)) {
        ctx.addIssue({ code: "custom", path: ["target", "availabilityDomain"], message: `${target.availabilityDomain} is not an availability domain of ${target.region}` });
      }
    });
}

/** The inputs of one InstanceRelocation; each `tundra:relocations` entry in stack config is one (no unknowns there). */
export const inputsSchema = relocationSchemaOf(false);
export type RelocationInputs = z.input<typeof inputsSchema>;
/** The same schema, except that any field may be unknown (the provider's check during preview). */
const previewInputsSchema = relocationSchemaOf(true);

/** Validates raw inputs (the kit's check); every problem is returned at once, named by its property path. */
export function parseRelocationSpec(raw: unknown): { spec: RelocationSpec; failures: [] } | { spec: undefined; failures: CheckFailure[] } {
  const parsed = checkAgainst(previewInputsSchema, raw, { carriesUnknowns: true });
  if (!parsed.inputs) return { spec: undefined, failures: parsed.failures };
  const value = parsed.inputs;
  return {
    spec: { ...value, target: { ...value.target, displayName: value.target.displayName ?? value.name } } as RelocationSpec,
    failures: [],
  };
}

/** Freeform tags on what a relocation creates: its name, and the run that created it (check finds a run's work by it). */
export const RELOCATION_TAG = "tundra-relocation";
export const RUN_TAG = "tundra-relocation-run";

/** Where one run of a relocation exports its images: a prefix no other run shares. */
export function exportPrefix(spec: RelocationSpec, runId: string): string {
  return `tundra-relocation/${spec.name}/${runId}/`;
}

/** Object name of the exported image: tied to the run and to the source image, so a re-created image never reuses it. */
export function exportObjectName(spec: RelocationSpec, runId: string, sourceImageId: string): string {
  return `${exportPrefix(spec, runId)}${sourceImageId}.oci`;
}

/** A stable id for the relocation: the same source moved to the same region is the same resource. */
export function relocationId(spec: RelocationSpec): string {
  return `relocation:${spec.name}:${spec.source.instanceId}:${spec.target.region}`;
}

/**
 * opc-retry-token for one attempt of one step of one create: a lost response retried with it
 * creates nothing twice, and a relocation created again (destroyed, or replaced, even with
 * `--replace`) gets a new seed and never replays the answers OCI kept for the previous one.
 */
export function retryToken(spec: RelocationSpec, seed: string, step: StepName, attempt: number): string {
  return crypto.createHash("sha256").update(`${relocationId(spec)}|${seed}|${step}|${attempt}`).digest("hex").slice(0, 48);
}

const show = (v: unknown) => (v === UNKNOWN ? "(known after apply)" : String(v));

/** One readable line per step, in order; the preview shows these as a checked input. */
export function describeSteps(spec: RelocationSpec, steps: readonly StepName[] = STEP_NAMES): string[] {
  const { source, target } = spec;
  const lines: Record<StepName, string> = {
    // Oracle: imaging a running instance shuts it down for several minutes; a reviewer must see that.
    createImage: `create a custom image of ${show(source.instanceId)} in ${show(source.region)} (OCI stops a running instance for several minutes while imaging)`,
    exportImage: `export the image (OCI format) to bucket ${show(source.bucket)} in ${show(source.region)}`,
    importImage: `import the image into ${show(target.region)} through a ${show(spec.parTtlHours)} h read-only pre-authenticated request`,
    launchInstance:
      `launch ${show(target.displayName)} as ${show(target.shape)} (${show(target.ocpus)} OCPUs, ${show(target.memoryInGBs)} GB) ` +
      `in ${show(target.availabilityDomain)}, subnet ${show(target.subnetId)}`,
    cleanup: `delete the source-region image and the exported object in ${show(source.region)}${spec.cleanup === true ? "" : " (if cleanup is true: known after apply)"}`,
  };
  return steps.filter((s) => s !== "cleanup" || spec.cleanup).map((s, i) => `${i + 1}. ${lines[s]}`);
}
