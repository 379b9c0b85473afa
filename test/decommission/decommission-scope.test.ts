// The helper a team adds to its own legacy AWS Pulumi program: under the plan mocks, every
// resource declared after beginDecommissionScope() (top-level, a component's children, explicit
// providers) becomes a dependency of the guard, and declaring anything after the guard fails.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { beginDecommissionScope } from "../../components/decommission/guard-scope";
import { planProgram, type Plan, type PlanDetails } from "../../scripts/plan/run";

class LegacyService extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("legacy:app:Service", name, {}, opts);
    const queue = new aws.sqs.Queue(`${name}-queue`, {}, { parent: this });
    new aws.sqs.QueuePolicy(`${name}-queue-policy`, { queueUrl: queue.url, policy: "{}" }, { parent: this });
    this.registerOutputs({});
  }
}

const guardArgs = {
  tenant: "acme",
  route53: { zoneId: "Z0123456789ABCDEFGHIJ", recordName: "acme.analytics.example.com" },
  source: { bucket: "legacy-data", prefix: "acme/", region: "eu-west-1" },
  destination: { namespace: "ns", bucket: "tundra-acme-prod", region: "eu-frankfurt-1" },
  ociStack: { name: "acme-org/tundra-replatform/prod", ociFullSince: "", awsDecommissioned: false, source: { bucket: "legacy-data", prefix: "acme/", region: "eu-west-1" } },
};

let plan: Plan & PlanDetails;

beforeAll(async () => {
  plan = await planProgram("legacy-prod", {}, async () => {
    const scope = beginDecommissionScope();
    const eu = new aws.Provider("legacy-eu", { region: "eu-west-1" });
    const data = new aws.s3.Bucket("legacy-data", {}, { provider: eu });
    new aws.s3.BucketPolicy("legacy-data-policy", { bucket: data.id, policy: "{}" }, { provider: eu });
    new LegacyService("reports", { providers: { aws: eu } });
    const extra = new aws.sns.Topic("alerts", {});
    scope.guard("acme-decommission-guard", guardArgs, { dependsOn: [extra] });

    const refused = (declare: () => void) => {
      try {
        declare();
        return "";
      } catch (err) {
        return (err as Error).message;
      }
    };
    return {
      late: refused(() => new aws.s3.Bucket("declared-too-late", {})),
      second: refused(() => scope.guard("second-guard", guardArgs)),
    };
  });
});

describe("beginDecommissionScope + scope.guard in a legacy program", () => {
  it("gives the guard every resource of the stack as a dependency, a component's children included", () => {
    const others = plan.resources.map((r) => r.name).filter((n) => n !== "acme-decommission-guard").sort();
    expect(others).toEqual(["alerts", "legacy-data", "legacy-data-policy", "legacy-eu", "reports", "reports-queue", "reports-queue-policy"]);
    expect([...plan.dependsOn["acme-decommission-guard"]].sort()).toEqual(others);
  });

  it("fails a resource declared after the guard, naming it, and declares nothing for it", () => {
    expect(plan.outputs.late).toBe(
      'aws:s3/bucket:Bucket "declared-too-late" is declared after the DecommissionGuard "acme-decommission-guard", so `pulumi destroy` could delete it ' +
        "without the guard's consent. Declare every resource before calling scope.guard(...) (see docs/decommission.md).",
    );
    expect(plan.resources.map((r) => r.name)).not.toContain("declared-too-late");
  });

  it("allows one guard per stack", () => {
    expect(plan.outputs.second).toBe('a DecommissionGuard was already declared in this stack ("acme-decommission-guard")');
  });
});
