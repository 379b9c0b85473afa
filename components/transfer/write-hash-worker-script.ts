// How a write-and-hash worker thread is started: write-hash-worker.ts is TypeScript, and a worker
// started without the parent's execArgv (its preloads and loaders have no business there) gets no
// TypeScript loader of its own. So, from the project (tsx, vitest, the dynamic-provider host), the
// worker runs its source file with tsx's CommonJS loader (tsx is a dependency). The hydration
// agent is one bundled script on a node with no packages at all: its bundle carries the worker
// compiled to JavaScript in TUNDRA_WRITE_HASH_WORKER_JS (components/hydration/agent/bundle.ts),
// and esbuild drops the other branch as dead code, so the bundle names no tsx.
import * as path from "path";
import type { WorkerOptions } from "worker_threads";

declare const TUNDRA_WRITE_HASH_WORKER_JS: string | undefined;

/** The worker's TypeScript source (the agent's bundle compiles it). */
export const WRITE_HASH_WORKER_ENTRY = path.join(__dirname, "write-hash-worker.ts");

/** What `new Worker(script, options)` needs to run the write-and-hash worker here. */
export function writeHashWorkerStart(): { script: string; options: WorkerOptions } {
  if (typeof TUNDRA_WRITE_HASH_WORKER_JS === "string") return { script: TUNDRA_WRITE_HASH_WORKER_JS, options: { eval: true, execArgv: [] } };
  return { script: WRITE_HASH_WORKER_ENTRY, options: { execArgv: ["--require", "tsx/cjs"] } };
}
