// The AWS-side stack (`tundra:role: aws-side`) under the plan mocks, from the sample stack file
// Pulumi.acme-prod-awsside.yaml: every other resource is a dependency of the guard (so `pulumi destroy`
// must delete the guard first), and the sync runner's policy is read-only and scoped to the
// tenant's prefix. Config errors name their keys.
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { planProgram, readStackConfig, tenantStackProgram, type Plan, type PlanDetails, type PlannedResource } from "../../scripts/plan/run";
import { registrationOf, waitsFor } from "../../scripts/plan/registrations";
import { parseAwsSideConfig } from "../../stacks/config/aws-side";
import { parseStackConfigWith, rawConfigFromPulumi } from "../../stacks/config";
import { roleSchema } from "../../stacks/config/role";
import type { PolicyDocument } from "../../components/aws/policies";
import { partitionOf, syncSourceReadPolicy } from "../../components/aws/policies";
import { inputsContaining, ofType, runPlanCli } from "../support/scripts";

const ROOT = path.resolve(__dirname, "../..");
const GUARD = "acme-decommission-guard";
const config = readStackConfig(path.join(ROOT, "Pulumi.acme-prod-awsside.yaml"));

let plan: Plan & PlanDetails;

function one(type: string): PlannedResource {
  const found = ofType(plan, type);
  expect(found, type).toHaveLength(1);
  return found[0];
}

beforeAll(async () => {
  plan = await planProgram("acme-prod-awsside", config, tenantStackProgram);
});

describe("the aws-side stack", () => {
  it("declares the sync runner's role and policy, the OCI stack reference and the guard, on an explicit AWS provider", () => {
    expect(plan.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "aws:iam/policy:Policy acme-sync-runner-policy",
      "aws:iam/role:Role acme-sync-runner-role",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment acme-sync-runner-attachment",
      `pulumi-nodejs:dynamic/decommission:DecommissionGuard ${GUARD}`,
      "pulumi:providers:aws aws",
      "pulumi:pulumi:StackReference acme-oci-stack",
      "tundra:aws:SyncRunnerAccess acme-sync-runner",
    ]);
    expect(one("pulumi:providers:aws").inputs.region).toBe("us-east-1");
    expect(one("pulumi:pulumi:StackReference").inputs.name).toBe("acme-org/tundra-replatform/prod");
  });

  it("makes every other resource of the stack a dependency of the guard, so destroy deletes the guard first", () => {
    const others = plan.resources.map((r) => r.name).filter((n) => n !== GUARD).sort();
    expect(others.length).toBe(6);
    expect([...plan.dependsOn[GUARD]].sort()).toEqual(others);
    // And nothing depends on the guard (it would then be deleted before it).
    for (const [name, deps] of Object.entries(plan.dependsOn)) if (name !== GUARD) expect(deps).not.toContain(GUARD);
  });

  it("sends the engine the guard's dependency on every other custom resource, the sync runner component's children included", () => {
    // What the engine orders `destroy` by: the URNs in the guard's RegisterResource request.
    // Components reach it as their custom children; the stack reference is read, not registered.
    const all = [...plan.registrations.values()];
    const guard = registrationOf(all, GUARD);
    const others = all.filter((r) => r.custom && r.urn !== guard.urn);
    expect(others.map((r) => r.name).sort()).toEqual(["acme-oci-stack", "acme-sync-runner-attachment", "acme-sync-runner-policy", "acme-sync-runner-role", "aws"]);
    expect([...guard.dependencies].sort()).toEqual(others.map((r) => r.urn).sort());
    const runner = registrationOf(all, "acme-sync-runner");
    for (const child of all.filter((r) => r.parent === runner.urn)) expect(guard.dependencies).toContain(child.urn);
    for (const r of all) if (r !== guard) expect(waitsFor(plan.registrations, r.urn).has(guard.urn), r.name).toBe(false);
  });

  it("passes the guard its facts: the source from config, the rest from the reference (offline, as on a first deploy, it exports nothing: each output named as missing)", () => {
    const guard = one("pulumi-nodejs:dynamic/decommission:DecommissionGuard").inputs;
    expect(guard).toEqual({
      tenant: "acme",
      minDaysOnOci: 7,
      source: { bucket: "tundra-analytics-prod", prefix: "tenants/acme/", region: "us-east-1" },
      route53: null,
      destination: null,
      ociStack: {
        name: "acme-org/tundra-replatform/prod",
        ociFullSince: "",
        awsDecommissioned: false,
        source: null,
        missing: ["dataSync.destination", "dataSync.source", "cutover.route53", "cutover.ociFullSince", "cutover.awsDecommissioned"],
        invalid: [],
      },
    });
  });

  it("scopes the sync runner's policy to the tenant's prefix, read-only: no s3:*, no Resource \"*\"", () => {
    const doc = JSON.parse(one("aws:iam/policy:Policy").inputs.policy as string) as PolicyDocument;
    const actions = doc.Statement.flatMap((s) => [s.Action].flat());
    const resources = doc.Statement.flatMap((s) => [s.Resource ?? []].flat());
    expect(actions.sort()).toEqual(["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"]);
    expect(actions.some((a) => a.includes("*"))).toBe(false);
    expect(resources).not.toContain("*");
    expect(doc.Statement.every((s) => s.Effect === "Allow")).toBe(true);
    const list = doc.Statement.find((s) => s.Action === "s3:ListBucket")!;
    expect(list.Resource).toBe("arn:aws:s3:::tundra-analytics-prod");
    expect(list.Condition).toEqual({ StringLike: { "s3:prefix": ["tenants/acme/", "tenants/acme/*"] } });
    const read = doc.Statement.find((s) => Array.isArray(s.Action) && s.Action.includes("s3:GetObject"))!;
    expect(read.Resource).toBe("arn:aws:s3:::tundra-analytics-prod/tenants/acme/*");
  });

  it("lets only the configured runners assume the role, for an hour", () => {
    const role = one("aws:iam/role:Role").inputs;
    expect(JSON.parse(role.assumeRolePolicy as string).Statement).toEqual([
      { Sid: "SyncRunnersAssume", Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: ["arn:aws:iam::123456789012:role/tundra-sync-ci"] } },
    ]);
    expect(role.maxSessionDuration).toBe(3600);
    expect(one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.role).toBe("tundra-acme-prod-sync-reader");
  });

  it("tags every AWS resource through the provider's default tags", () => {
    expect(one("pulumi:providers:aws").inputs.defaultTags).toBe(
      JSON.stringify({ tags: { "cost-center": "analytics", tenant: "acme", env: "prod", "managed-by": "tundra-replatform", "tundra-role": "aws-side" } }),
    );
  });

  it("plans no input with the text \"undefined\" (the guard's outputs read as known after apply)", () => {
    expect(inputsContaining(plan, "undefined")).toEqual([]);
    expect(plan.outputs.decommission).toMatchObject({ verdict: `(known after apply: ${GUARD}.verdict)` });
  });

  it("exports the guard's verdict and the role ARN", () => {
    expect(plan.outputs).toMatchObject({ role: "aws-side", tenant: "acme", syncRunnerRoleArn: "arn:aws:iam::123456789012:role/tundra-acme-prod-sync-reader" });
  });
});

