// Copies one object and verifies it. The way depends on what is known about the object:
//  - MD5 known, up to the single-upload cutoff (any size into a store that verifies MD5s itself):
//    one streamed PUT with Content-MD5. When the store reports the MD5 of what it stored, that
//    proves the copy and the stream is not hashed here (it is on a retry, to tell a wrong
//    listing from a corrupted transfer);
//  - MD5 unknown, no multipart checksum, no larger than a part: read into memory (within the
//    budget) for its MD5;
//  - MD5 known and above the cutoff: multipart, reading the source once in order, hashing the
//    whole object (checked against the source MD5) and each part (Content-MD5 per part);
//  - MD5 unknown otherwise (a multipart source, or larger): multipart with ranged reads of the parts in
//    parallel. When the source's part size is known the layout is the same, so the parts' MD5s
//    must reproduce the source's multipart checksum, checked before the commit.
// Both multipart ways continue an upload a killed run left open for the object (resumeUpload):
// every part is still read and hashed, but a part the upload holds with that MD5 is not sent again.
import * as crypto from "crypto";
import { Readable } from "stream";
import type { ByteBudget } from "./byte-budget";
import { countedBody, type CountedBody } from "./hashing";
import { sourceIdentityMetadata } from "./plan";
import { httpStatusOf, isDigestRejection, withRetry, type RetryPolicy } from "./retry";
import {
  ContentMd5MismatchError, multipartChecksum, multipartPartCount, SOURCE_METADATA, TransientStoreError, withStoreHint,
  type ByteRange, type ListedPart, type MultipartApi, type ObjectInfo, type ObjectStore, type OpenUpload, type UploadedPart,
} from "./store";

export interface CopyContext {
  source: ObjectStore;
  destination: ObjectStore;
  budget: ByteBudget;
  /** Runs one part upload within the global part concurrency. */
  partSlot: <T>(fn: () => Promise<T>) => Promise<T>;
  multipartThreshold: number;
  partSize: number;
  retry: RetryPolicy;
  signal?: AbortSignal;
  onBytes(delta: number): void;
  onRetry(key: string, err: unknown, attempt: number): void;
  /** Uploads a killed run left open, by key, for the copy to continue (sync.ts); taken out as used. */
  openUploads?: Map<string, OpenUpload>;
  /** An open upload was continued (parts kept) or aborted (not this source's bytes, or not our layout). */
  onOpenUpload?(event: { key: string; uploadId: string; outcome: "resumed" | "aborted"; detail: string; keptParts: number; keptBytes: number }): void;
}

/** What the destination holds after a verified copy. */
export interface CopiedObject {
  key: string;
  size: number;
  etag: string;
  /** Content checksum as a listing of the destination will show it (see ObjectInfo.checksum). */
  checksum?: string;
  /** Hex MD5 of the content when known. */
  md5?: string;
  multipart: boolean;
}

export class VerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VerificationError";
  }
}

/**
 * The destination does not report what it stored (no MD5 for a put, no checksum for a commit)
 * although it should: no copy into it can be verified. The run stops at the first such object
 * (sync.ts); the object written is deleted, or the message says it could not be.
 */
export class UnverifiableDestinationError extends Error {
  constructor(readonly store: string, readonly key: string, message: string) {
    super(message);
    this.name = "UnverifiableDestinationError";
  }
}

/** An error's message (any thrown value's text). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Deletes an object this copy wrote but could not verify: it carries the recorded source identity
 * (sourceIdentityMetadata), so left in place a later run would skip it as verified. Returns a
 * sentence saying what became of it.
 */
async function discardUnverified(ctx: CopyContext, key: string): Promise<string> {
  try {
    await withRetry(() => ctx.destination.delete(key), ctx.retry);
    return `The unverified ${JSON.stringify(key)} was deleted from ${ctx.destination.description}.`;
  } catch (err) {
    return `Deleting the unverified ${JSON.stringify(key)} failed (${errorText(err)}): delete it from ${ctx.destination.description} by hand, or a later run takes it for verified.`;
  }
}

