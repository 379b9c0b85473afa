// The offline plan diff (scripts/plan/diff.ts, `npm run plan -- --diff BASE`): what a change does
// to a stack, from the staging plan of the real program and edited copies of it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlannedResource } from "../../scripts/plan/run";
import { diffPlans, formatStackDiff, type ResourceChange } from "../../scripts/plan/diff";
import { digest } from "../../scripts/plan/mocks";
import { useTempDir } from "../support/temp-dir";
import { T, planJson, runPlanCli } from "../support/scripts";

let staging: Plan;
beforeAll(() => {
  staging = planJson("staging");
});

/** A deep copy of the staging plan, edited. */
function edited(edit: (resources: PlannedResource[]) => PlannedResource[] | void): Plan {
  const copy = structuredClone(staging);
  return { ...copy, resources: edit(copy.resources) ?? copy.resources };
}
const one = (resources: PlannedResource[], name: string) => resources.find((r) => r.name === name)!;
const summary = (changes: ResourceChange[]) => changes.map((c) => `${c.kind} ${c.name}`);

describe("diffPlans", () => {
  it("finds nothing between a plan and itself", () => {
    expect(diffPlans(staging, structuredClone(staging))).toEqual([]);
  });

  it("reports an added and a removed resource", () => {
    const head = edited((rs) => [
      ...rs.filter((r) => r.name !== "acme-network-node-out-dns"),
      { ...one(rs, "acme-network-lb-in-client-0"), name: "acme-network-lb-in-client-1", inputs: { ...one(rs, "acme-network-lb-in-client-0").inputs, source: "192.168.0.0/16" } },
    ]);
    expect(summary(diffPlans(staging, head))).toEqual(["added acme-network-lb-in-client-1", "removed acme-network-node-out-dns"]);
  });

  it("replaces an OCI resource when a ForceNew input changes, naming the input, and updates it otherwise", () => {
    const head = edited((rs) => {
      one(rs, "acme-cluster-lb").inputs.isPrivate = false;
      (one(rs, "acme-cluster-node-0").inputs.shapeConfig as Record<string, number>).ocpus = 24;
    });
    const changes = diffPlans(staging, head);
    expect(changes.map((c) => [c.kind, c.name, c.reason])).toEqual([
      ["replaced", "acme-cluster-lb", "isPrivate is ForceNew in the provider"],
      ["changed", "acme-cluster-node-0", undefined],
    ]);
    expect(changes[0].changes).toEqual([{ path: "isPrivate", before: true, after: false }]);
    expect(changes[1].changes).toEqual([{ path: "shapeConfig.ocpus", before: 16, after: 24 }]);
  });

  it("replaces an instance moved to another availability domain (nested ForceNew too: createVnicDetails.subnetId)", () => {
    const head = edited((rs) => {
      one(rs, "acme-cluster-node-0").inputs.availabilityDomain = "Uocm:CA-TORONTO-1-AD-2";
      (one(rs, "acme-cluster-node-1").inputs.createVnicDetails as Record<string, unknown>).subnetId = "ocid1.subnet.oc1..other";
    });
    expect(diffPlans(staging, head).map((c) => [c.kind, c.name, c.reason])).toEqual([
      ["replaced", "acme-cluster-node-0", "availabilityDomain is ForceNew in the provider"],
      ["replaced", "acme-cluster-node-1", "createVnicDetails.subnetId is ForceNew in the provider"],
    ]);
  });

  it("replaces the load balancer on new reserved IPs, unless its ipMode changes too (then the provider compares the addresses)", () => {
    const reserved = edited((rs) => {
      one(rs, "acme-cluster-lb").inputs.reservedIps = [{ id: "ocid1.publicip.oc1..a" }];
    });
    expect(diffPlans(staging, reserved).map((c) => [c.kind, c.reason])).toEqual([["replaced", "reservedIps is ForceNew in the provider"]]);
    const withMode = edited((rs) => {
      Object.assign(one(rs, "acme-cluster-lb").inputs, { reservedIps: [{ id: "ocid1.publicip.oc1..a" }], ipMode: "IPV6" });
    });
    expect(diffPlans(staging, withMode).map((c) => [c.kind, c.reason])).toEqual([["changed", "provider decides: reservedIps may replace it"]]);
  });

  it("says a dynamic resource's own provider decides whether its change replaces it", () => {
    const head = edited((rs) => {
      one(rs, "acme-cutover").inputs.bake = "30m";
    });
    expect(diffPlans(staging, head).map((c) => [c.kind, c.name, c.reason])).toEqual([["changed", "acme-cutover", "provider decides: its diff may replace it"]]);
  });

  it("compares JSON held in a string field by field (the validation spec), and replaces the command on a changed trigger", () => {
    const head = edited((rs) => {
      const run = one(rs, "acme-validation-run");
      const env = run.inputs.environment as Record<string, string>;
      const spec = JSON.parse(env.TUNDRA_VALIDATION_SPEC);
      spec.tenant = "acme2";
      env.TUNDRA_VALIDATION_SPEC = JSON.stringify(spec);
      run.inputs.triggers = [JSON.stringify(spec), ...(run.inputs.triggers as unknown[]).slice(1)];
    });
    const [change] = diffPlans(staging, head);
    expect(change).toMatchObject({ kind: "replaced", name: "acme-validation-run", reason: "triggers is ForceNew in the provider" });
    expect(change.changes).toEqual([
      { path: "environment.TUNDRA_VALIDATION_SPEC(json).tenant", before: "acme", after: "acme2" },
      { path: "triggers[0](json).tenant", before: "acme", after: "acme2" },
    ]);
  });

  it("replaces a resource whose parent changed (its URN changes)", () => {
    const head = edited((rs) => {
      one(rs, "hydration-agent-upload").parent = null;
    });
    const [change] = diffPlans(staging, head);
    expect(change.kind).toBe("replaced");
    expect(change.reason).toMatch(/^parent hydration-agent -> \(stack\) changes the URN/);
  });

  it("lists the changes in stage order, from the dependency edges, not by name", () => {
    // By name the cutover (acme-cutover) sorts before hydration and the network; by stage it is last.
    const head = edited((rs) => {
      one(rs, "acme-cutover").inputs.bake = "30m";
      one(rs, "hydration").inputs.prefix = "data2/";
      one(rs, "acme-validation-run").inputs.dir = "..";
      (one(rs, "acme-cluster-node-1").inputs.shapeConfig as Record<string, number>).ocpus = 24;
      one(rs, "acme-data-sync").inputs.generation = 2;
      one(rs, "acme-identity-nodes").inputs.description = "nodes";
      one(rs, "acme-data-bucket").inputs.autoTiering = "Disabled";
      one(rs, "acme-network-vcn").inputs.cidrBlocks = ["10.40.0.0/16", "10.41.0.0/16"];
    });
    const changes = diffPlans(staging, head);
    expect(changes.map((c) => `${c.stage}: ${c.name}`)).toEqual([
      "network: acme-network-vcn",
      "bucket: acme-data-bucket",
      "identity: acme-identity-nodes",
      "cluster: acme-cluster-node-1",
      "data sync: acme-data-sync",
      "hydration: hydration",
      "validation: acme-validation-run",
      "cutover: acme-cutover",
    ]);
  });

  it("places a removed resource by the base plan's edges", () => {
    const head = edited((rs) => rs.filter((r) => r.name !== "acme-cutover"));
    head.resources.find((r) => r.name === "acme-network-vcn")!.inputs.displayName = "renamed";
    expect(summary(diffPlans(staging, head))).toEqual(["changed acme-network-vcn", "removed acme-cutover"]);
  });
});

