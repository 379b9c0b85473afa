// Moves a compute instance to another OCI region: custom image -> export to Object Storage ->
// import in the target region (through a short-lived read-only pre-authenticated request) ->
// launch with the Flex shape config -> optional cleanup of the source-region copies.
//
// Every step records what it started (work request id, image/instance id, object name) in a
// plain JSON progress record before waiting on it, so a failure anywhere leaves a record the next
// run resumes from: finished steps are skipped, a step whose work request is still running is
// waited on again, and a step whose work request failed is cleaned up and started over. No
// Pulumi here: the dynamic provider and tests drive this module directly.
import * as crypto from "crypto";
import type * as core from "oci-core";
import { describeOciError, isNotFound, RegionClients } from "./oci-clients";
import { sdkErrorsHandledHere } from "../oci/sdk-warnings";
import { carriedSettings } from "./relocation-carry";
import { exportObjectName, RELOCATION_TAG, RelocationSpec, retryToken, RUN_TAG, STEP_NAMES, StepName } from "./spec";
import type { Clock } from "../common/clock";
import { OperationFailedError, waitForLifecycle, waitForWorkRequest, WaitSettings } from "./wait";

export interface StepRecord {
  /**
   * pending: not started; started: an attempt is under way (resume waits on it); failed: the
   * service said the attempt failed (resume cleans it up and starts a new one); done.
   */
  status: "pending" | "started" | "failed" | "done";
  /** Attempts started; part of the opc-retry-token, so a retried call never creates twice. */
  attempt: number;
  workRequestId: string;
  /** The image or instance this step created ("" when none). */
  resourceId: string;
  /** The last failure of this step, in the service's words ("" when none). */
  error: string;
}

export interface RelocationProgress {
  schemaVersion: 1;
  /**
   * Id of this relocation's run: the run tag on its images and instance and its export prefix,
   * chosen by check (so a later check finds the run's work in OCI).
   */
  runId: string;
  /**
   * Random per create call, part of every retry token. Not the run id: a forced replacement
   * (`pulumi up --replace`) keeps the run id, and must not replay the replaced run's answers.
   * Absent in progress recorded before it existed (the run id was the seed then).
   */
  tokenSeed?: string;
  namespace: string;
  objectName: string;
  /** Id of the pre-authenticated request the import reads through, until it is deleted. */
  parId: string;
  steps: Record<StepName, StepRecord>;
}

/** A new run's progress; `runId` is the one check chose (a fresh one when none is given). */
export function emptyProgress(runId: string = crypto.randomUUID()): RelocationProgress {
  const step = (): StepRecord => ({ status: "pending", attempt: 0, workRequestId: "", resourceId: "", error: "" });
  return {
    schemaVersion: 1, runId, tokenSeed: crypto.randomUUID(), namespace: "", objectName: "", parId: "",
    steps: { createImage: step(), exportImage: step(), importImage: step(), launchInstance: step(), cleanup: step() },
  };
}

export function stepsToRun(spec: RelocationSpec): StepName[] {
  return STEP_NAMES.filter((s) => s !== "cleanup" || spec.cleanup);
}

export function remainingSteps(spec: RelocationSpec, progress: RelocationProgress): StepName[] {
  return stepsToRun(spec).filter((s) => progress.steps[s].status !== "done");
}

export interface EngineDeps {
  clients(region: string): RegionClients;
  clock: Clock;
  log(line: string): void;
}

/** The operation finished but its result is missing or unusable: the attempt must be redone. */
export class AttemptFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AttemptFailedError";
  }
}

/** A step failed; `progress` holds everything recorded so far (the partial state to keep). */
export class RelocationStepError extends Error {
  constructor(readonly step: StepName, readonly progress: RelocationProgress, cause: unknown) {
    super(`relocation step ${step} failed: ${describeOciError(cause)}`);
    this.name = "RelocationStepError";
  }
}

function waitSettings(spec: RelocationSpec): WaitSettings {
  return {
    timeoutMs: spec.waits.timeoutMinutes * 60_000,
    initialDelayMs: spec.waits.pollInitialSeconds * 1000,
    maxDelayMs: spec.waits.pollMaxSeconds * 1000,
  };
}

