// The offline plan CLI on both sample stacks: the invariants the issue asks for, checked on
// what the real program declares under the mocks, plus the CLI contract (one JSON document,
// deterministic, non-zero exit with the report on bad config or a failed preflight).
import * as fs from "fs";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { Plan } from "../../scripts/plan/run";
import { AGENT_PLUGINS } from "../../components/oci/cluster";
import { useTempDir } from "../support/temp-dir";
import { digest } from "../../scripts/plan/mocks";
import { T, inputsContaining, ofType, planJson, runPlanCli } from "../support/scripts";

const ROOT = path.resolve(__dirname, "../..");
const plans: Record<string, Plan> = {};
const stackConfig = (stack: string) => (parseYaml(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> }).config;

beforeAll(() => {
  for (const stack of ["staging", "prod"]) plans[stack] = planJson(stack);
});

describe.each(["staging", "prod"])("invariants of the %s stack", (stack) => {
  const plan = () => plans[stack];
  const cfg = () => stackConfig(stack);

  it("declares the cluster the config asks for: Flex instances, each with a shape config", () => {
    const cluster = cfg()["tundra:cluster"];
    const instances = ofType(plan(), T.instance);
    expect(instances).toHaveLength(cluster.nodeCount);
    for (const i of instances) {
      expect(i.inputs.shape).toBe(cluster.shape);
      // seed mistake: a Flex shape launched without a shape config
      expect(i.inputs.shapeConfig).toEqual({ ocpus: cluster.ocpus, memoryInGbs: cluster.memoryInGbs });
    }
  });

  it("spreads nodes over ADs, or over fault domains in a 1-AD region (seed mistake: all in AD[0])", () => {
    const instances = ofType(plan(), T.instance);
    const ads = new Set(instances.map((i) => i.inputs.availabilityDomain));
    const placements = new Set(instances.map((i) => `${i.inputs.availabilityDomain}/${i.inputs.faultDomain}`));
    expect(placements.size).toBe(instances.length);
    if (ads.size === 1) {
      expect(new Set(instances.map((i) => i.inputs.faultDomain)).size).toBe(Math.min(instances.length, 3));
    } else {
      expect(ads.size).toBeGreaterThanOrEqual(2);
    }
  });

  it("gives nodes no public IP anywhere", () => {
    for (const i of ofType(plan(), T.instance)) {
      expect((i.inputs.createVnicDetails as Record<string, unknown>).assignPublicIp).toBe("false");
    }
    const nodeSubnet = ofType(plan(), T.subnet).find((s) => s.name.endsWith("-nodes"))!;
    expect(nodeSubnet.inputs.prohibitPublicIpOnVnic).toBe(true);
    expect(nodeSubnet.inputs.prohibitInternetIngress).toBe(true);
  });

  it("enables Run Command and Block Volume Management in the instance agent", () => {
    for (const i of ofType(plan(), T.instance)) {
      const agent = i.inputs.agentConfig as { pluginsConfigs: { name: string; desiredState: string }[]; isManagementDisabled: boolean };
      expect(agent.isManagementDisabled).toBe(false);
      for (const plugin of [AGENT_PLUGINS.runCommand, AGENT_PLUGINS.blockVolumeManagement]) {
        expect(agent.pluginsConfigs).toContainEqual({ name: plugin, desiredState: "ENABLED" });
      }
    }
  });

  it("gives every node one UHP data volume (30..120 VPUs/GB) in its own AD, attached over iSCSI", () => {
    const instances = ofType(plan(), T.instance);
    const volumes = ofType(plan(), T.volume);
    const attachments = ofType(plan(), T.attachment);
    expect(volumes).toHaveLength(instances.length);
    expect(attachments).toHaveLength(instances.length);
    for (const instance of instances) {
      const volume = volumes.find((v) => v.name === `${instance.name}-data`)!;
      expect(volume.inputs.availabilityDomain).toBe(instance.inputs.availabilityDomain);
      const vpus = Number(volume.inputs.vpusPerGb);
      expect(vpus).toBeGreaterThanOrEqual(30);
      expect(vpus).toBeLessThanOrEqual(120);
    }
    for (const a of attachments) {
      expect(a.inputs).toMatchObject({ attachmentType: "iscsi", isAgentAutoIscsiLoginEnabled: true, useChap: false });
    }
  });

  it("keeps the bucket private, auto-tiered, versioned, with object events", () => {
    const [bucket] = ofType(plan(), T.bucket);
    expect(bucket.inputs).toMatchObject({ accessType: "NoPublicAccess", autoTiering: "InfrequentAccess", versioning: "Enabled", objectEventsEnabled: true });
  });

  it("scopes every object and bucket grant to the tenant bucket", () => {
    const bucketName = ofType(plan(), T.bucket)[0].inputs.name as string;
    const statements = ofType(plan(), T.policy).flatMap((p) => p.inputs.statements as string[]);
    const objectGrants = statements.filter((s) => /\b(objects|buckets|object-family)\b/.test(s));
    expect(objectGrants.length).toBeGreaterThanOrEqual(2);
    for (const s of objectGrants) {
      const scoped = s.endsWith(`where target.bucket.name = '${bucketName}'`) || s.includes(`where all {target.bucket.name = '${bucketName}', `);
      expect(scoped, s).toBe(true);
    }
    // The only write grant: hydration receipts, create/overwrite, never delete.
    const writes = statements.filter((s) => /\bmanage objects\b/.test(s));
    expect(writes).toEqual([expect.stringMatching(/any \{request.permission = 'OBJECT_CREATE', request.permission = 'OBJECT_OVERWRITE'\}\}$/)]);
    expect(statements.some((s) => /\bmanage (all-resources|object-family)\b/.test(s))).toBe(false);
    expect(statements).toContainEqual(expect.stringMatching(/use instance-agent-command-execution-family .* where request.instance.id = target.instance.id$/));
  });

  it("grants Vault key use exactly when a key is configured", () => {
    const keyId = cfg()["tundra:bucket"]?.kmsKeyId as string | undefined;
    const statements = ofType(plan(), T.policy).flatMap((p) => p.inputs.statements as string[]);
    const keyGrants = statements.filter((s) => /use keys/.test(s));
    if (keyId) {
      expect(keyGrants).toHaveLength(2);
      for (const s of keyGrants) expect(s).toContain(`where target.key.id = '${keyId}'`);
      expect(ofType(plan(), T.bucket)[0].inputs.kmsKeyId).toBe(keyId);
    } else {
      expect(keyGrants).toEqual([]);
    }
  });

  it("matches the dynamic group on compartment and tenant tag", () => {
    const tenant = cfg()["tundra:tenant"];
    const [group] = ofType(plan(), T.dynamicGroup);
    expect(group.inputs.compartmentId).toBe(tenant.tenancyId);
    expect(group.inputs.matchingRule).toBe(`ALL {instance.compartment.id = '${tenant.compartmentId}', tag.tundra.tenant.value = '${tenant.id}'}`);
    for (const i of ofType(plan(), T.instance)) expect(i.inputs.definedTags).toEqual({ "tundra.tenant": tenant.id });
  });

  it("fronts the nodes with a flexible, private load balancer with a health checker and one backend per node", () => {
    const lbConfig = cfg()["tundra:loadBalancer"];
    const [lb] = ofType(plan(), T.loadBalancer);
    expect(lb.inputs).toMatchObject({
      shape: "flexible",
      isPrivate: true,
      shapeDetails: { minimumBandwidthInMbps: lbConfig.minBandwidthMbps, maximumBandwidthInMbps: lbConfig.maxBandwidthMbps },
    });
    const [backendSet] = ofType(plan(), T.backendSet);
    // TCP on the nodes' TLS port: the listener passes TLS through (test/foundation/cluster.test.ts).
    expect(backendSet.inputs.healthChecker).toMatchObject({ protocol: "TCP", port: 8080 });
    expect(ofType(plan(), T.backend)).toHaveLength(cfg()["tundra:cluster"].nodeCount);
  });

  it("uses the configured region through explicit providers, with no credentials in any input", () => {
    const tenant = cfg()["tundra:tenant"];
    const regions = ofType(plan(), T.provider).map((p) => p.inputs.region);
    expect(regions).toContain(tenant.region);
    expect(regions).toContain(tenant.homeRegion);
    const text = JSON.stringify(plan());
    expect(text).not.toMatch(/PRIVATE KEY|"privateKey|"fingerprint"|"password"/);
  });

  it("never plans the text \"undefined\" into an input (outputs of dynamic resources read as known after apply)", () => {
    expect(inputsContaining(plan(), "undefined")).toEqual([]);
  });

  it("parents every OCI resource under a tundra component", () => {
    const components = new Set(plan().resources.filter((r) => r.type.startsWith("tundra:")).map((r) => r.name));
    for (const r of plan().resources) {
      if (r.type.startsWith("oci:")) expect(components.has(r.parent ?? ""), `${r.type} ${r.name}`).toBe(true);
    }
  });
});

