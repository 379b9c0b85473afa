// What a relocation run has already done, as OCI itself shows it. The provider's `check` only sees
// the previous inputs, never the progress recorded in the outputs, so to let `pulumi preview`
// show the steps that remain it looks the run's work up: every image and instance a run creates
// carries the run tag (`tundra-relocation-run`), and its exported object lives under a prefix
// named after the run. Read-only calls only (List/Get/Head). The recorded progress stays what
// `update` resumes from; this is what a reviewer reads before it runs.
import type * as core from "oci-core";
import { RegionClients } from "./oci-clients";
import { exportObjectName, exportPrefix, RelocationSpec, RUN_TAG, STEP_NAMES, StepName } from "./spec";

export interface FoundStep {
  step: StepName;
  state: "done" | "under way";
  /** What shows it, e.g. `image ocid1.image... AVAILABLE`. */
  evidence: string;
}

export interface Discovery {
  /** Steps of this run that are done, in order (a later step's evidence implies the earlier ones). */
  done: StepName[];
  /** Steps still to run, in order. */
  remaining: StepName[];
  found: FoundStep[];
}

/** At most this many pages of one list are read (a run creates a handful of images and one instance). */
const MAX_PAGES = 10;

async function allPages<T>(fetch: (page: string | undefined) => Promise<{ items: T[]; opcNextPage?: string }>): Promise<T[]> {
  const items: T[] = [];
  let page: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const response = await fetch(page);
    items.push(...response.items);
    page = response.opcNextPage;
    if (!page) break;
  }
  return items;
}

type Tagged = { id: string; lifecycleState: string; timeCreated: Date | string; freeformTags?: { [key: string]: string } };

/** The newest resource of this run that is not deleted or terminated (OCI lists those for a while). */
function newestLive<T extends Tagged>(items: T[], runId: string, gone: readonly string[]): T | undefined {
  return items
    .filter((i) => i.freeformTags?.[RUN_TAG] === runId && !gone.includes(i.lifecycleState))
    .sort((a, b) => Date.parse(String(b.timeCreated)) - Date.parse(String(a.timeCreated)))[0];
}

async function objectNames(clients: RegionClients, namespaceName: string, bucketName: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    // The SDK does not URL-encode query values; the prefix is lower-case letters, digits, '-' and '/'.
    const { listObjects } = await clients.objectStorage.listObjects({ namespaceName, bucketName, prefix, start, fields: "name" });
    names.push(...listObjects.objects.map((o) => o.name));
    start = listObjects.nextStartWith;
    if (!start) break;
  }
  return names;
}

const IMAGE_GONE = ["DELETED"];
const INSTANCE_GONE = ["TERMINATING", "TERMINATED"];

