// What the InstanceRelocation dynamic provider does: the Operations contract
// (components/dynamic/operations.ts) over the relocation engine. provider.ts names this module;
// the provider host loads it at run time, so nothing here is serialized into the Pulumi state.
import * as crypto from "crypto";
import { isDeepStrictEqual } from "util";
import type * as pulumi from "@pulumi/pulumi";
import { authenticationProvider, ociAuthFromStack, STACK_OCI_KEY } from "../oci-auth";
import type { ConfigReader, Props } from "../dynamic/operations";
import type { StateVersions } from "../dynamic/state-version";
import { withTimeout } from "../dynamic/timeout";
import { isSdkNotFound, sdkErrorsHandledHere } from "../oci/sdk-warnings";
import { UNKNOWN } from "../dynamic/unknown";
import { ClientOptions, describeOciError, endpointOverrides, regionClientFactory } from "./oci-clients";
import { describeDiscovery, discoverProgress } from "./relocation-discovery";
import { emptyProgress, relocate, RelocationProgress, RelocationStepError, remainingSteps, stepsToRun, teardownRelocation } from "./relocation-engine";
import { describeSteps, parseRelocationSpec, relocationId, RelocationSpec } from "./spec";
import { systemClock } from "../common/clock";

/** What `configure` read: the stack's `tundra:oci` section, and the host's environment (OCI CLI variables, TUNDRA_OCI_ENDPOINTS). */
export interface Settings {
  stackOci?: string;
  env: NodeJS.ProcessEnv;
}

export const resourceName = "InstanceRelocation";

/** Every InstanceRelocation state has carried schemaVersion 1 since the first one: no migration. */
export const stateVersions: StateVersions = { current: 1, migrations: {} };

export function settingsFrom(config: ConfigReader, env: NodeJS.ProcessEnv): Settings {
  // Authentication is resolved when OCI is called, not here: a preview of a new relocation calls nothing.
  return { stackOci: config(STACK_OCI_KEY), env };
}

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

/** How long `check` may spend looking up a run's progress before preview goes on without it. */
const DISCOVERY_BUDGET_MS = 45_000;

/** Top-level inputs that are wholly unknown in preview (an Output not yet resolved). */
function unknownKeys(raw: Props): string[] {
  return Object.keys(raw).filter((k) => raw[k] === UNKNOWN);
}

/**
 * The run id: carried over from the previous inputs while the relocation stays the same (same
 * name, source and target), a new one for a new relocation or a replacement. "" for a state
 * written before the run id was an input (its run is then known only to the recorded progress).
 */
function runIdFor(olds: Props, normalized: Props): { runId: string; carried: boolean; replaced: string[] } {
  const prior = REPLACE_KEYS.some((k) => olds[k] !== undefined);
  // Deep equality whatever the key order: the old inputs crossed the host's protobuf Structs, which sort keys.
  const replaced = prior ? REPLACE_KEYS.filter((k) => !isDeepStrictEqual(olds[k], normalized[k])) : [];
  if (prior && replaced.length === 0) {
    return typeof olds.runId === "string" ? { runId: olds.runId, carried: olds.runId !== "", replaced } : { runId: "", carried: false, replaced };
  }
  return { runId: crypto.randomUUID(), carried: false, replaced };
}

/**
 * The `plan` line: which steps remain. For a relocation already under way, OCI is asked what its
 * run has done (the recorded progress is invisible to check); any failure to ask is said, never
 * fatal, since `pulumi up` resumes from the recorded progress whatever preview could see.
 */
async function planLine(spec: RelocationSpec, run: ReturnType<typeof runIdFor>, unknown: string[], settings: Settings): Promise<string> {
  const all = stepsToRun(spec).join(", ");
  const notes = unknown.map((k) => `${k} known after apply`);
  const about = (first: string) => [first, ...notes].join("; ");
  if (run.replaced.length > 0) {
    // A key that holds an unknown value may turn out unchanged: the real up's check then keeps the run.
    const unsure = run.replaced.filter((k) => JSON.stringify(spec[k as keyof RelocationSpec]).includes(UNKNOWN));
    const why = unsure.length > 0
      ? `a new relocation if ${run.replaced.join(" or ")} changed (known after apply): it would replace the recorded one`
      : `a new relocation: ${run.replaced.join(", ")} changed, so it replaces the recorded one`;
    return `remaining: ${all} (${about(why)})`;
  }
  if (!run.carried && run.runId !== "") return `remaining: ${all} (${about("a new relocation: nothing done yet")})`;
  const resumes = "`pulumi up` resumes from the progress recorded in the state";
  if (run.runId === "") return `remaining: not looked up in OCI (recorded by an earlier version without a run id in its inputs); ${resumes}`;
  try {
    // The deadline covers authentication too: instance principals ask the metadata service first.
    const lookup = async () => discoverProgress(spec, run.runId, (await engineDeps(settings, { requestTimeoutMs: 15_000, maxAttempts: 2 })).clients);
    const found = await withTimeout(lookup(), DISCOVERY_BUDGET_MS, "looking up the run's progress");
    return describeDiscovery(found, notes);
  } catch (err) {
    return `remaining: not looked up in OCI (${describeOciError(err)}); ${resumes}`;
  }
}

