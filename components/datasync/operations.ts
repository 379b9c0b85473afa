// What the DataSync dynamic provider does (the Operations contract of components/dynamic/), thin
// over the transfer engine: check (spec.ts, then the pending work for preview), the diff decision,
// the sync itself with partial state, drift on read, and delete that keeps the data by default.
// Loaded in the provider host by components/dynamic/dispatch.ts; no Pulumi import.
import type * as pulumi from "@pulumi/pulumi";
import type { SyncPlan, SyncResult } from "../transfer";
import { formatBytes } from "../transfer/format";
import { checkAgainst, parsedWhereKnown } from "../dynamic/check";
import type { ConfigReader, Props } from "../dynamic/operations";
import { plainJson } from "../dynamic/outputs";
import type { StateVersions } from "../dynamic/state-version";
import { TimeoutError, withTimeout } from "../dynamic/timeout";
import { isUnknown } from "../dynamic/unknown";
import { inputsSchema, type DataSyncInputs, type DataSyncOutputs } from "./spec";
import { destinationStore, sourceStore, type DataSyncSettings } from "./stores";

const MiB = 1024 * 1024;
/** How long a preview may spend listing both sides for the pending work. */
const PENDING_WORK_MS = 120_000;

export const resourceName = "DataSync";

/** Version 1 since the first DataSync: every state it wrote carries schemaVersion. */
export const stateVersions: StateVersions = { current: 1, migrations: {} };

/** Credentials from the stack's config over the environment, with the one precedence of components/oci-auth.ts. */
export function settingsFrom(config: ConfigReader, env: NodeJS.ProcessEnv): DataSyncSettings {
  const { ociAuthFromStack } = require("../oci-auth") as typeof import("../oci-auth");
  return { oci: ociAuthFromStack(config, env) };
}

export async function check(olds: Props, news: Props, settings: DataSyncSettings): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures } = checkAgainst(inputsSchema, news);
  if (failures.length > 0) return { inputs: news, failures };
  if (!inputs) {
    // Some input is unknown until apply (preview): nothing to list yet.
    return { inputs: { ...parsedWhereKnown(inputsSchema, news), pendingWork: "not computed: some inputs are unknown until apply" }, failures: [] };
  }
  const checked: DataSyncInputs = { ...inputs, pendingWork: "" };
  checked.pendingWork = needsPendingWork(olds, checked)
    ? await pendingWork(checked, settings)
    : typeof olds.pendingWork === "string" ? olds.pendingWork : "";
  return { inputs: checked, failures: [] };
}

export async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const { changes, replaces } = decide(olds as Partial<DataSyncOutputs>, news as DataSyncInputs);
  return { changes, replaces, deleteBeforeReplace: false };
}

export async function create(inputs: Props, settings: DataSyncSettings): Promise<pulumi.dynamic.CreateResult> {
  return run(inputs as DataSyncInputs, settings);
}

export async function update(_id: string, olds: Props, news: Props, settings: DataSyncSettings): Promise<pulumi.dynamic.UpdateResult> {
  const { outs } = await run(news as DataSyncInputs, settings, olds as Partial<DataSyncOutputs>);
  return { outs };
}

/**
 * Drift for refresh: what the destination lacks or holds differently compared with the source,
 * and whether the destination changed since the recorded digest.
 */
export async function read(id: string, props: Props, settings: DataSyncSettings): Promise<pulumi.dynamic.ReadResult> {
  const { plan } = require("../transfer") as typeof import("../transfer");
  const recorded = props as DataSyncOutputs;
  const p = await plan(sourceStore(recorded.source), destinationStore(recorded.destination, settings), { concurrency: recorded.concurrency });
  const digestNow = p.destinationDigest;
  const missing = p.copyReasons.missing ?? 0;
  const different = p.summary.copyObjects - missing;
  const findings: string[] = [];
  if (missing > 0) findings.push(`${missing} objects missing at the destination`);
  if (different > 0) findings.push(`${different} objects differ from the source`);
  if (recorded.manifestDigest && digestNow !== recorded.manifestDigest) findings.push(`destination digest is ${digestNow}, recorded ${recorded.manifestDigest}`);
  return { id, props: { ...recorded, drift: findings.length > 0 ? findings.join("; ") : "none", driftObjects: p.summary.copyObjects } };
}

/** Delete keeps the data unless purgeOnDelete; a purge deletes only under the synced prefix. */
export async function remove(_id: string, props: Props, settings: DataSyncSettings): Promise<void> {
  const recorded = props as DataSyncOutputs;
  const d = recorded.destination;
  if (!recorded.purgeOnDelete) {
    process.stderr.write(`datasync: kept the data at oci://${d.namespace}/${d.bucket}/${d.prefix} (purgeOnDelete is false)\n`);
    return;
  }
  const { withRetry, DEFAULT_RETRY } = require("../transfer/retry") as typeof import("../transfer/retry");
  const pLimit = require("p-limit") as typeof import("p-limit");
  const dest = destinationStore(d, settings);
  const keys: string[] = [];
  for await (const info of dest.list()) keys.push(info.key);
  const limit = pLimit(recorded.concurrency);
  await Promise.all(keys.map((key) => limit(() => withRetry(() => dest.delete(key), DEFAULT_RETRY))));
  process.stderr.write(`datasync: purged ${keys.length} objects from ${dest.description}\n`);
}

