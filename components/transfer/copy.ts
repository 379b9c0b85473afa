// Copies one object and verifies it. Below the multipart threshold: one PUT with Content-MD5
// (streamed straight through when the source MD5 is known, else buffered within the memory
// budget to compute it). Above: the engine's own multipart upload, reading the source once in
// order (resuming with range reads after a dropped connection), uploading parts concurrently with
// a per-part MD5, and checking the committed multipart checksum against the one computed here.
import * as crypto from "crypto";
import { Readable } from "stream";
import type { ByteBudget } from "./byte-budget";
import { hashingPassThrough } from "./hashing";
import { sourceIdentityMetadata } from "./plan";
import { httpStatusOf, withRetry, type RetryPolicy } from "./retry";
import { TransientStoreError, type ObjectInfo, type ObjectStore, type UploadedPart } from "./store";

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

function md5Hex(data: Buffer): string {
  return crypto.createHash("md5").update(data).digest("hex");
}

function bodyOf(buffer: Buffer): Readable {
  return Readable.from([buffer], { objectMode: false });
}

/** Part size: the configured size, grown (to a whole MiB) when the object would need too many parts. */
export function choosePartSize(size: number, wanted: number, limits: { minPartSize: number; maxPartSize: number; maxParts: number }): number {
  const mib = 1024 * 1024;
  let partSize = Math.max(wanted, limits.minPartSize);
  if (Math.ceil(size / partSize) > limits.maxParts) partSize = Math.ceil(size / limits.maxParts / mib) * mib;
  if (partSize > limits.maxPartSize) throw new Error(`An object of ${size} bytes needs parts of ${partSize} bytes, above the store's ${limits.maxPartSize}.`);
  return partSize;
}

/** The canonical multipart checksum: hex(md5(concatenated binary part MD5s)) + "-" + part count. */
export function multipartChecksum(partMd5s: string[]): string {
  const digest = crypto.createHash("md5").update(Buffer.concat(partMd5s.map((m) => Buffer.from(m, "hex")))).digest("hex");
  return `${digest}-${partMd5s.length}`;
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
    return withRetry(async () => {
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
    }, this.ctx.retry, (err, attempt) => this.ctx.onRetry(this.info.key, err, attempt), this.ctx.signal);
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

async function copyStreamed(ctx: CopyContext, info: ObjectInfo, md5: string): Promise<CopiedObject> {
  const metadata = sourceIdentityMetadata(info);
  return withRetry(async () => {
    const body = info.size === 0 ? Readable.from([], { objectMode: false }) : await ctx.source.get(info.key, undefined, { ifMatch: info.etag });
    let moved = 0;
    const hasher = hashingPassThrough((n) => {
      moved += n;
      ctx.onBytes(n);
    });
    body.on("error", (err) => hasher.destroy(err));
    body.pipe(hasher);
    // All bytes arrived but hash differently from the listed MD5: the listing was wrong, not the
    // transfer. Retrying cannot help; say why it happens.
    const listedMd5Wrong = () => hasher.bytes() === info.size && hasher.md5() !== md5;
    const wrongMd5Error = () => new VerificationError(
      `${info.key}: its bytes have MD5 ${hasher.md5()} but the source lists ${md5}: the object changed during the copy, ` +
      `or the source's ETags are not MD5s (S3 SSE-KMS/SSE-C: set etagIsMd5 false, --s3-etag-not-md5).`,
    );
    try {
      let result;
      try {
        result = await ctx.destination.put(info.key, hasher, { size: info.size, md5, metadata });
      } catch (err) {
        if (listedMd5Wrong()) throw wrongMd5Error();
        throw err;
      }
      // The destination may not check Content-MD5 (s3rver does not): check what went through.
      if (listedMd5Wrong()) throw wrongMd5Error();
      if (hasher.bytes() !== info.size) {
        throw new TransientStoreError(`${info.key}: sent ${hasher.bytes()} bytes, expected ${info.size}.`);
      }
      if (result.md5 !== undefined && result.md5 !== md5) {
        throw new TransientStoreError(`${info.key}: the destination stored MD5 ${result.md5}, expected ${md5}.`);
      }
      return { key: info.key, size: info.size, etag: result.etag, checksum: md5, md5, multipart: false };
    } catch (err) {
      ctx.onBytes(-moved);
      body.destroy();
      throw err;
    }
  }, ctx.retry, (err, attempt) => ctx.onRetry(info.key, err, attempt), ctx.signal);
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
    const result = await withRetry(() => ctx.destination.put(info.key, bodyOf(data), { size: info.size, md5, metadata }), ctx.retry, (err, attempt) => ctx.onRetry(info.key, err, attempt), ctx.signal);
    if (result.md5 !== undefined && result.md5 !== md5) throw new VerificationError(`${info.key}: the destination stored MD5 ${result.md5}, expected ${md5}.`);
    return { key: info.key, size: info.size, etag: result.etag, checksum: md5, md5, multipart: false };
  } finally {
    ctx.budget.release(info.size);
  }
}

async function copyMultipart(ctx: CopyContext, info: ObjectInfo): Promise<CopiedObject> {
  const api = ctx.destination.multipart;
  const partSize = choosePartSize(info.size, ctx.partSize, api);
  const retryNote = (err: unknown, attempt: number) => ctx.onRetry(info.key, err, attempt);
  const uploadId = await withRetry(() => api.create(info.key, sourceIdentityMetadata(info)), ctx.retry, retryNote, ctx.signal);
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
      const upload = ctx.partSlot(() =>
        withRetry(() => api.uploadPart(info.key, uploadId, number, bodyOf(data), { size, md5, offset: partOffset }), ctx.retry, retryNote, ctx.signal),
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
    await reader.close();
    const parts = await Promise.all(uploads);
    const contentMd5 = whole.digest("hex");
    if (info.md5 && contentMd5 !== info.md5) {
      throw new VerificationError(`${info.key}: read content MD5 ${contentMd5}, the source lists ${info.md5} (it changed during the copy?).`);
    }
    const expected = multipartChecksum(parts.map((p) => p.md5));
    const committed = await completeOnce(ctx, info, uploadId, parts, contentMd5, retryNote);
    if (committed.checksum !== expected && committed.checksum !== contentMd5) {
      throw new VerificationError(`${info.key}: the destination committed checksum ${committed.checksum ?? "(none)"}, expected ${expected} or ${contentMd5}.`);
    }
    return { key: info.key, size: info.size, etag: committed.etag, checksum: committed.checksum, md5: contentMd5, multipart: true };
  } catch (err) {
    await reader.close();
    await Promise.allSettled(uploads);
    // Never leave an upload open: it costs storage and blocks nothing but confuses everyone.
    await withRetry(() => api.abort(info.key, uploadId), ctx.retry).catch(() => undefined);
    throw err;
  }
}

/**
 * Commits an upload. If a commit's answer was lost and the retry finds the upload gone, the
 * object may well be committed: a HEAD decides (same size and our recorded source identity).
 */
async function completeOnce(ctx: CopyContext, info: ObjectInfo, uploadId: string, parts: UploadedPart[], contentMd5: string, retryNote: (err: unknown, attempt: number) => void) {
  let attempted = false;
  return withRetry(async () => {
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
  }, ctx.retry, retryNote, ctx.signal);
}

export async function copyObject(ctx: CopyContext, info: ObjectInfo): Promise<CopiedObject> {
  if (info.size > ctx.multipartThreshold) return copyMultipart(ctx, info);
  if (info.md5) return copyStreamed(ctx, info, info.md5);
  return copyBuffered(ctx, info);
}
