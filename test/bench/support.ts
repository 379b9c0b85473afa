// Small helpers shared by the benchmarks: aligned output lines, timing, silencing the OCI SDK's
// per-call console warnings (the engine retries itself; they would drown the figures), and
// readying the guest's memory before a measured step.
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as fsp from "fs/promises";
import * as path from "path";

export function quietOciSdkWarnings(): void {
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /^(Request cannot be retried|All retry attempts have exhausted)/.test(args[0])) return;
    warn(...args);
  };
}

export function line(label: string, value: string, width = 36): void {
  process.stdout.write(`${label.padEnd(width)} ${value}\n`);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/**
 * Writes and deletes a scratch file of `bytes` in `dir`, so that the next step's page-cache writes
 * land on memory the guest has touched recently. This VM returns freed memory to its host (virtio
 * free page reporting, /sys/module/page_reporting), and the first write to such memory costs the
 * kernel about 2 s per GB: `dd` of 512 MB took 0.97-1.44 s of system time into returned memory and
 * 0.09 s into just-freed memory. Without this, which step paid it depended on what ran before it
 * (the agent's system time was 1.7 s against 0.4-0.6 s primed, rclone's 0.3 s either way).
 */
export async function primeGuestMemory(dir: string, bytes: number): Promise<void> {
  const scratch = path.join(dir, "prime-scratch");
  const block = Buffer.alloc(1024 * 1024);
  const file = await fsp.open(scratch, "w");
  try {
    for (let written = 0; written < bytes; written += block.length) await file.write(block);
  } finally {
    await file.close();
    await fsp.rm(scratch, { force: true });
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSecondsOf(pid: number): number {
  return procStatTicks(pid, 11) + procStatTicks(pid, 12);
}

/** CPU seconds (user + system) of this process's children that have ended and been waited for. */
export function endedChildrenCpuSeconds(): number {
  const { user, system } = endedChildrenCpu();
  return user + system;
}

/**
 * The same, split: user time is the client's own work (JS, hashing, HTTP parsing), system time the
 * kernel's on its behalf (socket reads, page-cache writes, flushes, memory mapping).
 */
export function endedChildrenCpu(): { user: number; system: number } {
  return { user: procStatTicks("self", 13), system: procStatTicks("self", 14) };
}

/** One clock-tick field of /proc/<pid>/stat (counted after the command name), in seconds. */
function procStatTicks(pid: number | "self", field: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[field]) / 100;
}

/** How to get rclone, the peer both benches compare against (README, "Benchmarks"). */
export const RCLONE_INSTALL = "apt-get update && apt-get install -y rclone";

/**
 * The rclone binary the bench compares against: BENCH_RCLONE (a path) or `rclone` on PATH. Without
 * it a bench has nothing to compare with, so it stops here, before starting anything, with the
 * command that installs it and exit code 3 (a figure against an absent peer is not a figure).
 */
export function requireRclone(bench: string): string {
  const binary = process.env.BENCH_RCLONE || "rclone";
  const probe = spawnSync(binary, ["version"], { encoding: "utf8", timeout: 30_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? (probe.error as NodeJS.ErrnoException).code ?? probe.error.message : `exit ${probe.status}`;
    process.stderr.write(
      `${bench}: rclone, the peer this bench compares against, is not available (${binary}: ${why}).\n` +
      `Install it with: ${RCLONE_INSTALL}\n(or set BENCH_RCLONE to the path of an rclone binary). Nothing was measured.\n`,
    );
    process.exit(3);
  }
  return binary;
}

/** CPU seconds per GB (1e9 bytes) moved. */
export function cpuPerGB(cpuSeconds: number, bytes: number): number {
  return cpuSeconds / (bytes / 1e9);
}