/** Inputs whose change means a different sync relationship (a new resource). */
function identityChanges(olds: Partial<DataSyncInputs>, news: DataSyncInputs): string[] {
  const replaces: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b) && !isUnknown(b);
  const s = (x: Partial<DataSyncInputs>) => x.source && { bucket: x.source.bucket, prefix: x.source.prefix, region: x.source.region, endpoint: x.source.endpoint };
  const d = (x: Partial<DataSyncInputs>) => x.destination && { namespace: x.destination.namespace, bucket: x.destination.bucket, prefix: x.destination.prefix, endpoint: x.destination.endpoint };
  if (!same(s(olds), s(news))) replaces.push("source");
  if (!same(d(olds), d(news))) replaces.push("destination");
  return replaces;
}

const TUNING_KEYS = ["generation", "concurrency", "partConcurrency", "multipartThresholdMiB", "partSizeMiB", "extraneous", "purgeOnDelete", "previewPendingWork", "bulk"] as const;
/** Inputs added after version-1 states were written: a state without one holds its default (no change, no new sync). */
const ADDED_LATER: Partial<Record<(typeof TUNING_KEYS)[number], unknown>> = { bulk: false };

/**
 * Whether `up` must run a sync: a new generation or setting, a different source or destination,
 * a previous run that did not complete, or drift found by refresh. The pending-work summary is
 * for reading only and never decides (a live source would otherwise diff forever).
 */
function decide(olds: Partial<DataSyncOutputs>, news: DataSyncInputs): { changes: boolean; replaces: string[] } {
  const replaces = identityChanges(olds, news);
  const changed: string[] = [...replaces];
  for (const key of TUNING_KEYS) {
    if (isUnknown(news[key]) || JSON.stringify(olds[key] ?? ADDED_LATER[key]) !== JSON.stringify(news[key])) changed.push(key);
  }
  if (olds.source && news.source && !isUnknown(news.source) && olds.source.forcePathStyle !== news.source.forcePathStyle) changed.push("source");
  if (olds.destination && news.destination && !isUnknown(news.destination) && olds.destination.region !== news.destination.region) changed.push("destination");
  if (olds.complete === false) changed.push("complete");
  if ((olds.driftObjects ?? 0) > 0) changed.push("driftObjects");
  return { changes: changed.length > 0, replaces };
}

/** Whether the check should (re)compute the pending work: only when an update or create is coming. */
function needsPendingWork(olds: Props, inputs: DataSyncInputs): boolean {
  if (!olds || Object.keys(olds).length === 0) return true;
  return decide(olds as Partial<DataSyncOutputs>, inputs).changes;
}

function describePlan(plan: SyncPlan, inputs: DataSyncInputs): string {
  const s = plan.summary;
  const parts = [`copy ${s.copyObjects} objects (${formatBytes(s.copyBytes)})`, `skip ${s.skipObjects} already in place (${formatBytes(s.skipBytes)})`];
  if (s.extraneousObjects > 0) parts.push(`${s.extraneousObjects} extraneous at the destination (${formatBytes(s.extraneousBytes)}) ${inputs.extraneous === "delete" ? "will be deleted" : "kept"}`);
  parts.push(copyTimeText(s.copyBytes, inputs));
  return parts.join("; ");
}

/**
 * How long the copy the plan shows takes on one runner (components/transfer/copy-time.ts), and
 * the warning when it is over the window; with bulk on, the bulk engine copies first and this
 * run is the final delta, so the estimate is an upper bound and there is nothing to warn about.
 */
function copyTimeText(copyBytes: number, inputs: DataSyncInputs): string {
  const { estimateCopyTime, formatHours } = require("../transfer/copy-time") as typeof import("../transfer/copy-time");
  const e = estimateCopyTime(copyBytes, { windowHours: inputs.copyWindowHours });
  const time = `about ${formatHours(e.hours)} on one runner at ${e.runnerMBps} MB/s`;
  if (inputs.bulk) return `${time} at most: the bulk copy (AWS DataSync) runs first and this run syncs the final delta, then verifies`;
  return e.warning ? `${time}; WARNING: ${e.warning}` : `${time} (within the ${e.windowHours} h window)`;
}

