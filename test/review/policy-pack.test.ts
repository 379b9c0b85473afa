// The pack as the Pulumi CLI runs it (`pulumi preview --policy-pack policy`): policy/ started by
// the Node language host's run-policy-pack script and driven over gRPC (test/support/
// policy-analyzer.ts). Proves the layout (PulumiPolicy.yaml, package.json version, TypeScript
// through the host's ts-node with TypeScript 6), the policy config the workflow passes, and that
// violations come back mandatory.
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPolicyAnalyzer, type AnalyzedResource, type PolicyAnalyzer } from "../support/policy-analyzer";
import { POLICY_RULES, TYPES } from "../../policy/rules";
import { runScript } from "../support/scripts";

const MANDATORY = 1;
const PACK_DIR = path.resolve(__dirname, "../..", "policy");
let analyzer: PolicyAnalyzer;

beforeAll(async () => {
  analyzer = await startPolicyAnalyzer(PACK_DIR);
});
afterAll(() => analyzer?.stop());

const bucket = (props: Record<string, unknown>, protect = true): AnalyzedResource => ({
  type: TYPES.bucket, name: "acme-data-bucket", protect,
  props: { accessType: "NoPublicAccess", versioning: "Enabled", autoTiering: "InfrequentAccess", freeformTags: { "tundra-role": "data" }, ...props },
});

describe("the tundra pack under the language host", () => {
  it("serves as pack tundra 0.1.0 (policy/package.json) with every rule mandatory", async () => {
    const info = await analyzer.info();
    expect(info.name).toBe("tundra");
    expect(info.version).toBe("0.1.0");
    expect(info.policies).toEqual(POLICY_RULES.map((r) => ({ name: r.name, enforcementLevel: MANDATORY })));
  });

  it("passes a compliant bucket and reports a public, unprotected one as mandatory violations", async () => {
    expect(await analyzer.analyze(bucket({}))).toEqual([]);
    const found = await analyzer.analyze(bucket({ accessType: "ObjectRead" }, false));
    expect(found.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["tenant-buckets-private-versioned-tiered", MANDATORY],
      ["tenant-data-protected", MANDATORY],
    ]);
    expect(found[0].message).toContain("accessType must be NoPublicAccess");
  });

  it("reads the stack context from the policy config scripts/policy-config.ts writes for Pulumi.prod.yaml", async () => {
    const r = runScript("scripts/policy-config.ts", ["--stack", "prod"]);
    expect(r.code, r.stderr).toBe(0);
    await analyzer.configure(JSON.parse(r.stdout));
    const found = await analyzer.analyze(bucket({}));
    expect(found).toEqual([expect.objectContaining({ policyName: "tenant-buckets-private-versioned-tiered", message: expect.stringContaining("ocid1.key.oc1.iad.aaaaaaaaexampleacmeprodkey (tundra:bucket.kmsKeyId)") })]);
    expect(await analyzer.analyze(bucket({ kmsKeyId: "ocid1.key.oc1.iad.aaaaaaaaexampleacmeprodkey" }))).toEqual([]);
  });

  it("checks the stack at the end: nodes in one fault domain", async () => {
    const node = (i: number): AnalyzedResource => ({
      type: TYPES.instance, name: `acme-cluster-node-${i}`,
      props: { shape: "VM.Standard.E5.Flex", shapeConfig: { ocpus: 16 }, availabilityDomain: "Uocm:CA-TORONTO-1-AD-1", faultDomain: "FAULT-DOMAIN-1", createVnicDetails: { assignPublicIp: "false" } },
    });
    const found = await analyzer.analyzeStack([node(0), node(1)]);
    expect(found).toEqual([expect.objectContaining({ policyName: "nodes-spread-over-ads-or-fault-domains", enforcementLevel: MANDATORY, message: expect.stringContaining("in one fault domain") })]);
  });
});