describe("formatStackDiff", () => {
  it("shows a changed large value (node user data) as one line with its old and new size and SHA-256, not the value", () => {
    const before = (one(staging.resources, "acme-cluster-node-0").inputs.metadata as Record<string, string>).user_data;
    const after = Buffer.from(`${Buffer.from(before, "base64").toString("utf8")}\n# agent 2\n`).toString("base64");
    const head = edited((rs) => {
      (one(rs, "acme-cluster-node-0").inputs.metadata as Record<string, string>).user_data = after;
    });
    const text = formatStackDiff("staging", diffPlans(staging, head));
    const lines = text.split("\n").filter((l) => l.includes("metadata.user_data"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`<${before.length} chars sha256:${digest(before, 12)} base64 of "#cloud-config`);
    expect(lines[0]).toContain(`-> <${after.length} chars sha256:${digest(after, 12)} base64 of "#cloud-config`);
    expect(text).not.toContain(before.slice(0, 300));
    // --full: whole values.
    expect(formatStackDiff("staging", diffPlans(staging, head), { full: true })).toContain(after);
  });

  it("shows a new agent bundle as one line with its old and new size and hashes (the object name follows the hash)", () => {
    const upload = one(staging.resources, "hydration-agent-upload");
    const oldHash = upload.inputs.sha256 as string;
    const newHash = "ab".repeat(32);
    const head = edited((rs) => {
      const u = one(rs, "hydration-agent-upload");
      Object.assign(u.inputs, { sha256: newHash, size: 1_500_000, objectName: (u.inputs.objectName as string).replace(oldHash, newHash) });
    });
    const text = formatStackDiff("staging", diffPlans(staging, head));
    expect(text).toContain(
      `  ~  [hydration] pulumi-nodejs:dynamic/hydration:AgentBundleUpload hydration-agent-upload  changed (provider decides: its diff may replace it)\n` +
        `       content: <${upload.inputs.size} bytes sha256:${oldHash.slice(0, 12)}> -> <1500000 bytes sha256:${newHash.slice(0, 12)}>\n`,
    );
    expect(text.split("\n").filter((l) => l.startsWith("       "))).toHaveLength(1);
  });

  it("counts each kind and marks each resource", () => {
    const head = edited((rs) => {
      one(rs, "acme-cluster-lb").inputs.isPrivate = false;
      one(rs, "acme-cutover").inputs.bake = "30m";
      return rs.filter((r) => r.name !== "acme-network-node-out-dns");
    });
    const text = formatStackDiff("staging", diffPlans(staging, head));
    expect(text.split("\n")[0]).toBe("stack staging: 0 added, 1 removed, 1 replaced, 1 changed");
    expect(text).toContain(`  -  [network] ${T.nsgRule} acme-network-node-out-dns  removed\n`);
    expect(text).toContain(`  +- [cluster] ${T.loadBalancer} acme-cluster-lb  replaced (isPrivate is ForceNew in the provider)\n       isPrivate: true -> false\n`);
    expect(text).toContain('  ~  [cutover] pulumi-nodejs:dynamic/cutover:Cutover acme-cutover  changed (provider decides: its diff may replace it)\n       bake: "10m" -> "30m"\n');
  });
});

describe("plan --diff", () => {
  const dir = useTempDir("tundra-plan-diff");

  it("against a saved plan: what the current tree changes in that stack", () => {
    // The saved base has a smaller LB and no second client rule: the tree's plan changes one, adds the other.
    const base = edited((rs) => {
      (one(rs, "acme-cluster-lb").inputs.shapeDetails as Record<string, number>).maximumBandwidthInMbps = 100;
      return rs.filter((r) => r.name !== "acme-network-node-out-dns");
    });
    const file = path.join(dir(), "base.json");
    fs.writeFileSync(file, JSON.stringify(base));
    const r = runPlanCli(["--diff", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("stack staging: 1 added, 0 removed, 0 replaced, 1 changed\n");
    expect(r.stdout).toMatch(/\+ {2}\[network\] .* acme-network-node-out-dns {2}added\n[\s\S]*~ {2}\[cluster\] .* acme-cluster-lb {2}changed\n {7}shapeDetails.maximumBandwidthInMbps: 100 -> 400\n/);
  });

  it("against a git ref: the stack planned in a copy of the ref's tree, which is removed afterwards", () => {
    const before = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("tundra-plan-base-"));
    const r = runPlanCli(["--diff", "HEAD", "--stack", "prod-aws"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^offline plan diff against HEAD /);
    expect(r.stdout).toMatch(/\nstack prod-aws: \d+ added, \d+ removed, \d+ replaced, \d+ changed\n/);
    expect(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("tundra-plan-base-"))).toEqual(before);
  }, 120_000);

  it("names a base that is neither a file nor a commit", () => {
    const r = runPlanCli(["--diff", "no-such-ref-or-file"]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("--diff no-such-ref-or-file: neither a saved plan file nor a git commit");
  });
});
