// The transfer engine's entry point: plan, then transfer with bounded concurrency, then
// (only when asked, and only after a clean run) delete extraneous destination objects.
// Idempotent: a second run over unchanged data copies nothing; a run killed at any point and run
// again copies only what is missing or different.
import pLimit from "p-limit";
import { ByteBudget } from "./byte-budget";
import { copyObject, errorText, UnverifiableDestinationError, type CopiedObject, type CopyContext } from "./copy";
import { ManifestHasher, manifestLine } from "./digest";
import { PlanTally, planSteps, type PlannedCopy, type PlanSummary, type SyncPlan } from "./plan";
import { TRANSFER_DEFAULTS } from "./defaults";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "./retry";
import type { ObjectInfo, ObjectStore, OpenUpload } from "./store";


export interface SyncOptions {
  /** Objects copied at once (default 16; defaults in TRANSFER_DEFAULTS). */
  concurrency?: number;
  /** Part uploads at once, across all objects (default 8). */
  partConcurrency?: number;
  /** Concurrent destination checks while planning (default 16). */
  checkers?: number;
  /** Objects larger than this use multipart upload (default 200 MiB). Objects whose MD5 is unknown use it above one part size. */
  multipartThreshold?: number;
  /** Multipart part size (default 16 MiB; grown automatically for objects that need too many parts). */
  partSize?: number;
  /** Bytes held in memory at once for part buffers and hashed small objects (default 96 MiB, at least one part). */
  memoryBudget?: number;
  /** Delete destination objects that have no source counterpart (default false: only report them). */
  deleteExtraneous?: boolean;
  /** Plan only: list, compare and report, write nothing. */
  dryRun?: boolean;
  /**
   * Multipart uploads left open by a killed run for the keys this run copies (default true): the
   * newest for each key is continued when the destination can list its parts and they are this
   * source's bytes (copy.ts resumeUpload), every other one aborted. false leaves them alone.
   */
  abortStaleUploads?: boolean;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  onEvent?: (event: SyncEvent) => void;
  /** Minimum interval between progress events (default 250 ms). */
  progressIntervalMs?: number;
}

export interface SyncProgress {
  objectsDone: number;
  objectsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  failed: number;
  elapsedMs: number;
  bytesPerSecond: number;
  /** Seconds to go at the current rate; undefined until there is a rate. */
  etaSeconds?: number;
}

export type SyncEvent =
  | { type: "plan"; plan: PlanSummary }
  | { type: "progress"; progress: SyncProgress }
  | { type: "copied"; key: string; size: number; multipart: boolean }
  | { type: "failed"; key: string; error: string }
  | { type: "retry"; key: string; attempt: number; error: string }
  | { type: "aborted-upload"; key: string; uploadId: string; reason?: string }
  | { type: "resumed-upload"; key: string; uploadId: string; keptParts: number; keptBytes: number }
  | { type: "deleted"; key: string }
  | { type: "warning"; message: string };

export interface SyncResult {
  dryRun: boolean;
  plan: PlanSummary;
  copiedObjects: number;
  copiedBytes: number;
  skippedObjects: number;
  skippedBytes: number;
  extraneousObjects: number;
  deletedObjects: number;
  abortedUploads: number;
  /** Open uploads of a killed run continued: their parts already uploaded were not sent again. */
  resumedUploads: number;
  failed: { key: string; error: string }[];
  /**
   * Why the run stopped before starting every copy: the destination could not verify what it
   * stored (UnverifiableDestinationError). The objects not started are in neither list.
   */
  stoppedBy?: string;
  durationMs: number;
  /** Copied bytes per second of transfer time (0 when nothing was copied). */
  bytesPerSecond: number;
  /**
   * Digest of the destination after a clean, non-dry run (see digest.ts): the data generation.
   * Undefined after a dry run or a run with failures.
   */
  manifestDigest?: string;
}

/** A run where some objects failed after all retries. `result` says what did succeed. */
export class SyncError extends Error {
  constructor(readonly result: SyncResult) {
    super(SyncError.describe(result));
    this.name = "SyncError";
  }

  private static describe(result: SyncResult): string {
    if (result.stoppedBy !== undefined) {
      return `${result.stoppedBy} The run stopped there: ${result.copiedObjects} of ${result.plan.copyObjects} objects copied to ${result.plan.destination}, the rest not started.`;
    }
    const names = result.failed.slice(0, 10).map((f) => `${f.key}: ${f.error}`).join("; ");
    const more = result.failed.length > 10 ? ` (and ${result.failed.length - 10} more)` : "";
    return `${result.failed.length} of ${result.plan.copyObjects} objects failed to copy from ${result.plan.source} to ${result.plan.destination}: ${names}${more}`;
  }
}

