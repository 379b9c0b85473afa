// The DecommissionGuard's operations (the Operations contract of components/dynamic/operations.ts),
// run in the provider host: check with the zod schema of spec.ts, then gather the facts and assess.
//
// Facts come from the engines, never from a second implementation: the live Route53 weights from
// the cutover engine (PairRecords.readGroup + liveWeights), the final data comparison from the
// transfer engine's planner (what a sync would still copy), and the OCI stack's facts from the
// inputs (the program reads them through a StackReference, which gives the Route53 pair and the
// destination too; until the OCI stack exports them they are null and named as missing).
// assessDecommission decides.
import type * as pulumi from "@pulumi/pulumi";
import { assessDecommission, type Assessment, type DecommissionFacts } from "./assess";
import { INPUT_KEYS, inputsSchema, OCI_STACK_OUTPUTS, type CheckedGuardInputs } from "./spec";
import type { DataSyncSettings } from "../datasync/stores";
import type { DestinationSpec, SourceSpec } from "../datasync/spec";
import { checkAgainst } from "../dynamic/check";
import type { ConfigReader, Props } from "../dynamic/operations";
import { plainJson } from "../dynamic/outputs";
import type { StateVersions } from "../dynamic/state-version";
import { TimeoutError, withTimeout } from "../dynamic/timeout";
import { isUnknown, unknownPaths } from "../dynamic/unknown";
import { route53EndpointFrom } from "../cutover/records";
import { settingsFrom as dataSyncSettingsFrom } from "../datasync/operations";

export const resourceName = "DecommissionGuard";

/**
 * Version 1 took route53 and destination from the aws-side config and kept a free-text
 * `ociStack.note`; version 2 reads them from the OCI stack (null until it exports them) and names
 * what the OCI stack lacks in `ociStack.missing` / `ociStack.invalid`, with `ociStack.source`.
 */
export const stateVersions: StateVersions = { current: 2, migrations: { 1: fromVersion1 } };

/**
 * A version-1 state as version 2: route53 and destination stay as recorded; the outputs the note
 * named become `missing`; dataSync.source was never read then, so it is missing until the next
 * `pulumi up` of this stack reads it (a destroy refuses until then, the safe direction).
 */
export function fromVersion1(state: Props): Props {
  const { note, ...ociStack } = (state.ociStack ?? {}) as Props;
  const noted = typeof note === "string" && note ? note.replace(/^the OCI stack exports no /, "").split(" and no ").map((o) => (o === "cutover output" ? "cutover" : o)) : [];
  return { ...state, ociStack: { ...ociStack, source: null, missing: [...noted, "dataSync.source"], invalid: [] } };
}

/** Provider settings (stack config or environment): never inputs, so nothing here lands in the state. */
export interface GuardSettings {
  /** Route53 endpoint override (tests). Config `tundra-replatform:route53Endpoint`, env TUNDRA_ROUTE53_ENDPOINT. */
  route53Endpoint?: string;
  /** OCI authentication for listing the destination: the DataSync provider's settings. */
  data: DataSyncSettings;
}

/** How long each way of running may spend gathering facts. */
export const TIME_LIMITS = {
  /** check runs in every preview: a bounded look, reported as a blocker when it runs out. */
  check: { route53Ms: 15_000, dataMs: 120_000 },
  /** create/update/read record the assessment. */
  record: { route53Ms: 30_000, dataMs: 15 * 60_000 },
  /** delete is the decision itself: it waits for the whole comparison. */
  delete: { route53Ms: 60_000, dataMs: 6 * 60 * 60_000 },
};
type Limits = (typeof TIME_LIMITS)[keyof typeof TIME_LIMITS];

/** Computed, readable fields check adds to the inputs (what `pulumi preview --diff` shows). */
export interface AssessmentFields {
  safe: boolean;
  blockers: string[];
  /**
   * Only in checked inputs: blocker kinds whose facts a preview could not gather in time (a very
   * large bucket). diff ignores them, so a big tenant does not show an update on every preview.
   */
  unassessed?: string[];
  /** One line: "destroy allowed" or "destroy refused: 2 blockers (traffic, data)". */
  verdict: string;
}

