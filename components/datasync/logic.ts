// What the DataSync dynamic provider does, as plain functions (no Pulumi import): validation and
// normalisation of inputs, the diff decision, the sync itself, drift detection and delete.
// The provider (provider.ts) loads this module inside the provider host and only forwards calls.
import { normalisePrefix } from "../common/prefix";
import type { ObjectStore, SyncPlan, SyncResult } from "../transfer";
import type { OciAuth } from "../transfer/oci-store";
import { TRANSFER_DEFAULTS } from "../transfer/defaults";
import { formatBytes } from "../transfer/format";

/** The engine's marker for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SCHEMA_VERSION = 1;
const MiB = 1024 * 1024;

export interface SourceSpec {
  bucket: string;
  prefix: string;
  region: string;
  /** S3-compatible endpoint; "" for AWS. */
  endpoint: string;
  forcePathStyle: boolean;
}

export interface DestinationSpec {
  namespace: string;
  bucket: string;
  prefix: string;
  /** "" for the auth provider's region. */
  region: string;
  /** "" for the region's public endpoint. */
  endpoint: string;
}

/** Checked inputs (all defaults filled in; plain JSON). */
export interface DataSyncInputs {
  source: SourceSpec;
  destination: DestinationSpec;
  generation: string;
  concurrency: number;
  partConcurrency: number;
  multipartThresholdMiB: number;
  partSizeMiB: number;
  /** "keep": report extraneous destination objects; "delete": delete them after a clean run. */
  extraneous: "keep" | "delete";
  /** Delete the synced objects when the resource is deleted (default false: data stays). */
  purgeOnDelete: boolean;
  /** List both sides during check so preview shows the pending work (default true). */
  previewPendingWork: boolean;
  /** Readable summary of the work an update would do (computed by check). */
  pendingWork: string;
}

export interface DataSyncOutputs extends DataSyncInputs {
  schemaVersion: number;
  /** False after a run that failed part-way: the next `up` resumes. */
  complete: boolean;
  objectCount: number;
  totalBytes: number;
  copiedObjects: number;
  copiedBytes: number;
  skippedObjects: number;
  deletedObjects: number;
  extraneousObjects: number;
  failedObjects: number;
  durationSeconds: number;
  throughputMBps: number;
  /** Digest of the destination after the last clean sync: the data generation for hydration. */
  manifestDigest: string;
  syncedAt: string;
  lastError: string;
  /** "none", or what `read` found missing or changed at the destination. */
  drift: string;
  driftObjects: number;
}

