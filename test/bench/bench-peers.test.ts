import { spawn } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";

// A bench whose peer (rclone) is missing stops before measuring anything, says how to install it
// and exits non-zero, instead of printing figures against nothing (`rcloneRatio: null`). The peer
// is made missing with BENCH_RCLONE, so the test holds on a machine that has rclone.
const root = path.resolve(__dirname, "../..");

function runBench(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "test", "bench", file)], {
      cwd: root,
      env: { ...process.env, BENCH_RCLONE: path.join(root, "no-such-dir", "rclone"), BENCH_SCALE: "0.01", BENCH_ROUNDS: "1", BENCH_SKIP_RSS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("benches refuse to run without their peer", () => {
  it.each(["sync.bench.ts", "hydrate.bench.ts"])("%s: rclone missing -> exit 3, the install command, no figures", async (file) => {
    const { code, stdout, stderr } = await runBench(file);
    expect(code).toBe(3);
    expect(stderr).toContain("rclone, the peer this bench compares against, is not available");
    expect(stderr).toContain("apt-get update && apt-get install -y rclone");
    expect(stdout).toBe("");
  }, 60_000);
});
