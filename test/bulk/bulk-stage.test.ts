// The data sync stage with and without `tundra:dataSync.bulk`, under the plan's mocks, read from
// what the engine would receive (scripts/plan/registrations.ts): the bulk copy's resources exist
// only when bulk is set, and the DataSync waits for the bulk copy's execution and is told bulk is on.
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, planProgram, readStackConfig, tenantStackProgram, type Plan, type PlanDetails } from "../../scripts/plan/run";
import { registrationOf, waitsFor } from "../../scripts/plan/registrations";

const DATA_SYNC = "pulumi-nodejs:dynamic/datasync:DataSync";
const EXECUTION = "pulumi-nodejs:dynamic/bulk:DataSyncBulkExecution";
const BULK = {
  engine: "aws-datasync",
  awsAccountId: "111122223333",
  ociSecretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:tundra/acme-staging-oci-s3-AbCdEf",
  ociAccessKeyId: "0123456789abcdef0123456789abcdef01234567",
};

function stagingConfig(bulk?: object): Record<string, string> {
  const config = readStackConfig(path.join(PROJECT_ROOT, "Pulumi.staging.yaml"));
  const section = JSON.parse(config["tundra:dataSync"]);
  return { ...config, "tundra:dataSync": JSON.stringify(bulk ? { ...section, bulk } : section) };
}

/** The inputs the plan recorded for one resource. */
function inputsOf(plan: Plan & PlanDetails, name: string, type: string): Record<string, unknown> {
  const found = plan.resources.filter((r) => r.name === name && r.type === type);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0].inputs;
}

let without: Plan & PlanDetails;
let withBulk: Plan & PlanDetails;

beforeAll(async () => {
  without = await planProgram("staging", stagingConfig(), tenantStackProgram);
  withBulk = await planProgram("staging", stagingConfig(BULK), tenantStackProgram);
}, 120_000);

describe("the data sync stage and tundra:dataSync.bulk", () => {
  it("declares no bulk copy resource when bulk is not set, and the DataSync runs the ordinary sync", () => {
    expect([...without.registrations.values()].filter((r) => /bulk|datasync\/(task|s3Location)/i.test(r.type)).map((r) => r.type)).toEqual([]);
    expect(inputsOf(without, "acme-data-sync", DATA_SYNC)).toMatchObject({ bulk: false });
  });

  it("with bulk set, declares the bulk copy (component, roles, locations, task, execution) for the tenant's prefixes", () => {
    const types = [...withBulk.registrations.values()].filter((r) => r.name.startsWith("acme-bulk-copy")).map((r) => r.type).sort();
    expect(types).toEqual([
      "aws:datasync/s3Location:S3Location", "aws:datasync/task:Task", "aws:iam/role:Role", "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicy:RolePolicy",
      "oci:Identity/group:Group", "oci:Identity/policy:Policy", "oci:Identity/user:User", "oci:Identity/userGroupMembership:UserGroupMembership",
      EXECUTION, "pulumi-nodejs:dynamic/bulk:DataSyncOciLocation", "tundra:aws:DataSyncBulkCopy",
    ].sort());
    expect(inputsOf(withBulk, "acme-bulk-copy-execution", EXECUTION)).toMatchObject({ awsRegion: "us-east-1", generation: "2026-11-23" });
  });

  it("makes the DataSync depend directly on the bulk copy's execution, and tells it bulk is on", () => {
    const execution = registrationOf(withBulk.registrations.values(), "acme-bulk-copy-execution", EXECUTION);
    const dataSync = registrationOf(withBulk.registrations.values(), "acme-data-sync", DATA_SYNC);
    expect(dataSync.dependencies).toContain(execution.urn);
    expect(waitsFor(withBulk.registrations, dataSync.urn)).toContain(execution.urn);
    expect(inputsOf(withBulk, "acme-data-sync", DATA_SYNC)).toMatchObject({ bulk: true });
  });
});