/** The readable pending work for preview, bounded in time; never throws. */
async function pendingWork(inputs: DataSyncInputs, settings: DataSyncSettings): Promise<string> {
  if (isUnknown(inputs)) return "not computed: some inputs are unknown until apply";
  if (!inputs.previewPendingWork) return "not computed: previewPendingWork is false";
  const { plan } = require("../transfer/sync") as typeof import("../transfer/sync");
  const controller = new AbortController();
  const listing = plan(sourceStore(inputs.source), destinationStore(inputs.destination, settings), { concurrency: inputs.concurrency, signal: controller.signal, retry: { attempts: 2 } });
  try {
    return describePlan(await withTimeout(listing, PENDING_WORK_MS, "listing", () => controller.abort(new Error("timeout"))), inputs);
  } catch (err) {
    if (err instanceof TimeoutError) return `not computed: listing took longer than ${Math.round(err.ms / 1000)} s`;
    return `not computed: ${String(err instanceof Error ? err.message : err).split("\n")[0].slice(0, 200)}`;
  }
}

function outputsFrom(inputs: DataSyncInputs, result: SyncResult, complete: boolean, lastError: string, previous?: Partial<DataSyncOutputs>): DataSyncOutputs {
  const seconds = result.durationMs / 1000;
  return plainJson({
    ...inputs,
    schemaVersion: stateVersions.current,
    complete,
    objectCount: result.plan.sourceObjects,
    totalBytes: result.plan.sourceBytes,
    copiedObjects: result.copiedObjects,
    copiedBytes: result.copiedBytes,
    skippedObjects: result.skippedObjects,
    deletedObjects: result.deletedObjects,
    extraneousObjects: result.extraneousObjects - result.deletedObjects,
    failedObjects: result.failed.length,
    durationSeconds: Math.round(seconds * 10) / 10,
    throughputMBps: Math.round((result.bytesPerSecond / 1e6) * 10) / 10,
    manifestDigest: result.manifestDigest ?? previous?.manifestDigest ?? "",
    syncedAt: new Date().toISOString(),
    lastError,
    drift: "none",
    driftObjects: 0,
  });
}

/** A failed run, carrying what the engine records as partial state. */
class PartialSyncError extends Error {
  constructor(message: string, readonly id: string, readonly properties: DataSyncOutputs, readonly reasons: string[]) {
    super(message);
    this.name = "PartialSyncError";
  }
}

function resourceId(inputs: DataSyncInputs): string {
  return `s3://${inputs.source.bucket}/${inputs.source.prefix} -> oci://${inputs.destination.namespace}/${inputs.destination.bucket}/${inputs.destination.prefix}`;
}

/**
 * Runs the sync (create and update). Progress goes to stderr (the engine keeps the host's output).
 * With bulk on, the run is the final delta after the bulk copy (components/bulk/final-delta.ts:
 * the same engine's sync, then its plan again), and a plan that still has objects to copy fails
 * the run with no manifest digest output.
 */
async function run(inputs: DataSyncInputs, settings: DataSyncSettings, previous?: Partial<DataSyncOutputs>): Promise<{ id: string; outs: DataSyncOutputs }> {
  const { sync, SyncError } = require("../transfer/sync") as typeof import("../transfer/sync");
  const { finalDeltaAndVerify, BulkVerificationError } = require("../bulk/final-delta") as typeof import("../bulk/final-delta");
  const id = resourceId(inputs);
  let lastPrinted = 0;
  const transfer = inputs.bulk
    ? async (...args: Parameters<typeof sync>) => (await finalDeltaAndVerify(...args)).delta
    : sync;
  try {
    const result = await transfer(sourceStore(inputs.source), destinationStore(inputs.destination, settings), {
      concurrency: inputs.concurrency,
      partConcurrency: inputs.partConcurrency,
      multipartThreshold: inputs.multipartThresholdMiB * MiB,
      partSize: inputs.partSizeMiB * MiB,
      deleteExtraneous: inputs.extraneous === "delete",
      onEvent: (e) => {
        if (e.type === "progress" && Date.now() - lastPrinted > 10_000) {
          lastPrinted = Date.now();
          const p = e.progress;
          process.stderr.write(`datasync ${id}: ${p.objectsDone}/${p.objectsTotal} objects, ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}, ${formatBytes(p.bytesPerSecond)}/s\n`);
        } else if (e.type === "failed") {
          process.stderr.write(`datasync ${id}: FAILED ${e.key}: ${e.error}\n`);
        }
      },
    });
    return { id, outs: outputsFrom(inputs, result, true, "", previous) };
  } catch (err) {
    if (err instanceof SyncError) {
      const outs = outputsFrom(inputs, err.result, false, err.message.slice(0, 2000), previous);
      throw new PartialSyncError(err.message, id, outs, [err.message.slice(0, 2000)]);
    }
    if (err instanceof BulkVerificationError && err.delta) {
      // The digest of a destination that still differs from the source is never output.
      const outs = { ...outputsFrom(inputs, err.delta, false, err.message.slice(0, 2000), previous), manifestDigest: "" };
      throw new PartialSyncError(err.message, id, outs, [err.message.slice(0, 2000)]);
    }
    throw err;
  }
}
