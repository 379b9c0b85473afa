// Writing a download to disk and its MD5, on worker threads. Hashing is the dearest step (MD5 runs
// at about 700 MB/s per core and cannot be split within one file); on the main thread it
// serialises with the network. The file writes go with it: dispatched from the main thread, each
// 1 MiB write cost the main thread a threadpool hand-off and a promise, and it stalled on the
// threadpool's lock while four pool threads, the hash workers and the server shared 2 cores
// (260 ms of the agent's main thread in bench:hydrate, docs/hydration.md). A worker writes each
// batch with one positional write, hashes it and hands the buffer back.
// Each job lives on one worker of a small shared pool, so its batches are written and hashed in
// order; the caller hands over whole batches (a slot of shared memory, named, not copied) and waits
// only when more than MAX_PENDING_BYTES are not done yet, so memory stays bounded.
import * as crypto from "crypto";
import * as fs from "fs";
import { availableParallelism } from "os";
import { promisify } from "util";
import { Worker } from "worker_threads";
import { TransientStoreError } from "./store";
import type { Reply, Request, UpdateRequest, WorkerFailure } from "./write-hash-protocol";
import { writeHashWorkerStart } from "./write-hash-worker-script";

const MAX_PENDING_BYTES = 2 * 1024 * 1024;

/**
 * Batch buffers: slots of shared memory, each made once and reused, and sent to a worker once;
 * after that a batch crosses as its slot number. Moving an ArrayBuffer to a worker and back instead
 * made a new 1 MiB external buffer on each side for every batch, and the main thread's scavenges
 * for that external memory (bench:hydrate, docs/hydration.md). At most about concurrency x
 * (MAX_PENDING_BYTES / BATCH_BYTES + 1) slots are ever in use at once.
 */
export const BATCH_BYTES = 1024 * 1024;
const slots: SharedArrayBuffer[] = [];
const slotOf = new WeakMap<ArrayBufferLike, number>();
const freeSlots: number[] = [];

export function takeBatchBuffer(): Buffer {
  let slot = freeSlots.pop();
  if (slot === undefined) {
    slot = slots.length;
    slots.push(new SharedArrayBuffer(BATCH_BYTES));
    slotOf.set(slots[slot], slot);
  }
  return Buffer.from(slots[slot]);
}

/** The slot of a whole batch buffer from takeBatchBuffer(); throws for any other buffer. */
function slotOfBatch(batch: Buffer): number {
  const slot = slotOf.get(batch.buffer);
  if (slot === undefined || batch.byteOffset !== 0 || batch.byteLength !== BATCH_BYTES) throw new Error("WriteHashJob.update takes whole buffers from takeBatchBuffer().");
  return slot;
}

function returnSlot(slot: number): void {
  freeSlots.push(slot);
}

/** Gives back a batch buffer that will not be handed to a job (a body that failed mid-batch). */
export function releaseBatchBuffer(batch: Buffer): void {
  returnSlot(slotOfBatch(batch));
}

/** How many batch slots exist (in use or free): bounded by the concurrency, never by the number of bodies. */
export function batchSlotCount(): number {
  return slots.length;
}

/** The worker's write error as the error fs would have thrown here (code, errno and syscall kept for the retry policy). */
function writeError(failure: WorkerFailure): Error {
  return Object.assign(new Error(failure.message), { code: failure.code, errno: failure.errno, syscall: failure.syscall });
}

interface JobState {
  pending: number;
  wake?: () => void;
  /** Settles the job's last request (digest or drop). */
  settle?: (md5?: string) => void;
  fail: (err: Error) => void;
}

class WriteHashWorker {
  readonly jobs = new Map<number, JobState>();
  private readonly worker: Worker;
  /** Slots this worker has been sent (it keeps them), and those it holds a batch in now. */
  private readonly knownSlots = new Set<number>();
  private readonly busySlots = new Set<number>();
  broken: Error | undefined;

  constructor() {
    // The worker runs write-hash-worker.ts (write-hash-worker-script.ts says how, bundled or not).
    // The role names it among the process's threads (tests stop it by that name).
    const { script, options } = writeHashWorkerStart();
    this.worker = new Worker(script, { ...options, workerData: { role: "tundra-write-hash" } });
    this.worker.on("message", (reply: Reply) => {
      if (reply.kind === "done") {
        // Only a slot still lent out goes back: after a break-down (which returned every busy slot)
        // the worker's queued replies still arrive, and a second return would lend one slot twice.
        if (this.busySlots.delete(reply.slot)) returnSlot(reply.slot);
      }
      const job = this.jobs.get(reply.job);
      if (!job) return;
      if (reply.kind === "done") {
        job.pending -= reply.length;
        if (reply.error) job.fail(writeError(reply.error));
        if (job.wake && job.pending <= MAX_PENDING_BYTES) {
          const wake = job.wake;
          job.wake = undefined;
          wake();
        }
      } else {
        this.finish(reply.job);
        job.settle?.(reply.kind === "digest" ? reply.md5 : undefined);
      }
    });
    // Transient for the engine: the copy is retried, and runs on this thread if no worker is left.
    this.worker.on("error", (err) => this.breakDown(new TransientStoreError(`The write-and-hash worker thread failed: ${err.message}`, undefined, { cause: err })));
    this.worker.on("exit", (code) => this.breakDown(new TransientStoreError(`The write-and-hash worker thread exited (code ${code}).`)));
    // Listeners ref the worker's port; it keeps the process alive only while a job is open.
    this.worker.unref();
  }

