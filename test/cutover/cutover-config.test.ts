// The `tundra:cutover` config section and the stage's inputs for the Cutover resource.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parseTenantConfig, rawConfigFromPulumi, type RawConfig } from "../../stacks/config";
import { cutoverInputsOf, cutoverSchema } from "../../stacks/config/cutover";
import { readStackConfig, stackConfigPath } from "../../scripts/plan/run";
import { probeUrlOf } from "../../stacks/probe-url";
import { declarations, recordDeclaredResources } from "../support/declared-resources";
import { describeTransition, inputsSchema, planOf, type CutoverInputs } from "../../components/cutover/spec";
import { checkAgainst } from "../../components/dynamic/check";
import { UNKNOWN } from "../../components/dynamic/unknown";

/** What the Cutover resource's check says of these inputs, and the plan the engine would run. */
function validateInputs(inputs: Partial<CutoverInputs>) {
  const checked = checkAgainst(inputsSchema, inputs);
  return { failures: checked.failures, plan: planOf(checked.inputs) };
}

const section = {
  zoneId: "Z0123456789ABCDEFGHIJ",
  recordName: "tenant42.example.com",
  aws: { values: ["52.1.2.3"] },
  targetOciPercent: 100,
};

describe("tundra:cutover", () => {
  it("is optional, and fills the defaults: probe on, AWS target as configured, OCI address from the load balancer", () => {
    expect(cutoverSchema.safeParse(undefined).success).toBe(true);
    const parsed = cutoverSchema.parse(section)!;
    const inputs = cutoverInputsOf(parsed, "10.0.2.15", probeUrlOf("10.0.2.15", 443, "/"));
    expect(inputs).toEqual({
      zoneId: "Z0123456789ABCDEFGHIJ",
      recordName: "tenant42.example.com",
      recordType: "A",
      aws: { values: ["52.1.2.3"] },
      oci: { values: ["10.0.2.15"] },
      targetOciPercent: 100,
      gates: { probe: { url: "https://10.0.2.15:443/", hostHeader: "tenant42.example.com" } },
      awsDecommissioned: false,
    });
    const checked = validateInputs(inputs);
    expect(checked.failures).toEqual([]);
    expect(checked.plan).toMatchObject({ ttl: 60, steps: [1, 5, 25, 50, 100], bakeMs: 600_000, rollback: "last-good" });
    expect(checked.plan!.gates.probe).toMatchObject({ samples: 20, maxP95Ms: 1000, maxErrorRate: 0.01, timeoutMs: 5000 });
  });

  it("reports the resource's rules at config keys, before anything is declared", () => {
    const result = cutoverSchema.safeParse({ ...section, steps: [5, 1], targetOciPercent: 30, bake: "soon", aws: {} });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues.sort()).toEqual([
      "aws: needs exactly one of values (addresses or a host name) and alias (an AWS alias target)",
      "steps.1: steps must be strictly ascending: 1 follows 5",
      "targetOciPercent: 30 is not one of the steps [5,1]: add it to steps or pick a step (or 0 for all AWS)",
      'bake: must be a positive duration such as "10m", "90s" or "1h" (or a number of seconds), got "soon"',
    ].sort());
    const decommission = cutoverSchema.safeParse({ ...section, targetOciPercent: 50, steps: [50], awsDecommissioned: true });
    expect(decommission.error!.issues[0].message).toContain("needs targetOciPercent 100");
  });

  it("fills the OCI health check's address and builds probe URLs for http, https and IPv6", () => {
    const parsed = cutoverSchema.parse({ ...section, oci: { healthCheck: { type: "HTTPS", path: "/health" } } })!;
    expect(cutoverInputsOf(parsed, "129.213.45.67", "x").oci.healthCheck).toEqual({ type: "HTTPS", path: "/health", ipAddress: "129.213.45.67" });
    expect(probeUrlOf("10.0.0.5", 80, "health")).toBe("http://10.0.0.5:80/health");
    expect(probeUrlOf("fd00::5", 443, "/q")).toBe("https://[fd00::5]:443/q");
  });
});

