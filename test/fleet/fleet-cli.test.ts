// `npm run fleet` end to end with an injected runner (the Automation API needs the Pulumi CLI):
// progress lines, the summary with cost, the state file and the resume, the HTML page, the CI
// matrix; and the shape of the real Automation API adapter.
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { main } from "../../scripts/fleet";
import { AutomationRunner, resultFromOutputs, stageOfUrn } from "../../scripts/fleet/automation-runner";
import type { TenantRunner } from "../../components/fleet/runner";
import { useTempDir } from "../support/temp-dir";

const root = path.resolve(__dirname, "../..");

function writeFleet(dir: string): string {
  const file = path.join(dir, "fleet.yaml");
  const staging = path.join(root, "Pulumi.staging.yaml");
  fs.writeFileSync(file, [
    `workDir: ${root}`,
    "tenants:",
    ...["acme-a", "acme-b", "acme-c", "acme-d"].map((s) => `  - { stack: ${s}, config: ${staging}, sourceBytes: ${2 * 1024 ** 4}, egressGBPerMonth: 3000 }`),
    "canary: [acme-a]",
    "waves: { size: 2, concurrency: 2 }",
  ].join("\n"));
  return file;
}

function runnerFailing(failing: Set<string>, ran: string[]): () => TenantRunner {
  return () => ({
    run: async (tenant, _op, onStage) => {
      ran.push(tenant.stack);
      onStage("dataSync");
      return failing.has(tenant.stack)
        ? { ok: false, stageReached: "validation", bytesSynced: null, ociPercent: 0, error: "validation: row-counts differ" }
        : { ok: true, stageReached: "cutover", bytesSynced: 1024 ** 4, ociPercent: 25 };
    },
  });
}