function resolved(opts: SyncOptions) {
  const d = TRANSFER_DEFAULTS;
  const partSize = opts.partSize ?? d.partSize;
  const multipartThreshold = opts.multipartThreshold ?? d.multipartThreshold;
  const positive = { concurrency: opts.concurrency ?? d.concurrency, partConcurrency: opts.partConcurrency ?? d.partConcurrency, checkers: opts.checkers ?? d.checkers, partSize, multipartThreshold };
  for (const [name, value] of Object.entries(positive)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`Sync option ${name} must be a positive integer, got ${value}.`);
  }
  return {
    ...positive,
    // Streamed copies hold no body; only parts and small objects of unknown MD5 (at most a part) are buffered.
    memoryBudget: Math.max(opts.memoryBudget ?? d.memoryBudget, partSize),
    retry: { ...DEFAULT_RETRY, ...opts.retry },
  };
}

/**
 * Plans without writing anything (what `--dry-run` and a preview show): totals and bounded samples
 * (PlanTally), so planning a million keys holds no entry per key.
 */
export async function plan(source: ObjectStore, destination: ObjectStore, opts: SyncOptions = {}): Promise<SyncPlan> {
  const o = resolved(opts);
  const tally = new PlanTally(source, destination);
  await planSteps(source, destination, { checkers: o.checkers, retry: o.retry, signal: opts.signal }, (step) => tally.add(step));
  return tally.result();
}

/**
 * One place of the manifest digest, in key order: the digest lines of a run of objects already in
 * place, as UTF-8 bytes (about 80 bytes an object, where the listed entries took about 300 and
 * lines kept as strings hardly less: V8 keeps a concatenation as a tree of its parts), or a copy
 * or an extraneous object, whose line is known only after the transfer (both held anyway).
 */
type ManifestSlot = Buffer | PlannedCopy | ObjectInfo;

/** In-place lines are kept in runs of about this many bytes. */
const MANIFEST_RUN_BYTES = 64 * 1024;

/** What a run keeps of its plan: the copies to make, what is in place, the extraneous objects. */
interface HeldPlan {
  summary: PlanSummary;
  copy: PlannedCopy[];
  /** Objects already holding their source's bytes. */
  inPlaceObjects: number;
  extraneous: ObjectInfo[];
  /** Every step's place in the manifest digest, in the planner's (key) order. */
  manifest: ManifestSlot[];
}

/** The planner's steps, kept as a run needs them (the skipped sources are not kept). */
async function heldPlan(source: ObjectStore, destination: ObjectStore, o: ReturnType<typeof resolved>, signal?: AbortSignal): Promise<HeldPlan> {
  // Totals only: the run's digest is taken after the copies (runDigest), not of the destination as listed.
  const tally = new PlanTally(source, destination, { destinationDigest: false });
  const held: Omit<HeldPlan, "summary"> = { copy: [], inPlaceObjects: 0, extraneous: [], manifest: [] };
  let lines = "";
  const endRun = () => {
    if (lines) held.manifest.push(Buffer.from(lines));
    lines = "";
  };
  await planSteps(source, destination, { checkers: o.checkers, retry: o.retry, signal }, (step) => {
    tally.add(step);
    if (step.action === "skip") {
      held.inPlaceObjects += 1;
      lines += manifestLine(step.destination);
      if (lines.length >= MANIFEST_RUN_BYTES) endRun();
      return;
    }
    endRun();
    if (step.action === "copy") {
      held.copy.push(step);
      held.manifest.push(step);
    } else {
      held.extraneous.push(step.destination);
      held.manifest.push(step.destination);
    }
  });
  endRun();
  return { summary: tally.totals(), ...held };
}

/**
 * The run's manifest digest: the plan's places in key order, each copy as the destination holds it
 * now, each extraneous object unless it was deleted. The same digest as manifestDigest() over
 * those entries (which sorts them into the same order).
 */
function runDigest(thePlan: HeldPlan, copied: CopiedObject[], remainingExtraneous: ObjectInfo[]): string {
  const copiedByKey = new Map(copied.map((c) => [c.key, c]));
  const kept = remainingExtraneous === thePlan.extraneous ? undefined : new Set(remainingExtraneous.map((x) => x.key));
  const hasher = new ManifestHasher();
  for (const slot of thePlan.manifest) {
    if (Buffer.isBuffer(slot)) {
      hasher.addLines(slot);
    } else if ("reason" in slot) {
      const copy = copiedByKey.get(slot.source.key);
      if (copy) hasher.add(copy);
    } else if (!kept || kept.has(slot.key)) {
      hasher.add(slot);
    }
  }
  return hasher.digest();
}

