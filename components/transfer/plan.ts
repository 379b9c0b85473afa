// Plan: list both sides, then decide per object copy / skip / extraneous (rclone's "checkers").
// An object is skipped only when the sizes match AND the content identity matches: both MD5s when
// both are known, otherwise the source identity the engine recorded in the destination object's
// metadata when it copied it (a multipart ETag is never taken for an MD5).
import pLimit from "p-limit";
import { withRetry, type RetryPolicy } from "./retry";
import { multipartPartCount, SOURCE_METADATA, type ObjectHead, type ObjectInfo, type ObjectStore } from "./store";

export type CopyReason = "missing" | "size-differs" | "md5-differs" | "source-changed" | "identity-unknown";
export type SkipReason = "md5-equal" | "checksum-equal" | "recorded-source" | "hashed-equal";

export interface PlannedCopy {
  source: ObjectInfo;
  reason: CopyReason;
  /** The destination object being replaced, if any. */
  existing?: ObjectInfo;
}

export interface PlannedSkip {
  source: ObjectInfo;
  destination: ObjectInfo;
  reason: SkipReason;
}

export interface PlanSummary {
  source: string;
  destination: string;
  sourceObjects: number;
  sourceBytes: number;
  copyObjects: number;
  copyBytes: number;
  skipObjects: number;
  skipBytes: number;
  extraneousObjects: number;
  extraneousBytes: number;
}

export interface SyncPlan {
  copy: PlannedCopy[];
  skip: PlannedSkip[];
  /** Destination objects with no source counterpart. Deleted only when asked. */
  extraneous: ObjectInfo[];
  summary: PlanSummary;
}

export interface PlanOptions {
  /** Concurrent HEAD/hash checks of the destination (default 16). */
  checkers?: number;
  retry: RetryPolicy;
  signal?: AbortSignal;
}

/** The metadata the engine records on every destination object it writes. */
export function sourceIdentityMetadata(source: ObjectInfo): Record<string, string> {
  const metadata: Record<string, string> = {
    [SOURCE_METADATA.etag]: source.etag,
    [SOURCE_METADATA.size]: String(source.size),
  };
  if (source.version) metadata[SOURCE_METADATA.version] = source.version;
  if (source.md5) metadata[SOURCE_METADATA.md5] = source.md5;
  return metadata;
}

/** Whether the destination's recorded source identity says it holds this source's bytes. */
export function recordedIdentityMatches(source: ObjectInfo, head: ObjectHead): boolean {
  const m = head.metadata;
  if (m[SOURCE_METADATA.size] !== String(source.size)) return false;
  if (source.md5 && m[SOURCE_METADATA.md5]) return m[SOURCE_METADATA.md5] === source.md5;
  if (source.version && m[SOURCE_METADATA.version]) return m[SOURCE_METADATA.version] === source.version;
  return m[SOURCE_METADATA.etag] === source.etag;
}

export async function listAll(store: ObjectStore, retry: RetryPolicy, signal?: AbortSignal): Promise<ObjectInfo[]> {
  // A listing that fails halfway restarts from the top: pages are cheap next to the transfer.
  return withRetry(async () => {
    const out: ObjectInfo[] = [];
    for await (const info of store.list()) {
      if (signal?.aborted) throw signal.reason ?? new Error("aborted");
      out.push(info);
    }
    return out;
  }, retry, undefined, signal);
}

export function summarise(source: ObjectStore, destination: ObjectStore, sources: ObjectInfo[], copy: PlannedCopy[], skip: PlannedSkip[], extraneous: ObjectInfo[]): PlanSummary {
  const bytes = (xs: { size: number }[]) => xs.reduce((sum, x) => sum + x.size, 0);
  return {
    source: source.description,
    destination: destination.description,
    sourceObjects: sources.length,
    sourceBytes: bytes(sources),
    copyObjects: copy.length,
    copyBytes: bytes(copy.map((c) => c.source)),
    skipObjects: skip.length,
    skipBytes: bytes(skip.map((s) => s.source)),
    extraneousObjects: extraneous.length,
    extraneousBytes: bytes(extraneous),
  };
}

export async function planSync(source: ObjectStore, destination: ObjectStore, opts: PlanOptions): Promise<SyncPlan> {
  const [sources, destinations] = await Promise.all([
    listAll(source, opts.retry, opts.signal),
    listAll(destination, opts.retry, opts.signal),
  ]);
  const byKey = new Map(destinations.map((d) => [d.key, d]));
  const sourceKeys = new Set(sources.map((s) => s.key));
  const copy: PlannedCopy[] = [];
  const skip: PlannedSkip[] = [];
  const check = pLimit(opts.checkers ?? 16);
  const deferred: Promise<void>[] = [];

  for (const src of sources) {
    const dst = byKey.get(src.key);
    if (!dst) {
      copy.push({ source: src, reason: "missing" });
    } else if (dst.size !== src.size) {
      copy.push({ source: src, reason: "size-differs", existing: dst });
    } else if (src.md5 && dst.md5) {
      if (src.md5 === dst.md5) skip.push({ source: src, destination: dst, reason: "md5-equal" });
      else copy.push({ source: src, reason: "md5-differs", existing: dst });
    } else if (multipartPartCount(src.checksum) !== undefined && src.checksum === dst.checksum) {
      // Same multipart checksum (MD5 of the part MD5s, same layout): the same bytes. A different
      // one proves nothing (another part size), so that case asks the destination below.
      skip.push({ source: src, destination: dst, reason: "checksum-equal" });
    } else {
      // Sizes match but the listing cannot prove the content: ask the destination.
      deferred.push(check(async () => {
        const head = await withRetry(() => destination.head(src.key), opts.retry, undefined, opts.signal);
        if (!head) {
          copy.push({ source: src, reason: "missing" });
        } else if (recordedIdentityMatches(src, head)) {
          skip.push({ source: src, destination: dst, reason: "recorded-source" });
        } else if (src.md5 && destination.computeMd5) {
          const md5 = await destination.computeMd5(src.key);
          if (md5 === src.md5) skip.push({ source: src, destination: { ...dst, md5, checksum: md5 }, reason: "hashed-equal" });
          else copy.push({ source: src, reason: "md5-differs", existing: dst });
        } else if (head.metadata[SOURCE_METADATA.etag] !== undefined) {
          copy.push({ source: src, reason: "source-changed", existing: dst });
        } else {
          copy.push({ source: src, reason: "identity-unknown", existing: dst });
        }
      }));
    }
  }
  await Promise.all(deferred);
  const extraneous = destinations.filter((d) => !sourceKeys.has(d.key));
  // Deferred checks finish in any order: keep the plan in key order for readable output.
  const order = new Map(sources.map((s, i) => [s.key, i]));
  copy.sort((a, b) => order.get(a.source.key)! - order.get(b.source.key)!);
  skip.sort((a, b) => order.get(a.source.key)! - order.get(b.source.key)!);
  return { copy, skip, extraneous, summary: summarise(source, destination, sources, copy, skip, extraneous) };
}