export function settingsFrom(get: ConfigReader, env: NodeJS.ProcessEnv): GuardSettings {
  const route53Endpoint = route53EndpointFrom(get, env);
  return { ...(route53Endpoint ? { route53Endpoint } : {}), data: dataSyncSettingsFrom(get, env) };
}

function firstLine(err: unknown): string {
  // The OCI SDK rejects with plain objects ({statusCode, serviceCode, message}), not Errors.
  const e = err as { name?: string; message?: unknown; statusCode?: number; serviceCode?: string };
  const text =
    err instanceof Error
      ? `${e.name && e.name !== "Error" && e.name !== "TimeoutError" ? `${e.name}: ` : ""}${err.message}`
      : e && typeof e === "object"
        ? [e.statusCode, e.serviceCode, typeof e.message === "string" ? e.message : JSON.stringify(err)].filter((x) => x !== undefined && x !== "").join(" ")
        : String(err);
  const line = text.split("\n")[0];
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

type Gathered<K extends keyof DecommissionFacts> = Pick<DecommissionFacts, K> & { timedOut?: true };

async function readTraffic(inputs: CheckedGuardInputs, settings: GuardSettings, ms: number): Promise<Gathered<"liveWeights" | "liveWeightsError" | "otherRecords">> {
  if (!inputs.route53) return { liveWeightsError: `no Route53 pair to read: the OCI stack gives no usable ${OCI_STACK_OUTPUTS.route53}` };
  const { PairRecords, liveWeights, makeRoute53Client } = require("../cutover/records") as typeof import("../cutover/records");
  const { systemClock } = require("../common/clock") as typeof import("../common/clock");
  const records = new PairRecords(makeRoute53Client(settings.route53Endpoint), systemClock, inputs.route53);
  try {
    const group = await withTimeout(records.readGroup(), ms, "reading the Route53 records");
    // No weighted pair: nothing identifies an OCI record carrying traffic (assess blocks on that).
    const weights = liveWeights(group) ?? { aws: undefined, oci: undefined };
    const others = [...(group.simple ? [group.simple] : []), ...group.others].map((r) => ({ setIdentifier: r.SetIdentifier ?? null, weight: r.Weight ?? null }));
    return { liveWeights: weights, ...(others.length > 0 ? { otherRecords: others } : {}) };
  } catch (err) {
    return { liveWeightsError: firstLine(err), ...(err instanceof TimeoutError ? { timedOut: true as const } : {}) };
  }
}

async function compareData(inputs: CheckedGuardInputs, settings: GuardSettings, ms: number): Promise<Gathered<"dataPending" | "dataError">> {
  const destination = inputs.destination;
  if (!destination) return { dataError: `no OCI bucket to compare with: the OCI stack gives no usable ${OCI_STACK_OUTPUTS.destination}` };
  const stores = require("../datasync/stores") as typeof import("../datasync/stores");
  const { plan } = require("../transfer/sync") as typeof import("../transfer/sync");
  // The DataSync provider's own store construction, so both read the same places the same way.
  const controller = new AbortController();
  try {
    const p = await withTimeout(
      plan(stores.sourceStore(inputs.source satisfies SourceSpec), stores.destinationStore(destination satisfies DestinationSpec, settings.data), { signal: controller.signal, retry: { attempts: 3 } }),
      ms,
      "comparing the AWS source with the OCI bucket",
      () => controller.abort(new Error("timeout")),
    );
    return {
      dataPending: {
        objects: p.summary.copyObjects,
        bytes: p.summary.copyBytes,
        examples: p.copyExamples.slice(0, 5).map((c) => c.source.key),
        source: { description: p.summary.source, objects: p.summary.sourceObjects },
      },
    };
  } catch (err) {
    return { dataError: firstLine(err), ...(err instanceof TimeoutError ? { timedOut: true as const } : {}) };
  }
}

/** An assessment, and the blocker kinds whose facts ran out of time (not known, rather than bad). */
export type GuardAssessment = Assessment & { unassessed: string[] };

/** Gathers every fact (Route53 and data concurrently) and assesses. */
export async function assess(inputs: CheckedGuardInputs, settings: GuardSettings, limits: Limits, now = new Date()): Promise<GuardAssessment> {
  const { ociStack } = inputs;
  const [{ timedOut: trafficTimedOut, ...traffic }, { timedOut: dataTimedOut, ...data }] = await Promise.all([
    readTraffic(inputs, settings, limits.route53Ms),
    compareData(inputs, settings, limits.dataMs),
  ]);
  const facts: DecommissionFacts = {
    ...traffic,
    ...data,
    ...(ociStack.ociFullSince ? { ociFullSince: ociStack.ociFullSince } : {}),
    ociStackAcknowledged: ociStack.awsDecommissioned,
    ...(ociStack.source ? { sources: { aws: inputs.source, synced: ociStack.source } } : {}),
    ...(ociStack.missing.length + ociStack.invalid.length > 0 ? { ociStackGaps: { stack: ociStack.name, missing: ociStack.missing, invalid: ociStack.invalid } } : {}),
  };
  const result = assessDecommission(facts, { minDaysOnOci: inputs.minDaysOnOci }, now);
  const unassessed = [...(trafficTimedOut ? ["traffic"] : []), ...(dataTimedOut ? ["data"] : [])];
  return { ...result, unassessed };
}

/** The blocker kinds ("traffic", "data", ...): what decides a change, not the moving numbers. */
export function blockerKinds(blockers: readonly string[]): string[] {
  return [...new Set(blockers.map((b) => b.split(":")[0]))].sort();
}

export function verdictOf(a: Assessment): string {
  if (a.safe) return "destroy allowed: every decommission condition holds";
  const kinds = blockerKinds(a.blockers);
  return `destroy refused: ${a.blockers.length} blocker${a.blockers.length === 1 ? "" : "s"} (${kinds.join(", ")})`;
}

function fields(a: Assessment): Omit<AssessmentFields, "unassessed"> {
  return { safe: a.safe, blockers: a.blockers, verdict: verdictOf(a) };
}

/** Inputs or state as the guard's checked inputs; state this code wrote always passes. */
function checkedOf(props: Props): CheckedGuardInputs {
  const { inputs, failures } = checkAgainst(inputsSchema, props);
  if (!inputs) throw new Error(`DecommissionGuard: invalid inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ") || "some are unknown"}`);
  return inputs;
}

/** Only the inputs, out of inputs or state (which also hold outputs and `__provider`). */
function inputsOf(props: Props): Props {
  return Object.fromEntries(INPUT_KEYS.filter((key) => props[key] !== undefined).map((key) => [key, props[key]]));
}

export function resourceId(inputs: CheckedGuardInputs): string {
  // Fixed at create: before the OCI stack exports its Route53 pair, the tenant alone.
  return `decommission-guard/${inputs.tenant}${inputs.route53 ? `/${inputs.route53.recordName}` : ""}`;
}

export async function check(_olds: Props, news: Props, settings: GuardSettings): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures } = checkAgainst(inputsSchema, inputsOf(news));
  if (failures.length > 0) return { inputs: news, failures };
  // Unknown until apply (preview): judged on the inputs as written, before any normalization.
  const unknown = unknownPaths(inputsOf(news));
  if (unknown.length > 0 || !inputs) {
    const assessment: AssessmentFields = {
      safe: false,
      blockers: [`not assessed: ${unknown.join(", ")} unknown until apply`],
      verdict: "destroy refused until assessed (inputs unknown until apply)",
    };
    return { inputs: plainJson({ ...news, ...assessment }), failures: [] };
  }
  const a = await assess(inputs, settings, TIME_LIMITS.check);
  return { inputs: plainJson({ ...inputs, ...fields(a), unassessed: a.unassessed }), failures: [] };
}