describe("values only `pulumi up` knows, in the staging plan", () => {
  it("shows the data generation hydration and validation wait for as known after apply, naming its source", () => {
    const generation = "(known after apply: acme-data-sync.manifestDigest)";
    const [hydration] = ofType(plans.staging, "pulumi-nodejs:dynamic/hydration:Hydration");
    expect(hydration.inputs.generation).toBe(generation);
    const [validation] = ofType(plans.staging, "command:local:Command");
    const spec = JSON.parse((validation.inputs.environment as Record<string, string>).TUNDRA_VALIDATION_SPEC);
    expect(spec.generation).toBe(generation);
  });
});

describe("plan CLI", () => {
  const dir = useTempDir("tundra-plan");

  it("--json prints exactly one JSON document, the same on every run", () => {
    const first = runPlanCli(["--stack", "prod", "--json"]);
    const second = runPlanCli(["--stack", "prod", "--json"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    const doc = JSON.parse(first.stdout);
    expect(Object.keys(doc)).toEqual(["stack", "resources", "mockValues", "policy"]);
    expect(doc.stack).toBe("prod");
    for (const r of doc.resources) expect(Object.keys(r)).toEqual(["type", "name", "parent", "dependsOn", "options", "inputs"]);
    expect(doc).toEqual(plans.prod);
    expect(doc.policy).toEqual({ violations: [] });
  });

  it("keeps the dependency edges in --json: dependsOn by name, and the parent", () => {
    const byName = (name: string) => plans.staging.resources.find((r) => r.name === name)!;
    expect(byName("acme-cutover").dependsOn).toEqual(["acme-cluster-lb", "acme-data-sync", "acme-validation-run", "hydration"]);
    expect(byName("hydration").dependsOn).toContain("acme-data-sync");
    expect(byName("acme-validation-run")).toMatchObject({ parent: "acme-validation", dependsOn: expect.arrayContaining(["acme-data-sync"]) });
  });

  describe("the human form of the staging plan", () => {
    let out = "";
    beforeAll(() => {
      const r = runPlanCli(["--stack", "staging"]);
      expect(r.code, r.stderr).toBe(0);
      out = r.stdout;
    });
    const lineOf = (name: string) => out.split("\n").findIndex((l) => new RegExp(`^  \\S+ ${name}( |$)`).test(l));

    it("prints the stack as the migration runs: network, bucket, identity, cluster, then data sync, hydration, validation, cutover", () => {
      expect(out).toMatch(/^stack staging: \d+ resources, in the order `pulumi up` creates them\n/);
      const stages = out.split("\n").filter((l) => /^\[.+\]$/.test(l));
      expect(stages).toEqual(["[setup]", "[network]", "[bucket]", "[identity]", "[cluster]", "[data sync]", "[hydration]", "[validation]", "[cutover]"]);
      const order = ["acme-network-vcn", "acme-data-bucket", "acme-identity-nodes-policy", "acme-cluster-node-0", "acme-data-sync", "hydration", "acme-validation-run", "acme-cutover"].map(lineOf);
      expect(order.every((line) => line > 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    });

    it("gives each resource its parent and dependencies", () => {
      const cutover = out.split("\n")[lineOf("acme-cutover") + 1];
      expect(cutover).toBe("      after acme-cluster-lb, acme-data-sync, acme-validation-run, hydration");
      expect(out.split("\n")[lineOf("acme-validation-run") + 1]).toBe("      in acme-validation; after acme-cluster-lb, acme-data-sync");
    });

    it("shows every policy statement in full, one per line", () => {
      const statements = ofType(plans.staging, T.policy)[0].inputs.statements as string[];
      statements.forEach((s, i) => expect(out).toContain(`\n      statements[${i}]: ${s}\n`));
    });

    it("shows each AWS IAM policy statement in full, one per line (acme-prod-awsside)", () => {
      const aws = runPlanCli(["--stack", "acme-prod-awsside"]);
      expect(aws.code, aws.stderr).toBe(0);
      const awsPlan = planJson("acme-prod-awsside");
      const document = JSON.parse(ofType(awsPlan, "aws:iam/policy:Policy")[0].inputs.policy as string) as { Statement: unknown[] };
      expect(document.Statement.length).toBeGreaterThan(0);
      document.Statement.forEach((st, i) => expect(aws.stdout).toContain(`\n      policy.Statement[${i}]: ${JSON.stringify(st)}\n`));
      expect(aws.stdout).not.toContain("policy=");
    });

    it("shows node user data as size, SHA-256 and the head of its decoded text; --full shows it whole", () => {
      const userData = (ofType(plans.staging, T.instance)[0].inputs.metadata as Record<string, string>).user_data;
      const hash = digest(userData, 12);
      expect(out).toContain(`      metadata: {"user_data":<${userData.length} chars sha256:${hash} base64 of "#cloud-config\\n`);
      expect(out).not.toContain(userData.slice(0, 200));
      const full = runPlanCli(["--stack", "staging", "--full"]);
      expect(full.stdout).toContain(`      metadata: {"user_data":"${userData}"}`);
    });

    it("marks values only the mocks made up: backend IPs, the Object Storage namespace, resource ids", () => {
      expect(out).toMatch(/acme-cluster-backend-0 {2}ipAddress="10\.255\.\d+\.\d+" \(mock\) port=8080/);
      expect(out).toMatch(/"namespace":"mockns[0-9a-f]{8}" \(mock\)/);
      expect(out).toMatch(/vcnId="mock-[0-9a-f]{24}" \(mock\)/);
      // Values from the config are not marked.
      expect(out).toMatch(/acme-network-nodes {2}cidrBlock="10\.40\.1\.0\/24" prohibitPublicIpOnVnic=true\n/);
      expect(plans.staging.mockValues).toEqual(expect.arrayContaining([expect.stringMatching(/^mockns/)]));
    });
  });


  it("exits non-zero with the validation report on an invalid config, printing no plan", () => {
    const config = stackConfig("prod");
    config["tundra:cluster"] = { ...config["tundra:cluster"], nodeCount: 2, dataVolume: { sizeInGbs: 1000, vpusPerGb: 20 } };
    config["tundra:tenant"] = { ...config["tundra:tenant"], region: "us-west-2" };
    const file = path.join(dir(), "Pulumi.bad.yaml");
    fs.writeFileSync(file, stringifyYaml({ config }));
    const r = runPlanCli(["--stack", "bad", "--json", "--config", file]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("tundra:cluster.nodeCount: must be at least 3 in prod (got 2)");
    expect(r.stderr).toContain("tundra:cluster.dataVolume.vpusPerGb");
    expect(r.stderr).toContain('tundra:tenant.region: "us-west-2" is an AWS region');
  });

  it("fails preflight with the numbers when the OCPU limit is too small", () => {
    const r = runPlanCli(["--stack", "prod", "--json"], { TUNDRA_PLAN_AVAILABLE_OCPUS: "10" });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Preflight failed, nothing was created");
    expect(r.stderr).toMatch(/VM.Standard.E5.Flex needs 16 more OCPUs in Uocm:US-ASHBURN-AD-1 .* limit standard-e5-core-count has 10 available/);
  });

  it("names a missing stack file", () => {
    const r = runPlanCli(["--stack", "no-such-stack"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no Pulumi.no-such-stack.yaml in .*; stacks here: .*prod.*staging/);
  });
});