/** What the phases of one run share: the two sides, the plan, the result being filled in. */
interface Run {
  source: ObjectStore;
  destination: ObjectStore;
  plan: HeldPlan;
  result: SyncResult;
  options: ReturnType<typeof resolved>;
  signal?: AbortSignal;
  emit: (event: SyncEvent) => void;
}

/** plan -> transfer -> delete extraneous (only when asked, and only after a clean transfer). */
export async function sync(source: ObjectStore, destination: ObjectStore, opts: SyncOptions = {}): Promise<SyncResult> {
  const options = resolved(opts);
  const started = Date.now();
  const emit = opts.onEvent ?? (() => undefined);

  const thePlan = await heldPlan(source, destination, options, opts.signal);
  emit({ type: "plan", plan: thePlan.summary });
  const run: Run = { source, destination, plan: thePlan, result: plannedResult(thePlan, opts.dryRun === true), options, signal: opts.signal, emit };
  if (opts.dryRun) {
    run.result.durationMs = Date.now() - started;
    return run.result;
  }

  const copied = await transfer(run, opts);
  const remainingExtraneous = opts.deleteExtraneous ? await deleteExtraneous(run) : thePlan.extraneous;

  const result = run.result;
  result.durationMs = Date.now() - started;
  if (result.failed.length > 0) throw new SyncError(result);
  result.manifestDigest = runDigest(thePlan, copied, remainingExtraneous);
  return result;
}

/** The result of a run that has planned and not yet copied anything. */
function plannedResult(thePlan: HeldPlan, dryRun: boolean): SyncResult {
  return {
    dryRun,
    plan: thePlan.summary,
    copiedObjects: 0,
    copiedBytes: 0,
    skippedObjects: thePlan.inPlaceObjects,
    skippedBytes: thePlan.summary.skipBytes,
    extraneousObjects: thePlan.extraneous.length,
    deletedObjects: 0,
    abortedUploads: 0,
    resumedUploads: 0,
    failed: [],
    durationMs: 0,
    bytesPerSecond: 0,
  };
}

/** Copies what the plan says, with bounded concurrency; returns what was copied (failures go in the result). */
async function transfer(run: Run, opts: SyncOptions): Promise<CopiedObject[]> {
  const { source, destination, plan: thePlan, result, options: o, emit } = run;
  const copyKeys = new Set(thePlan.copy.map((c) => c.source.key));
  let openUploads = new Map<string, OpenUpload>();
  if (opts.abortStaleUploads !== false && copyKeys.size > 0) {
    // Cleanup of a killed run's uploads must not block this run (s3rver, for one, cannot list them).
    openUploads = await takeOpenUploads(destination, copyKeys, o.retry, emit).catch((err) => {
      emit({ type: "warning", message: `could not list or abort multipart uploads left open at ${destination.description}: ${errorText(err)}` });
      return { aborted: 0, resumable: new Map<string, OpenUpload>() };
    }).then(({ aborted, resumable }) => {
      result.abortedUploads += aborted;
      return resumable;
    });
  }

  const transferStart = Date.now();
  let bytesMoved = 0;
  let lastProgress = 0;
  const progress = (force = false) => {
    const now = Date.now();
    if (!force && now - lastProgress < (opts.progressIntervalMs ?? 250)) return;
    lastProgress = now;
    const elapsedMs = now - transferStart;
    const bytesPerSecond = elapsedMs > 0 ? (bytesMoved * 1000) / elapsedMs : 0;
    const remaining = Math.max(0, thePlan.summary.copyBytes - bytesMoved);
    emit({
      type: "progress",
      progress: {
        objectsDone: result.copiedObjects,
        objectsTotal: thePlan.copy.length,
        bytesDone: bytesMoved,
        bytesTotal: thePlan.summary.copyBytes,
        failed: result.failed.length,
        elapsedMs,
        bytesPerSecond,
        etaSeconds: bytesPerSecond > 0 ? remaining / bytesPerSecond : undefined,
      },
    });
  };
  const partLimit = pLimit(o.partConcurrency);
  const ctx: CopyContext = {
    source,
    destination,
    budget: new ByteBudget(o.memoryBudget),
    partSlot: (fn) => partLimit(fn),
    multipartThreshold: o.multipartThreshold,
    partSize: o.partSize,
    retry: o.retry,
    signal: opts.signal,
    onBytes: (delta) => {
      bytesMoved += delta;
      progress();
    },
    onRetry: (key, err, attempt) => emit({ type: "retry", key, attempt, error: errorText(err) }),
    openUploads,
    onOpenUpload: (e) => {
      if (e.outcome === "resumed") {
        result.resumedUploads += 1;
        emit({ type: "resumed-upload", key: e.key, uploadId: e.uploadId, keptParts: e.keptParts, keptBytes: e.keptBytes });
      } else {
        result.abortedUploads += 1;
        emit({ type: "aborted-upload", key: e.key, uploadId: e.uploadId, reason: e.detail });
      }
    },
  };
  const copied: CopiedObject[] = [];
  const objectLimit = pLimit(o.concurrency);
  const copyOne = async (item: PlannedCopy) => {
    if (opts.signal?.aborted) {
      result.failed.push({ key: item.source.key, error: "not started: the run was aborted" });
      return;
    }
    if (result.stoppedBy !== undefined) return;
    try {
      const done = await copyObject(ctx, item.source);
      copied.push(done);
      result.copiedObjects += 1;
      result.copiedBytes += done.size;
      emit({ type: "copied", key: done.key, size: done.size, multipart: done.multipart });
    } catch (err) {
      if (err instanceof UnverifiableDestinationError) result.stoppedBy ??= err.message;
      result.failed.push({ key: item.source.key, error: errorText(err) });
      emit({ type: "failed", key: item.source.key, error: errorText(err) });
    }
    progress();
  };
  // The smallest object goes first, alone: a destination that cannot verify what it stores is
  // then found after one object, instead of after every object was written and left unverified.
  const [first, ...rest] = smallestFirst(thePlan.copy);
  if (first) await objectLimit(() => copyOne(first));
  await Promise.all(rest.map((item) => objectLimit(() => copyOne(item))));
  const transferMs = Date.now() - transferStart;
  result.bytesPerSecond = transferMs > 0 ? (result.copiedBytes * 1000) / transferMs : 0;
  progress(true);
  return copied;
}

