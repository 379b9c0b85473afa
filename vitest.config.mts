import { defineConfig } from "vitest/config";

// Pulumi keeps global state (mocks, config): every test file runs in its own forked
// process with isolation on. vmForks/vmThreads and --no-isolate leak it between files.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
