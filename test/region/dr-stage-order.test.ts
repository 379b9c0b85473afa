// With `tundra:dr`, the data sync writes the tenant bucket only once the bucket's replication
// policy exists: Oracle replicates only objects uploaded after the policy is created ("Object
// Storage Replication": "Objects uploaded to a source bucket before policy creation aren't
// replicated"). Read from what the engine would receive (the dependency URNs of each
// RegisterResource request of the staging stack with a DR region), like test/plan/stage-order.test.ts.
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, planProgram, readStackConfig, tenantStackProgram, type PlanDetails } from "../../scripts/plan/run";
import { registrationOf, waitsFor, type Registration } from "../../scripts/plan/registrations";

let registrations: PlanDetails["registrations"];
let dataSync: Registration;
let policy: Registration;

beforeAll(async () => {
  const config = readStackConfig(path.join(PROJECT_ROOT, "Pulumi.staging.yaml"));
  // staging runs in ca-toronto-1; its DR copy goes to ca-montreal-1.
  config["tundra:dr"] = JSON.stringify({ region: "ca-montreal-1" });
  ({ registrations } = await planProgram("staging", config, tenantStackProgram));
  dataSync = registrationOf(registrations.values(), "acme-data-sync", "pulumi-nodejs:dynamic/datasync:DataSync");
  policy = registrationOf(registrations.values(), "acme-dr-replication", "oci:ObjectStorage/replicationPolicy:ReplicationPolicy");
});

describe("staging with a DR region, as the engine would receive it", () => {
  it("creates the data sync only after the replication policy (a direct dependency)", () => {
    expect(dataSync.dependencies).toContain(policy.urn);
    expect(waitsFor(registrations, dataSync.urn)).toContain(policy.urn);
  });

  it("has no edge backwards: the replication policy does not wait for the data sync", () => {
    expect(waitsFor(registrations, policy.urn).has(dataSync.urn)).toBe(false);
  });
});