/** Looks up, in both regions, what run `runId` of this relocation has done. */
export async function discoverProgress(spec: RelocationSpec, runId: string, clients: (region: string) => RegionClients): Promise<Discovery> {
  const source = clients(spec.source.region);
  const target = clients(spec.target.region);
  // ListImages cannot filter on tags (Oracle: "The list does not support filtering based on image
  // tags"), so the lists are narrowed by compartment and display name and filtered here.
  const [sourceImages, targetImages, instances, namespaceName] = await Promise.all([
    allPages((page) => source.compute.listImages({ compartmentId: spec.source.compartmentId, displayName: `${spec.name}-source`, limit: 100, page })),
    allPages((page) => target.compute.listImages({ compartmentId: spec.target.compartmentId, displayName: `${spec.name}-target`, limit: 100, page })),
    allPages((page) => target.compute.listInstances({ compartmentId: spec.target.compartmentId, displayName: spec.target.displayName, limit: 100, page })),
    source.objectStorage.getNamespace({}).then((r) => r.value),
  ]);
  const exported = await objectNames(source, namespaceName, spec.source.bucket, exportPrefix(spec, runId));
  const sourceImage = newestLive<core.models.Image>(sourceImages, runId, IMAGE_GONE);
  const targetImage = newestLive<core.models.Image>(targetImages, runId, IMAGE_GONE);
  const instance = newestLive<core.models.Instance>(instances, runId, INSTANCE_GONE);

  const found: FoundStep[] = [];
  const evidence = new Map<StepName, FoundStep["state"]>();
  const note = (step: StepName, state: FoundStep["state"], what: string) => {
    found.push({ step, state, evidence: what });
    evidence.set(step, state);
  };
  // Image states: PROVISIONING/IMPORTING while made, AVAILABLE (EXPORTING during an export) once
  // made; DISABLED proves nothing either way.
  const imageStep = (state: string): FoundStep["state"] | undefined =>
    state === "AVAILABLE" || state === "EXPORTING" ? "done" : state === "PROVISIONING" || state === "IMPORTING" ? "under way" : undefined;
  const sourceState = sourceImage && imageStep(sourceImage.lifecycleState);
  if (sourceImage && sourceState) note("createImage", sourceState, `image ${sourceImage.id} ${sourceImage.lifecycleState}`);
  // The export's object is named after its source image; once cleanup deleted that image, any
  // object still under the run's prefix is this run's export.
  const objectName = sourceImage ? exportObjectName(spec, runId, sourceImage.id) : exported[0];
  if (sourceImage?.lifecycleState === "EXPORTING") note("exportImage", "under way", `image ${sourceImage.id} EXPORTING`);
  else if (objectName && exported.includes(objectName)) note("exportImage", "done", `object ${spec.source.bucket}/${objectName}`);
  const targetState = targetImage && imageStep(targetImage.lifecycleState);
  if (targetImage && targetState) note("importImage", targetState, `image ${targetImage.id} ${targetImage.lifecycleState}`);
  // An instance past PROVISIONING was launched (stopping or imaging it later does not undo that).
  if (instance) note("launchInstance", instance.lifecycleState === "PROVISIONING" ? "under way" : "done", `instance ${instance.id} ${instance.lifecycleState}`);

  // Steps run in order: evidence of a later step means every earlier one finished, even when
  // cleanup has since deleted what they made.
  const moveSteps = STEP_NAMES.filter((s) => s !== "cleanup");
  const lastDone = Math.max(-1, ...moveSteps.map((s, i) => (evidence.get(s) === "done" ? i : -1)));
  const done: StepName[] = moveSteps.slice(0, lastDone + 1);
  if (spec.cleanup && done.includes("launchInstance")) {
    const leftovers = [...(sourceImage ? [`image ${sourceImage.id}`] : []), ...exported.map((o) => `object ${spec.source.bucket}/${o}`)];
    if (leftovers.length === 0) {
      done.push("cleanup");
      found.push({ step: "cleanup", state: "done", evidence: "no source image or exported object of this run is left" });
    }
  }
  const remaining = STEP_NAMES.filter((s) => (s !== "cleanup" || spec.cleanup) && !done.includes(s));
  return { done, remaining, found };
}

/** The readable line `pulumi preview --diff` shows: what remains, and what OCI showed to be done. */
export function describeDiscovery(discovery: Discovery, notes: string[] = []): string {
  const parts: string[] = [];
  for (const step of STEP_NAMES) {
    const seen = discovery.found.find((f) => f.step === step);
    if (discovery.done.includes(step)) parts.push(seen?.state === "done" ? `${step} done: ${seen.evidence}` : `${step} done (a later step is)`);
    else if (seen?.state === "under way") parts.push(`${step} under way: ${seen.evidence}`);
  }
  const remaining = discovery.remaining.length > 0 ? discovery.remaining.join(", ") : "none";
  return `remaining: ${remaining} (${[`found in OCI: ${parts.length > 0 ? parts.join("; ") : "nothing of this run yet"}`, ...notes].join("; ")})`;
}
