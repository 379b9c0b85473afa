// The JavaScript a write-and-hash worker thread runs: write-hash-worker.ts, compiled. Node runs
// a worker from a file or from source text, and that file is TypeScript here (tsx, vitest and the
// dynamic-provider host load it from source; none of their loaders reaches a worker started
// without execArgv). So it is compiled with esbuild (a dependency already: tsx and the agent
// bundle use it) on first use, once per process. The hydration agent is one bundled script on a
// node without esbuild: its bundle carries the compiled worker in TUNDRA_WRITE_HASH_WORKER_JS
// (components/hydration/agent/bundle.ts).
import * as path from "path";
import { buildNodeScript } from "../common/node-script";

declare const TUNDRA_WRITE_HASH_WORKER_JS: string | undefined;

let compiled: string | undefined;

/** The worker's source as one CommonJS script, compiled from write-hash-worker.ts. */
export function compileWriteHashWorker(): string {
  return buildNodeScript(path.join(__dirname, "write-hash-worker.ts")).text;
}

/** The worker's script: the bundle's copy when this runs bundled, else compiled here once. */
export function writeHashWorkerScript(): string {
  if (typeof TUNDRA_WRITE_HASH_WORKER_JS === "string") return TUNDRA_WRITE_HASH_WORKER_JS;
  compiled ??= compileWriteHashWorker();
  return compiled;
}