/** Provider settings: credentials are never inputs; they come from here. */
export interface DataSyncSettings {
  /** How the destination bucket is reached: components/oci-auth.ts decides (stack config, then OCI CLI env). */
  oci: OciAuth;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

/**
 * Settings from the stack's config (`get`, the provider's configure request) and the
 * environment, with the one precedence of components/oci-auth.ts.
 */
export function dataSyncSettingsFrom(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv): DataSyncSettings {
  const { ociAuthFromStack } = require("../oci-auth") as typeof import("../oci-auth");
  return { oci: ociAuthFromStack(get, env) };
}


function schema() {
  const z: typeof import("zod") = require("zod");
  const name = z.string().min(1, "must not be empty");
  const prefix = z.string().refine((p) => !p.startsWith("/"), "must not start with '/' (object keys have no leading slash)");
  return z.object({
    source: z.object({
      bucket: name,
      prefix: prefix.optional(),
      region: name,
      endpoint: z.string().url("must be a URL such as https://s3.example.com").optional(),
      forcePathStyle: z.boolean().optional(),
    }, { error: "source is required: {bucket, prefix, region}" }),
    destination: z.object({
      namespace: name,
      bucket: name,
      prefix: prefix.optional(),
      region: z.string().optional(),
      endpoint: z.string().url("must be a URL such as https://objectstorage.us-ashburn-1.oraclecloud.com").optional(),
    }, { error: "destination is required: {namespace, bucket, prefix}" }),
    generation: z.string({ error: "generation is required: change it (e.g. a date) to sync new data" }).min(1, "generation must not be empty: change it (e.g. a date) to sync new data"),
    concurrency: z.number().int().min(1).max(256, "at most 256 objects at once").optional(),
    partConcurrency: z.number().int().min(1).max(256).optional(),
    multipartThresholdMiB: z.number().int().min(5).max(5 * 1024, "at most 5120 MiB (S3's single-PUT limit)").optional(),
    partSizeMiB: z.number().int().min(5, "at least 5 MiB (S3's smallest part)").max(5 * 1024).optional(),
    extraneous: z.enum(["keep", "delete"], { error: 'extraneous must be "keep" (report only) or "delete"' }).optional(),
    purgeOnDelete: z.boolean().optional(),
    previewPendingWork: z.boolean().optional(),
  });
}

/** Validates and fills defaults; unknown values (preview) pass through untouched. */
export function validate(news: Record<string, unknown>): { inputs: DataSyncInputs; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  // Unknown values cannot be validated yet: validate a copy where they are replaced by a valid stand-in.
  const standIn = (value: unknown, fallback: unknown): unknown => (isUnknown(value) ? fallback : value);
  const candidate = JSON.parse(JSON.stringify(news, (k, v) => (k === "__provider" || k === "pendingWork" ? undefined : v)));
  const probe = {
    ...candidate,
    generation: standIn(candidate.generation, "unknown"),
    source: candidate.source && typeof candidate.source === "object" && !isUnknown(candidate.source)
      ? Object.fromEntries(Object.entries(candidate.source).map(([k, v]) => [k, standIn(v, k === "endpoint" ? "https://unknown.invalid" : k === "forcePathStyle" ? false : "unknown")]))
      : isUnknown(candidate.source) ? { bucket: "unknown", region: "unknown" } : candidate.source,
    destination: candidate.destination && typeof candidate.destination === "object" && !isUnknown(candidate.destination)
      ? Object.fromEntries(Object.entries(candidate.destination).map(([k, v]) => [k, standIn(v, k === "endpoint" ? "https://unknown.invalid" : "unknown")]))
      : isUnknown(candidate.destination) ? { namespace: "unknown", bucket: "unknown" } : candidate.destination,
  };
  for (const key of ["concurrency", "partConcurrency", "multipartThresholdMiB", "partSizeMiB", "extraneous", "purgeOnDelete", "previewPendingWork"]) {
    if (isUnknown(probe[key])) delete probe[key];
  }
  const parsed = schema().safeParse(probe);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const property = issue.path.join(".") || "(inputs)";
      failures.push({ property, reason: `${property}: ${issue.message}` });
    }
  }
  const src = (candidate.source ?? {}) as Record<string, unknown>;
  const dst = (candidate.destination ?? {}) as Record<string, unknown>;
  const keep = <T>(value: unknown, normalise: (v: never) => T, fallback: T): T => (isUnknown(value) ? (value as T) : value === undefined ? fallback : normalise(value as never));
  const inputs: DataSyncInputs = {
    source: isUnknown(candidate.source) ? candidate.source : {
      bucket: src.bucket as string,
      prefix: keep(src.prefix, normalisePrefix, ""),
      region: src.region as string,
      endpoint: keep(src.endpoint, (v: string) => v, ""),
      forcePathStyle: keep(src.forcePathStyle, (v: boolean) => v, false),
    },
    destination: isUnknown(candidate.destination) ? candidate.destination : {
      namespace: dst.namespace as string,
      bucket: dst.bucket as string,
      prefix: keep(dst.prefix, normalisePrefix, ""),
      region: keep(dst.region, (v: string) => v, ""),
      endpoint: keep(dst.endpoint, (v: string) => v, ""),
    },
    generation: candidate.generation as string,
    concurrency: keep(candidate.concurrency, (v: number) => v, TRANSFER_DEFAULTS.concurrency),
    partConcurrency: keep(candidate.partConcurrency, (v: number) => v, TRANSFER_DEFAULTS.partConcurrency),
    multipartThresholdMiB: keep(candidate.multipartThresholdMiB, (v: number) => v, TRANSFER_DEFAULTS.multipartThreshold / MiB),
    partSizeMiB: keep(candidate.partSizeMiB, (v: number) => v, TRANSFER_DEFAULTS.partSize / MiB),
    extraneous: keep(candidate.extraneous, (v: "keep" | "delete") => v, "keep"),
    purgeOnDelete: keep(candidate.purgeOnDelete, (v: boolean) => v, false),
    previewPendingWork: keep(candidate.previewPendingWork, (v: boolean) => v, true),
    pendingWork: "",
  };
  return { inputs, failures };
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