describe("Route53 health checks need a public address", () => {
  it("refuses a health check of a private or non-routable address, named by property and config key, with the fix", () => {
    const hc = (ipAddress: string) => ({ type: "HTTPS" as const, ipAddress });
    const base = cutoverInputsOf(cutoverSchema.parse(section)!, "129.213.45.67", "https://129.213.45.67:443/");
    const failures = validateInputs({ ...base, aws: { values: ["52.1.2.3"], healthCheck: hc("10.1.2.3") }, oci: { values: ["100.64.0.7"], healthCheck: hc("100.64.0.7") } }).failures;
    expect(failures.map((f) => f.property)).toEqual(["aws.healthCheck.ipAddress", "oci.healthCheck.ipAddress"]);
    expect(failures[0].reason).toBe(
      "10.1.2.3 is in 10.0.0.0/8, private-use (RFC 1918): Route53 cannot health-check local, private or non-routable addresses " +
        "(API reference, HealthCheckConfig.IPAddress); use a public address, or drop the health check and gate on gates.probe",
    );
    expect(failures[1].reason).toContain("100.64.0.7 is in 100.64.0.0/10, shared address space");
    for (const ok of ["52.1.2.3", "129.213.45.67", "100.128.0.1", "172.32.0.1"]) {
      expect(validateInputs({ ...base, aws: { values: ["52.1.2.3"], healthCheck: hc(ok) } }).failures, ok).toEqual([]);
    }
    const parsed = cutoverSchema.safeParse({ ...section, aws: { values: ["52.1.2.3"], healthCheck: { ipAddress: "192.168.4.4" } } });
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toEqual(["aws.healthCheck.ipAddress"]);
  });

  it("refuses an OCI health check while the load balancer is private, at tundra:cutover.oci.healthCheck", () => {
    const staging = (): RawConfig => rawConfigFromPulumi(readStackConfig(stackConfigPath("staging")));
    const withCutover = (visibility: string): RawConfig => {
      const raw = staging();
      return {
        ...raw,
        loadBalancer: { ...(raw.loadBalancer as object), visibility },
        cutover: { ...section, oci: { healthCheck: { type: "HTTPS", path: "/health" } } },
      };
    };
    const refused = parseTenantConfig(withCutover("private"));
    expect(refused.ok).toBe(false);
    const issue = refused.ok ? undefined : refused.issues.find((i) => i.key === "tundra:cutover.oci.healthCheck");
    expect(issue?.message).toContain("Route53 cannot health-check a private address");
    expect(issue?.message).toContain("Set tundra:loadBalancer.visibility to public");
    expect(issue?.message).toContain("gates.probe");
    const accepted = parseTenantConfig(withCutover("public"));
    expect(accepted.ok ? [] : accepted.issues).toEqual([]);
  });

  it("refuses an OCI health check on a port or protocol the load balancer does not serve, naming the key and the fix", () => {
    const staging = (): RawConfig => rawConfigFromPulumi(readStackConfig(stackConfigPath("staging")));
    const withCheck = (healthCheck: Record<string, unknown>, listenerPort = 443): RawConfig => {
      const raw = staging();
      return {
        ...raw,
        loadBalancer: { ...(raw.loadBalancer as object), visibility: "public", listenerPort },
        cutover: { ...section, oci: { healthCheck } },
      };
    };
    const issuesOf = (raw: RawConfig) => {
      const parsed = parseTenantConfig(raw);
      return parsed.ok ? [] : parsed.issues;
    };
    expect(issuesOf(withCheck({ type: "HTTPS", path: "/health" }))).toEqual([]);
    expect(issuesOf(withCheck({ type: "TCP", port: 8443 }, 8443))).toEqual([]);
    const wrongPort = issuesOf(withCheck({ type: "HTTPS", path: "/health" }, 8443));
    expect(wrongPort).toEqual([{ key: "tundra:cutover.oci.healthCheck.port", message: expect.stringContaining("set oci.healthCheck.port to 8443") }]);
    const plain = issuesOf(withCheck({ type: "HTTP", port: 443, path: "/health" }));
    expect(plain).toEqual([{ key: "tundra:cutover.oci.healthCheck.type", message: expect.stringContaining("Use HTTPS (with path) or TCP") }]);
  });
});

