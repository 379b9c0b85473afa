// The fleet rollout without Pulumi: the fleet file schema, the wave planner, the stop rules and
// the resume, driven through an injected TenantRunner; the CI matrix, the state file, the page.
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parseFleet, parseFleetYaml, type FleetFile, type FleetTenant } from "../../components/fleet/fleet-file";
import { planWaves } from "../../components/fleet/waves";
import { rollout, type RolloutEvent } from "../../components/fleet/rollout";
import { emptyState, readState, writeState, type FleetState, type Operation } from "../../components/fleet/state";
import type { TenantRunner, TenantRunResult } from "../../components/fleet/runner";
import { jobMatrix, githubOutputLines } from "../../components/fleet/matrix";
import { summaryRows, formatSummaryTable } from "../../components/fleet/summary";
import { renderFleetHtml } from "../../components/fleet/html";
import { useTempDir } from "../support/temp-dir";

function fleetOf(stacks: string[], waves: Partial<FleetFile["waves"]> & { size: number }, canary: string[] = []): FleetFile {
  const result = parseFleet({ tenants: stacks.map((stack) => ({ stack })), canary, waves });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.fleet;
}

/** A runner whose tenants fail when listed, each taking `ms`; it records what ran and the peak concurrency. */
class ScriptedRunner implements TenantRunner {
  ran: string[] = [];
  inFlight = 0;
  peak = 0;
  constructor(private readonly failing: Set<string> = new Set(), private readonly ms = 5) {}
  async run(tenant: FleetTenant, _op: Operation, onStage: (stage: string) => void): Promise<TenantRunResult> {
    this.ran.push(tenant.stack);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    onStage("foundation");
    await new Promise((r) => setTimeout(r, this.ms));
    this.inFlight--;
    if (this.failing.has(tenant.stack)) return { ok: false, stageReached: "hydration", bytesSynced: 100, ociPercent: 0, error: "hydration timed out" };
    onStage("cutover");
    return { ok: true, stageReached: "cutover", bytesSynced: 1000, ociPercent: 100 };
  }
}

const names = (n: number, prefix = "t") => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, "0")}-prod`);

describe("fleet file", () => {
  it("reports every problem at once, each by its key", () => {
    const result = parseFleetYaml(`
tenants:
  - stack: acme-prod
  - stack: acme-prod
  - { stack: "bad name!" }
canary: [globex-prod]
waves: { size: 0, concurrency: 2, colour: blue }
extra: 1
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const keys = result.issues.map((i) => i.key);
    expect(keys).toEqual(expect.arrayContaining(["fleet.extra", "fleet.waves.colour", "fleet.waves.size", "fleet.tenants[2].stack", "fleet.tenants[1].stack", "fleet.canary[0]"]));
    expect(result.issues.find((i) => i.key === "fleet.waves.size")!.message).toMatch(/at least 1/);
    expect(result.issues.find((i) => i.key === "fleet.canary[0]")!.message).toMatch(/not in fleet.tenants/);
  });

  it("applies the defaults: concurrency 4, failed tenant stops its wave, no failure tolerated", () => {
    const fleet = fleetOf(["a"], { size: 10 });
    expect(fleet.waves).toEqual({ size: 10, concurrency: 4, failedTenantStopsWave: true, maxFailures: 0 });
    expect(fleet.workDir).toBe(".");
  });
});

describe("wave planner", () => {
  it("puts the canaries first in their own wave, then the rest in waves of the size, in file order", () => {
    const stacks = names(7);
    const waves = planWaves(fleetOf(stacks, { size: 3, maxFailures: 2 }, [stacks[4], stacks[1]]));
    expect(waves.map((w) => [w.name, w.tenants.map((t) => t.stack)])).toEqual([
      ["canary", [stacks[4], stacks[1]]],
      ["wave-1", [stacks[0], stacks[2], stacks[3]]],
      ["wave-2", [stacks[5], stacks[6]]],
    ]);
    expect(waves[0].maxFailures).toBe(0);
    expect(waves[1].maxFailures).toBe(2);
  });

  it("numbers waves from 1 without canaries", () => {
    expect(planWaves(fleetOf(names(3), { size: 2 })).map((w) => w.name)).toEqual(["wave-1", "wave-2"]);
  });
});

