// The worker thread of write-hash-workers.ts: writes each batch of a job with positional writes,
// hashes it, and hands its slot back. Runs only as a worker (see write-hash-worker-script.ts
// for how it is loaded); it exports nothing.
import * as crypto from "crypto";
import * as fs from "fs";
import { parentPort } from "worker_threads";
import type { Reply, Request, UpdateRequest, WorkerFailure } from "./write-hash-protocol";

interface Job {
  hash: crypto.Hash;
  /** A write failed: later batches are neither written nor hashed. */
  failed: boolean;
}

function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    const n = fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
    if (n === 0) throw Object.assign(new Error("The file system accepted no bytes."), { code: "EIO" });
    done += n;
  }
}

function failureOf(err: unknown): WorkerFailure {
  const e = err as NodeJS.ErrnoException | undefined;
  return { message: String(e?.message), code: e?.code, errno: e?.errno, syscall: e?.syscall };
}

function serve(port: NonNullable<typeof parentPort>): void {
  const jobs = new Map<number, Job>();
  // Batch slots: shared memory, each sent once (UpdateRequest.memory).
  const slots: Uint8Array[] = [];
  const reply = (message: Reply) => port.postMessage(message);

  function update(m: UpdateRequest): void {
    let job = jobs.get(m.job);
    if (!job) jobs.set(m.job, (job = { hash: crypto.createHash("md5"), failed: false }));
    if (m.memory) slots[m.slot] = new Uint8Array(m.memory);
    const bytes = slots[m.slot].subarray(0, m.length);
    let error: WorkerFailure | undefined;
    if (!job.failed) {
      try {
        if (typeof m.fd === "number") writeFully(m.fd, bytes, m.position);
        job.hash.update(bytes);
      } catch (err) {
        job.failed = true;
        error = failureOf(err);
      }
    }
    // The slot goes back to the caller's pool.
    reply({ kind: "done", job: m.job, slot: m.slot, length: m.length, error });
  }

  port.on("message", (m: Request) => {
    if (m.kind === "update") return update(m);
    const job = jobs.get(m.job);
    jobs.delete(m.job);
    if (m.kind === "digest") reply({ kind: "digest", job: m.job, md5: (job?.hash ?? crypto.createHash("md5")).digest("hex") });
    else reply({ kind: "dropped", job: m.job });
  });
}

// Imported on a main thread by mistake, it does nothing.
if (parentPort) serve(parentPort);