/** The UnverifiableDestinationError for `key`, after deleting what was written under it. */
async function unverifiable(ctx: CopyContext, key: string, what: string): Promise<UnverifiableDestinationError> {
  const fate = await discardUnverified(ctx, key);
  const store = ctx.destination.description;
  return new UnverifiableDestinationError(store, key, withStoreHint(ctx.destination, "stored-md5-missing", `${key}: ${store} ${what}. ${fate}`));
}

function md5Hex(data: Buffer): string {
  return crypto.createHash("md5").update(data).digest("hex");
}

function bodyOf(buffer: Buffer): Readable {
  return Readable.from([buffer], { objectMode: false });
}

/** Runs `fn` under the copy's retry policy and signal, reporting each retry against `key`. */
function retrying<T>(ctx: CopyContext, key: string, fn: (attempt: number) => Promise<T>): Promise<T> {
  return withRetry(fn, ctx.retry, (err, attempt) => ctx.onRetry(key, err, attempt), ctx.signal);
}

/** Part size: the configured size, grown (to a whole MiB) when the object would need too many parts. */
export function choosePartSize(size: number, wanted: number, limits: { minPartSize: number; maxPartSize: number; maxParts: number }): number {
  const mib = 1024 * 1024;
  let partSize = Math.max(wanted, limits.minPartSize);
  if (Math.ceil(size / partSize) > limits.maxParts) partSize = Math.ceil(size / limits.maxParts / mib) * mib;
  if (partSize > limits.maxPartSize) throw new Error(`An object of ${size} bytes needs parts of ${partSize} bytes, above the store's ${limits.maxPartSize}.`);
  return partSize;
}

/**
 * Reads an object sequentially in exact-size pieces. A dropped or truncated stream is reopened at
 * the current offset with a range read (If-Match the listed entity tag), under the retry policy.
 */
class ResumableReader {
  private iterator: AsyncIterator<Buffer> | undefined;
  private leftover: Buffer | undefined;
  private offset = 0;

  constructor(private readonly ctx: CopyContext, private readonly info: ObjectInfo) {}

  private async nextChunk(): Promise<Buffer> {
    return retrying(this.ctx, this.info.key, async () => {
      try {
        if (!this.iterator) {
          const range = this.offset > 0 ? { start: this.offset, end: this.info.size - 1 } : undefined;
          const stream = await this.ctx.source.get(this.info.key, range, { ifMatch: this.info.etag });
          this.iterator = stream[Symbol.asyncIterator]();
        }
        const next = await this.iterator.next();
        if (next.done) {
          throw new TransientStoreError(`${this.info.key}: source stream ended at byte ${this.offset} of ${this.info.size}.`);
        }
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        this.offset += chunk.length;
        if (this.offset > this.info.size) throw new VerificationError(`${this.info.key}: source has more than the listed ${this.info.size} bytes (it changed during the copy).`);
        return chunk;
      } catch (err) {
        await this.close();
        throw err;
      }
    });
  }

  /** Exactly `n` bytes (n > 0). */
  async read(n: number): Promise<Buffer> {
    const pieces: Buffer[] = [];
    let got = 0;
    while (got < n) {
      let chunk = this.leftover ?? (await this.nextChunk());
      this.leftover = undefined;
      if (chunk.length > n - got) {
        this.leftover = chunk.subarray(n - got);
        chunk = chunk.subarray(0, n - got);
      }
      pieces.push(chunk);
      got += chunk.length;
    }
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, n);
  }

  async close(): Promise<void> {
    const it = this.iterator;
    this.iterator = undefined;
    await it?.return?.().catch(() => undefined);
  }
}

/**
 * The source's bytes (or one range), counted into the progress as the destination takes them (and
 * hashed when asked). `body` is returned so a failed copy can destroy it.
 */
async function openSource(ctx: CopyContext, info: ObjectInfo, range: ByteRange | undefined, hashing: boolean): Promise<{ body: Readable; through: CountedBody }> {
  const body = info.size === 0 ? Readable.from([], { objectMode: false }) : await ctx.source.get(info.key, range, { ifMatch: info.etag });
  return { body, through: countedBody(body, (n) => ctx.onBytes(n), hashing) };
}