/**
 * Deletes the destination objects the source does not have: only after a clean transfer (as rclone
 * does), since a failed copy must never cost data. Returns the extraneous objects still there.
 */
async function deleteExtraneous(run: Run): Promise<ObjectInfo[]> {
  const { destination, plan: thePlan, result, options: o, signal, emit } = run;
  if (result.failed.length > 0 || signal?.aborted) return thePlan.extraneous;
  const deleteLimit = pLimit(o.concurrency);
  const gone = new Set<string>();
  await Promise.all(thePlan.extraneous.map((x) => deleteLimit(async () => {
    try {
      await withRetry(() => destination.delete(x.key), o.retry, undefined, signal);
      gone.add(x.key);
      result.deletedObjects += 1;
      emit({ type: "deleted", key: x.key });
    } catch (err) {
      result.failed.push({ key: x.key, error: `delete failed: ${errorText(err)}` });
    }
  })));
  return thePlan.extraneous.filter((x) => !gone.has(x.key));
}

/** The plan's copies with the smallest moved to the front (the rest keep their order). */
function smallestFirst<T extends { source: { size: number } }>(copies: T[]): T[] {
  if (copies.length === 0) return [];
  let smallest = 0;
  for (let i = 1; i < copies.length; i++) if (copies[i].source.size < copies[smallest].source.size) smallest = i;
  return [copies[smallest], ...copies.slice(0, smallest), ...copies.slice(smallest + 1)];
}

/**
 * Open uploads under the destination for the keys this run copies: the newest of each key is kept
 * for the copy to continue when the destination can list parts; the rest are aborted.
 */
async function takeOpenUploads(destination: ObjectStore, keys: Set<string>, retry: RetryPolicy, emit: (e: SyncEvent) => void): Promise<{ aborted: number; resumable: Map<string, OpenUpload> }> {
  const open = await withRetry(async () => {
    const found: OpenUpload[] = [];
    for await (const upload of destination.multipart.listOpen()) if (keys.has(upload.key)) found.push(upload);
    return found;
  }, retry);
  const resumable = new Map<string, OpenUpload>();
  const stale: OpenUpload[] = [];
  if (destination.multipart.listParts) {
    for (const upload of open) {
      const held = resumable.get(upload.key);
      if (held === undefined) {
        resumable.set(upload.key, upload);
      } else if ((upload.created ?? 0) > (held.created ?? 0)) {
        stale.push(held);
        resumable.set(upload.key, upload);
      } else {
        stale.push(upload);
      }
    }
  } else {
    stale.push(...open);
  }
  for (const upload of stale) {
    await withRetry(() => destination.multipart.abort(upload.key, upload.uploadId), retry);
    emit({ type: "aborted-upload", key: upload.key, uploadId: upload.uploadId });
  }
  return { aborted: stale.length, resumable };
}
