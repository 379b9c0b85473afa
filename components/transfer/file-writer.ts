// Writes a body into a file at an offset, hashing (MD5) and counting on the way. Chunks are
// gathered into batches of about 1 MiB, each written with one positional write and then moved to
// an MD5 worker thread (md5-workers.ts), so the network, the disk and the hash each use a core.
// On the main thread the MD5 alone took 0.74 s of the bench's 537 MB (bench:hydrate profile,
// docs/hydration.md), serialised with the network and the writes.
import type { FileHandle } from "fs/promises";
import { BATCH_BYTES, startMd5, takeBatchBuffer } from "./md5-workers";

export interface WrittenBody {
  bytes: number;
  md5: string;
}

async function writeFully(file: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await file.write(data, written, data.length - written, position + written);
    if (bytesWritten === 0) throw new Error("The file system accepted no bytes.");
    written += bytesWritten;
  }
}

export async function writeBodyToFile(body: AsyncIterable<Buffer | Uint8Array | string>, file: FileHandle, start = 0): Promise<WrittenBody> {
  const md5 = startMd5();
  let position = start;
  let batch: Buffer | undefined;
  let batchBytes = 0;
  const flush = async (full: Buffer) => {
    const length = batchBytes;
    batch = undefined;
    batchBytes = 0;
    await writeFully(file, full.subarray(0, length), position);
    position += length;
    await md5.update(full, length);
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
    md5.discard();
    throw err;
  }
  return { bytes: position - start, md5: await md5.digest() };
}
