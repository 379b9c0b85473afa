// The CrossGuard pack (policy/) and the same rules over the offline plan. There is no official
// harness for policy packs: as pulumi-policy-aws does, the tests build the validation args by
// hand and call validateResource / validateStack directly. Each rule has a passing and a failing
// case; the real plans of Pulumi.staging.yaml and Pulumi.prod.yaml must pass every rule.
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyResource as CgResource, PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import { TUNDRA_POLICIES } from "../../policy/pack";
import { STRICT_CONTEXT, TYPES, checkPlanResources, type StackPolicyContext } from "../../policy/rules";
import { contextFromPolicyConfig, policyContextFromStackConfig, policyPackConfig } from "../../policy/context";
import { readStackConfig, type Plan } from "../../scripts/plan/run";
import * as fs from "fs";
import { stringify as stringifyYaml, parse as parseYaml } from "yaml";
import { planJson, runPlanCli } from "../support/scripts";
import { useTempDir } from "../support/temp-dir";

// The SDK's preview proxy (how CrossGuard hands props over during preview); @internal in its typings.
const { unknownCheckingProxy, unknownStringValue, UnknownValueError } = policyProxy as unknown as {
  unknownCheckingProxy<T>(props: T): T;
  unknownStringValue: string;
  UnknownValueError: new (...args: never[]) => Error;
};

const ROOT = path.resolve(__dirname, "../..");
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----";

const opts = (o: Partial<PolicyResourceOptions> = {}): PolicyResourceOptions => ({
  protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, ...o,
});

interface Res { type: string; name: string; props: Record<string, any>; protect?: boolean }

