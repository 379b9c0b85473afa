// MD5 on worker threads. Hashing is the dearest step of writing a download to disk (MD5 runs at
// about 700 MB/s per core and cannot be split within one file), and on the main thread it
// serialises with the network and the file writes. Each hashing job lives on one worker of a small
// shared pool; the caller hands over whole batches (an ArrayBuffer moved, not copied) and waits
// only when more than MAX_PENDING_BYTES are not hashed yet, so memory stays bounded.
import * as crypto from "crypto";
import { availableParallelism } from "os";
import { Worker } from "worker_threads";
import { TransientStoreError } from "./store";

const MAX_PENDING_BYTES = 2 * 1024 * 1024;

// Plain JavaScript, evaluated by the worker: no file to ship next to a bundled agent.
const WORKER_SOURCE = `
const { parentPort } = require("worker_threads");
const crypto = require("crypto");
const jobs = new Map();
parentPort.on("message", (m) => {
  if (m.kind === "update") {
    let hash = jobs.get(m.job);
    if (!hash) jobs.set(m.job, (hash = crypto.createHash("md5")));
    hash.update(new Uint8Array(m.data, 0, m.length));
    // The buffer goes back to the caller's pool.
    parentPort.postMessage({ kind: "hashed", job: m.job, data: m.data, length: m.length }, [m.data]);
  } else if (m.kind === "digest") {
    const hash = jobs.get(m.job) || crypto.createHash("md5");
    jobs.delete(m.job);
    parentPort.postMessage({ kind: "digest", job: m.job, md5: hash.digest("hex") });
  } else if (m.kind === "drop") {
    jobs.delete(m.job);
  }
});
`;

type Reply = { kind: "hashed"; job: number; data: ArrayBuffer; length: number } | { kind: "digest"; job: number; md5: string };

/** Batch buffers, moved to a worker and back: reused, so that no batch costs fresh pages and GC. */
export const BATCH_BYTES = 1024 * 1024;
const spareBuffers: ArrayBuffer[] = [];
const MAX_SPARE_BUFFERS = 64;

export function takeBatchBuffer(): Buffer {
  const spare = spareBuffers.pop();
  return Buffer.from(spare ?? new ArrayBuffer(BATCH_BYTES));
}

function returnBatchBuffer(data: ArrayBuffer): void {
  if (data.byteLength === BATCH_BYTES && spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(data);
}

interface JobState {
  pending: number;
  wake?: () => void;
  done?: (md5: string) => void;
  fail: (err: Error) => void;
}

class HashWorker {
  readonly jobs = new Map<number, JobState>();
  private readonly worker: Worker;
  broken: Error | undefined;

  constructor() {
    // No inherited execArgv: the parent's preloads and loaders have no business in this worker.
    // The role names it among the process's threads (tests stop it by that name).
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { role: "tundra-md5" } });
    this.worker.on("message", (reply: Reply) => {
      if (reply.kind === "hashed") returnBatchBuffer(reply.data);
      const job = this.jobs.get(reply.job);
      if (!job) return;
      if (reply.kind === "hashed") {
        job.pending -= reply.length;
        if (job.wake && job.pending <= MAX_PENDING_BYTES) {
          const wake = job.wake;
          job.wake = undefined;
          wake();
        }
      } else {
        this.finish(reply.job);
        job.done?.(reply.md5);
      }
    });
    // Transient for the engine: the copy is retried, and hashes on this thread if no worker is left.
    this.worker.on("error", (err) => this.breakDown(new TransientStoreError(`The MD5 worker thread failed: ${err.message}`, undefined, { cause: err })));
    this.worker.on("exit", (code) => this.breakDown(new TransientStoreError(`The MD5 worker thread exited (code ${code}).`)));
    // Listeners ref the worker's port; it keeps the process alive only while a job is open.
    this.worker.unref();
  }

  private breakDown(err: Error): void {
    this.broken ??= err;
    for (const [id, job] of [...this.jobs]) {
      this.finish(id);
      job.fail(err);
    }
  }

  start(id: number, job: JobState): void {
    if (this.jobs.size === 0) this.worker.ref();
    this.jobs.set(id, job);
  }

  finish(id: number): void {
    if (this.jobs.delete(id) && this.jobs.size === 0) this.worker.unref();
  }

  post(message: object, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(message, transfer);
  }
}

let pool: HashWorker[] | undefined;
let nextJob = 0;

/** A worker with the fewest open jobs, or undefined when none can run (the caller hashes inline). */
function pickWorker(): HashWorker | undefined {
  pool ??= Array.from({ length: Math.max(1, Math.min(4, availableParallelism())) }, () => new HashWorker());
  const healthy = pool.filter((w) => !w.broken);
  if (healthy.length === 0) return undefined;
  return healthy.reduce((best, w) => (w.jobs.size < best.jobs.size ? w : best));
}

/** An MD5 fed batch by batch; `digest` ends it, `discard` abandons it. */
export interface Md5Job {
  update(batch: Buffer, length: number): Promise<void>;
  digest(): Promise<string>;
  discard(): void;
}

/** On a worker thread when the pool can run one; on this thread otherwise (a worker that died fails only its open jobs). */
export function startMd5(): Md5Job {
  const worker = pickWorker();
  if (worker) return new WorkerMd5(worker);
  const hash = crypto.createHash("md5");
  return {
    update: async (batch, length) => {
      hash.update(batch.subarray(0, length));
      returnBatchBuffer(batch.buffer as ArrayBuffer);
    },
    digest: async () => hash.digest("hex"),
    discard: () => undefined,
  };
}

/** One MD5 computed on a worker thread. Feed it in order; `digest` ends it. */
class WorkerMd5 implements Md5Job {
  private readonly id = nextJob++;
  private readonly state: JobState;
  private failure: Error | undefined;
  private ended = false;

  constructor(private readonly worker: HashWorker) {
    this.state = { pending: 0, fail: (err) => this.fail(err) };
    this.worker.start(this.id, this.state);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const wake = this.state.wake;
    this.state.wake = undefined;
    wake?.();
  }

  /**
   * Hands over the first `length` bytes of a buffer from takeBatchBuffer() (it is detached: do not
   * use it afterwards); resolves when the backlog allows more.
   */
  async update(batch: Buffer, length: number): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error("MD5 already digested.");
    // Moving a slice of Node's shared buffer pool would wipe the other buffers in it.
    if (batch.byteOffset !== 0 || batch.buffer.byteLength !== batch.byteLength) throw new Error("WorkerMd5.update takes whole buffers from takeBatchBuffer().");
    this.state.pending += length;
    const data = batch.buffer as ArrayBuffer;
    this.worker.post({ kind: "update", job: this.id, data, length }, [data]);
    if (this.state.pending > MAX_PENDING_BYTES) {
      await new Promise<void>((resolve) => (this.state.wake = resolve));
      if (this.failure) throw this.failure;
    }
  }

  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    this.ended = true;
    return new Promise<string>((resolve, reject) => {
      this.state.done = resolve;
      this.state.fail = reject;
      this.worker.post({ kind: "digest", job: this.id });
    });
  }

  /** Abandons the job (after a failed write): frees the worker's state. */
  discard(): void {
    if (this.ended) return;
    this.ended = true;
    this.worker.finish(this.id);
    this.worker.post({ kind: "drop", job: this.id });
  }
}
