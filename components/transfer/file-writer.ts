// Writes a body into a file at an offset, hashing (MD5) and counting on the way. Chunks are
// gathered into batches of about 1 MiB; each batch moves to a worker thread that writes it with
// one positional write and hashes it (write-hash-workers.ts), so the network takes the main thread
// and the disk and the hash take the others. On the main thread the MD5 alone took 0.74 s of the
// bench's 537 MB (bench:hydrate profile, docs/hydration.md), serialised with the network.
import type { FileHandle } from "fs/promises";
import { finished, type Readable } from "stream";
import { BATCH_BYTES, releaseBatchBuffer, startWriteHashJob, takeBatchBuffer } from "./write-hash-workers";

export interface WrittenBody {
  bytes: number;
  md5: string;
}

type Piece = Buffer | Uint8Array | string;

/** The file must stay open until this settles; when it rejects, nothing more is written to the file. */
export async function writeBodyToFile(body: Readable, file: FileHandle, start = 0): Promise<WrittenBody> {
  const job = startWriteHashJob({ fd: file.fd, position: start });
  let bytes = 0;
  let batch: Buffer | undefined;
  let batchBytes = 0;
  // Batches go to the job one after another; the body pauses while one waits for the job's backlog.
  let handedOver: Promise<void> = Promise.resolve();
  let failure: unknown;
  const flush = () => {
    const full = batch!;
    const length = batchBytes;
    batch = undefined;
    batchBytes = 0;
    bytes += length;
    // After a failed hand-over this batch is never handed over: its slot goes back to the pool.
    handedOver = handedOver.then(() => job.update(full, length), (err: unknown) => {
      releaseBatchBuffer(full);
      throw err;
    });
  };
  const add = (piece: Piece) => {
    const chunk = typeof piece === "string" ? Buffer.from(piece) : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let offset = 0;
    let flushed = false;
    while (offset < chunk.length) {
      batch ??= takeBatchBuffer();
      const copied = Math.min(chunk.length - offset, BATCH_BYTES - batchBytes);
      // fill, not copy: batches are shared memory, and copy() into shared memory goes through
      // V8's atomic-safe byte copy (4-5x slower here); fill() with a buffer is one memcpy.
      batch.fill(chunk.subarray(offset, offset + copied), batchBytes, batchBytes + copied);
      offset += copied;
      batchBytes += copied;
      if (batchBytes === BATCH_BYTES) {
        flush();
        flushed = true;
      }
    }
    return flushed;
  };
  try {
    // 'data' events rather than `for await`: an async iterator costs a promise and a read() per
    // 64 KiB chunk; here a chunk costs one copy, and the body pauses once per batch at most.
    await new Promise<void>((resolve, reject) => {
      const onData = (piece: Piece) => {
        if (!add(piece)) return;
        body.pause();
        handedOver.then(() => {
          if (failure === undefined) body.resume();
        }, (err) => {
          failure ??= err;
          body.off("data", onData);
          reject(err);
        });
      };
      body.on("data", onData);
      finished(body, { writable: false }, (err) => {
        body.off("data", onData);
        if (err) reject(err);
        else resolve();
      });
      body.resume();
    });
    if (batch) flush();
    await handedOver;
  } catch (err) {
    failure ??= err;
    // A batch begun but not handed over goes back to the pool.
    if (batch) releaseBatchBuffer(batch);
    batch = undefined;
    // Whatever is still handed over is written before the job is dropped (discard waits for it).
    await handedOver.catch(() => undefined);
    await job.discard();
    body.destroy();
    throw err;
  }
  return { bytes, md5: await job.digest() };
}
