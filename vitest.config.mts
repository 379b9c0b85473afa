import { defineConfig } from "vitest/config";

// Pulumi keeps global state (mocks, config): every test file runs in its own forked
// process with isolation on. vmForks/vmThreads and --no-isolate leak it between files.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    isolate: true,
    // Most files wait on child processes and servers on 127.0.0.1, not on the CPU: three files at
    // a time on 2 cores (vitest's default here is 1) take the suite from ~10 to ~5 minutes.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
