// What the InstanceRelocation dynamic provider does, as plain functions over plain JSON. The
// provider object (relocation-provider.ts) loads this module inside each method, in the provider
// host process, so nothing here is serialized into the Pulumi state.
import { authenticationProvider, ociAuthFromStack, STACK_OCI_KEY } from "../oci-auth";
import { endpointOverrides, regionClientFactory } from "./oci-clients";
import { emptyProgress, relocate, RelocationProgress, RelocationStepError, remainingSteps, stepsToRun, teardownRelocation } from "./relocation-engine";
import { describeSteps, parseRelocationSpec, relocationId, RelocationSpec, SpecFailure, UNKNOWN } from "./relocation-spec";
import { realClock } from "./wait";

type Props = Record<string, any>;

/** What the provider host knows beyond a call's properties: the stack's `tundra:oci` section. */
export interface HostSettings {
  stackOci?: string;
}

export const SCHEMA_VERSION = 1;
const PROVIDER_KEY = "__provider";

/** Inputs that name what is moved where: changing any of them is a different relocation. */
const REPLACE_KEYS = ["name", "source", "target"] as const;

function specInputs(spec: RelocationSpec): Props {
  return {
    name: spec.name, source: spec.source, target: spec.target, cleanup: spec.cleanup,
    parTtlHours: spec.parTtlHours, waits: spec.waits, freeformTags: spec.freeformTags,
  };
}

function specFrom(props: Props): RelocationSpec {
  const { spec, failures } = parseRelocationSpec(specInputs(props as RelocationSpec));
  if (!spec) throw new Error(`invalid relocation inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  return spec;
}

export function check(_olds: Props, news: Props): { inputs: Props; failures: SpecFailure[] } {
  const { [PROVIDER_KEY]: _provider, steps: _steps, ...raw } = news;
  const unknownSections = Object.keys(raw).filter((k) => raw[k] === UNKNOWN);
  if (unknownSections.length > 0) {
    // Whole sections unknown in preview: nothing to validate yet, and no placeholder ids invented.
    return { inputs: { ...raw, steps: [`(steps are listed once ${unknownSections.join(", ")} ${unknownSections.length > 1 ? "are" : "is"} known)`] }, failures: [] };
  }
  const parsed = parseRelocationSpec(raw);
  if (!parsed.spec) return { inputs: news, failures: parsed.failures };
  // `steps` is a checked input so that `pulumi preview --diff` shows, line by line, what the
  // relocation will do (the host passes no detailed diff through).
  return { inputs: { ...specInputs(parsed.spec), steps: describeSteps(parsed.spec) }, failures: [] };
}

export function outputs(spec: RelocationSpec, progress: RelocationProgress): Props {
  const remaining = remainingSteps(spec, progress);
  return {
    schemaVersion: SCHEMA_VERSION,
    ...specInputs(spec),
    steps: describeSteps(spec),
    progress,
    sourceImageId: progress.steps.createImage.resourceId,
    exportedObject: progress.objectName && progress.steps.cleanup.status !== "done" ? `${spec.source.bucket}/${progress.objectName}` : "",
    targetImageId: progress.steps.importImage.resourceId,
    targetInstanceId: progress.steps.launchInstance.resourceId,
    completedSteps: stepsToRun(spec).filter((s) => !remaining.includes(s)),
    remainingSteps: remaining,
    complete: remaining.length === 0,
  };
}

function progressFrom(olds: Props): RelocationProgress {
  const progress = olds.progress as RelocationProgress | undefined;
  return progress?.schemaVersion === 1 ? progress : emptyProgress();
}

export function diff(olds: Props, news: Props): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces = REPLACE_KEYS.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
  const wantsCleanup = news.cleanup === true && olds.progress?.steps?.cleanup?.status !== "done";
  const unfinished = olds.complete !== true;
  return { changes: wantsCleanup || unfinished, replaces: [], deleteBeforeReplace: false };
}

async function engineDeps(host: HostSettings) {
  const auth = await authenticationProvider(ociAuthFromStack((key) => (key === STACK_OCI_KEY ? host.stackOci : undefined), process.env));
  return {
    clients: regionClientFactory(auth, endpointOverrides()),
    clock: realClock,
    log: (line: string) => process.stderr.write(`[tundra:region] ${line}\n`),
  };
}

/** Runs or resumes; a failure throws the error shape the engine records as partial state. */
async function run(spec: RelocationSpec, progress: RelocationProgress, provider: unknown, host: HostSettings): Promise<Props> {
  try {
    await relocate(spec, progress, await engineDeps(host));
    return outputs(spec, progress);
  } catch (err) {
    const recorded = err instanceof RelocationStepError ? err.progress : progress;
    const message = (err as Error).message;
    const remaining = remainingSteps(spec, recorded);
    const done = stepsToRun(spec).filter((s) => !remaining.includes(s));
    const resume = `Done: ${done.length > 0 ? done.join(", ") : "nothing"}. Recorded in the state: the next \`pulumi up\` resumes at ${remaining[0]} (remaining: ${remaining.join(", ")}).`;
    throw Object.assign(new Error(`${message}\n${resume}`), {
      id: relocationId(spec),
      properties: { ...outputs(spec, recorded), [PROVIDER_KEY]: provider },
      reasons: [message],
    });
  }
}

export async function create(inputs: Props, host: HostSettings): Promise<{ id: string; outs: Props }> {
  const spec = specFrom(inputs);
  return { id: relocationId(spec), outs: await run(spec, emptyProgress(), inputs[PROVIDER_KEY], host) };
}

export async function update(olds: Props, news: Props, host: HostSettings): Promise<{ outs: Props }> {
  return { outs: await run(specFrom(news), progressFrom(olds), news[PROVIDER_KEY], host) };
}

/** Refresh: a relocation whose target instance is gone (terminated or deleted) is gone too. */
export async function read(id: string, props: Props, host: HostSettings): Promise<{ id: string; props: Props }> {
  const instanceId = props.targetInstanceId;
  if (props.complete !== true || !instanceId) return { id, props };
  const clients = (await engineDeps(host)).clients(props.target.region);
  try {
    const { instance } = await clients.compute.getInstance({ instanceId });
    if (instance.lifecycleState === "TERMINATED" || instance.lifecycleState === "TERMINATING") return { id: "", props: {} };
    return { id, props };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return { id: "", props: {} };
    throw err;
  }
}

/** Destroy terminates the target instance and deletes every intermediate; the source is untouched. */
export async function remove(props: Props, host: HostSettings): Promise<void> {
  await teardownRelocation(specFrom(props), progressFrom(props), await engineDeps(host));
}

export { UNKNOWN };