async function copyStreamed(ctx: CopyContext, info: ObjectInfo, md5: string): Promise<CopiedObject> {
  const metadata = sourceIdentityMetadata(info);
  // A destination that verifies the MD5 itself (a local directory) or reports the MD5 of what it
  // stored proves the copy; hashing the stream here as well would cost a second MD5 pass, the
  // dearest step of a copy on one core. Retries hash, so that a failure can say why it failed.
  const verifiedThere = ctx.destination.verifiesContentMd5 === true;
  const reportedThere = verifiedThere || ctx.destination.reportsStoredMd5 === true;
  // A put answered without the MD5 the store should report is not retried: the run stops (below).
  const outcome = await retrying(ctx, info.key, async (attempt): Promise<CopiedObject | "md5-unreported"> => {
    const hashHere = !verifiedThere && (!reportedThere || attempt > 1);
    const { body, through: hasher } = await openSource(ctx, info, undefined, hashHere);
    // All bytes arrived but hash differently from the listed MD5: the listing was wrong, not the
    // transfer. Retrying cannot help; say why it happens.
    const listedMd5Wrong = () => hashHere && hasher.bytes() === info.size && hasher.md5() !== md5;
    const wrongMd5Error = (actual = hasher.md5()) => new VerificationError(withStoreHint(ctx.source, "listed-md5-wrong",
      `${info.key}: its bytes have MD5 ${actual} but the source lists ${md5}: the object changed during the copy, ` +
      `or ${ctx.source.description} lists MD5s that are not its contents'.`,
    ));
    try {
      let result;
      try {
        result = await ctx.destination.put(info.key, hasher.stream, { size: info.size, md5, metadata });
      } catch (err) {
        if (listedMd5Wrong()) throw wrongMd5Error();
        if (err instanceof ContentMd5MismatchError && hasher.bytes() === info.size) throw wrongMd5Error(err.actualMd5);
        // The store refused the Content-MD5: a corrupted transfer, or (if it persists) a wrong listing.
        if (isDigestRejection(err)) throw new TransientStoreError(`${info.key}: the destination refused the body's Content-MD5 ${md5}.`, 400, { cause: err });
        throw err;
      }
      // The destination may not check Content-MD5 (s3rver does not): check what went through.
      if (listedMd5Wrong()) throw wrongMd5Error();
      if (hasher.bytes() !== info.size) {
        throw new TransientStoreError(`${info.key}: sent ${hasher.bytes()} bytes, expected ${info.size}.`);
      }
      if (reportedThere && result.md5 === undefined) {
        ctx.onBytes(-hasher.bytes());
        return "md5-unreported";
      }
      if (result.md5 !== undefined && result.md5 !== md5) {
        const fate = await discardUnverified(ctx, info.key);
        throw new TransientStoreError(withStoreHint(ctx.destination, "stored-md5-wrong", `${info.key}: ${ctx.destination.description} stored MD5 ${result.md5}, expected ${md5}. ${fate}`));
      }
      return { key: info.key, size: info.size, etag: result.etag, checksum: md5, md5, multipart: false };
    } catch (err) {
      ctx.onBytes(-hasher.bytes());
      body.destroy();
      throw err;
    }
  });
  if (outcome === "md5-unreported") throw await unverifiable(ctx, info.key, "should report the MD5 of what it stored but reported none");
  return outcome;
}

async function copyBuffered(ctx: CopyContext, info: ObjectInfo): Promise<CopiedObject> {
  await ctx.budget.acquire(info.size);
  try {
    const reader = new ResumableReader(ctx, info);
    const data = info.size === 0 ? Buffer.alloc(0) : await reader.read(info.size);
    await reader.close();
    ctx.onBytes(info.size);
    const md5 = md5Hex(data);
    const metadata = sourceIdentityMetadata(info);
    const result = await retrying(ctx, info.key, () => ctx.destination.put(info.key, bodyOf(data), { size: info.size, md5, metadata }));
    if (result.md5 === undefined && (ctx.destination.reportsStoredMd5 || ctx.destination.verifiesContentMd5)) {
      throw await unverifiable(ctx, info.key, "should report the MD5 of what it stored but reported none");
    }
    if (result.md5 !== undefined && result.md5 !== md5) {
      const fate = await discardUnverified(ctx, info.key);
      throw new VerificationError(withStoreHint(ctx.destination, "stored-md5-wrong", `${info.key}: ${ctx.destination.description} stored MD5 ${result.md5}, expected ${md5}. ${fate}`));
    }
    return { key: info.key, size: info.size, etag: result.etag, checksum: md5, md5, multipart: false };
  } finally {
    ctx.budget.release(info.size);
  }
}