const policy = (name: string) => {
  const p = TUNDRA_POLICIES.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}`);
  return p;
};

/** Violations of one resource policy, with the policy config the pack would be given for `ctx`. */
function validateResource(name: string, r: Res, ctx: StackPolicyContext = STRICT_CONTEXT): string[] {
  const p = policy(name) as ResourceValidationPolicy;
  const config = policyPackConfig(ctx)[name] ?? {};
  const args = {
    type: r.type, name: r.name, urn: `urn:pulumi:test::tundra-replatform::${r.type}::${r.name}`, props: r.props, opts: opts({ protect: r.protect ?? false }),
    stackTags: new Map(), getConfig: <T>() => config as T, isType: () => false, asType: () => undefined, notApplicable: () => { throw new Error("notApplicable"); },
  } as unknown as ResourceValidationArgs;
  const found: string[] = [];
  const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource!];
  for (const v of validations) v(args, (message) => found.push(message));
  return found;
}

/** Violations of one stack policy over the resources, with the URN each names. */
function validateStack(name: string, resources: Res[], ctx: StackPolicyContext = STRICT_CONTEXT): { message: string; urn?: string }[] {
  const p = policy(name) as StackValidationPolicy;
  const config = policyPackConfig(ctx)[name] ?? {};
  const args = {
    resources: resources.map((r) => ({ type: r.type, name: r.name, urn: `urn:${r.name}`, props: r.props, opts: opts({ protect: r.protect ?? false }), dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined }) as unknown as CgResource),
    stackTags: new Map(), getConfig: <T>() => config as T, notApplicable: () => { throw new Error("notApplicable"); },
  } as unknown as StackValidationArgs;
  const found: { message: string; urn?: string }[] = [];
  p.validateStack(args, (message, urn) => found.push({ message, urn }));
  return found;
}

const node = (i: number, props: Record<string, any> = {}): Res => ({
  type: TYPES.instance, name: `acme-cluster-node-${i}`,
  props: { shape: "VM.Standard.E5.Flex", shapeConfig: { ocpus: 16, memoryInGbs: 128 }, availabilityDomain: "Uocm:CA-TORONTO-1-AD-1", faultDomain: `FAULT-DOMAIN-${i + 1}`, createVnicDetails: { assignPublicIp: "false" }, ...props },
});
const volume = (i: number, vpusPerGb: unknown = "30", protect = true): Res => ({ type: TYPES.volume, name: `acme-cluster-node-${i}-data`, props: { sizeInGbs: "500", vpusPerGb }, protect });
const bucket = (props: Record<string, any> = {}, protect = true): Res => ({
  type: TYPES.bucket, name: "acme-data-bucket", protect,
  props: { accessType: "NoPublicAccess", versioning: "Enabled", autoTiering: "InfrequentAccess", freeformTags: { "tundra-role": "data" }, ...props },
});

describe("the pack", () => {
  it("declares every rule as a mandatory policy", () => {
    expect(TUNDRA_POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["no-public-ip-on-nodes", "mandatory"],
      ["tenant-buckets-private-versioned-tiered", "mandatory"],
      ["data-volumes-uhp-on-multipath-shapes", "mandatory"],
      ["nodes-spread-over-ads-or-fault-domains", "mandatory"],
      ["no-key-material-in-inputs", "mandatory"],
      ["load-balancer-private", "mandatory"],
      ["tenant-data-protected", "mandatory"],
    ]);
  });
});

describe("no-public-ip-on-nodes", () => {
  it("passes a node whose VNIC says assignPublicIp false", () => {
    expect(validateResource("no-public-ip-on-nodes", node(0))).toEqual([]);
  });
  it("fails a node that asks for a public IP or leaves it to the subnet", () => {
    expect(validateResource("no-public-ip-on-nodes", node(0, { createVnicDetails: { assignPublicIp: "true" } }))).toEqual([expect.stringContaining("assignPublicIp must be false")]);
    expect(validateResource("no-public-ip-on-nodes", node(0, { createVnicDetails: {} }))).toEqual([expect.stringContaining("assignPublicIp must be false (got undefined)")]);
  });
  it("fails a public IP bound to a private IP", () => {
    expect(validateResource("no-public-ip-on-nodes", { type: TYPES.publicIp, name: "ip", props: { lifetime: "EPHEMERAL", privateIpId: "ocid1.privateip.oc1..x" } })).toHaveLength(1);
    expect(validateResource("no-public-ip-on-nodes", { type: TYPES.publicIp, name: "lb-ip", props: { lifetime: "RESERVED" } })).toEqual([]);
  });
});

describe("tenant-buckets-private-versioned-tiered", () => {
  const key = "ocid1.key.oc1.iad.aaaaaaaaexamplekey";
  it("passes a private, versioned, auto-tiered bucket, with the stack's key when it sets one", () => {
    expect(validateResource("tenant-buckets-private-versioned-tiered", bucket())).toEqual([]);
    expect(validateResource("tenant-buckets-private-versioned-tiered", bucket({ kmsKeyId: key }), { ...STRICT_CONTEXT, customerKeyId: key })).toEqual([]);
  });
  it("fails a public, unversioned, untiered bucket, naming each field", () => {
    const found = validateResource("tenant-buckets-private-versioned-tiered", bucket({ accessType: "ObjectRead", versioning: "Disabled", autoTiering: "Disabled" }));
    expect(found).toEqual([expect.stringContaining("accessType"), expect.stringContaining("versioning"), expect.stringContaining("autoTiering")]);
  });
  it("fails a bucket without the key the stack sets", () => {
    expect(validateResource("tenant-buckets-private-versioned-tiered", bucket(), { ...STRICT_CONTEXT, customerKeyId: key })).toEqual([expect.stringContaining(`kmsKeyId must be the stack's Vault key ${key} (tundra:bucket.kmsKeyId)`)]);
  });
  it("asks the DR bucket (a read-only replication destination) only to be private, with the DR key", () => {
    const dr = (props: Record<string, any>) => bucket({ versioning: undefined, autoTiering: undefined, freeformTags: { "tundra-role": "disaster-recovery" }, ...props });
    expect(validateResource("tenant-buckets-private-versioned-tiered", dr({ kmsKeyId: "k-dr" }), { ...STRICT_CONTEXT, customerKeyId: key, drCustomerKeyId: "k-dr" })).toEqual([]);
    expect(validateResource("tenant-buckets-private-versioned-tiered", dr({ accessType: "ObjectRead" }), { ...STRICT_CONTEXT, drCustomerKeyId: "k-dr" })).toHaveLength(2);
  });
  it("does not run during preview on a key that is not known yet: the SDK's proxy throws and skips it", () => {
    const p = policy("tenant-buckets-private-versioned-tiered") as ResourceValidationPolicy;
    const args = { type: TYPES.bucket, name: "b", urn: "u", props: unknownCheckingProxy({ ...bucket().props, kmsKeyId: unknownStringValue }), opts: opts(), getConfig: () => ({ customerKeyId: key }) } as unknown as ResourceValidationArgs;
    expect(() => (p.validateResource as (a: ResourceValidationArgs, r: () => void) => void)(args, () => {})).toThrow(UnknownValueError);
  });
});

