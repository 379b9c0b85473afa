// Writes a body into a file at an offset, hashing (MD5) and counting on the way. Chunks are
// gathered into batches of about 1 MiB; each batch moves to a worker thread that writes it with
// one positional write and hashes it (write-hash-workers.ts), so the network takes the main thread
// and the disk and the hash take the others. On the main thread the MD5 alone took 0.74 s of the
// bench's 537 MB (bench:hydrate profile, docs/hydration.md), serialised with the network.
import type { FileHandle } from "fs/promises";
import { BATCH_BYTES, startWriteHashJob, takeBatchBuffer } from "./write-hash-workers";

export interface WrittenBody {
  bytes: number;
  md5: string;
}

/** The file must stay open until this settles; when it rejects, nothing more is written to the file. */
export async function writeBodyToFile(body: AsyncIterable<Buffer | Uint8Array | string>, file: FileHandle, start = 0): Promise<WrittenBody> {
  const job = startWriteHashJob({ fd: file.fd, position: start });
  let bytes = 0;
  let batch: Buffer | undefined;
  let batchBytes = 0;
  const flush = async (full: Buffer) => {
    const length = batchBytes;
    batch = undefined;
    batchBytes = 0;
    bytes += length;
    await job.update(full, length);
  };
  try {
    for await (const piece of body) {
      const chunk = typeof piece === "string" ? Buffer.from(piece) : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      let offset = 0;
      while (offset < chunk.length) {
        batch ??= takeBatchBuffer();
        const copied = chunk.copy(batch, batchBytes, offset);
        offset += copied;
        batchBytes += copied;
        if (batchBytes === BATCH_BYTES) await flush(batch);
      }
    }
    if (batch) await flush(batch);
  } catch (err) {
    await job.discard();
    throw err;
  }
  return { bytes, md5: await job.digest() };
}
