// scripts/new-tenant.ts: writes a stack file that the parser and the plan accept, validates
// before writing, and never overwrites.
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseTenantConfig, rawConfigFromPulumi } from "../../stacks/config";
import { readStackConfig } from "../../scripts/plan/run";
import { useTempDir } from "../support/temp-dir";
import { T, ofType, planJson, runScript } from "../support/scripts";

const newTenant = (args: string[]) => runScript("scripts/new-tenant.ts", args);

const REQUIRED = [
  "--tenant", "hooli", "--env", "prod", "--compartment", "ocid1.compartment.oc1..aaaahooli", "--tenancy", "ocid1.tenancy.oc1..aaaatenancy",
  "--region", "us-phoenix-1", "--home-region", "us-ashburn-1", "--image", "ocid1.image.oc1.phx.aaaaimage", "--allowed-cidr", "10.0.0.0/8",
];

describe("new-tenant", () => {
  const dir = useTempDir("tundra-new-tenant");

  it("writes Pulumi.<tenant>-<env>.yaml that validates and plans", () => {
    const r = newTenant([...REQUIRED, "--vcn-cidr", "10.90.0.0/16", "--operator-group", "ops", "--dir", dir()]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const file = path.join(dir(), "Pulumi.hooli-prod.yaml");
    const doc = parseYaml(fs.readFileSync(file, "utf8")).config;
    expect(doc["tundra:network"]).toMatchObject({ vcnCidr: "10.90.0.0/16", nodeSubnetCidr: "10.90.1.0/24", lbSubnetCidr: "10.90.2.0/24" });
    expect(doc["tundra:cluster"]).toMatchObject({ nodeCount: 3, dataVolume: { vpusPerGb: 60 } });
    expect(parseTenantConfig(rawConfigFromPulumi(readStackConfig(file))).ok).toBe(true);

    const plan = planJson("hooli-prod", ["--config", file]);
    expect(new Set(ofType(plan, T.instance).map((i) => i.inputs.availabilityDomain))).toEqual(new Set(["Uocm:PHX-AD-1", "Uocm:PHX-AD-2", "Uocm:PHX-AD-3"]));
  });

  it("refuses to overwrite an existing stack file", () => {
    const file = path.join(dir(), "Pulumi.hooli-prod.yaml");
    const before = fs.readFileSync(file, "utf8");
    const r = newTenant([...REQUIRED, "--nodes", "5", "--dir", dir()]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/already exists; not overwriting/);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  it("writes nothing for an invalid config and names every problem by key", () => {
    const args = REQUIRED.map((a) => (a === "us-phoenix-1" ? "us-east-1" : a));
    const r = newTenant([...args, "--tenant", "initrode", "--nodes", "2", "--vpus", "20", "--dir", dir()]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('tundra:tenant.region: "us-east-1" is an AWS region');
    expect(r.stderr).toContain("tundra:cluster.nodeCount: must be at least 3 in prod (got 2)");
    expect(r.stderr).toContain("tundra:cluster.dataVolume.vpusPerGb");
    expect(fs.existsSync(path.join(dir(), "Pulumi.initrode-prod.yaml"))).toBe(false);
  });

  it("names missing required flags", () => {
    const r = newTenant(["--tenant", "x", "--dir", dir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing --env, --compartment, --tenancy, --region, --home-region, --image, --allowed-cidr/);
  });
});
