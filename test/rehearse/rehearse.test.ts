// `npm run rehearse`: the whole migration on 127.0.0.1, run as an operator runs it (a child
// process), with a small data set. Assertions are on the --json report (figures and outcomes)
// and on what is left behind (processes, directories). The runs share the load balancer's port
// (8080, the rehearsal stack's listener), so they run one after the other.
import { spawn, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import type { RehearsalReport } from "../../scripts/rehearse/run";

const ROOT = path.resolve(__dirname, "../..");
const base = fs.mkdtempSync(path.join(os.tmpdir(), "rehearse-test-"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the rehearsal; `onLine` sees each stderr line (progress goes there with --json) and may act. */
function rehearse(args: string[], onLine?: (line: string, pid: number) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/rehearse.ts", "--json", "--files", "6", "--size-mib", "2", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c;
      pending += c;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        onLine?.(pending.slice(0, nl), child.pid!);
        pending = pending.slice(nl + 1);
      }
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const reportOf = (run: Run): RehearsalReport => {
  if (!run.stdout.trim()) throw new Error(`no report (exit ${run.code}):\n${run.stderr.slice(-3000)}`);
  return JSON.parse(run.stdout) as RehearsalReport;
};

/** Processes whose command line mentions `dir` (the stand-ins, agents and hosts of that rehearsal). */
function processesUnder(dir: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes(dir) && !l.includes("ps -eo"));
}

async function noneLeft(dir: string): Promise<string[]> {
  // Children that exit with their parent need a moment to notice.
  for (let i = 0; i < 20 && processesUnder(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 250));
  return processesUnder(dir);
}

describe("npm run rehearse", { timeout: 240_000 }, () => {
  const keptDir = path.join(base, "kept");
  const reportDir = path.join(base, "report");

  it("migrates the tenant: sync verified, every node on DataSync's digest, validation passed, cutover to 100% with no failed query", async () => {
    // 24 MiB over 6 objects: the two largest (> 5 MiB, the stack's multipart threshold) go up in parts.
    const report = reportOf(await rehearse(["--keep", "--work-dir", keptDir, "--report-dir", reportDir, "--size-mib", "24"]));
    expect(report.outcome).toBe("completed");
    expect(report.sync).toMatchObject({ objects: 6, copiedObjects: 6, skippedObjects: 0, verified: true, complete: true, multipartObjects: 2 });
    expect(report.sync!.bytes).toBe(report.dataSet.bytes);
    // The digest DataSync output is the generation Hydration loaded, and every node serves it.
    expect(report.hydration!.generation).toBe(report.sync!.manifestDigest);
    expect(report.hydration!.complete).toBe(true);
    expect(report.hydration!.nodes).toHaveLength(2);
    for (const node of report.hydration!.nodes) expect(`sha256:${node.live}`).toBe(report.sync!.manifestDigest);
    expect(report.validation!.passed).toBe(true);
    expect(report.cutover).toMatchObject({ status: "complete", finalOciPercent: 100, rolledBack: false, walked: true });
    expect(report.cutover!.steps.map((s) => s.ociWeight)).toEqual([0, 10, 50, 100].filter((w) => report.cutover!.steps.some((s) => s.ociWeight === w)));
    expect(report.cutover!.steps.at(-1)).toMatchObject({ ociWeight: 100, realizedOciShare: 1, gate: "passed" });
    expect(report.cutover!.steps.filter((s) => s.ociWeight > 0).map((s) => s.gate)).toEqual(["passed", "passed", "passed"]);
    const half = report.cutover!.steps.find((s) => s.ociWeight === 50)!;
    expect(half.queries).toBeGreaterThan(20);
    expect(half.realizedOciShare).toBeGreaterThan(0.25);
    expect(half.realizedOciShare).toBeLessThan(0.75);
    expect(report.load.queries).toBeGreaterThan(50);
    expect(report.load.failed).toBe(0);
    expect(report.decommission.safe).toBe(false);
    expect(report.decommission.blockers.join("\n")).toMatch(/^bake: OCI has carried 100% for 0\.0 days/m);
    // The HTML report holds the timeline chart (with the gates marked) and the same tables.
    const html = fs.readFileSync(report.artifacts.html, "utf8");
    expect(html).toMatch(/<svg id="timeline"[^>]*>[\s\S]*<path d="M[\d.]+,[\d.]+ L/);
    expect(html.match(/class="gate passed"/g)?.length).toBe(3);
    for (const id of ["sync", "hydration", "steps", "history"]) expect(html).toContain(`<table id="${id}">`);
    expect(html).toContain(`<td>${report.sync!.manifestDigest}</td>`);
    expect(fs.existsSync(path.join(keptDir, "state.json"))).toBe(true);
    expect(await noneLeft(keptDir)).toEqual([]);
  });

  it("--again is an update of the first run's stack: Check/Diff find nothing, nothing is copied or shifted", async () => {
    const report = reportOf(await rehearse(["--again", "--work-dir", keptDir, "--report-dir", reportDir]));
    expect(report.outcome).toBe("completed");
    expect(Object.values(report.runs[0].ops).every((op) => op === "same")).toBe(true);
    // DataSync, AgentBundleUpload, Hydration, the validation command, Cutover.
    expect(Object.keys(report.runs[0].ops)).toHaveLength(5);
    expect(report.sync).toMatchObject({ op: "same", copiedObjects: 0, verified: true });
    expect(report.cutover).toMatchObject({ walked: false, finalOciPercent: 100 });
    expect(report.cutover!.steps.map((s) => s.ociWeight)).toEqual([100]);
    expect(report.load.failed).toBe(0);
    fs.rmSync(keptDir, { recursive: true, force: true });
  });

  it("--fail-at sync: the sync fails loudly, then the next up copies only what it had not verified", async () => {
    const report = reportOf(await rehearse(["--fail-at", "sync", "--work-dir", path.join(base, "sync")]));
    const [first, second] = report.sync!.attempts;
    expect(first.complete).toBe(false);
    expect(first.copiedObjects).toBeGreaterThan(0);
    expect(second).toEqual({ copiedObjects: 6 - first.copiedObjects, complete: true });
    expect(report.sync).toMatchObject({ objects: 6, skippedObjects: first.copiedObjects, verified: true });
    expect(report.runs[0]).toMatchObject({ outcome: "failed", failedStage: "dataSync" });
    expect(report.outcome).toBe("completed");
    expect(report.cutover!.finalOciPercent).toBe(100);
  });

  it("--fail-at hydrate: the new generation fails on the nodes and the previous one stays live", async () => {
    const report = reportOf(await rehearse(["--fail-at", "hydrate", "--work-dir", path.join(base, "hydrate")]));
    expect(report.outcome).toBe("stopped");
    expect(report.runs.map((r) => r.outcome)).toEqual(["succeeded", "failed"]);
    expect(report.runs[1].failedStage).toBe("hydration");
    const firstGeneration = report.story.join("\n").match(/kept generation 1 live \(([0-9a-f]{64})/)?.[1];
    expect(firstGeneration).toBeDefined();
    expect(report.hydration!.complete).toBe(false);
    expect(`sha256:${firstGeneration}`).not.toBe(report.hydration!.generation);
    for (const node of report.hydration!.nodes) expect(node.live).toBe(firstGeneration);
  });

  it("--fail-at validate: the cutover never runs, Route53 still sends everything to AWS", async () => {
    const report = reportOf(await rehearse(["--fail-at", "validate", "--work-dir", path.join(base, "validate")]));
    expect(report.outcome).toBe("stopped");
    expect(report.runs[0]).toMatchObject({ outcome: "failed", failedStage: "validation" });
    expect(report.validation!.passed).toBe(false);
    expect(report.validation!.report).toMatch(/^FAIL\s+query-parity: 0 of 1/m);
    expect(report.cutover).toBeNull();
    expect(report.load.queries).toBe(0);
    expect(report.decommission.blockers.join("\n")).toMatch(/^traffic: no OCI record carries traffic/m);
  });

  it("--fail-at gate: a failing gate rolls traffic back to AWS with no failed query", async () => {
    const report = reportOf(await rehearse(["--fail-at", "gate", "--work-dir", path.join(base, "gate")]));
    expect(report.outcome).toBe("stopped");
    expect(report.runs[0]).toMatchObject({ outcome: "failed", failedStage: "cutover" });
    expect(report.cutover).toMatchObject({ rolledBack: true, finalOciPercent: 0 });
    expect(report.cutover!.steps.at(-1)).toMatchObject({ ociWeight: 0, realizedOciShare: 0 });
    expect(report.cutover!.steps.find((s) => s.ociWeight === 50)).toMatchObject({ gate: "failed" });
    expect(report.cutover!.steps.find((s) => s.ociWeight === 50)!.p95Ms).toBeGreaterThan(400);
    expect(report.load.failed).toBe(0);
    const html = fs.readFileSync(report.artifacts.html, "utf8");
    expect(html).toContain('class="gate failed"');
  });

  it("Ctrl-C stops every process it started and removes its directory", async () => {
    const dir = path.join(base, "interrupted");
    let sent = false;
    const run = await rehearse(["--work-dir", dir], (line, pid) => {
      if (!sent && line.startsWith("hydration:")) {
        sent = true;
        process.kill(pid, "SIGINT");
      }
    });
    expect(sent).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/rehearse interrupted/);
    expect(fs.existsSync(dir)).toBe(false);
    expect(await noneLeft(dir)).toEqual([]);
  });

  it("a stand-in that crashes ends the rehearsal with everything cleaned up", async () => {
    const dir = path.join(base, "crashed");
    let killed = false;
    const run = await rehearse(["--work-dir", dir], (line) => {
      if (!killed && line.startsWith("dataSync:")) {
        const s3rver = processesUnder(dir).find((l) => l.includes("s3rver-main"));
        if (s3rver) {
          process.kill(Number(s3rver.trim().split(/\s+/)[0]), "SIGKILL");
          killed = true;
        }
      }
    });
    expect(killed).toBe(true);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the S3 stand-in \(s3rver, pid \d+\) exited/);
    expect(fs.existsSync(dir)).toBe(false);
    expect(await noneLeft(dir)).toEqual([]);
  });

  it("refuses clearly when the load balancer's port is taken, starting nothing", async () => {
    const net = await import("net");
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(8080, "127.0.0.1", resolve));
    try {
      const run = await rehearse(["--work-dir", path.join(base, "refused")]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/127\.0\.0\.1:8080 is in use/);
      expect(fs.existsSync(path.join(base, "refused"))).toBe(false);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
