// The tenant program refuses, before declaring anything, to resize a data volume that OCI shows
// with a replica (stacks/dr-preflight.ts; Oracle, "Block Volume Replication": "You can't resize a
// volume with replication enabled"). The real program under the plan mocks, in its own process
// (test/fixtures/dr-resize-plan.ts), like the failed validation of test/plan/stage-order.test.ts.
import { spawnSync } from "child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/plan/run";

describe("staging with replicated 500 GB data volumes, configured to 1000 GB", () => {
  it("fails with the key and the way out for each volume, and declares nothing but the providers", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/dr-resize-plan.ts"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.stdout, r.stderr).toMatch(/^\{"requested":/);
    const { requested, error } = JSON.parse(r.stdout) as { requested: string[]; error: string };
    expect(error).toContain("DR checks failed, nothing was created:");
    for (const index of [0, 1]) {
      expect(error).toContain(`tundra:cluster.dataVolume.sizeInGbs: 1000 GB would resize tundra-acme-staging-${index}-data (500 GB), which has a replica`);
    }
    expect(error).toContain("set tundra:dr.replicateVolumes: false with the old size");
    expect(requested.filter((r) => !r.startsWith("pulumi:providers:") && !r.startsWith("pulumi:pulumi:Stack"))).toEqual([]);
  });
});