describe("rollout", () => {
  it("runs every wave within the concurrency limit and records each tenant", async () => {
    const runner = new ScriptedRunner(new Set(), 10);
    const state = emptyState();
    const result = await rollout({ waves: planWaves(fleetOf(names(9), { size: 6, concurrency: 3 })), operation: "up", runner, state });
    expect(result.stoppedBy).toBeUndefined();
    expect(runner.ran).toHaveLength(9);
    expect(runner.peak).toBe(3);
    expect(Object.values(state.operations.up!).every((r) => r.status === "succeeded" && r.stageReached === "cutover" && r.bytesSynced === 1000)).toBe(true);
  });

  it("a failed tenant stops its wave: no new tenant starts, the rest are skipped, the rollout stops", async () => {
    const stacks = names(6);
    const runner = new ScriptedRunner(new Set([stacks[1]]));
    const state = emptyState();
    const events: RolloutEvent[] = [];
    const result = await rollout({ waves: planWaves(fleetOf(stacks, { size: 4, concurrency: 1 })), operation: "up", runner, state, onEvent: (e) => events.push(e) });
    expect(runner.ran).toEqual([stacks[0], stacks[1]]);
    expect(result.waves[0]).toEqual({ name: "wave-1", succeeded: [stacks[0]], failed: [stacks[1]], skipped: [stacks[2], stacks[3]] });
    expect(result.waves).toHaveLength(1);
    expect(result.stoppedBy).toMatch(/wave-1 has 1 failed tenant .*more than its limit of 0/);
    expect(state.operations.up![stacks[1]]).toMatchObject({ status: "failed", stageReached: "hydration", error: "hydration timed out" });
    expect(state.operations.up![stacks[2]].status).toBe("skipped");
    expect(events.at(-1)).toMatchObject({ type: "stopped" });
  });

  it("a wave with at most maxFailures failures lets the next wave start; more stops the rollout", async () => {
    const stacks = names(6);
    const oneFailure = new ScriptedRunner(new Set([stacks[0]]));
    const ok = await rollout({ waves: planWaves(fleetOf(stacks, { size: 3, failedTenantStopsWave: false, maxFailures: 1 })), operation: "up", runner: oneFailure, state: emptyState() });
    expect(ok.stoppedBy).toBeUndefined();
    expect(oneFailure.ran).toHaveLength(6);

    const twoFailures = new ScriptedRunner(new Set([stacks[0], stacks[2]]));
    const stopped = await rollout({ waves: planWaves(fleetOf(stacks, { size: 3, failedTenantStopsWave: false, maxFailures: 1 })), operation: "up", runner: twoFailures, state: emptyState() });
    expect(twoFailures.ran).toEqual(stacks.slice(0, 3));
    expect(stopped.stoppedBy).toMatch(/wave-1 has 2 failed tenants/);
  });

  it("one failed canary stops the rollout even when the waves tolerate failures", async () => {
    const stacks = names(5);
    const runner = new ScriptedRunner(new Set([stacks[0]]));
    const result = await rollout({ waves: planWaves(fleetOf(stacks, { size: 2, maxFailures: 5, failedTenantStopsWave: false }, [stacks[0]])), operation: "up", runner, state: emptyState() });
    expect(runner.ran).toEqual([stacks[0]]);
    expect(result.stoppedBy).toMatch(/^canary has 1 failed tenant/);
  });

  it("resumes: finished tenants are skipped, failed ones stay failed unless retried, interrupted ones run again", async () => {
    const stacks = names(4);
    const waves = planWaves(fleetOf(stacks, { size: 4, concurrency: 1 }));
    const state = emptyState();
    await rollout({ waves, operation: "up", runner: new ScriptedRunner(new Set([stacks[1]])), state });
    // As if the process had been killed while stacks[2] ran.
    state.operations.up![stacks[2]].status = "running";

    const again = new ScriptedRunner();
    const kept = await rollout({ waves, operation: "up", runner: again, state });
    expect(again.ran).toEqual([]);
    expect(kept.stoppedBy).toMatch(/--retry-failed/);

    const retry = new ScriptedRunner();
    const done = await rollout({ waves, operation: "up", runner: retry, state, retryFailed: true });
    expect(retry.ran).toEqual([stacks[1], stacks[2], stacks[3]]);
    expect(done.stoppedBy).toBeUndefined();
    expect(Object.values(state.operations.up!).map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
  });

  it("keeps one state per operation: a finished preview does not skip the up", async () => {
    const waves = planWaves(fleetOf(names(2), { size: 2 }));
    const state = emptyState();
    await rollout({ waves, operation: "preview", runner: new ScriptedRunner(), state });
    const up = new ScriptedRunner();
    await rollout({ waves, operation: "up", runner: up, state });
    expect(up.ran).toHaveLength(2);
  });

  it("saves the state after each tenant starts and ends, never two saves at once", async () => {
    const waves = planWaves(fleetOf(names(3), { size: 3, concurrency: 3 }));
    let saving = 0;
    let overlapping = false;
    const saved: string[] = [];
    const save = async (s: FleetState) => {
      overlapping ||= saving > 0;
      saving++;
      await new Promise((r) => setTimeout(r, 2));
      saved.push(Object.values(s.operations.up!).map((r) => r.status).join(","));
      saving--;
    };
    await rollout({ waves, operation: "up", runner: new ScriptedRunner(), state: emptyState(), save });
    expect(overlapping).toBe(false);
    expect(saved.length).toBe(3 * 2 + 1);
    expect(saved[0]).toContain("running");
    expect(saved.at(-1)).toBe("succeeded,succeeded,succeeded");
  });
});

describe("state file", () => {
  const tempDir = useTempDir("fleet-state");
  it("round-trips and refuses a file that is not a fleet state", async () => {
    const dir = tempDir();
    const file = path.join(dir, "fleet.state.json");
    const state = emptyState();
    await rollout({ waves: planWaves(fleetOf(["a"], { size: 1 })), operation: "refresh", runner: new ScriptedRunner(), state });
    writeState(file, state);
    expect(readState(file)).toEqual(state);
    expect(readState(path.join(dir, "missing.json"))).toEqual(emptyState());
    fs.writeFileSync(file, JSON.stringify({ version: 2, operations: {} }));
    expect(() => readState(file)).toThrow(/not a version-1 fleet state/);
    fs.writeFileSync(file, "{ truncated");
    expect(() => readState(file)).toThrow(/is not JSON/);
  });
});

describe("CI matrix and reports", () => {
  it("emits one job per tenant of the wave not yet succeeded, the wave's concurrency as max-parallel", async () => {
    const stacks = names(5);
    const waves = planWaves(fleetOf(stacks, { size: 5, concurrency: 2, failedTenantStopsWave: false, maxFailures: 1 }));
    const state = emptyState();
    await rollout({ waves, operation: "up", runner: new ScriptedRunner(new Set([stacks[3]])), state });
    const m = jobMatrix(waves[0], state, "up");
    expect(m.matrix.include).toEqual([{ stack: stacks[3] }]);
    expect(m.maxParallel).toBe(1);
    expect(m.failFast).toBe(false);
    expect(jobMatrix(waves[0], emptyState(), "up").maxParallel).toBe(2);
    expect(githubOutputLines(m)).toContain(`matrix={"include":[{"stack":"${stacks[3]}"}]}\n`);
  });

  it("summarises each tenant in a table and a self-contained page, escaping what tenants wrote", async () => {
    const stacks = ["acme-prod", "globex-prod"];
    const waves = planWaves(fleetOf(stacks, { size: 1, failedTenantStopsWave: false, maxFailures: 1 }, ["acme-prod"]));
    const state = emptyState();
    const failing: TenantRunner = { run: async () => ({ ok: false, stageReached: "validation", bytesSynced: 2 * 1024 ** 3, ociPercent: 0, error: "<script>alert(1)</script>" }) };
    const result = await rollout({ waves, operation: "up", runner: failing, state });
    const rows = summaryRows(waves, state, "up");
    expect(rows.map((r) => [r.stack, r.wave, r.result])).toEqual([["acme-prod", "canary", "failed"], ["globex-prod", "wave-1", "pending"]]);
    const table = formatSummaryTable(rows, { headers: ["$/month"], cells: (s) => [s === "acme-prod" ? "12.00" : "-"] });
    expect(table.split("\n")[2]).toMatch(/^acme-prod\s+canary\s+validation\s+failed\s+\S+\s+2\.0 GiB\s+0%\s+12\.00$/);
    const html = renderFleetHtml({ title: "fleet", operation: "up", generatedAt: "2026-12-06T10:00:00Z", rows, stoppedBy: result.stoppedBy });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toMatch(/<h2>canary <small>0\/1 succeeded<\/small><\/h2>/);
    expect(html).toContain("Rollout stopped: canary has 1 failed tenant");
    expect(html).not.toMatch(/<link|src=/);
  });
});