describe("data-volumes-uhp-on-multipath-shapes", () => {
  it("passes UHP volumes on nodes with the multipath minimum of OCPUs (stacks/shapes.ts)", () => {
    expect(validateStack("data-volumes-uhp-on-multipath-shapes", [node(0), node(1), volume(0), volume(1)])).toEqual([]);
  });
  it("fails a Balanced or Higher Performance data volume", () => {
    expect(validateStack("data-volumes-uhp-on-multipath-shapes", [node(0), volume(0, "20")])).toEqual([{ urn: "urn:acme-cluster-node-0-data", message: expect.stringContaining("vpusPerGb must be at least 30") }]);
  });
  it("fails nodes below the multipath minimum with the config rule's message (uhpNeedsMultipath)", () => {
    const found = validateStack("data-volumes-uhp-on-multipath-shapes", [node(0, { shapeConfig: { ocpus: 8, memoryInGbs: 64 } }), volume(0, "60")]);
    expect(found).toEqual([{ urn: "urn:acme-cluster-node-0", message: expect.stringMatching(/VM.Standard.E5.Flex gets only with at least 16 OCPUs \(got 8\)/) }]);
  });
  it("fails a shape the table does not know", () => {
    expect(validateStack("data-volumes-uhp-on-multipath-shapes", [node(0, { shape: "VM.Standard2.4" }), volume(0)])).toEqual([{ urn: "urn:acme-cluster-node-0", message: expect.stringContaining("not in stacks/shapes.ts") }]);
  });
});

describe("nodes-spread-over-ads-or-fault-domains", () => {
  it("passes nodes in two fault domains of one AD, or in two ADs", () => {
    expect(validateStack("nodes-spread-over-ads-or-fault-domains", [node(0), node(1)])).toEqual([]);
    expect(validateStack("nodes-spread-over-ads-or-fault-domains", [node(0, { faultDomain: "FAULT-DOMAIN-1" }), node(1, { availabilityDomain: "Uocm:US-ASHBURN-AD-2", faultDomain: "FAULT-DOMAIN-1" })])).toEqual([]);
  });
  it("fails nodes all in one fault domain, and a single node", () => {
    expect(validateStack("nodes-spread-over-ads-or-fault-domains", [node(0, { faultDomain: "FAULT-DOMAIN-1" }), node(1, { faultDomain: "FAULT-DOMAIN-1" })])).toEqual([{ message: expect.stringContaining("all 2 node(s) are in one fault domain") }]);
    expect(validateStack("nodes-spread-over-ads-or-fault-domains", [node(0)])).toHaveLength(1);
  });
});