async function ignoreNotFound(action: () => Promise<unknown>): Promise<void> {
  try {
    await sdkErrorsHandledHere(action, isNotFound);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

interface AsyncStep {
  region: string;
  /** Starts the operation; returns what it created and its work request. */
  issue(attempt: number): Promise<{ resourceId: string; workRequestId: string }>;
  /** After the work request succeeded: waits for the resource's state and verifies the result. */
  settle(resourceId: string): Promise<void>;
  /** Removes what a failed attempt left behind, before the step starts over. */
  discard(resourceId: string): Promise<void>;
}

class Relocation {
  private readonly settings: WaitSettings;
  private readonly tags: Record<string, string>;

  constructor(private readonly spec: RelocationSpec, private readonly progress: RelocationProgress, private readonly deps: EngineDeps) {
    this.settings = waitSettings(spec);
    // The run tag is how check finds this run's images and instance in OCI (preview shows what remains).
    this.tags = { ...spec.freeformTags, [RELOCATION_TAG]: spec.name, [RUN_TAG]: progress.runId };
  }

  private get tokenSeed(): string {
    return this.progress.tokenSeed ?? this.progress.runId;
  }

  private get source() {
    return this.deps.clients(this.spec.source.region);
  }

  private get target() {
    return this.deps.clients(this.spec.target.region);
  }

  async run(): Promise<void> {
    for (const step of stepsToRun(this.spec)) {
      const record = this.progress.steps[step];
      if (record.status === "done") {
        this.deps.log(`[${step}] already done${record.resourceId ? `: ${record.resourceId}` : ""}; skipped`);
        continue;
      }
      try {
        await this.runStep(step);
        record.error = "";
      } catch (err) {
        record.error = describeOciError(err);
        throw new RelocationStepError(step, this.progress, err);
      }
    }
  }

  private runStep(step: StepName): Promise<void> {
    switch (step) {
      case "createImage": return this.asyncStep(step, this.createImage());
      case "exportImage": return this.asyncStep(step, this.exportImage());
      case "importImage": return this.importImage();
      case "launchInstance": return this.asyncStep(step, this.launchInstance());
      case "cleanup": return this.cleanup();
    }
  }

  private async asyncStep(step: StepName, op: AsyncStep): Promise<void> {
    const record = this.progress.steps[step];
    const workRequests = this.deps.clients(op.region).workRequests;
    if (record.status === "started" || record.status === "failed") {
      const status = record.status === "failed" ? "FAILED"
        : record.workRequestId ? await this.workRequestStatus(op.region, record.workRequestId) : "NOT_STARTED";
      if (status === "FAILED" || status === "CANCELED" || status === "GONE") {
        this.deps.log(`[${step}] attempt ${record.attempt} ended ${status}; cleaning up and starting over`);
        if (record.resourceId) await op.discard(record.resourceId);
        record.status = "pending";
        record.resourceId = "";
        record.workRequestId = "";
      } else if (status === "NOT_STARTED") {
        // The call that starts this attempt never answered: repeat it with the same retry token,
        // so OCI returns what it may already have created instead of creating it twice.
        record.status = "pending";
        record.attempt -= 1;
      } else {
        this.deps.log(`[${step}] resuming: work request ${record.workRequestId} is ${status}`);
      }
    }
    if (record.status === "pending") {
      record.attempt += 1;
      record.status = "started";
      const started = await op.issue(record.attempt);
      record.resourceId = started.resourceId;
      record.workRequestId = started.workRequestId;
      this.deps.log(`[${step}] started ${started.resourceId} (work request ${started.workRequestId})`);
    }
    try {
      await waitForWorkRequest(workRequests, record.workRequestId, `${step} of ${record.resourceId}`, this.settings, this.deps.clock);
      await op.settle(record.resourceId);
    } catch (err) {
      // The service's verdict (FAILED, CANCELED, a failed lifecycle state, a missing result)
      // ends this attempt; a timeout or a transient error leaves it under way to wait on again.
      if (err instanceof OperationFailedError || err instanceof AttemptFailedError) record.status = "failed";
      throw err;
    }
    record.status = "done";
    this.deps.log(`[${step}] done: ${record.resourceId}`);
  }

  private async workRequestStatus(region: string, workRequestId: string): Promise<string> {
    try {
      const { workRequest } = await sdkErrorsHandledHere(() => this.deps.clients(region).workRequests.getWorkRequest({ workRequestId }), isNotFound);
      return workRequest.status;
    } catch (err) {
      if (isNotFound(err)) return "GONE";
      throw err;
    }
  }

  private waitForImage(region: string, imageId: string, what: string): Promise<core.models.Image> {
    const compute = this.deps.clients(region).compute;
    return waitForLifecycle(
      what, async () => (await compute.getImage({ imageId })).image, (image) => image.lifecycleState,
      ["AVAILABLE"], ["DELETED", "DISABLED"], this.settings, this.deps.clock,
    );
  }

  private async deleteImage(region: string, imageId: string): Promise<void> {
    await ignoreNotFound(() => this.deps.clients(region).compute.deleteImage({ imageId }));
  }

  private async namespace(): Promise<string> {
    if (!this.progress.namespace) {
      this.progress.namespace = (await this.source.objectStorage.getNamespace({})).value;
    }
    return this.progress.namespace;
  }

  private createImage(): AsyncStep {
    const { spec } = this;
    return {
      region: spec.source.region,
      issue: async (attempt) => {
        const response = await this.source.compute.createImage({
          createImageDetails: {
            compartmentId: spec.source.compartmentId,
            instanceId: spec.source.instanceId,
            displayName: `${spec.name}-source`,
            freeformTags: this.tags,
          },
          opcRetryToken: retryToken(spec, this.tokenSeed, "createImage", attempt),
        });
        return { resourceId: response.image.id, workRequestId: requireWorkRequest(response.opcWorkRequestId, "CreateImage") };
      },
      settle: async (imageId) => {
        await this.waitForImage(spec.source.region, imageId, `source image ${imageId}`);
      },
      discard: (imageId) => this.deleteImage(spec.source.region, imageId),
    };
  }

  private exportImage(): AsyncStep {
    const { spec, progress } = this;
    const imageId = progress.steps.createImage.resourceId;
    return {
      region: spec.source.region,
      issue: async (attempt) => {
        const namespaceName = await this.namespace();
        progress.objectName = exportObjectName(spec, progress.runId, imageId);
        const details = {
          destinationType: "objectStorageTuple",
          namespaceName,
          bucketName: spec.source.bucket,
          objectName: progress.objectName,
          exportFormat: "OCI",
        } as core.models.ExportImageViaObjectStorageTupleDetails;
        const response = await this.source.compute.exportImage({
          imageId, exportImageDetails: details, opcRetryToken: retryToken(spec, this.tokenSeed, "exportImage", attempt),
        });
        return { resourceId: imageId, workRequestId: requireWorkRequest(response.opcWorkRequestId, "ExportImage") };
      },
      settle: async () => {
        await this.waitForImage(spec.source.region, imageId, `source image ${imageId} after export`);
        // Oracle: an export whose image is AVAILABLE again but whose object is missing has failed.
        try {
          await this.source.objectStorage.headObject({ namespaceName: await this.namespace(), bucketName: spec.source.bucket, objectName: progress.objectName });
        } catch (err) {
          if (isNotFound(err)) throw new AttemptFailedError(`the export reported success but ${spec.source.bucket}/${progress.objectName} does not exist`);
          throw err;
        }
      },
      discard: () => this.deleteExportedObject(),
    };
  }

  private async deleteExportedObject(): Promise<void> {
    if (!this.progress.objectName) return;
    const namespaceName = await this.namespace();
    await ignoreNotFound(() =>
      this.source.objectStorage.deleteObject({ namespaceName, bucketName: this.spec.source.bucket, objectName: this.progress.objectName }),
    );
  }

  private async deletePar(): Promise<void> {
    if (!this.progress.parId) return;
    const namespaceName = await this.namespace();
    await ignoreNotFound(() =>
      this.source.objectStorage.deletePreauthenticatedRequest({ namespaceName, bucketName: this.spec.source.bucket, parId: this.progress.parId }),
    );
    this.progress.parId = "";
  }

  private async importImage(): Promise<void> {
    const { spec, progress } = this;
    await this.asyncStep("importImage", {
      region: spec.target.region,
      issue: async (attempt) => {
        // The access URI of a PAR is shown only once, so it is never kept: each attempt makes a
        // fresh one and the previous one is deleted first.
        await this.deletePar();
        const namespaceName = await this.namespace();
        const ttlMs = spec.parTtlHours * 3_600_000;
        const { preauthenticatedRequest: par } = await this.source.objectStorage.createPreauthenticatedRequest({
          namespaceName,
          bucketName: spec.source.bucket,
          createPreauthenticatedRequestDetails: {
            name: `${spec.name}-import-${attempt}`,
            objectName: progress.objectName,
            accessType: "ObjectRead" as never,
            timeExpires: new Date(this.deps.clock.now() + ttlMs),
          },
        });
        progress.parId = par.id;
        const response = await this.target.compute.createImage({
          createImageDetails: {
            compartmentId: spec.target.compartmentId,
            displayName: `${spec.name}-target`,
            freeformTags: this.tags,
            imageSourceDetails: {
              sourceType: "objectStorageUri",
              sourceUri: `${this.source.objectStorage.endpoint}${par.accessUri}`,
            } as core.models.ImageSourceViaObjectStorageUriDetails,
          },
          opcRetryToken: retryToken(spec, this.tokenSeed, "importImage", attempt),
        });
        return { resourceId: response.image.id, workRequestId: requireWorkRequest(response.opcWorkRequestId, "CreateImage (import)") };
      },
      settle: async (imageId) => {
        await this.waitForImage(spec.target.region, imageId, `imported image ${imageId}`);
      },
      discard: (imageId) => this.deleteImage(spec.target.region, imageId),
    });
    // A bearer URL to the image must not outlive the import.
    await this.deletePar();
  }

  private launchInstance(): AsyncStep {
    const { spec } = this;
    const { target } = spec;
    return {
      region: target.region,
      issue: async (attempt) => {
        // Read at launch, never stored: the metadata holds the node's user data.
        const carried = carriedSettings(await this.sourceInstance(), this.tags);
        const response = await this.target.compute.launchInstance({
          launchInstanceDetails: {
            ...carried,
            availabilityDomain: target.availabilityDomain,
            compartmentId: target.compartmentId,
            displayName: target.displayName,
            shape: target.shape,
            // Flex shapes cannot launch without OCPUs and memory (the seed's tool forgot this).
            shapeConfig: { ocpus: target.ocpus, memoryInGBs: target.memoryInGBs },
            sourceDetails: { sourceType: "image", imageId: this.progress.steps.importImage.resourceId } as core.models.InstanceSourceViaImageDetails,
            createVnicDetails: {
              subnetId: target.subnetId,
              assignPublicIp: target.assignPublicIp,
              ...(target.nsgIds.length > 0 ? { nsgIds: target.nsgIds } : {}),
            },
          },
          opcRetryToken: retryToken(spec, this.tokenSeed, "launchInstance", attempt),
        });
        return { resourceId: response.instance.id, workRequestId: requireWorkRequest(response.opcWorkRequestId, "LaunchInstance") };
      },
      settle: async (instanceId) => {
        await waitForLifecycle(
          `instance ${instanceId}`, async () => (await this.target.compute.getInstance({ instanceId })).instance,
          (instance) => instance.lifecycleState, ["RUNNING"], ["TERMINATING", "TERMINATED", "STOPPED"],
          this.settings, this.deps.clock,
        );
      },
      discard: (instanceId) => this.terminate(instanceId, false),
    };
  }

  /** The instance being moved, as OCI describes it now (its tags, agent settings, options, metadata). */
  private async sourceInstance(): Promise<core.models.Instance> {
    const instanceId = this.spec.source.instanceId;
    try {
      return (await sdkErrorsHandledHere(() => this.source.compute.getInstance({ instanceId }), isNotFound)).instance;
    } catch (err) {
      if (isNotFound(err)) {
        throw new Error(`source instance ${instanceId} is gone: its defined tags, agent settings, instance options and metadata cannot be carried over to the launch`);
      }
      throw err;
    }
  }

  private async cleanup(): Promise<void> {
    const record = this.progress.steps.cleanup;
    record.status = "started";
    const sourceImage = this.progress.steps.createImage.resourceId;
    if (sourceImage) await this.deleteImage(this.spec.source.region, sourceImage);
    await this.deleteExportedObject();
    await this.deletePar();
    record.status = "done";
    this.deps.log(`[cleanup] deleted ${sourceImage || "no image"} and ${this.progress.objectName || "no object"} in ${this.spec.source.region}`);
  }

  async terminate(instanceId: string, wait: boolean): Promise<void> {
    const compute = this.target.compute;
    let workRequestId: string | undefined;
    try {
      const current = (await sdkErrorsHandledHere(() => compute.getInstance({ instanceId }), isNotFound)).instance;
      if (current.lifecycleState === "TERMINATED") return;
      workRequestId = (await compute.terminateInstance({ instanceId, preserveBootVolume: false })).opcWorkRequestId;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!wait) return;
    await waitForLifecycle(
      `termination of ${instanceId}${workRequestId ? ` (work request ${workRequestId})` : ""}`,
      async () => (await compute.getInstance({ instanceId })).instance, (i) => i.lifecycleState,
      ["TERMINATED"], [], this.settings, this.deps.clock,
    );
  }

  /** Removes everything this relocation created, in both regions. The source instance is never touched. */
  async teardown(): Promise<void> {
    const { steps } = this.progress;
    if (steps.launchInstance.resourceId) await this.terminate(steps.launchInstance.resourceId, true);
    if (steps.importImage.resourceId) await this.deleteImage(this.spec.target.region, steps.importImage.resourceId);
    if (steps.createImage.resourceId) await this.deleteImage(this.spec.source.region, steps.createImage.resourceId);
    await this.deleteExportedObject();
    await this.deletePar();
  }
}

function requireWorkRequest(id: string | undefined, operation: string): string {
  if (!id) throw new Error(`${operation} answered without an opc-work-request-id header`);
  return id;
}

/** Runs (or resumes) a relocation; `progress` is updated in place and returned. */
export async function relocate(spec: RelocationSpec, progress: RelocationProgress, deps: EngineDeps): Promise<RelocationProgress> {
  await new Relocation(spec, progress, deps).run();
  return progress;
}

/** Deletes the target instance and every intermediate the relocation recorded. */
export async function teardownRelocation(spec: RelocationSpec, progress: RelocationProgress, deps: EngineDeps): Promise<void> {
  await new Relocation(spec, progress, deps).teardown();
}
