// Preloaded into child servers started by tests: when the parent's end of stdin closes
// (the test process exited or was killed), this process exits too, so nothing outlives a run.
// Main thread only: a worker thread's stdin is empty and ends at once.
if (require("worker_threads").isMainThread) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
}