describe("no-key-material-in-inputs (stacks/config/credentials.ts)", () => {
  const resource = (props: Record<string, any>): Res => ({ type: "oci:Core/instance:Instance", name: "n", props });
  it("passes inputs without key material, and references to secrets kept elsewhere", () => {
    expect(validateResource("no-key-material-in-inputs", resource({ metadata: { user_data: "I2Nsb3VkLWNvbmZpZw==" }, secretId: "ocid1.vaultsecret.oc1..x" }))).toEqual([]);
  });
  it("fails a PEM private key, an AWS access key id and a credential-named input, naming the path", () => {
    expect(validateResource("no-key-material-in-inputs", resource({ metadata: { ssh: PEM } }))).toEqual([expect.stringMatching(/^metadata.ssh looks like a PEM private key: key material never goes into a resource input/)]);
    expect(validateResource("no-key-material-in-inputs", resource({ environment: ["AKIAIOSFODNN7EXAMPLE"] }))).toEqual([expect.stringContaining("environment.0 looks like an AWS access key id")]);
    expect(validateResource("no-key-material-in-inputs", resource({ dbPassword: "hunter2" }))).toEqual([expect.stringContaining("dbPassword its name says it holds a credential")]);
    expect(validateResource("no-key-material-in-inputs", resource({ URL: "https://deploy:s3cr3t@git.example.com/x" }))).toEqual([expect.stringContaining("looks like a URL with a user name or password")]);
  });
  it("does not print the key itself", () => {
    expect(validateResource("no-key-material-in-inputs", resource({ k: PEM })).join("\n")).not.toContain("MIIEow");
    expect(validateResource("no-key-material-in-inputs", resource({ URL: "https://deploy:s3cr3t@git.example.com/x" })).join("\n")).not.toContain("s3cr3t");
  });
  it("still finds key material during preview next to values that are not known yet", () => {
    const props = unknownCheckingProxy({ subnetId: unknownStringValue, metadata: { ssh: PEM } });
    expect(validateResource("no-key-material-in-inputs", resource(props))).toEqual([expect.stringContaining("metadata.ssh looks like a PEM private key")]);
  });
  it("skips a dynamic resource's serialized provider (code, not input data)", () => {
    expect(validateResource("no-key-material-in-inputs", resource({ __provider: `exports.handler = () => "${PEM}"` }))).toEqual([]);
  });
});

describe("load-balancer-private", () => {
  const lb = (isPrivate: unknown): Res => ({ type: TYPES.loadBalancer, name: "acme-cluster-lb", props: { shape: "flexible", isPrivate } });
  it("passes a private load balancer, and a public one where the stack allows it", () => {
    expect(validateResource("load-balancer-private", lb(true))).toEqual([]);
    expect(validateResource("load-balancer-private", lb(false), { ...STRICT_CONTEXT, allowPublicLoadBalancer: true })).toEqual([]);
  });
  it("fails a public or unspecified load balancer where the stack does not allow it", () => {
    expect(validateResource("load-balancer-private", lb(false))).toEqual([expect.stringContaining("tundra:loadBalancer.visibility: public")]);
    expect(validateResource("load-balancer-private", lb(undefined))).toHaveLength(1);
  });
});

describe("tenant-data-protected", () => {
  it("passes protected buckets and volumes (args.opts.protect)", () => {
    expect(validateResource("tenant-data-protected", bucket({}, true))).toEqual([]);
    expect(validateResource("tenant-data-protected", volume(0, "30", true))).toEqual([]);
  });
  it("fails unprotected tenant data", () => {
    expect(validateResource("tenant-data-protected", bucket({}, false))).toEqual([expect.stringContaining("protected from deletion")]);
    expect(validateResource("tenant-data-protected", volume(0, "30", false))).toHaveLength(1);
  });
  it("accepts retain in the pack only on the stack's word (CrossGuard does not send retainOnDelete); the plan checks the option itself", () => {
    const retained = { ...STRICT_CONTEXT, tenantDataRetained: true };
    expect(validateResource("tenant-data-protected", bucket({}, false), retained)).toEqual([]);
    const planned = (retainOnDelete?: true) => [{ type: TYPES.bucket, name: "b", inputs: bucket().props, options: retainOnDelete ? { retainOnDelete } : {} }];
    expect(checkPlanResources(planned(true), retained)).toEqual([]);
    expect(checkPlanResources(planned(), retained)).toEqual([{ rule: "tenant-data-protected", resource: "b", message: expect.stringContaining("protected from deletion") }]);
  });
});

describe("stack context", () => {
  it("comes from the stack config and survives the trip through the pack's policy config", () => {
    const ctx = policyContextFromStackConfig(readStackConfig(path.join(ROOT, "Pulumi.prod.yaml")));
    expect(ctx).toEqual({ customerKeyId: "ocid1.key.oc1.iad.aaaaaaaaexampleacmeprodkey", allowPublicLoadBalancer: false, tenantDataRetained: false });
    const config = policyPackConfig(ctx);
    const merged = Object.assign({}, ...Object.values(config));
    expect(contextFromPolicyConfig(merged)).toEqual(ctx);
  });
  it("reads public LB and retain from the config", () => {
    const all = readStackConfig(path.join(ROOT, "Pulumi.staging.yaml"));
    const lb = JSON.parse(all["tundra:loadBalancer"]);
    const ctx = policyContextFromStackConfig({ ...all, "tundra:loadBalancer": JSON.stringify({ ...lb, visibility: "public" }), "tundra:protection": JSON.stringify({ tenantData: "retain" }) });
    expect(ctx).toMatchObject({ allowPublicLoadBalancer: true, tenantDataRetained: true });
  });
});