/**
 * An open upload of this object's bytes cannot be continued: a part it holds has another MD5 than
 * the source's bytes for that range (the source changed, or the upload is not ours). It is aborted
 * and the copy starts again with a new one.
 */
class StaleUploadError extends Error {}

/** Parts an open upload holds, by part number; empty for a new upload. */
type KeptParts = Map<number, ListedPart>;

/**
 * The upload a killed run left open for `info`, if it can be continued with parts of `partSize`:
 * created after the source was last modified (an older one holds older bytes; listings give whole
 * seconds, so a change within the same second is caught by the MD5 check instead), and every part
 * it lists has the size this layout gives that part number and a known MD5 (each is checked against
 * the source's bytes as they are read: keptPart). Otherwise it is aborted and undefined returned.
 * Neither S3 nor OCI lists an open upload's metadata, so the source identity the engine recorded
 * at creation cannot be read back: the parts' MD5s against the source's bytes decide instead.
 */
async function resumeUpload(ctx: CopyContext, info: ObjectInfo, partSize: number): Promise<{ uploadId: string; kept: KeptParts } | undefined> {
  const open = ctx.openUploads?.get(info.key);
  if (!open) return undefined;
  ctx.openUploads!.delete(info.key);
  const api = ctx.destination.multipart;
  const count = Math.ceil(info.size / partSize);
  const layoutOf = (p: ListedPart) => p.partNumber >= 1 && p.partNumber <= count && p.size === Math.min(partSize, info.size - (p.partNumber - 1) * partSize) && p.md5 !== undefined;
  let why: string;
  if (open.created !== undefined && info.lastModified !== undefined && open.created < info.lastModified) {
    why = "created before the source object was last modified";
  } else if (!api.listParts) {
    why = "the destination cannot list its parts";
  } else {
    const parts = await withRetry(() => api.listParts!(info.key, open.uploadId), ctx.retry, undefined, ctx.signal).catch((err) => err as Error);
    if (parts instanceof Error) {
      why = `its parts could not be listed (${errorText(parts)})`;
    } else if (!parts.every(layoutOf)) {
      why = `its parts are not this copy's layout (${partSize}-byte parts with MD5s)`;
    } else {
      const kept: KeptParts = new Map(parts.map((p) => [p.partNumber, p]));
      ctx.onOpenUpload?.({ key: info.key, uploadId: open.uploadId, outcome: "resumed", detail: `${kept.size} of ${count} parts already uploaded`, keptParts: kept.size, keptBytes: parts.reduce((sum, p) => sum + p.size, 0) });
      return { uploadId: open.uploadId, kept };
    }
  }
  await abortUpload(ctx, info, open.uploadId, why);
  return undefined;
}

async function abortUpload(ctx: CopyContext, info: ObjectInfo, uploadId: string, why: string): Promise<void> {
  await withRetry(() => ctx.destination.multipart.abort(info.key, uploadId), ctx.retry).catch(() => undefined);
  ctx.onOpenUpload?.({ key: info.key, uploadId, outcome: "aborted", detail: why, keptParts: 0, keptBytes: 0 });
}

/**
 * Multipart upload bookkeeping shared by both multipart ways: continue the open upload a killed
 * run left (resumeUpload) or create one, abort on any failure, commit.
 */