describe("preview text", () => {
  it("reads as the change a reviewer approves", () => {
    const raw = { targetOciPercent: 100, steps: [1, 5, 25, 50, 100], bake: "10m" };
    expect(describeTransition(raw, { percent: 0, source: "live" })).toBe("oci 0% -> 100% via 1/5/25/50/100, bake 10m");
    expect(describeTransition(raw, { percent: 25, source: "live" })).toBe("oci 25% -> 100% via 50/100, bake 10m");
    expect(describeTransition({ ...raw, targetOciPercent: 0 }, { percent: 50, source: "live" })).toBe(
      "oci 50% -> 0% in one change (towards AWS, no gates)",
    );
    expect(describeTransition(raw, { percent: 100, source: "live" })).toBe("oci 100%, no traffic change");
    expect(describeTransition({ ...raw, targetOciPercent: UNKNOWN as unknown as number }, { percent: 0, source: "new" })).toBe(
      "oci 0% -> (target unknown until apply)",
    );
  });

  it("validates with unknowns: no failure and no plan until they are known", () => {
    const v = validateInputs({
      zoneId: "Z1",
      recordName: "t.example.com",
      recordType: "A",
      aws: { values: ["192.0.2.1"] },
      oci: { values: [UNKNOWN] },
      targetOciPercent: 100,
      gates: { probe: { url: UNKNOWN } },
    });
    expect(v.failures).toEqual([]);
    expect(v.plan).toBeUndefined();
  });
});

describe("cutover stage", () => {
  it("declares one Cutover whose OCI target and probe come from the load balancer's address", async () => {
    const declared = await recordDeclaredResources("t42-prod");
    const { cutOver } = await import("../../stacks/cutover-stage.js");
    const { Cutover } = await import("../../components/cutover/cutover.js");
    const config = {
      tenant: { id: "t42" },
      loadBalancer: { listenerPort: 443 },
      // A bake in seconds (a number) is a duration the resource accepts as written.
      cutover: cutoverSchema.parse({ ...section, bake: 600, oci: { healthCheck: { type: "HTTPS", path: "/health" } } }),
    };
    const foundation = { config, cluster: { loadBalancerAddress: pulumi.output("129.213.45.67") } } as unknown as Parameters<typeof cutOver>[0];
    expect(cutOver({ ...foundation, config: { ...config, cutover: undefined } } as unknown as typeof foundation, {})).toBeUndefined();

    const result = cutOver(foundation, {})!;
    await declarations(declared, 1);
    expect(result.resource).toBeInstanceOf(Cutover);
    expect(declared).toHaveLength(1);
    expect(declared[0].type).toBe("pulumi-nodejs:dynamic/cutover:Cutover");
    expect(declared[0].name).toBe("t42-cutover");
    expect(declared[0].inputs).toMatchObject({
      zoneId: "Z0123456789ABCDEFGHIJ",
      recordName: "tenant42.example.com",
      aws: { values: ["52.1.2.3"] },
      oci: { values: ["129.213.45.67"], healthCheck: { type: "HTTPS", path: "/health", ipAddress: "129.213.45.67" } },
      targetOciPercent: 100,
      gates: { probe: { url: "https://129.213.45.67:443/", hostHeader: "tenant42.example.com" } },
    });
    expect(declared[0].inputs.bake).toBe(600);
    expect(checkAgainst(inputsSchema, declared[0].inputs).failures).toEqual([]);
    expect(typeof declared[0].inputs.__provider).toBe("string");
    expect(Object.keys(result.outputs).sort()).toEqual(["awsDecommissioned", "awsWeight", "ociFullSince", "ociPercent", "ociWeight", "route53", "status", "transition"]);
    // The pair the AWS-side guard reads through its StackReference, SetIdentifiers defaulted as the Cutover defaults them.
    expect(result.outputs.route53).toEqual({ zoneId: "Z0123456789ABCDEFGHIJ", recordName: "tenant42.example.com", recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" });
  });
});
