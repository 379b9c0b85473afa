// The AWS-side program reads the OCI stack's facts through its StackReference: with the outputs
// the OCI tenant program exports (`cutover.ociFullSince`, `cutover.awsDecommissioned`, as
// stacks/cutover-stage.ts writes them), the guard gets them as inputs.
import * as path from "path";
import { beforeAll, expect, it } from "vitest";
import { planProgram, readStackConfig, tenantStackProgram, type Plan } from "../../scripts/plan/run";

const config = readStackConfig(path.resolve(__dirname, "../..", "Pulumi.acme-prod-awsside.yaml"));
const ociStackOutputs = {
  tenant: "acme",
  cutover: { transition: "oci 100%, no traffic change", ociPercent: 100, awsWeight: 0, ociWeight: 100, status: "complete", ociFullSince: "2026-11-10T08:00:00.000Z", awsDecommissioned: true },
};
let plan: Plan;
let referenced: string | undefined;

beforeAll(async () => {
  plan = await planProgram("acme-prod-awsside", config, tenantStackProgram, {
    outputs: {
      "pulumi:pulumi:StackReference": (args) => {
        referenced = args.inputs.name as string;
        return { outputs: ociStackOutputs };
      },
    },
  });
});

it("passes the OCI stack's cutover facts to the guard", () => {
  expect(referenced).toBe("acme-org/tundra-replatform/prod");
  const guard = plan.resources.find((r) => r.name === "acme-decommission-guard")!;
  expect(guard.inputs.ociStack).toEqual({ name: "acme-org/tundra-replatform/prod", ociFullSince: "2026-11-10T08:00:00.000Z", awsDecommissioned: true, note: "" });
});