describe.each(["staging", "prod"])("the real offline plan of Pulumi.%s.yaml", (stack) => {
  let plan: Plan;
  let ctx: StackPolicyContext;
  beforeAll(() => {
    plan = planJson(stack);
    ctx = policyContextFromStackConfig(readStackConfig(path.join(ROOT, `Pulumi.${stack}.yaml`)));
  });

  it("passes every rule (checkPlanResources)", () => {
    expect(plan.resources.length).toBeGreaterThan(20);
    expect(checkPlanResources(plan.resources, ctx)).toEqual([]);
  });

  it("passes every CrossGuard policy of the pack", () => {
    const res = plan.resources.map((r): Res => ({ type: r.type, name: r.name, props: r.inputs, protect: r.options.protect === true }));
    for (const p of TUNDRA_POLICIES) {
      const found = "validateStack" in p ? validateStack(p.name, res, ctx).map((f) => f.message) : res.flatMap((r) => validateResource(p.name, r, ctx));
      expect(found, p.name).toEqual([]);
    }
  });

  it("fails once a node asks for a public IP and the bucket loses its protection", () => {
    const broken = plan.resources.map((r) =>
      r.type === TYPES.instance && r.name.endsWith("-0") ? { ...r, inputs: { ...r.inputs, createVnicDetails: { ...(r.inputs.createVnicDetails as object), assignPublicIp: "true" } } }
        : r.type === TYPES.bucket ? { ...r, options: {} }
        : r);
    expect(checkPlanResources(broken, ctx).map((v) => `${v.rule} ${v.resource}`)).toEqual(["no-public-ip-on-nodes acme-cluster-node-0", "tenant-data-protected acme-data-bucket"]);
  });
});

describe("npm run plan prints the rules' verdict", () => {
  const tmp = useTempDir("policy-plan");

  it("after the tree: no violations for Pulumi.staging.yaml; inside the one document with --json", () => {
    const tree = runPlanCli(["--stack", "staging"]);
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).toMatch(/\npolicy \(policy\/rules.ts\): no violations\n$/);
    const json = runPlanCli(["--stack", "staging", "--json"]);
    const doc = JSON.parse(json.stdout);
    expect(doc.stack).toBe("staging");
    expect(doc.policy).toEqual({ violations: [] });
    expect(json.stderr).toBe("");
  });

  it("lists each violation of a stack that leaves its tenant data unprotected (tundra:protection.tenantData: none)", () => {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8")) as { config: Record<string, unknown> };
    doc.config["tundra:protection"] = { tenantData: "none" };
    const file = path.join(tmp(), "Pulumi.unprotected.yaml");
    fs.writeFileSync(file, stringifyYaml(doc));
    const r = runPlanCli(["--stack", "unprotected", "--config", file]);
    expect(r.code, r.stderr).toBe(0);
    const verdict = r.stdout.slice(r.stdout.indexOf("policy (policy/rules.ts)"));
    expect(verdict.trim().split("\n")).toEqual([
      "policy (policy/rules.ts): 3 violation(s)",
      expect.stringMatching(/^\[tenant-data-protected\] acme-cluster-node-0-data: tenant data must be protected/),
      expect.stringMatching(/^\[tenant-data-protected\] acme-cluster-node-1-data: /),
      expect.stringMatching(/^\[tenant-data-protected\] acme-data-bucket: /),
    ]);
    const json = JSON.parse(runPlanCli(["--stack", "unprotected", "--config", file, "--json"]).stdout);
    expect(json.policy.violations.map((v: { rule: string }) => v.rule)).toEqual(["tenant-data-protected", "tenant-data-protected", "tenant-data-protected"]);
  });
});