const TUNING_KEYS = ["generation", "concurrency", "partConcurrency", "multipartThresholdMiB", "partSizeMiB", "extraneous", "purgeOnDelete", "previewPendingWork"] as const;

/**
 * Whether `up` must run a sync: a new generation or setting, a different source or destination,
 * a previous run that did not complete, or drift found by refresh. The pending-work summary is
 * for reading only and never decides (a live source would otherwise diff forever).
 */
export function diff(olds: Partial<DataSyncOutputs>, news: DataSyncInputs): { changes: boolean; replaces: string[]; changed: string[] } {
  const replaces = identityChanges(olds, news);
  const changed: string[] = [...replaces];
  for (const key of TUNING_KEYS) {
    if (isUnknown(news[key]) || JSON.stringify(olds[key]) !== JSON.stringify(news[key])) changed.push(key);
  }
  if (olds.source && news.source && !isUnknown(news.source) && olds.source.forcePathStyle !== news.source.forcePathStyle) changed.push("source");
  if (olds.destination && news.destination && !isUnknown(news.destination) && olds.destination.region !== news.destination.region) changed.push("destination");
  if (olds.complete === false) changed.push("complete");
  if ((olds.driftObjects ?? 0) > 0) changed.push("driftObjects");
  return { changes: changed.length > 0, replaces, changed: [...new Set(changed)] };
}

export function sourceStore(inputs: DataSyncInputs): ObjectStore {
  const { S3Store } = require("../transfer/s3-store") as typeof import("../transfer/s3-store");
  return new S3Store({
    bucket: inputs.source.bucket,
    prefix: inputs.source.prefix,
    region: inputs.source.region,
    endpoint: inputs.source.endpoint || undefined,
    forcePathStyle: inputs.source.forcePathStyle,
  });
}

export function destinationStore(inputs: DataSyncInputs, settings: DataSyncSettings): ObjectStore {
  const { OciStore } = require("../transfer/oci-store") as typeof import("../transfer/oci-store");
  return new OciStore({
    namespace: inputs.destination.namespace,
    bucket: inputs.destination.bucket,
    prefix: inputs.destination.prefix,
    region: inputs.destination.region || undefined,
    endpoint: inputs.destination.endpoint || undefined,
    auth: settings.oci,
  });
}

function engineOptions(inputs: DataSyncInputs) {
  return {
    concurrency: inputs.concurrency,
    partConcurrency: inputs.partConcurrency,
    multipartThreshold: inputs.multipartThresholdMiB * MiB,
    partSize: inputs.partSizeMiB * MiB,
    deleteExtraneous: inputs.extraneous === "delete",
  };
}

export function describePlan(plan: SyncPlan, extraneous: "keep" | "delete"): string {
  const s = plan.summary;
  const parts = [`copy ${s.copyObjects} objects (${formatBytes(s.copyBytes)})`, `skip ${s.skipObjects} already in place (${formatBytes(s.skipBytes)})`];
  if (s.extraneousObjects > 0) parts.push(`${s.extraneousObjects} extraneous at the destination (${formatBytes(s.extraneousBytes)}) ${extraneous === "delete" ? "will be deleted" : "kept"}`);
  return parts.join("; ");
}

/** The readable pending work for preview, bounded in time; never throws. */
export async function pendingWork(inputs: DataSyncInputs, settings: DataSyncSettings, timeoutMs = 120_000): Promise<string> {
  if (isUnknown(inputs)) return "not computed: some inputs are unknown until apply";
  if (!inputs.previewPendingWork) return "not computed: previewPendingWork is false";
  const { plan } = require("../transfer/sync") as typeof import("../transfer/sync");
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error("timeout"));
      resolve(`not computed: listing took longer than ${Math.round(timeoutMs / 1000)} s`);
    }, timeoutMs);
  });
  const work = plan(sourceStore(inputs), destinationStore(inputs, settings), { concurrency: inputs.concurrency, signal: controller.signal, retry: { attempts: 2 } })
    .then((p) => describePlan(p, inputs.extraneous))
    .catch((err: unknown) => `not computed: ${String(err instanceof Error ? err.message : err).split("\n")[0].slice(0, 200)}`);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the check should (re)compute the pending work: only when an update or create is coming. */