/** One input key as the guard keeps it (normalized); as written when it does not parse (yet). */
function keptValue(key: (typeof INPUT_KEYS)[number], value: unknown): unknown {
  const parsed = inputsSchema.shape[key].safeParse(value);
  return parsed.success ? parsed.data : value;
}

/**
 * An update when the configuration changed or the verdict did (safe, or the kinds of blockers).
 * Moving numbers inside an unchanged verdict (days on OCI, object counts) are no change, so
 * previews do not churn. Never a replacement: replacing would delete, and delete refuses.
 */
export async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult & { changed: string[] }> {
  const changed: string[] = [];
  for (const key of INPUT_KEYS) {
    if (isUnknown(news[key]) || JSON.stringify(keptValue(key, olds[key])) !== JSON.stringify(keptValue(key, news[key]))) changed.push(key);
  }
  // Kinds a preview could not assess in time say nothing new: compare the rest.
  const unassessed: string[] = Array.isArray(news.unassessed) ? news.unassessed : [];
  const kinds = (blockers: unknown) => blockerKinds(Array.isArray(blockers) ? blockers : []).filter((k) => !unassessed.includes(k));
  if (Array.isArray(news.blockers) && JSON.stringify(kinds(news.blockers)) !== JSON.stringify(kinds(olds.blockers))) changed.push("blockers");
  else if (typeof news.safe === "boolean" && news.safe !== olds.safe && unassessed.length === 0) changed.push("safe");
  return { changes: changed.length > 0, replaces: [] as string[], deleteBeforeReplace: false, changed };
}

