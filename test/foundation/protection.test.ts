// Tenant data and the load balancer's address survive a plain `pulumi destroy` or a config edit
// unless the stack says otherwise: the lifecycle options the program registers (protect,
// retainOnDelete, deleteBeforeReplace), read from the offline plan of the prod stack and variants.
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { Plan, PlannedResource } from "../../scripts/plan/run";
import { useTempDir } from "../support/temp-dir";
import { T, ofType, planJson, runPlanCli } from "../support/scripts";

const ROOT = path.resolve(__dirname, "../..");
const PUBLIC_IP = "oci:Core/publicIp:PublicIp";
const prodConfig = () => (parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> }).config;
const named = (plan: Plan, name: string): PlannedResource => {
  const found = plan.resources.filter((r) => r.name === name && r.type.startsWith("oci:"));
  if (found.length !== 1) throw new Error(`expected one OCI resource ${name}, found ${found.length}`);
  return found[0];
};

describe("lifecycle options in the plan", () => {
  const dir = useTempDir("tundra-protection");
  const plans: Record<string, Plan> = {};
  const variant = (label: string, edit: (config: Record<string, any>) => void): Plan => {
    const config = prodConfig();
    edit(config);
    const file = path.join(dir(), `Pulumi.${label}.yaml`);
    fs.writeFileSync(file, stringifyYaml({ config }));
    return planJson(label, ["--config", file]);
  };

  beforeAll(() => {
    plans.prod = planJson("prod");
    // Public LB with a DR copy: the reserved address and the DR bucket.
    plans.publicDr = variant("public-dr", (c) => {
      c["tundra:loadBalancer"] = { ...c["tundra:loadBalancer"], visibility: "public" };
      c["tundra:dr"] = { region: "sa-bogota-1" };
    });
    // The operator's explicit choices: keep data in OCI on destroy, allow an LB replacement.
    plans.opened = variant("opened", (c) => {
      c["tundra:loadBalancer"] = { ...c["tundra:loadBalancer"], visibility: "public", allowReplacement: true };
      c["tundra:dr"] = { region: "sa-bogota-1" };
      c["tundra:protection"] = { tenantData: "retain" };
    });
  });

  const tenantData = (plan: Plan) => [...ofType(plan, T.bucket), ...ofType(plan, T.volume)];

  it("protects the tenant bucket, the DR bucket and every data volume by default", () => {
    for (const plan of [plans.prod, plans.publicDr]) {
      for (const r of tenantData(plan)) expect(r.options, `${r.type} ${r.name}`).toEqual({ protect: true });
    }
    expect(ofType(plans.prod, T.volume)).toHaveLength(3);
    expect(ofType(plans.publicDr, T.bucket).map((b) => b.name).sort()).toEqual(["acme-data-bucket", "acme-dr-dr-bucket"]);
  });

  it("leaves what is not tenant data deletable (nodes, attachments, network)", () => {
    for (const type of [T.instance, T.attachment, T.subnet, T.nsgRule]) {
      for (const r of ofType(plans.prod, type)) expect(r.options, `${r.type} ${r.name}`).toEqual({});
    }
  });

  it("tundra:protection.tenantData: retain keeps them in OCI on destroy instead", () => {
    const data = tenantData(plans.opened);
    expect(data).toHaveLength(5);
    for (const r of data) expect(r.options, `${r.type} ${r.name}`).toEqual({ retainOnDelete: true });
  });

  it("fronts a public LB with a reserved public IP, both protected: a config edit cannot move the address", () => {
    const [ip] = ofType(plans.publicDr, PUBLIC_IP);
    expect(ip.inputs).toMatchObject({ lifetime: "RESERVED" });
    expect(ip.options).toEqual({ protect: true });
    const lb = named(plans.publicDr, "acme-cluster-lb");
    expect(lb.inputs).toMatchObject({ isPrivate: false, reservedIps: [{ id: expect.stringMatching(/^mock-/) }] });
    // The reserved IP maps to one LB at a time: a replacement must delete the old LB first.
    expect(lb.options).toEqual({ protect: true, deleteBeforeReplace: true });
  });

  it("protects a private LB too, without a reserved IP (its address comes from its subnet)", () => {
    expect(ofType(plans.prod, PUBLIC_IP)).toEqual([]);
    const lb = named(plans.prod, "acme-cluster-lb");
    expect(lb.options).toEqual({ protect: true });
    expect(lb.inputs).not.toHaveProperty("reservedIps");
  });

  it("tundra:loadBalancer.allowReplacement lifts the LB's protection, and the address is still the reserved one", () => {
    expect(named(plans.opened, "acme-cluster-lb").options).toEqual({ deleteBeforeReplace: true });
    expect(ofType(plans.opened, PUBLIC_IP)[0].options).toEqual({});
  });

  it("shows the flags in the plan tree", () => {
    const r = runPlanCli(["--stack", "prod"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/oci:LoadBalancer\/loadBalancer:LoadBalancer acme-cluster-lb \[protect\]/);
    expect(r.stdout).toMatch(/oci:ObjectStorage\/bucket:Bucket acme-data-bucket \[protect\]/);
  });

  it("refuses an unknown protection mode, naming the key", () => {
    const config = prodConfig();
    config["tundra:protection"] = { tenantData: "maybe" };
    const file = path.join(dir(), "Pulumi.bad-protection.yaml");
    fs.writeFileSync(file, stringifyYaml({ config }));
    const r = runPlanCli(["--stack", "bad-protection", "--json", "--config", file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('tundra:protection.tenantData: must be one of protect, retain, none (got "maybe")');
  });
});