async function withUpload<T>(ctx: CopyContext, info: ObjectInfo, partSize: number, run: (uploadId: string, kept: KeptParts) => Promise<T>): Promise<T> {
  const api = ctx.destination.multipart;
  const resumed = await resumeUpload(ctx, info, partSize);
  if (resumed) {
    try {
      return await run(resumed.uploadId, resumed.kept);
    } catch (err) {
      await withRetry(() => api.abort(info.key, resumed.uploadId), ctx.retry).catch(() => undefined);
      if (!(err instanceof StaleUploadError)) throw err;
      ctx.onOpenUpload?.({ key: info.key, uploadId: resumed.uploadId, outcome: "aborted", detail: err.message, keptParts: 0, keptBytes: 0 });
    }
  }
  // The part size is recorded so that a later reader (hydration) can check the multipart checksum.
  const metadata = { ...sourceIdentityMetadata(info), [SOURCE_METADATA.partSize]: String(partSize) };
  const uploadId = await retrying(ctx, info.key, () => api.create(info.key, metadata));
  try {
    return await run(uploadId, new Map());
  } catch (err) {
    // Never leave an upload open: it costs storage and blocks nothing but confuses everyone.
    await withRetry(() => api.abort(info.key, uploadId), ctx.retry).catch(() => undefined);
    throw err;
  }
}

/**
 * The part as the open upload holds it when its MD5 is `md5` (then it is not sent again),
 * undefined when the upload does not hold it; a part with another MD5 makes the upload stale.
 */
function keptPart(info: ObjectInfo, kept: KeptParts, partNumber: number, md5: string, size: number): UploadedPart | undefined {
  const part = kept.get(partNumber);
  if (!part) return undefined;
  if (part.md5 !== md5) throw new StaleUploadError(`part ${partNumber} of the open upload has MD5 ${part.md5}, the source's bytes ${md5}`);
  return { partNumber, etag: part.etag, md5, size };
}

/** Source MD5 known: read once in order, hash the whole object and each part. */
async function copyMultipartOrdered(ctx: CopyContext, info: ObjectInfo, sourceMd5: string): Promise<CopiedObject> {
  const api = ctx.destination.multipart;
  const partSize = choosePartSize(info.size, ctx.partSize, api);
  return withUpload(ctx, info, partSize, async (uploadId, kept) => {
    const reader = new ResumableReader(ctx, info);
    const whole = crypto.createHash("md5");
    const uploads: Promise<UploadedPart>[] = [];
    let failure: unknown;
    try {
      for (let offset = 0, partNumber = 1; offset < info.size && failure === undefined; offset += partSize, partNumber++) {
        const size = Math.min(partSize, info.size - offset);
        await ctx.budget.acquire(size);
        let data: Buffer;
        try {
          data = await reader.read(size);
        } catch (err) {
          ctx.budget.release(size);
          throw err;
        }
        whole.update(data);
        const md5 = md5Hex(data);
        const number = partNumber;
        const partOffset = offset;
        let held: UploadedPart | undefined;
        try {
          held = keptPart(info, kept, number, md5, size);
        } catch (err) {
          ctx.budget.release(size);
          throw err;
        }
        if (held) {
          ctx.budget.release(size);
          ctx.onBytes(size);
          uploads.push(Promise.resolve(held));
          continue;
        }
        const upload = ctx.partSlot(() =>
          retrying(ctx, info.key, () => api.uploadPart(info.key, uploadId, number, bodyOf(data), { size, md5, offset: partOffset })),
        ).then(
          ({ etag }) => {
            ctx.onBytes(size);
            return { partNumber: number, etag, md5, size };
          },
          (err) => {
            failure ??= err;
            throw err;
          },
        ).finally(() => ctx.budget.release(size));
        upload.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
        uploads.push(upload);
      }
    } finally {
      await reader.close();
      await Promise.allSettled(uploads);
    }
    const parts = await Promise.all(uploads);
    const contentMd5 = whole.digest("hex");
    if (contentMd5 !== sourceMd5) {
      throw new VerificationError(`${info.key}: read content MD5 ${contentMd5}, the source lists ${sourceMd5} (it changed during the copy?).`);
    }
    return commit(ctx, info, uploadId, parts, contentMd5);
  });
}