describe("npm run fleet", () => {
  const tmp = useTempDir("fleet-cli");

  it("rolls the waves, prints a line per tenant and a bar per wave, the summary with cost, writes the state and the page; a re-run resumes", async () => {
    const fleet = writeFleet(tmp());
    const html = path.join(tmp(), "fleet.html");
    let text = "";
    const ran: string[] = [];
    const code = await main(["up", "--fleet", fleet, "--html", html], { runner: runnerFailing(new Set(["acme-c"]), ran), stdout: (t) => (text += t) });
    expect(code).toBe(1);
    expect(ran).toEqual(["acme-a", "acme-b", "acme-c"]);
    expect(text).toContain("== canary: 1 to run of 1 [....................] 0/1");
    expect(text).toMatch(/canary \[#{20}\] 1\/1 {2}acme-a: succeeded at cutover in \S+, 1\.0 TiB synced, OCI 25%/);
    expect(text).toMatch(/acme-c: failed at validation .*\(validation: row-counts differ\)/);
    expect(text).toContain("== rollout stopped: wave-1 has 1 failed tenant (acme-c)");
    expect(text).toMatch(/acme-d\s+wave-2\s+-\s+pending/);
    // Cost: the finished tenants' receipts (1 TiB), the fleet file's 2 TiB for the others; 4 x 3000 GB of OCI egress is over the free 10 TB.
    expect(text).toMatch(/acme-a\s+canary\s+\$\d+\.\d\d\s+1\.0 TiB\s+receipt/);
    expect(text).toMatch(/acme-c\s+wave-1\s+\$\d+\.\d\d\s+2\.0 TiB\s+fleet file/);
    expect(text).toMatch(/WARNING: OCI egress 12000 GB\/month is over the free 10240 GB by 1760 GB/);
    const state = JSON.parse(fs.readFileSync(path.join(tmp(), "fleet.state.json"), "utf8"));
    expect(state.operations.up["acme-c"]).toMatchObject({ status: "failed", stageReached: "validation" });
    const page = fs.readFileSync(html, "utf8");
    expect(page).toContain("Rollout stopped: wave-1 has 1 failed tenant");
    expect(page).toMatch(/<td>acme-c<\/td><td>validation<\/td>/);

    const again: string[] = [];
    expect(await main(["up", "--fleet", fleet, "--retry-failed", "--json"], { runner: runnerFailing(new Set(), again), stdout: () => {} })).toBe(0);
    expect(again).toEqual(["acme-c", "acme-d"]);
  });

  it("prints a wave's job matrix without running anything", async () => {
    const fleet = writeFleet(tmp());
    fs.rmSync(path.join(tmp(), "fleet.state.json"), { force: true });
    let text = "";
    expect(await main(["matrix", "--fleet", fleet, "--wave", "wave-1"], { runner: () => { throw new Error("no run"); }, stdout: (t) => (text += t) })).toBe(0);
    expect(JSON.parse(text)).toEqual({ wave: "wave-1", matrix: { include: [{ stack: "acme-b" }, { stack: "acme-c" }] }, maxParallel: 2, failFast: true, maxFailures: 0 });
    await expect(main(["matrix", "--fleet", fleet, "--wave", "wave-9"], { stdout: () => {} })).rejects.toThrow(/no wave wave-9 \(waves: canary, wave-1, wave-2\)/);
  });

  it("runs as CI does: one job per tenant with its own state, merged, then the wave's gate", async () => {
    const fleet = writeFleet(tmp());
    const merged = path.join(tmp(), "merged.state.json");
    const jobStates: string[] = [];
    for (const stack of ["acme-b", "acme-c"]) {
      const jobState = path.join(tmp(), `${stack}.state.json`);
      jobStates.push(jobState);
      const ran: string[] = [];
      await main(["up", "--fleet", fleet, "--wave", "wave-1", "--stack", stack, "--state", jobState], { runner: runnerFailing(new Set(["acme-c"]), ran), stdout: () => {} });
      expect(ran).toEqual([stack]);
    }
    await expect(main(["up", "--fleet", fleet, "--stack", "acme-b"], { stdout: () => {} })).rejects.toThrow(/--stack needs --wave/);
    expect(await main(["merge", "--fleet", fleet, "--state", merged, ...jobStates], { stdout: () => {} })).toBe(0);
    let text = "";
    expect(await main(["summary", "--fleet", fleet, "--state", merged, "--wave", "wave-1"], { stdout: (t) => (text += t) })).toBe(1);
    expect(text).toContain("wave-1 has 1 failed tenant(s), more than its limit of 0: the next wave must not start");
    expect(text).toMatch(/acme-b\s+wave-1\s+cutover\s+succeeded/);
    // The next run of the wave's matrix leaves out the tenant that succeeded.
    let matrix = "";
    await main(["matrix", "--fleet", fleet, "--state", merged, "--wave", "wave-1"], { stdout: (t) => (matrix += t) });
    expect(JSON.parse(matrix).matrix.include).toEqual([{ stack: "acme-c" }]);
  });

  it("reads the repository's fleet.yaml and its stacks' configs: the canary first, prod's copy over the window", async () => {
    let text = "";
    expect(await main(["summary", "--fleet", path.join(root, "fleet.yaml"), "--state", path.join(tmp(), "none.json")], { stdout: (t) => (text += t) })).toBe(0);
    expect(text).toMatch(/staging\s+canary\s+-\s+pending/);
    expect(text).toMatch(/prod\s+wave-1\s+\$\d+\.\d\d\s+6\.0 TiB\s+fleet file/);
    expect(text).not.toMatch(/no monthly cost/);
    expect(text).toContain("WARNING: prod: the first full copy takes about 8.9 h on one runner, over its 6 h window: set tundra:dataSync.bulk");
  });

  it("refuses an invalid fleet file with every problem", async () => {
    const file = path.join(tmp(), "bad.yaml");
    fs.writeFileSync(file, "tenants: []\nwaves: { size: 0 }\n");
    await expect(main(["up", "--fleet", file], { stdout: () => {} })).rejects.toThrow(/Invalid fleet file \(2 problems\):\n {2}fleet.tenants: must list at least one tenant stack\n {2}fleet.waves.size: must be at least 1/);
  });
});

describe("Automation API adapter", () => {
  it("finds the stage of a resource from its URN and the receipts from the stack outputs", () => {
    const urn = (type: string, name: string) => `urn:pulumi:acme-prod::tundra-replatform::${type}::${name}`;
    expect(stageOfUrn(urn("tundra:oci:TundraCluster", "acme-cluster"))).toBe("foundation");
    expect(stageOfUrn(urn("pulumi-nodejs:dynamic:Resource", "acme-data-sync"))).toBe("dataSync");
    expect(stageOfUrn(urn("pulumi-nodejs:dynamic:Resource", "hydration"))).toBe("hydration");
    expect(stageOfUrn(urn("tundra:validation:PreCutoverValidation", "acme-validation"))).toBe("validation");
    expect(stageOfUrn(urn("pulumi-nodejs:dynamic:Resource", "acme-cutover"))).toBe("cutover");
    expect(stageOfUrn(urn("oci:Core/instance:Instance", "acme-node-0"))).toBeUndefined();
    expect(resultFromOutputs({ dataSync: { value: { totalBytes: 42 } }, cutover: { value: { ociPercent: 5 } } })).toEqual({ bytesSynced: 42, ociPercent: 5 });
    expect(resultFromOutputs({})).toEqual({ bytesSynced: null, ociPercent: null });
  });

  it("reports a stack it cannot run (here: no Pulumi CLI) as a failed tenant, not a crash", async () => {
    const runner = new AutomationRunner(root);
    const result = await runner.run({ stack: "no-such-stack" }, "preview", () => {});
    expect(result.ok).toBe(false);
    expect(result.stageReached).toBeNull();
    expect(result.error).toBeTruthy();
  }, 60_000);
});