  private breakDown(err: Error): void {
    this.broken ??= err;
    // The thread is gone: the batches it held will not come back by themselves.
    for (const slot of this.busySlots) returnSlot(slot);
    this.busySlots.clear();
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

  post(message: Request): void {
    this.worker.postMessage(message);
  }

  /** Hands a batch to the worker: its slot, with the slot's memory the first time. */
  postBatch(message: UpdateRequest): void {
    if (!this.knownSlots.has(message.slot)) {
      this.knownSlots.add(message.slot);
      message.memory = slots[message.slot];
    }
    this.busySlots.add(message.slot);
    this.worker.postMessage(message);
  }
}

let pool: WriteHashWorker[] | undefined;
let nextJob = 0;

/** A worker with the fewest open jobs, or undefined when none can run (the caller works inline). */
function pickWorker(): WriteHashWorker | undefined {
  pool ??= Array.from({ length: Math.max(1, Math.min(4, availableParallelism())) }, () => new WriteHashWorker());
  const healthy = pool.filter((w) => !w.broken);
  if (healthy.length === 0) return undefined;
  return healthy.reduce((best, w) => (w.jobs.size < best.jobs.size ? w : best));
}

/** Where a job's batches go, one after another: an open file descriptor and the offset of the first batch. */
export interface WriteTarget {
  fd: number;
  position: number;
}

/**
 * An MD5 fed batch by batch, each batch first written to the target when there is one. `digest`
 * ends it once every batch is written and hashed. `discard` abandons it and resolves once no write
 * of it is pending, so the caller may close the file then (a later write could hit a reused fd).
 */
export interface WriteHashJob {
  update(batch: Buffer, length: number): Promise<void>;
  digest(): Promise<string>;
  discard(): Promise<void>;
}

const writeFd = promisify(fs.write);

/** On this thread: the fallback when no worker can run. */
function inlineJob(target: WriteTarget | undefined): WriteHashJob {
  const hash = crypto.createHash("md5");
  let position = target?.position ?? 0;
  return {
    update: async (batch, length) => {
      const slot = slotOfBatch(batch);
      try {
        if (target) {
          for (let done = 0; done < length;) {
            const { bytesWritten: n } = await writeFd(target.fd, batch, done, length - done, position + done);
            if (n === 0) throw Object.assign(new Error("The file system accepted no bytes."), { code: "EIO" });
            done += n;
          }
          position += length;
        }
        hash.update(batch.subarray(0, length));
      } finally {
        returnSlot(slot);
      }
    },
    digest: async () => hash.digest("hex"),
    discard: async () => undefined,
  };
}

/** On a worker thread when the pool can run one; on this thread otherwise (a worker that died fails only its open jobs). */
export function startWriteHashJob(target?: WriteTarget): WriteHashJob {
  const worker = pickWorker();
  return worker ? new WorkerJob(worker, target) : inlineJob(target);
}

/** One job on a worker thread. Feed it in order; `digest` ends it. */
class WorkerJob implements WriteHashJob {
  private readonly id = nextJob++;
  private readonly state: JobState;
  private failure: Error | undefined;
  private ended = false;
  private position: number;

  constructor(private readonly worker: WriteHashWorker, private readonly target: WriteTarget | undefined) {
    this.position = target?.position ?? 0;
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
   * Hands over the first `length` bytes of a buffer from takeBatchBuffer() (its slot goes back to
   * the pool once written and hashed: do not use it afterwards); resolves when the backlog allows more.
   */
  async update(batch: Buffer, length: number): Promise<void> {
    const slot = slotOfBatch(batch);
    if (this.failure || this.ended) {
      returnSlot(slot);
      throw this.failure ?? new Error("The write-and-hash job has already ended.");
    }
    this.state.pending += length;
    this.worker.postBatch({ kind: "update", job: this.id, slot, length, fd: this.target?.fd, position: this.position });
    this.position += length;
    if (this.state.pending > MAX_PENDING_BYTES) {
      await new Promise<void>((resolve) => (this.state.wake = resolve));
      if (this.failure) throw this.failure;
    }
  }

  digest(): Promise<string> {
    if (this.failure) return this.discard().then(() => Promise.reject(this.failure));
    this.ended = true;
    return this.settled("digest").then((md5) => {
      // A write that failed after the last update was handed over.
      if (this.failure) throw this.failure;
      return md5!;
    });
  }

  /** Abandons the job (after a failure); resolves when the worker will write nothing more for it. */
  async discard(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.settled("drop").catch(() => undefined);
  }

  /** Sends the job's last request; the worker answers it after every batch before it. */
  private settled(kind: "digest" | "drop"): Promise<string | undefined> {
    if (!this.worker.jobs.has(this.id)) return Promise.reject(this.failure ?? new Error("The write-and-hash job has ended."));
    return new Promise<string | undefined>((resolve, reject) => {
      this.state.settle = resolve;
      this.state.fail = (err) => {
        this.fail(err);
        reject(err);
      };
      this.worker.post({ kind, job: this.id });
    });
  }
}