/** Reads one byte range completely (retried; If-Match keeps every range on one version). */
async function readRange(ctx: CopyContext, info: ObjectInfo, start: number, size: number): Promise<Buffer> {
  return retrying(ctx, info.key, async () => {
    const pieces: Buffer[] = [];
    let got = 0;
    for await (const chunk of await ctx.source.get(info.key, { start, end: start + size - 1 }, { ifMatch: info.etag })) {
      pieces.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got > size) throw new VerificationError(`${info.key}: bytes ${start}.. returned more than the ${size} asked for.`);
    }
    if (got !== size) throw new TransientStoreError(`${info.key}: bytes ${start}.. returned ${got} of ${size}.`);
    return Buffer.concat(pieces, size);
  });
}

/** The source's own part size when it can be known for sure and the destination accepts it. */
async function sourceLayout(ctx: CopyContext, info: ObjectInfo, api: MultipartApi): Promise<number | undefined> {
  const parts = multipartPartCount(info.checksum);
  if (parts === undefined || !ctx.source.partSizeOf) return undefined;
  const partSize = await withRetry(() => ctx.source.partSizeOf!(info.key), ctx.retry, undefined, ctx.signal).catch(() => undefined);
  if (!partSize || Math.ceil(info.size / partSize) !== parts) return undefined;
  const fits = parts <= api.maxParts && partSize <= api.maxPartSize && (parts === 1 || partSize >= api.minPartSize);
  return fits ? partSize : undefined;
}

/** A part not started because another part of the object had failed already. */
class PartNotStarted extends Error {}

/**
 * Source MD5 unknown: parts read by range, in parallel. Into a store that hashes parts itself (a
 * local directory) each range streams straight in; elsewhere each part is buffered for its MD5.
 */
async function copyMultipartRanged(ctx: CopyContext, info: ObjectInfo): Promise<CopiedObject> {
  const api = ctx.destination.multipart;
  const layout = await sourceLayout(ctx, info, api);
  const partSize = layout ?? choosePartSize(info.size, ctx.partSize, api);
  const count = Math.ceil(info.size / partSize);
  return withUpload(ctx, info, partSize, async (uploadId, kept) => {
    let failed = false;
    const whole = api.hashesParts ? undefined : crypto.createHash("md5");
    const hashedDone: (() => void)[] = [];
    const hashed = Array.from({ length: count }, (_, i) => new Promise<void>((resolve) => (hashedDone[i] = resolve)));
    const copyPart = async (index: number): Promise<UploadedPart> => {
      const offset = index * partSize;
      const size = Math.min(partSize, info.size - offset);
      const partNumber = index + 1;
      if (failed) throw new PartNotStarted();
      if (api.hashesParts) {
        return retrying(ctx, info.key, async () => {
          const { body, through: counter } = await openSource(ctx, info, { start: offset, end: offset + size - 1 }, false);
          try {
            const { etag, md5 } = await api.uploadPart(info.key, uploadId, partNumber, counter.stream, { size, offset });
            if (!md5) throw new VerificationError(`${info.key}: ${ctx.destination.description} hashes parts but reported no MD5 for part ${partNumber}.`);
            return { partNumber, etag, md5, size };
          } catch (err) {
            ctx.onBytes(-counter.bytes());
            body.destroy();
            throw err;
          }
        });
      }
      // Budget before part slot, as in the ordered way: the two never wait on each other crosswise.
      await ctx.budget.acquire(size);
      try {
        if (failed) throw new PartNotStarted();
        const data = await readRange(ctx, info, offset, size);
        const md5 = md5Hex(data);
        // The whole content's MD5 as well, fed in part order (budget is granted in part order, so
        // part i-1 never waits for part i): some stores report it for a multipart commit.
        await hashed[index - 1];
        whole!.update(data);
        const held = keptPart(info, kept, partNumber, md5, size);
        if (held) {
          ctx.onBytes(size);
          return held;
        }
        const { etag } = await ctx.partSlot(() => retrying(ctx, info.key, () => api.uploadPart(info.key, uploadId, partNumber, bodyOf(data), { size, md5, offset })));
        ctx.onBytes(size);
        return { partNumber, etag, md5, size };
      } finally {
        hashedDone[index](); // also on failure, so that no later part waits for ever
        ctx.budget.release(size);
      }
    };
    const run = (i: number) => (api.hashesParts ? ctx.partSlot(() => copyPart(i)) : copyPart(i));
    const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => run(i).catch((err) => {
      failed = true;
      throw err;
    })));
    const rejected = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && r.reason instanceof StaleUploadError)
      ?? settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && !(r.reason instanceof PartNotStarted));
    if (rejected) throw rejected.reason;
    const parts = settled.map((r) => (r as PromiseFulfilledResult<UploadedPart>).value);
    return commit(ctx, info, uploadId, parts, whole?.digest("hex"), layout !== undefined ? info.checksum : undefined);
  });
}