export function needsPendingWork(olds: Record<string, unknown>, inputs: DataSyncInputs): boolean {
  if (!olds || Object.keys(olds).length === 0) return true;
  return diff(olds as Partial<DataSyncOutputs>, inputs).changes;
}

function outputsFrom(inputs: DataSyncInputs, result: SyncResult, complete: boolean, lastError: string, previous?: Partial<DataSyncOutputs>): DataSyncOutputs {
  const seconds = result.durationMs / 1000;
  return {
    ...inputs,
    schemaVersion: SCHEMA_VERSION,
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
  };
}

/** A failed run, carrying what the engine records as partial state. */
export class PartialSyncError extends Error {
  constructor(message: string, readonly id: string, readonly properties: DataSyncOutputs, readonly reasons: string[]) {
    super(message);
    this.name = "PartialSyncError";
  }
}

export function resourceId(inputs: DataSyncInputs): string {
  return `s3://${inputs.source.bucket}/${inputs.source.prefix} -> oci://${inputs.destination.namespace}/${inputs.destination.bucket}/${inputs.destination.prefix}`;
}

/** Runs the sync (create and update). Progress goes to stderr (the engine keeps the host's output). */
export async function run(inputs: DataSyncInputs, settings: DataSyncSettings, previous?: Partial<DataSyncOutputs>): Promise<{ id: string; outs: DataSyncOutputs }> {
  const { sync, SyncError } = require("../transfer/sync") as typeof import("../transfer/sync");
  const id = resourceId(inputs);
  let lastPrinted = 0;
  try {
    const result = await sync(sourceStore(inputs), destinationStore(inputs, settings), {
      ...engineOptions(inputs),
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
    throw err;
  }
}

/**
 * Drift for refresh: what the destination lacks or holds differently compared with the source,
 * and whether the destination changed since the recorded digest.
 */
export async function read(props: DataSyncOutputs, settings: DataSyncSettings): Promise<DataSyncOutputs> {
  const { plan, manifestDigest } = require("../transfer") as typeof import("../transfer");
  const p = await plan(sourceStore(props), destinationStore(props, settings), { concurrency: props.concurrency });
  const destinationNow = [...p.skip.map((s) => s.destination), ...p.copy.flatMap((c) => (c.existing ? [c.existing] : [])), ...p.extraneous];
  const digestNow = manifestDigest(destinationNow);
  const missing = p.copy.filter((c) => c.reason === "missing").length;
  const different = p.copy.length - missing;
  const findings: string[] = [];
  if (missing > 0) findings.push(`${missing} objects missing at the destination`);
  if (different > 0) findings.push(`${different} objects differ from the source`);
  if (props.manifestDigest && digestNow !== props.manifestDigest) findings.push(`destination digest is ${digestNow}, recorded ${props.manifestDigest}`);
  return { ...props, drift: findings.length > 0 ? findings.join("; ") : "none", driftObjects: p.copy.length };
}

/** Delete keeps the data unless purgeOnDelete; a purge deletes only under the synced prefix. */
export async function remove(props: DataSyncOutputs, settings: DataSyncSettings): Promise<string> {
  if (!props.purgeOnDelete) return `kept the data at oci://${props.destination.namespace}/${props.destination.bucket}/${props.destination.prefix} (purgeOnDelete is false)`;
  const { withRetry, DEFAULT_RETRY } = require("../transfer/retry") as typeof import("../transfer/retry");
  const pLimit = require("p-limit") as typeof import("p-limit");
  const dest = destinationStore(props, settings);
  const keys: string[] = [];
  for await (const info of dest.list()) keys.push(info.key);
  const limit = pLimit(props.concurrency);
  await Promise.all(keys.map((key) => limit(() => withRetry(() => dest.delete(key), DEFAULT_RETRY))));
  return `purged ${keys.length} objects from ${dest.description}`;
}
