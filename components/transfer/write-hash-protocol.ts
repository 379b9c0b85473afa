// Messages between write-hash-workers.ts (the caller's thread) and write-hash-worker.ts (each
// worker thread). Types only: both sides are type-checked against them.

/**
 * A batch for a job: the first `length` bytes of batch slot `slot` (shared memory, not copied),
 * written at `position` of `fd` when there is one, then hashed. `memory` comes with the first
 * request that uses a slot on this worker; later requests name the slot only.
 */
export interface UpdateRequest {
  kind: "update";
  job: number;
  slot: number;
  memory?: SharedArrayBuffer;
  length: number;
  fd?: number;
  position: number;
}

/** Ends a job: `digest` answers its MD5, `drop` forgets it. Answered after every batch before it. */
export interface EndRequest {
  kind: "digest" | "drop";
  job: number;
}

export type Request = UpdateRequest | EndRequest;

/** A write error as it crosses threads: what the retry policy reads of an fs error. */
export interface WorkerFailure {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
}

export type Reply =
  | { kind: "done"; job: number; slot: number; length: number; error?: WorkerFailure }
  | { kind: "digest"; job: number; md5: string }
  | { kind: "dropped"; job: number };