/**
 * Commits and checks the committed checksum against the parts' (or the whole content's) MD5.
 * With `sourceChecksum` (the same part layout as the source) the parts must reproduce it first.
 */
async function commit(ctx: CopyContext, info: ObjectInfo, uploadId: string, parts: UploadedPart[], contentMd5: string | undefined, sourceChecksum?: string): Promise<CopiedObject> {
  const expected = multipartChecksum(parts.map((p) => p.md5));
  if (sourceChecksum !== undefined && expected !== sourceChecksum) {
    throw new VerificationError(`${info.key}: the parts read hash to ${expected}, the source lists ${sourceChecksum} (it changed during the copy?).`);
  }
  const committed = await completeOnce(ctx, info, uploadId, parts, contentMd5);
  if (committed.checksum === undefined) throw await unverifiable(ctx, info.key, "committed a multipart upload without reporting its checksum");
  if (committed.checksum !== expected && (contentMd5 === undefined || committed.checksum !== contentMd5)) {
    const fate = await discardUnverified(ctx, info.key);
    throw new VerificationError(`${info.key}: ${ctx.destination.description} committed checksum ${committed.checksum}, expected ${expected}${contentMd5 ? ` or ${contentMd5}` : ""}. ${fate}`);
  }
  return { key: info.key, size: info.size, etag: committed.etag, checksum: committed.checksum, md5: contentMd5, multipart: true };
}

/**
 * Commits an upload. If a commit's answer was lost and the retry finds the upload gone, the
 * object may well be committed: a HEAD decides (same size and our recorded source identity).
 */
async function completeOnce(ctx: CopyContext, info: ObjectInfo, uploadId: string, parts: UploadedPart[], contentMd5: string | undefined) {
  let attempted = false;
  return retrying(ctx, info.key, async () => {
    try {
      return await ctx.destination.multipart.complete(info.key, uploadId, parts, { contentMd5 });
    } catch (err) {
      if (attempted && httpStatusOf(err) === 404) {
        const head = await ctx.destination.head(info.key);
        if (head && head.size === info.size && head.checksum) return { etag: head.etag, checksum: head.checksum };
      }
      attempted = true;
      throw err;
    }
  });
}

export async function copyObject(ctx: CopyContext, info: ObjectInfo): Promise<CopiedObject> {
  try {
    return await copyObjectOnce(ctx, info);
  } finally {
    // An open upload no multipart way took (the object now goes up in one PUT) is aborted.
    const open = ctx.openUploads?.get(info.key);
    if (open) {
      ctx.openUploads!.delete(info.key);
      await abortUpload(ctx, info, open.uploadId, "the object is copied in one upload");
    }
  }
}

async function copyObjectOnce(ctx: CopyContext, info: ObjectInfo): Promise<CopiedObject> {
  if (info.md5 && (info.size <= ctx.multipartThreshold || ctx.destination.verifiesContentMd5)) return copyStreamed(ctx, info, info.md5);
  if (info.md5) return copyMultipartOrdered(ctx, info, info.md5);
  // A multipart source goes part by part even when small: its checksum can only be checked that way.
  if (info.size <= ctx.partSize && multipartPartCount(info.checksum) === undefined) return copyBuffered(ctx, info);
  return copyMultipartRanged(ctx, info);
}