function outputs(inputs: CheckedGuardInputs, a: Assessment, assessedAt: string): Props {
  return plainJson({ ...inputs, schemaVersion: stateVersions.current, ...fields(a), assessedAt });
}

export async function create(news: Props, settings: GuardSettings): Promise<pulumi.dynamic.CreateResult> {
  const inputs = checkedOf(news);
  const a = await assess(inputs, settings, TIME_LIMITS.record);
  return { id: resourceId(inputs), outs: outputs(inputs, a, new Date().toISOString()) };
}

export async function update(_id: string, _olds: Props, news: Props, settings: GuardSettings): Promise<pulumi.dynamic.UpdateResult> {
  const { outs } = await create(news, settings);
  return { outs };
}

/**
 * `pulumi refresh`: the assessment as it is now (a weight changed by hand in Route53 shows up).
 * assessedAt moves only when the blockers do, so a refresh that finds nothing new changes nothing.
 */
export async function read(id: string, props: Props, settings: GuardSettings): Promise<pulumi.dynamic.ReadResult> {
  const inputs = checkedOf(props);
  const a = await assess(inputs, settings, TIME_LIMITS.record);
  const unchanged = props.safe === a.safe && JSON.stringify(props.blockers ?? null) === JSON.stringify(a.blockers) && typeof props.assessedAt === "string";
  return { id, props: outputs(inputs, a, unchanged ? props.assessedAt : new Date().toISOString()) };
}

/** The error a refused destroy shows: every blocker, with its numbers, and what to do. */
export function refusal(inputs: CheckedGuardInputs, a: Assessment): Error {
  return new Error(
    [
      `DecommissionGuard: refusing to delete, so \`pulumi destroy\` deletes nothing else in this stack either.`,
      `Tenant ${inputs.tenant} (${inputs.route53?.recordName ?? "Route53 pair not known yet"}) is not ready to leave AWS:`,
      ...a.blockers.map((b) => `  - ${b}`),
      "Fix each blocker, then run `pulumi up` on this stack (to record the OCI stack's facts) and `pulumi destroy` again. See docs/decommission.md.",
    ].join("\n"),
  );
}

/**
 * Re-assesses with fresh facts and refuses (throws, listing every blocker) unless every condition
 * holds; the engine then deletes nothing that depends on the guard.
 */
export async function remove(_id: string, props: Props, settings: GuardSettings): Promise<void> {
  const inputs = checkedOf(props);
  const a = await assess(inputs, settings, TIME_LIMITS.delete);
  if (!a.safe) throw refusal(inputs, a);
  process.stderr.write(`DecommissionGuard: tenant ${inputs.tenant} is safe to decommission on AWS; releasing the stack for deletion\n`);
}