describe("the read policy for other scopes", () => {
  it("grants decrypt through S3 only, with the key of the bucket, and picks the partition from the region", () => {
    const doc = syncSourceReadPolicy({ region: "us-gov-west-1", bucket: "b", prefix: "", kmsKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abc" });
    expect(doc.Statement.map((s) => s.Resource)).toEqual(["arn:aws-us-gov:s3:::b", "arn:aws-us-gov:s3:::b/*", "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abc"]);
    expect(doc.Statement[0].Condition).toBeUndefined(); // the whole bucket is the tenant's
    expect(doc.Statement[2].Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.us-gov-west-1.amazonaws.com" } });
    expect([partitionOf("cn-north-1"), partitionOf("eu-west-1")]).toEqual(["aws-cn", "aws"]);
  });
});

describe("aws-side config", () => {
  const awsSide = JSON.parse(config["tundra:awsSide"]);
  const parse = (extra: Record<string, unknown>) => parseStackConfigWith({ "tundra:role": "aws-side", ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])) }, parseAwsSideConfig);

  it("accepts the sample stack with defaults filled in", () => {
    const result = parseAwsSideConfig(rawConfigFromPulumi(config));
    expect(result.ok && result.config).toMatchObject({ minDaysOnOci: 7, syncRunner: { maxSessionHours: 1 } });
  });

  it("refuses route53 and destination, now read from the OCI stack's outputs: one message per key, naming the output", () => {
    const result = parse({
      "tundra:awsSide": {
        ...awsSide,
        route53: { zoneId: "Z0123456789ABCDEFGHIJ", recordName: "acme.analytics.example.com" },
        destination: { namespace: "exampletenancyns", bucket: "tundra-acme-prod", region: "us-ashburn-1" },
      },
    });
    expect(result.ok ? [] : result.issues).toEqual([
      {
        key: "tundra:awsSide.route53",
        message: "is no longer set here: the guard reads it from the OCI stack's cutover.route53 output (the stack named in tundra:awsSide.ociStack); remove it from this stack's config",
      },
      {
        key: "tundra:awsSide.destination",
        message: "is no longer set here: the guard reads it from the OCI stack's dataSync.destination output (the stack named in tundra:awsSide.ociStack); remove it from this stack's config",
      },
    ]);
  });

  it("refuses aws:region and aws:defaultTags, which its explicit AWS provider never reads, naming the tundra: key that wins", () => {
    const result = parse({ "tundra:awsSide": awsSide, "aws:region": "eu-west-1", "aws:defaultTags": { tags: { a: "b" } } });
    expect(result.ok ? [] : result.issues).toEqual([
      { key: "aws:region", message: "is not read: this stack's aws providers are explicit and take tundra:awsSide.region; set that and remove aws:region (pulumi config rm aws:region)" },
      { key: "aws:defaultTags", message: "is not read: this stack's aws providers are explicit and take tundra:awsSide.tags; set that and remove aws:defaultTags (pulumi config rm aws:defaultTags)" },
    ]);
    expect(parse({ "tundra:awsSide": awsSide, "aws:profile": "acme" }).ok).toBe(true);
  });

  it("names every bad key at once", () => {
    const result = parse({
      "tundra:awsSide": {
        ...awsSide,
        region: "us-east",
        source: { bucket: "Bad_Bucket", prefix: "/tenants/acme" },
        syncRunner: { trustedPrincipals: ["*"], maxSessionHours: 24 },
        minDaysOnOci: -1,
        extra: true,
      },
      "tundra:cluster": { nodeCount: 3 },
      "aws:secretKey": "x",
    });
    expect(result.ok).toBe(false);
    const keys = !result.ok ? result.issues.map((i) => i.key) : [];
    expect(keys.sort()).toEqual([
      "aws:secretKey",
      "tundra:awsSide.extra",
      "tundra:awsSide.minDaysOnOci",
      "tundra:awsSide.region",
      "tundra:awsSide.source.bucket",
      "tundra:awsSide.source.prefix",
      "tundra:awsSide.syncRunner.maxSessionHours",
      "tundra:awsSide.syncRunner.trustedPrincipals[0]",
      "tundra:cluster",
    ]);
    const byKey = Object.fromEntries(!result.ok ? result.issues.map((i) => [i.key, i.message]) : []);
    expect(byKey["tundra:awsSide.region"]).toBe('must be an AWS region such as us-east-1 (got "us-east")');
    expect(byKey["tundra:cluster"]).toMatch(/not used by an aws-side stack/);
    expect(byKey["tundra:awsSide.extra"]).toMatch(/docs\/decommission\.md/);
  });

  it("requires the section", () => {
    const result = parse({});
    expect(!result.ok && result.issues).toEqual([{ key: "tundra:awsSide", message: "is required in an aws-side stack: add a tundra:awsSide object (see docs/decommission.md)" }]);
  });

  it("knows the roles: the OCI tenant program by default", () => {
    expect(roleSchema.parse(undefined)).toBe("oci-tenant");
    expect(roleSchema.safeParse("aws").error?.issues[0].message).toBe('must be one of oci-tenant, aws-side (got "aws"); leave it out for the OCI tenant stack');
  });
});

describe("npm run plan -- --stack acme-prod-awsside", () => {
  it("prints the aws-side tree", () => {
    const r = runPlanCli(["--stack", "acme-prod-awsside"]);
    expect(r.stderr).not.toMatch(/plan failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("stack acme-prod-awsside: 7 resources");
    expect(r.stdout).toContain(`pulumi-nodejs:dynamic/decommission:DecommissionGuard ${GUARD}`);
    // Its inputs: the source from config, the rest from the OCI stack (none exported yet, offline).
    expect(r.stdout).toContain(' route53=null destination=null ociStack={"awsDecommissioned":false,"invalid":[],"missing":["dataSync.destination","dataSync.source","cutover.route53",');
  });
});
