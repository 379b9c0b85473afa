// The AWS-side program reads what the OCI stack knows through its StackReference. The outputs fed
// to the reference are the ones the OCI tenant program itself exports (planned from
// Pulumi.staging.yaml, whose tundra:dataSync and tundra:cutover are set): the guard gets the
// Route53 pair, the destination and the synced source from them, nothing from its own config.
import * as path from "path";
import { beforeAll, expect, it } from "vitest";
import { planProgram, readStackConfig, tenantStackProgram, type Plan } from "../../scripts/plan/run";

const ROOT = path.resolve(__dirname, "../..");
const OCI_STACK = "acme-org/tundra-replatform/staging";
// The aws-side sample, paired with the staging OCI stack (its source is that stack's sync source).
const awsSide = readStackConfig(path.join(ROOT, "Pulumi.acme-prod-awsside.yaml"));
const section = JSON.parse(awsSide["tundra:awsSide"]);
const config = { ...awsSide, "tundra:awsSide": JSON.stringify({ ...section, env: "staging", ociStack: OCI_STACK, source: { bucket: "tundra-aws-data", prefix: "tenants/acme/" } }) };

let exported: Record<string, any>;
let plan: Plan;
let referenced: string | undefined;

beforeAll(async () => {
  exported = (await planProgram("staging", readStackConfig(path.join(ROOT, "Pulumi.staging.yaml")), tenantStackProgram)).outputs;
  // The Cutover computes ociFullSince during `pulumi up`; a real stack exports a date.
  const cutover = { ...exported.cutover, ociFullSince: "2026-11-10T08:00:00.000Z" };
  plan = await planProgram("acme-staging-awsside", config, tenantStackProgram, {
    outputs: {
      "pulumi:pulumi:StackReference": (args) => {
        referenced = args.inputs.name as string;
        return { outputs: { ...exported, cutover } };
      },
    },
  });
}, 120_000);

it("the OCI tenant program exports what the guard needs: dataSync.destination and .source, cutover.route53", () => {
  expect(exported.dataSync).toMatchObject({
    destination: { namespace: expect.stringMatching(/^mockns/), bucket: "tundra-acme-staging", prefix: "data/", region: "ca-toronto-1" },
    source: { bucket: "tundra-aws-data", prefix: "tenants/acme/", region: "us-east-1" },
  });
  expect(exported.cutover.route53).toEqual({ zoneId: "Z0123456789ABCDEFGHIJ", recordName: "acme.tundra.example.com", recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" });
});

it("passes the OCI stack's outputs to the guard: the Route53 pair, the destination, the synced source and the cutover's facts", () => {
  expect(referenced).toBe(OCI_STACK);
  const guard = plan.resources.find((r) => r.name === "acme-decommission-guard")!;
  expect(guard.inputs.route53).toEqual(exported.cutover.route53);
  expect(guard.inputs.destination).toEqual({ ...exported.dataSync.destination, endpoint: "" });
  expect(guard.inputs.source).toEqual({ bucket: "tundra-aws-data", prefix: "tenants/acme/", region: "us-east-1" });
  expect(guard.inputs.ociStack).toEqual({
    name: OCI_STACK,
    ociFullSince: "2026-11-10T08:00:00.000Z",
    awsDecommissioned: false,
    source: { bucket: "tundra-aws-data", prefix: "tenants/acme/", region: "us-east-1" },
    missing: [],
    invalid: [],
  });
});

it("reads the guard's facts as plain values when the engine marks the OCI stack's outputs secret (dataSync carries DataSync's secret drift)", async () => {
  const cutover = { ...exported.cutover, ociFullSince: "2026-11-10T08:00:00.000Z" };
  const secretPlan = await planProgram("acme-staging-awsside", config, tenantStackProgram, {
    outputs: {
      // As the engine answers: any output holding a secret is named in secretOutputNames.
      "pulumi:pulumi:StackReference": () => ({ outputs: { ...exported, cutover, dataSync: { ...exported.dataSync, drift: "3 objects differ" } }, secretOutputNames: ["dataSync", "cutover"] }),
    },
  });
  const guard = secretPlan.resources.find((r) => r.name === "acme-decommission-guard")!;
  // A reviewer of `pulumi preview --diff` sees which bucket and Route53 pair the guard checks.
  expect(guard.inputs.route53).toEqual(exported.cutover.route53);
  expect(guard.inputs.destination).toEqual({ ...exported.dataSync.destination, endpoint: "" });
  expect(guard.inputs.ociStack).toMatchObject({ ociFullSince: "2026-11-10T08:00:00.000Z", missing: [], invalid: [] });
  // Nothing else of the secret outputs reaches the guard.
  expect(JSON.stringify(guard.inputs)).not.toContain("3 objects differ");
}, 120_000);