export async function check(olds: Props, news: Props, settings: Settings): Promise<pulumi.dynamic.CheckResult> {
  // runId and plan are computed here, never taken from the program.
  const { [PROVIDER_KEY]: _provider, steps: _steps, plan: _plan, runId: _runId, ...raw } = news;
  const unknown = unknownKeys(raw);
  const unknownIdentity = unknown.filter((k) => (REPLACE_KEYS as readonly string[]).includes(k));
  if (unknownIdentity.length > 0) {
    // What is moved where is not known yet: nothing to validate or look up, and no placeholder invented.
    const { runId, replaced } = runIdFor(olds, raw);
    const known = `once ${unknown.join(", ")} ${unknown.length > 1 ? "are" : "is"} known`;
    const plan = replaced.length > 0
      ? `remaining: listed ${known} (a different ${unknownIdentity.join(" or ")} would be a new relocation replacing the recorded one)`
      : `remaining: listed ${known}`;
    return { inputs: { ...raw, runId, steps: [`(steps are listed ${known})`], plan }, failures: [] };
  }
  // Unknown operating knobs (cleanup, waits, ...) are validated once known; the rest is checked now.
  const knownRaw = Object.fromEntries(Object.entries(raw).filter(([k]) => !unknown.includes(k)));
  const parsed = parseRelocationSpec(knownRaw);
  if (!parsed.spec) return { inputs: news, failures: parsed.failures };
  const spec = { ...parsed.spec, ...Object.fromEntries(unknown.map((k) => [k, UNKNOWN])) } as RelocationSpec;
  const normalized = specInputs(spec);
  const run = runIdFor(olds, normalized);
  // `steps` and `plan` are checked inputs so that `pulumi preview --diff` shows them (the host
  // passes no detailed diff through): every step line by line, and which of them remain.
  const plan = await planLine(spec, run, unknown, settings);
  return { inputs: { ...normalized, runId: run.runId, steps: describeSteps(spec), plan }, failures: [] };
}

/** The `plan` line from the recorded progress (what `update` resumes from). */
function recordedPlan(spec: RelocationSpec, progress: RelocationProgress): string {
  const remaining = remainingSteps(spec, progress);
  const done = stepsToRun(spec).filter((s) => !remaining.includes(s));
  return `remaining: ${remaining.length > 0 ? remaining.join(", ") : "none"} (recorded in the state: ${done.length > 0 ? `${done.join(", ")} done` : "nothing done yet"})`;
}

function outputs(spec: RelocationSpec, progress: RelocationProgress): Props {
  const remaining = remainingSteps(spec, progress);
  return {
    schemaVersion: stateVersions.current,
    ...specInputs(spec),
    runId: progress.runId,
    steps: describeSteps(spec),
    plan: recordedPlan(spec, progress),
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

export async function diff(_id: string, olds: Props, news: Props, _settings: Settings): Promise<pulumi.dynamic.DiffResult> {
  const replaces = REPLACE_KEYS.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
  const wantsCleanup = news.cleanup === true && olds.progress?.steps?.cleanup?.status !== "done";
  const unfinished = olds.complete !== true;
  return { changes: wantsCleanup || unfinished, replaces: [], deleteBeforeReplace: false };
}

async function engineDeps(settings: Settings, options: ClientOptions = {}) {
  const auth = await authenticationProvider(ociAuthFromStack((key) => (key === STACK_OCI_KEY ? settings.stackOci : undefined), settings.env));
  return {
    clients: regionClientFactory(auth, endpointOverrides(settings.env), options),
    clock: systemClock,
    log: (line: string) => process.stderr.write(`[tundra:region] ${line}\n`),
  };
}

/** Runs or resumes; a failure throws the error shape the engine records as partial state. */
async function run(spec: RelocationSpec, progress: RelocationProgress, provider: unknown, settings: Settings): Promise<Props> {
  try {
    await relocate(spec, progress, await engineDeps(settings));
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

export async function create(inputs: Props, settings: Settings): Promise<pulumi.dynamic.CreateResult> {
  const spec = specFrom(inputs);
  // The run id check chose: what this run creates is tagged with it, so a later check finds it.
  const runId = typeof inputs.runId === "string" && inputs.runId !== "" ? inputs.runId : undefined;
  return { id: relocationId(spec), outs: await run(spec, emptyProgress(runId), inputs[PROVIDER_KEY], settings) };
}

export async function update(_id: string, olds: Props, news: Props, settings: Settings): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await run(specFrom(news), progressFrom(olds), news[PROVIDER_KEY], settings) };
}

/** Refresh: a relocation whose target instance is gone (terminated or deleted) is gone too. */
export async function read(id: string, props: Props, settings: Settings): Promise<pulumi.dynamic.ReadResult> {
  const instanceId = props.targetInstanceId;
  if (props.complete !== true || !instanceId) return { id, props };
  const clients = (await engineDeps(settings)).clients(props.target.region);
  try {
    const { instance } = await sdkErrorsHandledHere(() => clients.compute.getInstance({ instanceId }), isSdkNotFound);
    if (instance.lifecycleState === "TERMINATED" || instance.lifecycleState === "TERMINATING") return { id: "", props: {} };
    return { id, props };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return { id: "", props: {} };
    throw err;
  }
}

/** Destroy terminates the target instance and deletes every intermediate; the source is untouched. */
export async function remove(_id: string, props: Props, settings: Settings): Promise<void> {
  await teardownRelocation(specFrom(props), progressFrom(props), await engineDeps(settings));
}
